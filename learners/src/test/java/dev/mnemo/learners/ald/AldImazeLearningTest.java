package dev.mnemo.learners.ald;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.agents.transformer.GtrxlGate;
import dev.mnemo.agents.transformer.GtrxlTrunk;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ALD for real on a short I-Maze (corridor 3, arms 1: the cue is seen at step 0 only, the decision at step 4):
 * the LSTM actor, trained by nothing but distillation from a GTrXL learner trained by PPO on the actor's episodes,
 * follows the cue. A policy without memory earns 0 in expectation (+1 or -1 at random); following the cue, +1.
 */
class AldImazeLearningTest {

  static final String ENV = "imaze?length=3&arm=1";

  @Test
  void theDistilledLstmActorFollowsTheCue() {
    followsTheCue(false);
  }

  /** The same with distillation on its own thread, overlapped with the next RL step (the actor one step staler). */
  @Test
  void withDistillationOnItsOwnThreadTooAndDeterministically() {
    followsTheCue(true);
    float[] a = fewUpdates(true);
    float[] b = fewUpdates(true);
    org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, "two pipelined runs from one seed");
    assertTrue(!java.util.Arrays.equals(a, fewUpdates(false)), "the pipelined actor lags the in-turn one");
  }

  /**
   * Episodes longer than the Transformer's segment: 16-step episodes read as two segments of 8, the second attending
   * over the first's 8 rows of memory (no gradient across segments): the segmented forward, backward and memory
   * hand-over inside the learner. The shortest path decides at step 4, inside the first segment; later decisions
   * (after bumps) see the cue through the memory. (With segments of 2 and a memory of 4, where the cue reaches every
   * decision through the memory only, it learned far more slowly: experiments/ald/NOTES.md.)
   */
  @Test
  void episodesReadSegmentBySegmentThroughTheMemoryToo() {
    Setup s = new Setup(false, 64);
    s.segment = 8;
    s.memory = 8;
    try (AldLearner learner = s.learner()) {
      AldTrainer trainer = new AldTrainer(learner, i -> EnvRegistry.make(ENV), s.spec, 64, 200, 5, 3);
      List<AldTrainer.Metrics> log = new ArrayList<>();
      Evaluation e = trainer.run(400_000, 0.9, log::add);
      AldTrainer.Metrics last = log.get(log.size() - 1);
      System.out.println("ALD on " + ENV + " (segments of 8, memory 8): actor " + e.meanReturn() + " after "
          + last.envSteps() + " env steps");
      assertTrue(e.meanReturn() >= 0.9, "segmented: " + e.meanReturn() + " after " + last.envSteps() + " env steps");
    }
  }

  private static float[] fewUpdates(boolean thread) {
    Setup s = new Setup(thread, 16);
    try (AldLearner learner = s.learner()) {
      AldTrainer trainer = new AldTrainer(learner, i -> EnvRegistry.make(ENV), s.spec, 16, 10, 100, 3);
      trainer.run(16 * 5 * 4, 1e9, m -> { });
      return learner.actingSnapshot().params();
    }
  }

  private static void followsTheCue(boolean thread) {
    Setup s = new Setup(thread, 64);
    try (AldLearner learner = s.learner()) {
      AldTrainer trainer = new AldTrainer(learner, i -> EnvRegistry.make(ENV), s.spec, 64, 200, 5, 3);
      List<AldTrainer.Metrics> log = new ArrayList<>();
      Evaluation e = trainer.run(400_000, 0.9, log::add);
      AldTrainer.Metrics last = log.get(log.size() - 1);
      System.out.println("ALD on " + ENV + " (distillation thread " + thread + "): actor " + e.meanReturn() + " +- "
          + e.ci95() + " after " + last.envSteps() + " env steps, " + last.stats());
      assertTrue(e.meanReturn() >= 0.9, "the distilled actor should follow the cue: " + e.meanReturn() + " after "
          + last.envSteps() + " env steps; last stats " + last.stats() + "; returns " + log.stream()
          .map(m -> String.format("%.2f", m.trainReturn())).toList());
    }
  }

  /** The test's networks and settings. */
  private static final class Setup {
    final EnvSpec spec;
    final boolean thread;
    final int trials;
    int segment;
    int memory;

    Setup(boolean thread, int trials) {
      spec = EnvRegistry.spec(ENV);
      this.thread = thread;
      this.trials = trials;
      this.segment = spec.maxEpisodeSteps();
    }

    AldLearner learner() {
      int time = spec.maxEpisodeSteps();
      GtrxlTrunk trunk = new GtrxlTrunk(spec.obsSize(), 32, 1, 2, memory, segment, 64, GtrxlGate.DEFAULT_GATE_BIAS,
          BatchOps.best());
      TransformerActorCritic transformer = new TransformerActorCritic(trunk, List.of(), spec.numActions(),
          BatchOps.best());
      ActorCriticSpec actor = new ActorCriticSpec(spec.obsSize(), spec.numActions(), List.of(), "lstm", 32,
          List.of(), true);
      AldLearner.Config cfg = new AldLearner.Config(0.99, 0.95, new PpoLoss(0.2, 0.5, 0.01, 0, 0), 4, 4, 1e-3,
          3e-3, 1e-5, 0.0, 1.0, 1.0, 0.5, 0.0, 4, thread, 7);
      return new AldLearner(transformer, transformer.initialParams(1), actor, actor.initialParams(2), cfg, trials,
          time);
    }
  }

}
