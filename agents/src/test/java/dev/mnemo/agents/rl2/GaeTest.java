package dev.mnemo.agents.rl2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link Gae} against values worked out by hand (gamma 0.9, lambda 0.8, so gamma lambda = 0.72), in its
 * strided layout, and at lambda's two ends (1: discounted return minus V; 0: the one-step TD error).
 */
class GaeTest {

  static final double GAMMA = 0.9;
  static final double LAMBDA = 0.8;
  static final float[] R = {1f, 0f, 2f, -1f};
  static final float[] V = {0.5f, 1.0f, -0.5f, 0.25f};

  /*
   * By hand, bootstrap 0:
   *   delta_3 = -1 + 0.9 * 0     - 0.25   = -1.25
   *   delta_2 =  2 + 0.9 * 0.25  + 0.5    =  2.725
   *   delta_1 =  0 + 0.9 * -0.5  - 1.0    = -1.45
   *   delta_0 =  1 + 0.9 * 1.0   - 0.5    =  1.4
   *   A_3 = -1.25
   *   A_2 =  2.725 + 0.72 * -1.25   =  1.825
   *   A_1 = -1.45  + 0.72 * 1.825   = -0.136
   *   A_0 =  1.4   + 0.72 * -0.136  =  1.30208
   *   R_t = A_t + V_t = 1.80208, 0.864, 1.325, -1.0
   */
  static final double[] ADV_B0 = {1.30208, -0.136, 1.825, -1.25};
  static final double[] RET_B0 = {1.80208, 0.864, 1.325, -1.0};

  /*
   * Bootstrap 2 (a trajectory cut short with V(s_4) = 2):
   *   delta_3 = -1 + 0.9 * 2 - 0.25 = 0.55
   *   A_3 = 0.55
   *   A_2 =  2.725 + 0.72 * 0.55    = 3.121
   *   A_1 = -1.45  + 0.72 * 3.121   = 0.79712
   *   A_0 =  1.4   + 0.72 * 0.79712 = 1.9739264
   *   R_t = 2.4739264, 1.79712, 2.621, 0.8
   */
  static final double[] ADV_B2 = {1.9739264, 0.79712, 3.121, 0.55};
  static final double[] RET_B2 = {2.4739264, 1.79712, 2.621, 0.8};

  @Test
  void handComputedTrajectoryEndingInATerminal() {
    float[] adv = new float[4];
    float[] ret = new float[4];
    Gae.compute(4, R, V, 0, 1, GAMMA, LAMBDA, 0, adv, ret);
    assertClose(ADV_B0, adv, 1e-6, "A, bootstrap 0");
    assertClose(RET_B0, ret, 1e-6, "R, bootstrap 0");
  }

  @Test
  void handComputedTrajectoryCutShortBootstrapsFromTheLastValue() {
    float[] adv = new float[4];
    float[] ret = new float[4];
    Gae.compute(4, R, V, 0, 1, GAMMA, LAMBDA, 2.0, adv, ret);
    assertClose(ADV_B2, adv, 1e-6, "A, bootstrap 2");
    assertClose(RET_B2, ret, 1e-6, "R, bootstrap 2");
    // The bootstrap reaches step t scaled by gamma (gamma lambda)^(3 - t): 1.8 * 0.72^(3 - t).
    for (int t = 0; t < 4; t++) {
      assertEquals(1.8 * Math.pow(0.72, 3 - t), ADV_B2[t] - ADV_B0[t], 1e-9, "hand values consistent at " + t);
    }
  }

  /**
   * Trial 1 of a time-major batch of 3 trials by 6 steps (row t * 3 + b), 4 valid steps: only its own entries
   * are read (the others hold NaN) and written (the others keep their sentinels).
   */
  @Test
  void stridedLayoutReadsAndWritesOnlyItsOwnTrial() {
    int trials = 3;
    int time = 6;
    float[] rewards = new float[trials * time];
    float[] values = new float[trials * time];
    Arrays.fill(rewards, Float.NaN);
    Arrays.fill(values, Float.NaN);
    for (int t = 0; t < 4; t++) {
      rewards[t * trials + 1] = R[t];
      values[t * trials + 1] = V[t];
    }
    float[] adv = new float[trials * time];
    float[] ret = new float[trials * time];
    Arrays.fill(adv, 77f);
    Arrays.fill(ret, -77f);
    Gae.compute(4, rewards, values, 1, trials, GAMMA, LAMBDA, 0, adv, ret);
    for (int r = 0; r < trials * time; r++) {
      int t = r / trials;
      if (r % trials == 1 && t < 4) {
        assertEquals(ADV_B0[t], adv[r], 1e-6, "A of trial 1 at step " + t);
        assertEquals(RET_B0[t], ret[r], 1e-6, "R of trial 1 at step " + t);
      } else {
        assertEquals(77f, adv[r], "A written outside trial 1's valid steps at row " + r);
        assertEquals(-77f, ret[r], "R written outside trial 1's valid steps at row " + r);
      }
    }
  }

