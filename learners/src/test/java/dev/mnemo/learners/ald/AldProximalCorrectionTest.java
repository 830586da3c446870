package dev.mnemo.learners.ald;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Seeds;
import dev.mnemo.learners.agent.TrialSource;
import dev.mnemo.learners.rl2.TrialBatch;
import org.junit.jupiter.api.Test;

/**
 * ALD's learner clipped against itself ({@link AldLearner.Correction#proximal}) instead of the actor's logged
 * probabilities: on data the learner itself acted (its acting kernel's probabilities, equal to the training form's
 * to float rounding) the two objectives are the same PPO and must give the same Transformer; on the LSTM actor's
 * data, whose probabilities differ from the learner's, they must not. The per-step gradient is checked in
 * {@code ProximalCorrectionTest}.
 */
class AldProximalCorrectionTest {

  private static final int TRIALS = 8;

  @Test
  void onTheLearnersOwnDataBothCorrectionsAreOnePpo() {
    AldBuilder transformerActs = AldFixtures.builder(AldLearner.Mode.TRANSFORMER_ONLY, false, TRIALS, 8, 5, 7);
    TrialBatch own;
    try (AldLearner fresh = transformerActs.newAldLearner();
        TrialSource<TrialBatch> source = transformerActs.newSource(0, TRIALS, 31)) {
      own = source.collect(fresh.actingSnapshot()).batch();
    }
    float[] behaviour = transformerAfterOneUpdate(AldLearner.Correction.BEHAVIOUR, own);
    float[] proximal = transformerAfterOneUpdate(new AldLearner.Correction(true, 1.0), own);
    assertArrayEquals(behaviour, proximal, 1e-5f);
  }

  @Test
  void onTheActorsDataTheLearnerStepsDifferently() {
    AldBuilder ald = AldFixtures.builder(AldLearner.Mode.ALD, false, TRIALS, 8, 5, 7);
    TrialBatch actors;
    try (AldLearner fresh = ald.newAldLearner(); TrialSource<TrialBatch> source = ald.newSource(0, TRIALS, 31)) {
      actors = source.collect(fresh.actingSnapshot()).batch();
    }
    float[] behaviour = transformerAfterOneUpdate(AldLearner.Correction.BEHAVIOUR, actors);
    float[] proximal = transformerAfterOneUpdate(new AldLearner.Correction(true, 1.0), actors);
    double d = 0;
    for (int i = 0; i < behaviour.length; i++) {
      d = Math.max(d, Math.abs(behaviour[i] - proximal[i]));
    }
    assertTrue(d > 1e-4, "the actor's mu is not the learner's policy, so the objectives differ: " + d);
  }

  @Test
  void aNonPositiveTruncationIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new AldLearner.Correction(true, 0));
  }

  /** The Transformer's parameters after one ALD update on {@code batch} (same seeds, same initial networks). */
  private static float[] transformerAfterOneUpdate(AldLearner.Correction correction, TrialBatch batch) {
    AldBuilder b = AldFixtures.builder(AldLearner.Mode.ALD, false, TRIALS, 8, 5, 7);
    AldLearner.Config c = b.config();
    AldLearner.Config cfg = new AldLearner.Config(c.gamma(), c.gaeLambda(), c.ppo(), c.epochs(), c.minibatches(),
        c.learnerLr(), c.actorLr(), c.adamEps(), c.weightDecay(), c.maxGradNorm(), c.alpha(), c.beta(), 0,
        c.distillSteps(), false, 1, correction, c.seed(), AldLearner.Mode.ALD);
    try (AldLearner learner = new AldLearner(b.transformer(), b.transformer().initialParams(Seeds.combine(5, 1)),
        b.actor(), b.actor().initialParams(Seeds.combine(5, 2)), cfg, TRIALS, b.envSpec().maxEpisodeSteps())) {
      learner.update(batch);
      return learner.learnerParams();
    }
  }
}
