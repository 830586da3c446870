package dev.mnemo.agents.rl2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.agents.LogSoftmaxReference;
import dev.mnemo.agents.QuietSameDiff;
import dev.mnemo.agents.blocks.Softmax;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link PpoLoss}: every branch of the clipped surrogate and of the value loss against values worked out by
 * hand, the entropy bonus's sign, weight 0, the exact KL; then the whole per-step loss's gradient with respect to
 * the logits and the value against SameDiff autodiff of the same loss built from primitive ops.
 *
 * <p>Hand cases use pi = (0.5, 0.3, 0.2) for the current policy and mu = (0.4, 0.4, 0.2) for the behaviour one,
 * so the ratio is 1.25 for action 0 and 0.75 for action 1, both outside [0.8, 1.2] (clip 0.2).
 */
class PpoLossTest {

  static final float[] PI = logs(0.5, 0.3, 0.2);
  static final float[] MU = logs(0.4, 0.4, 0.2);
  static final double[] P = {0.5, 0.3, 0.2};

  /** Policy-only loss: no value, no entropy term (the value is on its target). */
  static final PpoLoss POLICY_ONLY = new PpoLoss(0.2, 0.5, 0.0, 0.0, 0.0);

  // ----------------------------------------------------------------------------------- the clipped surrogate

  /**
   * mu = (0.45, 0.3, 0.25), action 0: rho = 0.5 / 0.45 = 10/9, inside [0.8, 1.2]; A = 3, w = 1.
   * L_pi = -10/3; dL/dlog pi(a) = -rho A = -10/3; dz = -10/3 (e_0 - p) = (-5/3, 1, 2/3).
   */
  @Test
  void ratioInsideTheClipPassesTheFullGradient() {
    PpoLoss.Stats st = new PpoLoss.Stats();
    float[] dz = new float[3];
    float dV = POLICY_ONLY.step(PI, 0, logs(0.45, 0.3, 0.25), 0, 3, 0, 3.0, 1.0, 1.0, 1.0, 1.0, dz, 0, st);
    assertClose(new double[] {-5.0 / 3, 1.0, 2.0 / 3}, dz, 1e-6, "dz inside the clip");
    assertEquals(0f, dV, "value on its target");
    assertEquals(-10.0 / 3, st.policyLoss(), 1e-6);
    assertEquals(0.0, st.clipFraction(), "10/9 is inside the clip");
  }

  /** Action 0 (rho 1.25 > 1.2), A = +2: min(2.5, 2.4) is the clipped term, L_pi = -2.4, no policy gradient. */
  @Test
  void ratioAboveTheClipWithPositiveAdvantageHasNoGradient() {
    PpoLoss.Stats st = new PpoLoss.Stats();
    float[] dz = {9f, 9f, 9f};
    POLICY_ONLY.step(PI, 0, MU, 0, 3, 0, 2.0, 0, 0, 0, 0.5, dz, 0, st);
    assertClose(new double[] {0, 0, 0}, dz, 0, "dz with rho 1.25, A > 0");
    assertEquals(-2.4, st.policyLoss(), 1e-6);
    assertEquals(1.0, st.clipFraction());
  }

  /** Action 1 (rho 0.75 < 0.8), A = -2: min(-1.5, -1.6) is the clipped term, L_pi = 1.6, no policy gradient. */
  @Test
  void ratioBelowTheClipWithNegativeAdvantageHasNoGradient() {
    PpoLoss.Stats st = new PpoLoss.Stats();
    float[] dz = {9f, 9f, 9f};
    POLICY_ONLY.step(PI, 0, MU, 0, 3, 1, -2.0, 0, 0, 0, 0.5, dz, 0, st);
    assertClose(new double[] {0, 0, 0}, dz, 0, "dz with rho 0.75, A < 0");
    assertEquals(1.6, st.policyLoss(), 1e-6);
    assertEquals(1.0, st.clipFraction());
  }