  /**
   * lambda = 1: A_t = sum_k gamma^k r_{t+k} - V_t. By hand: G_3 = -1, G_2 = 2 - 0.9 = 1.1, G_1 = 0.99,
   * G_0 = 1 + 0.891 = 1.891; A = G - V = 1.391, -0.01, 1.6, -1.25, and the return is G itself.
   */
  @Test
  void lambdaOneGivesTheDiscountedReturnMinusTheValue() {
    float[] adv = new float[4];
    float[] ret = new float[4];
    Gae.compute(4, R, V, 0, 1, GAMMA, 1.0, 0, adv, ret);
    assertClose(new double[] {1.391, -0.01, 1.6, -1.25}, adv, 1e-6, "A at lambda 1");
    assertClose(new double[] {1.891, 0.99, 1.1, -1.0}, ret, 1e-6, "R at lambda 1 (the discounted return)");
    // With a bootstrap b the return gains gamma^(4 - t) b.
    Gae.compute(4, R, V, 0, 1, GAMMA, 1.0, 3.0, adv, ret);
    double[] g = {1.891, 0.99, 1.1, -1.0};
    for (int t = 0; t < 4; t++) {
      assertEquals(g[t] + Math.pow(GAMMA, 4 - t) * 3.0, ret[t], 1e-5, "R at lambda 1 with bootstrap, step " + t);
    }
  }

  /**
   * The value targets' own lambda: at GAE's lambda they are GAE's R_t (in the strided layout too), at 1 the
   * discounted return worked out by hand above, at 0 the one-step target r_t + gamma V_{t+1}; a bootstrap enters
   * as V_length. By hand at lambda_v = 0.5, bootstrap 0:
   *   G_3 = -1
   *   G_2 = 2 + 0.9 (0.5 * 0.25 + 0.5 * -1)     = 1.6625
   *   G_1 = 0 + 0.9 (0.5 * -0.5 + 0.5 * 1.6625) = 0.523125
   *   G_0 = 1 + 0.9 (0.5 * 1.0 + 0.5 * 0.523125) = 1.68540625
   */
  @Test
  void lambdaReturnsOfTheirOwnLambda() {
    float[] ret = new float[4];
    Gae.lambdaReturns(4, R, V, 0, 1, GAMMA, LAMBDA, 0, ret);
    assertClose(RET_B0, ret, 1e-6, "G at GAE's lambda, bootstrap 0");
    Gae.lambdaReturns(4, R, V, 0, 1, GAMMA, LAMBDA, 2.0, ret);
    assertClose(RET_B2, ret, 1e-6, "G at GAE's lambda, bootstrap 2");
    Gae.lambdaReturns(4, R, V, 0, 1, GAMMA, 1.0, 0, ret);
    assertClose(new double[] {1.891, 0.99, 1.1, -1.0}, ret, 1e-6, "G at lambda 1");
    Gae.lambdaReturns(4, R, V, 0, 1, GAMMA, 0.0, 0, ret);
    assertClose(new double[] {1.9, -0.45, 2.225, -1.0}, ret, 1e-6, "G at lambda 0");
    Gae.lambdaReturns(4, R, V, 0, 1, GAMMA, 0.5, 0, ret);
    assertClose(new double[] {1.68540625, 0.523125, 1.6625, -1.0}, ret, 1e-6, "G at lambda 0.5");

    float[] rewards = new float[12];
    float[] values = new float[12];
    for (int t = 0; t < 4; t++) {
      rewards[1 + 3 * t] = R[t];
      values[1 + 3 * t] = V[t];
    }
    float[] strided = new float[12];
    Arrays.fill(strided, 42f);
    Gae.lambdaReturns(4, rewards, values, 1, 3, GAMMA, 0.5, 0, strided);
    for (int t = 0; t < 4; t++) {
      assertEquals(ret[t], strided[1 + 3 * t], 1e-6, "strided G, step " + t);
      assertEquals(42f, strided[3 * t], "a neighbouring trial's slot was written, step " + t);
    }
    assertThrows(IllegalArgumentException.class, () -> Gae.lambdaReturns(2, R, V, 0, 0, GAMMA, 0.5, 0, ret));
  }

  /** lambda = 0: A_t = delta_t = r_t + gamma V_{t+1} - V_t, the deltas above. */
  @Test
  void lambdaZeroGivesTheOneStepTdError() {
    float[] adv = new float[4];
    float[] ret = new float[4];
    Gae.compute(4, R, V, 0, 1, GAMMA, 0.0, 0, adv, ret);
    assertClose(new double[] {1.4, -1.45, 2.725, -1.25}, adv, 1e-6, "A at lambda 0");
    assertClose(new double[] {1.9, -0.45, 2.225, -1.0}, ret, 1e-6, "R at lambda 0: r_t + gamma V_{t+1}");
  }

  @Test
  void emptyTrajectoryWritesNothingAndBadShapesAreRefused() {
    float[] adv = {5f};
    float[] ret = {6f};
    Gae.compute(0, R, V, 0, 1, GAMMA, LAMBDA, 1.0, adv, ret);
    assertEquals(5f, adv[0]);
    assertEquals(6f, ret[0]);
    assertThrows(IllegalArgumentException.class, () -> Gae.compute(-1, R, V, 0, 1, GAMMA, LAMBDA, 0, adv, ret));
    assertThrows(IllegalArgumentException.class, () -> Gae.compute(2, R, V, 0, 0, GAMMA, LAMBDA, 0, adv, ret));
  }

  static void assertClose(double[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what + ": length");
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) {
        fail(what + ": index " + i + " expected " + want[i] + ", got " + got[i]);
      }
    }
  }
}
