package dev.mnemo.learners.r2d2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A synchronous run killed after a checkpoint and restored from it continues bit-identically: the same metrics
 * rows (timings aside), updates, episodes and final parameters as the run that never stopped.
 */
class SynchronousTrainerResumeTest {

  /** What "killed" means here: the trainer is abandoned mid-run, right after it wrote its checkpoint. */
  private static final class Killed extends RuntimeException {
    Killed() {
      super("killed after the checkpoint");
    }
  }

  /** A row's figures without its timing columns (updates/s, env steps/s, seconds). */
  private static List<Object> figures(TrainMetrics m) {
    return List.of(m.envSteps(), m.updates(), m.episodes(), m.trainReturn(), m.evalReturn(), m.evalCi95(),
        m.loss(), m.meanAbsTd(), m.meanQ(), m.gradNorm());
  }

  private static R2d2Config config() {
    // The quick start's T-Maze 10 (stochastic cue, mid-episode sequences, actor-side priorities) to 12k steps:
    // learning is well under way, so a wrong restore of any part changes the parameters.
    return SynchronousTrainerTest.tmaze10(true, 12_000);
  }

  @Test
  void aRunRestoredFromACheckpointContinuesBitIdentically(@TempDir Path dir) throws Exception {
    List<List<Object>> whole = new ArrayList<>();
    SynchronousTrainer uninterrupted = new SynchronousTrainer(config());
    TrainResult a = uninterrupted.run(m -> whole.add(figures(m)), false);

    // 5,008 env steps: not an evaluation step, episodes and sequences under way in every env.
    long killAt = 5_000;
    List<List<Object>> resumedRows = new ArrayList<>();
    SynchronousTrainer first = new SynchronousTrainer(config());
    assertThrows(Killed.class, () -> first.run(m -> resumedRows.add(figures(m)), false, () -> false,
        (s, u, l) -> { }, steps -> {
          if (steps >= killAt) {
            first.saveCheckpoint(dir);
            throw new Killed();
          }
        }));
    SynchronousTrainer second = new SynchronousTrainer(config());
    second.restoreCheckpoint(dir);
    SynchronousTrainer.Totals at = second.totals();
    assertTrue(at.envSteps() >= killAt && at.envSteps() < killAt + config().numEnvs(), at.toString());
    assertTrue(at.updates() > 0, "the checkpoint should come after learning started: " + at);
    TrainResult b = second.run(m -> resumedRows.add(figures(m)), false);

    assertEquals(whole, resumedRows, "metrics rows of the killed-and-resumed run");
    assertEquals(a.updates(), b.updates());
    assertEquals(a.episodes(), b.episodes());
    assertEquals(a.envSteps(), b.envSteps());
    assertArrayEquals(uninterrupted.learner().snapshot().params(), second.learner().snapshot().params(),
        "final parameters");
    assertEquals(uninterrupted.replay().stats().inserts(), second.replay().stats().inserts());
    assertEquals(a.result().meanReturn(), b.result().meanReturn(), "the result's evaluation");
  }

  @Test
  void aCheckpointRestoresOnlyIntoATrainerOfTheSameShape(@TempDir Path dir) throws Exception {
    SynchronousTrainer t = new SynchronousTrainer(config().withRun("tmaze?length=10", 1, 200));
    t.run(m -> { }, false);
    t.saveCheckpoint(dir);
    SynchronousTrainer other = new SynchronousTrainer(config().withCore("gru", 32));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.restoreCheckpoint(dir));
    assertTrue(e.getMessage().contains(dir.resolve(SynchronousTrainer.LEARNER_FILE).toString()), e.getMessage());
    other.close();
  }
}