  /**
   * Action 0 (rho 1.25), A = -2, w = 0.5: min(-2.5, -2.4) is the unclipped term, L_pi = 2.5; the gradient flows:
   * w dL/dlog pi(a) = -1.25 * -2 * 0.5 = 1.25, dz = 1.25 (e_0 - p) = (0.625, -0.375, -0.25).
   */
  @Test
  void ratioAboveTheClipWithNegativeAdvantageKeepsItsGradient() {
    PpoLoss.Stats st = new PpoLoss.Stats();
    float[] dz = new float[3];
    POLICY_ONLY.step(PI, 0, MU, 0, 3, 0, -2.0, 0, 0, 0, 0.5, dz, 0, st);
    assertClose(new double[] {0.625, -0.375, -0.25}, dz, 1e-6, "dz with rho 1.25, A < 0");
    assertEquals(2.5, st.policyLoss(), 1e-6);
  }

  /**
   * Action 1 (rho 0.75), A = +2, w = 0.5: min(1.5, 1.6) is the unclipped term, L_pi = -1.5;
   * w dL/dlog pi(a) = -0.75 * 2 * 0.5 = -0.75, dz = -0.75 (e_1 - p) = (0.375, -0.525, 0.15).
   */
  @Test
  void ratioBelowTheClipWithPositiveAdvantageKeepsItsGradient() {
    PpoLoss.Stats st = new PpoLoss.Stats();
    float[] dz = new float[3];
    POLICY_ONLY.step(PI, 0, MU, 0, 3, 1, 2.0, 0, 0, 0, 0.5, dz, 0, st);
    assertClose(new double[] {0.375, -0.525, 0.15}, dz, 1e-6, "dz with rho 0.75, A > 0");
    assertEquals(-1.5, st.policyLoss(), 1e-6);
  }

  /** The offsets: logits, behaviour and gradient rows inside larger buffers, nothing else written. */
  @Test
  void offsetsAreHonoured() {
    float[] logp = new float[7];
    float[] mu = new float[8];
    System.arraycopy(PI, 0, logp, 4, 3);
    System.arraycopy(MU, 0, mu, 2, 3);
    float[] dz = new float[9];
    java.util.Arrays.fill(dz, 42f);
    POLICY_ONLY.step(logp, 4, mu, 2, 3, 0, -2.0, 0, 0, 0, 0.5, dz, 5, null);
    assertClose(new double[] {42, 42, 42, 42, 42, 0.625, -0.375, -0.25, 42}, dz, 1e-6, "dz at offset 5");
  }

  // ------------------------------------------------------------------------------------------- value loss

  /**
   * l and l' by hand: squared error x^2 / 2; Huber (delta 1) x^2 / 2 inside, |x| - 0.5 outside, slope +-1.
   */
  @Test
  void huberAndSquaredErrorValueLossesAndDerivatives() {
    PpoLoss mse = new PpoLoss(0.2, 1.0, 0, 0, 0);
    PpoLoss huber = new PpoLoss(0.2, 1.0, 0, 1.0, 0);
    assertEquals(1.125, mse.valueLoss(1.5), 1e-12);
    assertEquals(1.5, mse.valueLossDerivative(1.5), 1e-12);
    assertEquals(4.5, mse.valueLoss(-3), 1e-12);
    assertEquals(-3, mse.valueLossDerivative(-3), 1e-12);
    assertEquals(1.0, huber.valueLoss(1.5), 1e-12);
    assertEquals(1.0, huber.valueLossDerivative(1.5), 1e-12);
    assertEquals(2.5, huber.valueLoss(-3), 1e-12);
    assertEquals(-1.0, huber.valueLossDerivative(-3), 1e-12);
    assertEquals(0.02, huber.valueLoss(0.2), 1e-12);
    assertEquals(0.2, huber.valueLossDerivative(0.2), 1e-12);
    assertEquals(-0.7, huber.valueLossDerivative(-0.7), 1e-12);
    PpoLoss huber2 = new PpoLoss(0.2, 1.0, 0, 2.0, 0);
    assertEquals(4.0, huber2.valueLoss(3), 1e-12); // 2 (3 - 1)
    assertEquals(2.0, huber2.valueLossDerivative(3), 1e-12);
    assertEquals(2.0, huber2.valueLoss(2), 1e-12); // at the joint both pieces give 2
  }

