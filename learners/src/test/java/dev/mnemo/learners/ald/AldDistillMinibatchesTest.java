package dev.mnemo.learners.ald;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Seeds;
import dev.mnemo.learners.agent.TrialSource;
import dev.mnemo.learners.rl2.TrialBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code distillMinibatches}: each distillation step on one of the batch's fixed minibatches of consecutive episodes,
 * its loss the mean over that minibatch's valid steps. Checked through an identity that only the right minibatches
 * and weights satisfy: on a batch whose two halves are the same episodes, each half IS the whole batch's data (same
 * mean loss, same gradient), so two minibatches must train the actor as the whole batch does, step for step, while
 * the RL step (which never reads the setting) is bit-identical. On a batch whose halves differ the two settings part.
 */
class AldDistillMinibatchesTest {

  private static final int HALF = 4;

  @Test
  void twoMinibatchesOfADuplicatedBatchTrainTheActorAsTheWholeBatch() {
    TrialBatch a = collect(21);
    TrialBatch doubled = TrialBatch.merge(List.of(a, a), new TrialBatch(2 * HALF, a.time(), a.obsSize(),
        a.numActions()));
    float[][] whole = updateTwice(1, doubled);
    float[][] halves = updateTwice(2, doubled);
    assertArrayEquals(whole[1], halves[1], "the Transformer's RL step does not read distillMinibatches");
    assertClose(whole[0], halves[0], 2e-6f, "each half of a duplicated batch is the whole batch's data");
    float[] initial = AldFixtures.builder(AldLearner.Mode.ALD, false, 2 * HALF, 8, 5, 7).actor()
        .initialParams(Seeds.combine(5, 2));
    assertTrue(maxDiff(whole[0], initial) > 1e-3, "distillation moved the actor");
  }

  @Test
  void minibatchesOfDifferentEpisodesTrainTheActorDifferently() {
    TrialBatch a = collect(21);
    TrialBatch b = collect(22);
    TrialBatch mixed = TrialBatch.merge(List.of(a, b), new TrialBatch(2 * HALF, a.time(), a.obsSize(),
        a.numActions()));
    float[][] whole = updateTwice(1, mixed);
    float[][] halves = updateTwice(2, mixed);
    assertArrayEquals(whole[1], halves[1]);
    assertTrue(maxDiff(whole[0], halves[0]) > 1e-4, "halves of different episodes step differently: "
        + maxDiff(whole[0], halves[0]));
  }

  @Test
  void aBatchThatDoesNotSplitIsRefused() {
    AldBuilder b = AldFixtures.builder(AldLearner.Mode.ALD, false, 2 * HALF, 8, 5, 7);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AldLearner(b.transformer(), b.transformer().initialParams(1), b.actor(), b.actor().initialParams(2),
            withMinibatches(b.config(), 3), 2 * HALF, b.envSpec().maxEpisodeSteps()));
    assertTrue(e.getMessage().contains("3 distillation minibatches"), e.getMessage());
  }

  /** The actor's and the Transformer's parameters after two updates on {@code batch}. */
  private static float[][] updateTwice(int minibatches, TrialBatch batch) {
    try (AldLearner learner = learner(minibatches)) {
      learner.update(batch);
      learner.update(batch);
      assertEquals(2, learner.updates());
      return new float[][] {learner.actingSnapshot().params(), learner.learnerParams()};
    }
  }

  private static AldLearner learner(int distillMinibatches) {
    AldBuilder b = AldFixtures.builder(AldLearner.Mode.ALD, false, 2 * HALF, 8, 5, 7);
    return new AldLearner(b.transformer(), b.transformer().initialParams(Seeds.combine(5, 1)), b.actor(),
        b.actor().initialParams(Seeds.combine(5, 2)), withMinibatches(b.config(), distillMinibatches), 2 * HALF,
        b.envSpec().maxEpisodeSteps());
  }

  private static AldLearner.Config withMinibatches(AldLearner.Config c, int distillMinibatches) {
    return new AldLearner.Config(c.gamma(), c.gaeLambda(), c.ppo(), c.epochs(), c.minibatches(), c.learnerLr(),
        c.actorLr(), c.adamEps(), c.weightDecay(), c.maxGradNorm(), c.alpha(), c.beta(), c.lambda(),
        c.distillSteps(), c.distillThread(), distillMinibatches, c.seed(), c.mode());
  }

  /** {@code HALF} episodes of the short I-Maze, acted by the fixture's untrained LSTM. */
  private static TrialBatch collect(long seed) {
    AldBuilder b = AldFixtures.builder(AldLearner.Mode.ALD, false, HALF, 8, 5, 7);
    try (AldLearner fresh = b.newAldLearner();
        TrialSource<TrialBatch> source = b.newSource(0, HALF, seed)) {
      TrialBatch batch = source.collect(fresh.actingSnapshot()).batch();
      boolean lengthsDiffer = false;
      for (int i = 1; i < HALF; i++) {
        lengthsDiffer |= batch.length(i) != batch.length(0);
      }
      assertTrue(lengthsDiffer, "episodes of different lengths, so a wrong per-step weight would show");
      return batch;
    }
  }

  private static void assertClose(float[] want, float[] got, float tol, String what) {
    double d = maxDiff(want, got);
    assertTrue(d <= tol, what + ": largest difference " + d);
  }

  private static double maxDiff(float[] x, float[] y) {
    double d = 0;
    for (int i = 0; i < x.length; i++) {
      d = Math.max(d, Math.abs(x[i] - y[i]));
    }
    return d;
  }
}
