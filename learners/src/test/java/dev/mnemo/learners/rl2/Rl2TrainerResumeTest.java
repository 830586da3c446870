package dev.mnemo.learners.rl2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.rl2.PpoLoss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RL²'s synchronous trainer killed after a checkpoint and restored from it continues bit-identically: the same
 * metrics rows (timings aside), final parameters, peak and final evaluations as the run that never stopped.
 */
class Rl2TrainerResumeTest {

  private static final class Killed extends RuntimeException {
    Killed() {
      super("killed after the checkpoint");
    }
  }

  private static Rl2Config config() {
    // Random MDPs (12-step trials), 16 trials per update, 10 updates; minibatch shuffling, PopArt and the
    // sampling stream all matter from one update to the next.
    PpoConfig ppo = new PpoConfig(3, 4, 0.99, 0.3, new PpoLoss(0.1, 0.5, 0.01, 1.0, 0), false, 1e-3, 1e-5, 0.01,
        0.5, 0, 0.1, 3);
    return new Rl2Config(Rl2Fixtures.MDP, 7, "ln_gru", 16, List.of(), List.of(), true, 16, ppo, "linear",
        16 * 12 * 10, 3, 16, 32, false, 1);
  }

  private static List<Object> figures(Rl2Metrics m) {
    PpoStats p = m.ppo();
    return List.of(m.envSteps(), m.trainReturn(), m.evalReturn(), m.evalCi95(), p.updates(), p.epochs(),
        p.policyLoss(), p.valueLoss(), p.entropy(), p.kl(), p.clipFraction(), p.gradNorm(), p.explainedVariance(),
        p.learningRate());
  }

  @Test
  void aTrainerRestoredFromACheckpointContinuesBitIdentically(@TempDir Path dir) throws Exception {
    List<List<Object>> whole = new ArrayList<>();
    Rl2Result a;
    float[] finalA;
    try (Rl2Trainer t = new Rl2Trainer(config())) {
      a = t.run(m -> whole.add(figures(m)), () -> false);
      finalA = t.learner().snapshot().params();
    }
    assertEquals(10, whole.size(), "ten updates");

    List<List<Object>> resumed = new ArrayList<>();
    try (Rl2Trainer first = new Rl2Trainer(config())) {
      // After update 4: past an evaluation (update 3) and a peak, before the next.
      assertThrows(Killed.class, () -> first.run(m -> resumed.add(figures(m)), () -> false, steps -> {
        if (first.learner().updates() == 4) {
          first.saveCheckpoint(dir);
          throw new Killed();
        }
      }));
    }
    Rl2Result b;
    try (Rl2Trainer second = new Rl2Trainer(config())) {
      second.restoreCheckpoint(dir);
      assertEquals(4, second.learner().updates());
      b = second.run(m -> resumed.add(figures(m)), () -> false);
      assertArrayEquals(finalA, second.learner().snapshot().params(), "final parameters");
    }
    assertEquals(whole, resumed, "metrics rows of the killed-and-resumed run");
    assertEquals(a.finalEval(), b.finalEval());
    assertEquals(a.peakEval(), b.peakEval());
    assertEquals(a.peakUpdate(), b.peakUpdate());
    assertTrue(a.peakUpdate() > 0, "the peak was chosen among evaluations: " + a.peakUpdate());
  }
}