  /**
   * Through {@link PpoLoss#step}: V = 2, R = 0.5 (error 1.5), c_V = 0.5, w = 0.25.
   * MSE: L_V = 1.125, w c_V l' = 0.25 * 0.5 * 1.5 = 0.1875. Huber(1): L_V = 1.0, w c_V l' = 0.125.
   */
  @Test
  void valueGradientIsWeightTimesCoefficientTimesTheLossDerivative() {
    for (double[] c : new double[][] {{0.0, 1.125, 0.1875}, {1.0, 1.0, 0.125}}) {
      PpoLoss loss = new PpoLoss(0.2, 0.5, 0, c[0], 0);
      PpoLoss.Stats st = new PpoLoss.Stats();
      float[] dz = new float[3];
      float dV = loss.step(PI, 0, PI, 0, 3, 0, 0.0, 0.5, 2.0, 2.0, 0.25, dz, 0, st);
      assertEquals(c[2], dV, 1e-7, "w c_V l'(1.5) with huber delta " + c[0]);
      assertEquals(c[1], st.valueLoss(), 1e-9, "L_V with huber delta " + c[0]);
      assertClose(new double[] {0, 0, 0}, dz, 1e-7, "A = 0, no entropy: no policy gradient");
    }
  }

  /**
   * eps_V = 0.2, V_old = 1, MSE, c_V = 1, w = 1; V_clip = V_old + clip(V - V_old, -0.2, 0.2):
   * <ul>
   *   <li>V = 1.5, R = 2: l(-0.5) = 0.125, V_clip = 1.2, l(-0.8) = 0.32 is the max and its clip is active: 0.
   *   <li>V = 1.5, R = 0: l(1.5) = 1.125 beats l(1.2) = 0.72: gradient 1.5.
   *   <li>V = 0.5, R = -1: l(1.5) = 1.125, V_clip = 0.8, l(1.8) = 1.62 is the max, clip active: 0.
   *   <li>V = 0.5, R = 2: l(-1.5) = 1.125 beats l(-1.2) = 0.72: gradient -1.5.
   *   <li>V = 1.1, R = 2: the clip is not active (V_clip = V): l(-0.9) = 0.405, gradient -0.9.
   * </ul>
   */
  @Test
  void valueClippingTakesTheLargerLossAndBlocksTheGradientWhereTheClipIsActive() {
    PpoLoss loss = new PpoLoss(0.2, 1.0, 0, 0, 0.2);
    double[][] cases = {
        {1.5, 2.0, 0.32, 0.0}, {1.5, 0.0, 1.125, 1.5}, {0.5, -1.0, 1.62, 0.0}, {0.5, 2.0, 1.125, -1.5},
        {1.1, 2.0, 0.405, -0.9}};
    for (double[] c : cases) {
      PpoLoss.Stats st = new PpoLoss.Stats();
      float dV = loss.step(PI, 0, PI, 0, 3, 0, 0.0, c[1], c[0], 1.0, 1.0, new float[3], 0, st);
      String what = "V = " + c[0] + ", R = " + c[1];
      assertEquals(c[2], st.valueLoss(), 1e-6, what + ": L_V");
      assertEquals(c[3], dV, 1e-6, what + ": dL/dV");
    }
    // The same first case without value clipping: the plain error's gradient.
    PpoLoss.Stats st = new PpoLoss.Stats();
    float dV = new PpoLoss(0.2, 1.0, 0, 0, 0).step(PI, 0, PI, 0, 3, 0, 0.0, 2.0, 1.5, 1.0, 1.0, new float[3], 0,
        st);
    assertEquals(-0.5, dV, 1e-6);
    assertEquals(0.125, st.valueLoss(), 1e-6);
  }

