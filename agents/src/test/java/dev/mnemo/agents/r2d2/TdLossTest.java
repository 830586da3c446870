package dev.mnemo.agents.r2d2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TdLossTest {

  @Test
  void priorityMixesMaxAndMeanTdErrorOverValidStepsOnly() {
    // one sequence, 4 steps, 1 action: deltas 1, -3, 2, and a padded step with a huge error
    float[] q = {0, 3, 0, 0};
    float[] y = {1, 0, 2, 1000};
    float[] valid = {1, 1, 1, 0};
    float[] p = new float[1];
    float[] dq = new float[4];
    TdLoss.Result r = TdLoss.compute(1, 4, 1, q, new int[4], y, valid, new float[] {1}, 0.9, dq, p);
    assertEquals(0.9 * 3 + 0.1 * 2, p[0], 1e-6, "p = 0.9 max|d| + 0.1 mean|d| over valid steps");
    assertEquals((1 + 9 + 4) / 2.0 / 3, r.loss(), 1e-9, "loss averages over the 3 valid steps only");
    assertEquals(2.0, r.meanAbsTd(), 1e-9);
    assertEquals(0f, dq[3], "a padded step gets no gradient");
    float[] alone = new float[1];
    TdLoss.priorities(1, 4, 1, q, new int[4], y, valid, 0.9, alone);
    assertEquals(p[0], alone[0], 0f, "priorities alone (the actor's call) = the learner's");
  }

  @Test
  void paddedStepsChangeNeitherLossNorGradient() {
    // one sequence of 3 steps with 2 actions; the last step is padding
    float[] dqA = new float[6];
    float[] dqB = new float[6];
    float[] p = new float[1];
    int[] act = {0, 1, 0};
    float[] qa = {0.5f, -1, 2, 7, 0.1f, 0.2f};
    float[] ya = {1, 1, 1};
    float[] va = {1, 1, 0};
    TdLoss.Result a = TdLoss.compute(1, 3, 2, qa, act, ya, va, new float[] {1}, 0.9, dqA, p);
    // change everything at the padded step: Q, target and action
    float[] qb = qa.clone();
    qb[4] = 55;
    qb[5] = -55;
    float[] yb = {1, 1, -400};
    int[] actb = {0, 1, 1};
    TdLoss.Result b = TdLoss.compute(1, 3, 2, qb, actb, yb, va, new float[] {1}, 0.9, dqB, p);
    assertEquals(a.loss(), b.loss(), 0.0, "loss must not see padded steps");
    assertArrayEquals(dqA, dqB, "dLoss/dQ must not see padded steps");
    // valid steps: Q(0, a=0) = 0.5 and Q(1, a=1) = 7 against targets 1
    assertEquals(((1 - 0.5) * (1 - 0.5) + (1 - 7) * (1 - 7)) / 2.0 / 2, a.loss(), 1e-9);
  }

  @Test
  void importanceWeightsScaleEachSequencesContribution() {
    float[] q = {0, 0};
    float[] y = {1, 2};
    float[] valid = {1, 1};
    float[] dq = new float[2];
    float[] p = new float[2];
    TdLoss.Result r = TdLoss.compute(2, 1, 1, q, new int[2], y, valid, new float[] {0.5f, 2f}, 0.9, dq, p);
    assertEquals((0.5 * 0.5 * 1 + 2 * 0.5 * 4) / 2, r.loss(), 1e-9);
    assertEquals(-0.5 * 1 / 2, dq[0], 1e-7);
    assertEquals(-2.0 * 2 / 2, dq[1], 1e-7);
  }
}
