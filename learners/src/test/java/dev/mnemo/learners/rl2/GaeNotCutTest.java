package dev.mnemo.learners.rl2;

import static dev.mnemo.learners.rl2.Rl2Fixtures.MDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.agents.rl2.ActorCriticSpec;
import org.junit.jupiter.api.Test;

/**
 * The advantages {@link PpoLearner} trains on run over the whole trial: on MDP trials of three inner episodes
 * they equal GAE computed in this test over each whole trial (bootstrap 0 only at the trial's end) from the
 * learner's values, and differ from GAE cut at the inner episode ends. The values themselves are the training
 * form's under the parameters before the update.
 */
class GaeNotCutTest {

  static final int TRIALS = 6;
  static final double GAMMA = 0.9;
  static final double LAMBDA = 0.8;

  @Test
  void advantagesRunOverTheWholeTrialAcrossInnerEpisodeEnds() {
    ActorCriticSpec spec = Rl2Fixtures.spec(MDP, "ln_gru", 8, true);
    float[] p = Rl2Fixtures.params(spec, 51);
    TrialCollector c = Rl2Fixtures.collector(MDP, TRIALS);
    TrialBatch batch = c.newBatch();
    c.collect(Rl2Fixtures.policy(spec, p, TRIALS, 52), 300, batch);
    PpoConfig cfg = Rl2Fixtures.config(1, 2, 1e-3, 0);
    assertEquals(GAMMA, cfg.gamma());
    assertEquals(LAMBDA, cfg.gaeLambda());
    PpoLearner learner = new PpoLearner(spec, cfg, p);
    learner.update(batch, 1.0);
    float[] values = learner.lastValues();
    float[] adv = learner.lastAdvantages();
    int time = batch.time();
    Rl2Fixtures.assertValidRowsClose(batch, Rl2Fixtures.values(spec, p, batch), values, 1, 1e-5,
        "the learner's values vs the training form's before the update");

    int done = Rl2Fixtures.doneIndex(batch);
    float[] x = new float[batch.obsSize()];
    double maxCutDiff = 0;
    int innerEnds = 0;
    for (int b = 0; b < TRIALS; b++) {
      int len = batch.length(b);
      assertEquals(time, len);
      double[] uncut = new double[len];
      double[] cut = new double[len];
      double aUncut = 0;
      double aCut = 0;
      for (int t = len - 1; t >= 0; t--) {
        double v = values[t * TRIALS + b];
        double r = batch.reward(t, b);
        boolean trialEnd = t == len - 1;
        boolean innerEnd = false;
        if (!trialEnd) {
          batch.copyObs(t + 1, b, x, 0);
          innerEnd = x[done] == 1f; // the next observation starts a new inner episode
        }
        double next = trialEnd ? 0 : values[(t + 1) * TRIALS + b];
        aUncut = r + GAMMA * next - v + GAMMA * LAMBDA * (trialEnd ? 0 : aUncut);
        aCut = innerEnd || trialEnd ? r - v : r + GAMMA * next - v + GAMMA * LAMBDA * aCut;
        uncut[t] = aUncut;
        cut[t] = aCut;
        innerEnds += innerEnd ? 1 : 0;
      }
      for (int t = 0; t < len; t++) {
        float got = adv[t * TRIALS + b];
        if (!(Math.abs(got - uncut[t]) <= 1e-5 * Math.max(1, Math.abs(uncut[t])))) {
          fail("trial " + b + ", step " + t + ": learner's advantage " + got + ", whole-trial GAE " + uncut[t]
              + ", GAE cut at inner episode ends " + cut[t]);
        }
        maxCutDiff = Math.max(maxCutDiff, Math.abs(got - cut[t]));
      }
    }
    assertEquals(TRIALS * 2, innerEnds, "two inner episode ends inside each trial of three episodes");
    assertTrue(maxCutDiff > 1e-2, "the learner's advantages are within " + maxCutDiff
        + " of GAE cut at inner episode ends: the test could not tell the two apart");
  }
}