  // ------------------------------------------------------------------------------------------------- entropy

  /**
   * The loss subtracts beta H, so w dL/dz = -beta w dH/dz, dH/dz_j = -p_j (log p_j + H) (checked here by
   * central differences of H in double), and a gradient-descent step on the logits raises the entropy.
   */
  @Test
  void entropyBonusGradientRaisesTheEntropy() {
    double beta = 0.1;
    double w = 0.5;
    PpoLoss loss = new PpoLoss(0.2, 0.5, beta, 0, 0);
    PpoLoss.Stats st = new PpoLoss.Stats();
    float[] dz = new float[3];
    // A = 0: the surrogate contributes nothing; V on target: no value term.
    loss.step(PI, 0, MU, 0, 3, 0, 0.0, 0.0, 0.0, 0.0, w, dz, 0, st);
    double[] z = {Math.log(0.5), Math.log(0.3), Math.log(0.2)};
    double h = entropyOfLogits(z);
    assertEquals(1.0296530140645737, h, 1e-12, "H(0.5, 0.3, 0.2) by hand");
    assertEquals(h, st.entropy(), 1e-6);
    double[] want = new double[3];
    for (int j = 0; j < 3; j++) {
      double[] up = z.clone();
      double[] down = z.clone();
      up[j] += 1e-6;
      down[j] -= 1e-6;
      double dH = (entropyOfLogits(up) - entropyOfLogits(down)) / 2e-6;
      want[j] = -beta * w * dH;
    }
    assertClose(want, dz, 1e-6, "w dL/dz of the entropy term");
    assertTrue(dz[0] > 0 && dz[2] < 0, "descent lowers the most probable logit and raises the least probable");
    double[] stepped = new double[3];
    for (int j = 0; j < 3; j++) {
      stepped[j] = z[j] - 1.0 * dz[j];
    }
    assertTrue(entropyOfLogits(stepped) > h + 1e-4, "a descent step must increase the entropy: "
        + entropyOfLogits(stepped) + " vs " + h);
  }

  @Test
  void weightZeroGivesZeroGradientsAndNoStatistics() {
    PpoLoss loss = new PpoLoss(0.2, 0.5, 0.1, 1.0, 0.2);
    PpoLoss.Stats st = new PpoLoss.Stats();
    float[] dz = {7f, 7f, 7f};
    float dV = loss.step(PI, 0, MU, 0, 3, 0, -2.0, 3.0, -1.0, 0.5, 0.0, dz, 0, st);
    assertClose(new double[] {0, 0, 0}, dz, 0, "dz of a padded step");
    assertEquals(0f, Math.abs(dV), "dV of a padded step");
    assertEquals(0, st.steps(), "a padded step is not counted");
    assertTrue(Double.isNaN(st.kl()));
  }

  /**
   * KL(mu || pi) = 0.4 ln(0.4 / 0.5) + 0.4 ln(0.4 / 0.3) + 0.2 ln(1) = -0.0892574 + 0.1150728 = 0.0258154,
   * whatever the action; averaged over the steps given.
   */
  @Test
  void klIsExactOverAllActionsAndAveraged() {
    PpoLoss.Stats st = new PpoLoss.Stats();
    POLICY_ONLY.step(PI, 0, MU, 0, 3, 2, 1.0, 0, 0, 0, 0.5, new float[3], 0, st);
    assertEquals(0.0258154, st.kl(), 1e-6);
    assertEquals(0.0, st.clipFraction(), "action 2 has ratio 1");
    POLICY_ONLY.step(PI, 0, PI, 0, 3, 1, 1.0, 0, 0, 0, 0.5, new float[3], 0, st);
    assertEquals(0.0258154 / 2, st.kl(), 1e-6, "mean with a step of KL 0");
    assertEquals(2, st.steps());
    st.reset();
    assertEquals(0, st.steps());
    assertTrue(Double.isNaN(st.policyLoss()));
  }

  @Test
  void badCoefficientsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new PpoLoss(0, 0.5, 0.01, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new PpoLoss(0.1, -0.5, 0.01, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new PpoLoss(0.1, 0.5, -0.01, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new PpoLoss(0.1, 0.5, 0.01, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> new PpoLoss(0.1, 0.5, 0.01, 1, -0.2));
  }

  // ------------------------------------------------------------------------------------------ vs SameDiff

  static Stream<PpoLoss> losses() {
    return Stream.of(
        new PpoLoss(0.2, 0.5, 0.05, 1.0, 0.2), // Huber, value clipping
        new PpoLoss(0.1, 0.7, 0.01, 0.0, 0.0)); // squared error, no value clipping
  }

  /**
   * The whole loss {@code sum_r w_r (L_pi + c_V L_V - beta H)} over 24 random rows of 4 actions (advantages of
   * both signs, ratios on both sides of the clip, value errors on both sides of the Huber delta, clipped value
   * branches, two padded rows of weight 0), built in SameDiff (double) from primitive ops, differentiated with
   * respect to the logits and the values by autodiff, against {@link PpoLoss#step}'s dz and dV. The loss value
   * is checked against the step statistics too.
   */
  @ParameterizedTest
  @MethodSource("losses")
  void gradientMatchesSameDiffAutodiff(PpoLoss loss) {
    int rows = 24;
    int na = 4;
    Random rnd = new Random(20240611L);
    double[] z = new double[rows * na];
    float[] zf = new float[rows * na];
    float[] logp = new float[rows * na];
    float[] logMu = new float[rows * na];
    int[] action = new int[rows];
    double[] adv = new double[rows];
    double[] target = new double[rows];
    double[] value = new double[rows];
    double[] valueOld = new double[rows];
    double[] w = new double[rows];
    float[] zMu = new float[na];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < na; j++) {
        zf[r * na + j] = (float) (rnd.nextDouble() * 4 - 2);
        z[r * na + j] = zf[r * na + j];
        zMu[j] = (float) (zf[r * na + j] + rnd.nextGaussian() * 0.3);
      }
      Softmax.logSoftmax(zf, r * na, na, logp, r * na);
      Softmax.logSoftmax(zMu, 0, na, logMu, r * na);
      action[r] = rnd.nextInt(na);
      adv[r] = rnd.nextGaussian() * 1.5;
      value[r] = (float) rnd.nextGaussian();
      target[r] = value[r] + rnd.nextGaussian() * 1.5;
      valueOld[r] = value[r] + rnd.nextGaussian() * 0.4;
      w[r] = r == 5 || r == 17 ? 0 : 1.0 / (rows - 2);
    }
    // Every regime is present and no row sits on a kink.
    int inside = 0;
    int clippedZero = 0;
    int clippedFlowing = 0;
    int huberOutside = 0;
    int valueClipBlocked = 0;
    for (int r = 0; r < rows; r++) {
      double rho = Math.exp(logp[r * na + action[r]] - logMu[r * na + action[r]]);
      double eps = loss.clip();
      assertTrue(Math.abs(rho - 1 - eps) > 1e-4 && Math.abs(rho - 1 + eps) > 1e-4, "row " + r + " on the clip");
      boolean out = Math.abs(rho - 1) > eps;
      if (!out) {
        inside++;
      } else if ((rho > 1) == (adv[r] > 0)) {
        clippedZero++;
      } else {
        clippedFlowing++;
      }
      double err = value[r] - target[r];
      if (loss.huberDelta() > 0) {
        assertTrue(Math.abs(Math.abs(err) - loss.huberDelta()) > 1e-3, "row " + r + " on the Huber joint");
        huberOutside += Math.abs(err) > loss.huberDelta() ? 1 : 0;
      }
      if (loss.valueClip() > 0) {
        double d = value[r] - valueOld[r];
        assertTrue(Math.abs(Math.abs(d) - loss.valueClip()) > 1e-3, "row " + r + " on the value clip");
        double vc = valueOld[r] + Math.max(-loss.valueClip(), Math.min(loss.valueClip(), d));
        if (Math.abs(d) > loss.valueClip() && loss.valueLoss(vc - target[r]) > loss.valueLoss(err)) {
          valueClipBlocked++;
        }
      }
    }
    assertTrue(inside > 0 && clippedZero > 0 && clippedFlowing > 0, "ratio regimes: inside " + inside
        + ", clipped without gradient " + clippedZero + ", clipped with gradient " + clippedFlowing);
    if (loss.huberDelta() > 0) {
      assertTrue(huberOutside > 0 && huberOutside < rows, "Huber: " + huberOutside + " rows outside delta");
    }
    if (loss.valueClip() > 0) {
      assertTrue(valueClipBlocked > 0, "no row takes the clipped value branch");
    }

    float[] dz = new float[rows * na];
    float[] dV = new float[rows];
    PpoLoss.Stats st = new PpoLoss.Stats();
    for (int r = 0; r < rows; r++) {
      dV[r] = loss.step(logp, r * na, logMu, r * na, na, action[r], adv[r], target[r], value[r], valueOld[r], w[r],
          dz, r * na, st);
    }

    SameDiff sd = SameDiff.create();
    SDVariable zv = sd.var("z", Nd4j.create(z, new long[] {rows, na}, 'c'));
    SDVariable vv = sd.var("v", Nd4j.create(value, new long[] {rows, 1}, 'c'));
    double[] oneHot = new double[rows * na];
    double[] logMuA = new double[rows];
    for (int r = 0; r < rows; r++) {
      oneHot[r * na + action[r]] = 1;
      logMuA[r] = logMu[r * na + action[r]];
    }
    SDVariable oh = sd.constant("onehot", Nd4j.create(oneHot, new long[] {rows, na}, 'c'));
    SDVariable lmu = sd.constant("logMuA", column(logMuA));
    SDVariable a = sd.constant("adv", column(adv));
    SDVariable tgt = sd.constant("target", column(target));
    SDVariable vold = sd.constant("vold", column(valueOld));
    SDVariable wt = sd.constant("w", column(w));
    SDVariable lo = sd.constant("lo", filled(rows, 1 - loss.clip()));
    SDVariable hi = sd.constant("hi", filled(rows, 1 + loss.clip()));
    // log pi = z - log sum exp z; log pi(a) by one-hot multiply and sum; rho = exp(log pi(a) - log mu(a)).
    SDVariable lp = zv.sub(sd.math().log(sd.math().exp(zv).sum(true, 1)));
    SDVariable lpa = lp.mul(oh).sum(true, 1);
    SDVariable rho = sd.math().exp(lpa.sub(lmu));
    SDVariable clipped = sd.math().min(sd.math().max(rho, lo), hi);
    // SameDiff's pairwise min and max send the gradient to BOTH inputs where they are equal, which every row
    // inside the clip is (clip(rho) = rho): min(u, c) is therefore written u - relu(u - c) and max(u, c) as
    // u + relu(c - u), which take u's gradient at a tie, PpoLoss's documented convention.
    SDVariable u = rho.mul(a);
    SDVariable lpi = u.sub(sd.nn().relu(u.sub(clipped.mul(a)), 0)).neg();
    SDVariable ent = sd.math().exp(lp).mul(lp).sum(true, 1).neg();
    SDVariable lv = sdValueLoss(sd, loss, vv.sub(tgt), "err", rows);
    if (loss.valueClip() > 0) {
      SDVariable cLo = sd.constant("vlo", filled(rows, -loss.valueClip()));
      SDVariable cHi = sd.constant("vhi", filled(rows, loss.valueClip()));
      SDVariable vClip = vold.add(sd.math().min(sd.math().max(vv.sub(vold), cLo), cHi));
      lv = lv.add(sd.nn().relu(sdValueLoss(sd, loss, vClip.sub(tgt), "errClipped", rows).sub(lv), 0));
    }
    SDVariable total = wt.mul(lpi.add(lv.mul(loss.valueCoef())).sub(ent.mul(loss.entropyCoef()))).sum();
    sd.setLossVariables(total);
    Map<String, INDArray> g = QuietSameDiff.calculateGradients(sd, new HashMap<>(), "z", "v");
    double[] wantDz = g.get("z").dup('c').data().asDouble();
    double[] wantDv = g.get("v").dup('c').data().asDouble();
    assertCloseToScale(wantDz, dz, 1e-5, "w dL/dz vs SameDiff");
    assertCloseToScale(wantDv, dV, 1e-5, "w dL/dV vs SameDiff");
    for (int r : new int[] {5, 17}) {
      for (int j = 0; j < na; j++) {
        assertEquals(0f, dz[r * na + j], "padded row " + r);
      }
    }
    // The loss itself: with equal weights over the valid rows it is mean L_pi + c_V mean L_V - beta mean H.
    double lossSd = sd.output(new HashMap<String, INDArray>(), total.name()).get(total.name()).getDouble(0);
    double lossStats = st.policyLoss() + loss.valueCoef() * st.valueLoss() - loss.entropyCoef() * st.entropy();
    assertEquals(rows - 2, st.steps());
    assertEquals(lossSd, lossStats, 1e-5 * Math.max(1, Math.abs(lossSd)), "the loss vs SameDiff's");
  }

  /** l(x) from primitive ops: squared error, or Huber as q^2 / 2 + delta (|x| - q) with q = min(|x|, delta). */
  private static SDVariable sdValueLoss(SameDiff sd, PpoLoss loss, SDVariable x, String name, int rows) {
    if (loss.huberDelta() == 0) {
      return x.mul(x).mul(0.5);
    }
    SDVariable abs = sd.math().abs(x);
    SDVariable delta = sd.constant(name + "Delta", filled(rows, loss.huberDelta()));
    SDVariable q = sd.math().min(abs, delta);
    return q.mul(q).mul(0.5).add(abs.sub(q).mul(loss.huberDelta()));
  }

  // ----------------------------------------------------------------------------------------------- helpers

  private static INDArray filled(int rows, double v) {
    double[] a = new double[rows];
    java.util.Arrays.fill(a, v);
    return column(a);
  }

  private static INDArray column(double[] v) {
    return Nd4j.create(v, new long[] {v.length, 1}, 'c');
  }

  static float[] logs(double... p) {
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = (float) Math.log(p[i]);
    }
    return out;
  }

  static double entropyOfLogits(double[] z) {
    double h = 0;
    for (double lp : LogSoftmaxReference.logSoftmaxD(z)) {
      h -= Math.exp(lp) * lp;
    }
    return h;
  }

  static void assertClose(double[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what + ": length");
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) {
        fail(what + ": index " + i + " expected " + want[i] + ", got " + got[i]);
      }
    }
  }

  /** |got - want| <= tol * max|want| everywhere (relative to the gradient's scale). */
  static void assertCloseToScale(double[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what + ": length");
    double scale = 0;
    for (double v : want) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertTrue(scale > 0, what + ": all-zero reference");
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= tol * scale)) {
        fail(what + ": index " + i + " expected " + want[i] + ", got " + got[i] + " (scale " + scale + ")");
      }
    }
  }
}
