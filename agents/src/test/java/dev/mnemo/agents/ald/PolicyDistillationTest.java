package dev.mnemo.agents.ald;

import static dev.mnemo.agents.LogSoftmaxReference.logSoftmax;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mnemo.agents.QuietSameDiff;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link PolicyDistillation} on a tiny batch: values computed by hand, gradients with respect to the logits and
 * value against finite differences in double and against SameDiff autodiff (log-softmax from primitive ops).
 */
class PolicyDistillationTest {

  /**
   * Two actions, learner (0.8, 0.2), actor (0.5, 0.5): KL(L || A) = 0.8 ln 1.6 + 0.2 ln 0.4 = 0.192745;
   * V_L = 1, V_A = 3: with alpha 1, beta 0.5, w 0.25: L_A = 0.25 (0.192745 + 0.5 * 4 / 2) = 0.298186; dz_A =
   * 0.25 (pi_A - pi_L) = (-0.075, 0.075); dV_A = 0.25 * 0.5 * 2 = 0.25.
   */
  @Test
  void actorLossAndGradientsByHand() {
    float[] logL = {(float) Math.log(0.8), (float) Math.log(0.2)};
    float[] logA = {(float) Math.log(0.5), (float) Math.log(0.5)};
    float[] dz = new float[2];
    float[] dv = new float[1];
    double loss = PolicyDistillation.actorStep(logL, 0, logA, 0, 2, 1.0, 3.0, 1.0, 0.5, 0.25, dz, 0, dv, 0);
    assertEquals(0.25 * (0.8 * Math.log(1.6) + 0.2 * Math.log(0.4) + 1.0), loss, 1e-6);
    assertEquals(0.298186, loss, 1e-6);
    assertEquals(-0.075, dz[0], 1e-6);
    assertEquals(0.075, dz[1], 1e-6);
    assertEquals(0.25, dv[0], 1e-6);
    assertEquals(0.8 * Math.log(1.6) + 0.2 * Math.log(0.4), PolicyDistillation.kl(logL, 0, logA, 0, 2), 1e-6);
  }

  /** KL(A || L) = 0.5 ln(0.5/0.8) + 0.5 ln(0.5/0.2) = 0.223144; dz_L = lambda w (pi_L - pi_A). */
  @Test
  void learnerRegulariserByHandAndZeroWeightIsNoTerm() {
    float[] logL = {(float) Math.log(0.8), (float) Math.log(0.2)};
    float[] logA = {(float) Math.log(0.5), (float) Math.log(0.5)};
    float[] dz = new float[2];
    double loss = PolicyDistillation.learnerStep(logL, 0, logA, 0, 2, 0.1, 1.0, dz, 0);
    assertEquals(0.1 * 0.223144, loss, 1e-6);
    assertEquals(0.1 * 0.3, dz[0], 1e-6);
    assertEquals(-0.1 * 0.3, dz[1], 1e-6);
    assertEquals(0.0, PolicyDistillation.learnerStep(logL, 0, logA, 0, 2, 0.0, 1.0, dz, 0));
    assertEquals(0f, dz[0]);
  }

  /** Central differences of L_A in the actor's logits and value, and of L_R in the learner's logits. */
  @Test
  void gradientsMatchFiniteDifferences() {
    double[] zl = {0.3, -1.1, 0.7, 0.2};
    double[] za = {-0.4, 0.9, 0.1, -0.6};
    double alpha = 0.7;
    double beta = 1.3;
    double w = 0.5;
    float[] dz = new float[4];
    float[] dv = new float[1];
    PolicyDistillation.actorStep(logSoftmax(zl), 0, logSoftmax(za), 0, 4, 0.4, -0.2, alpha, beta, w, dz, 0, dv, 0);
    double eps = 1e-3; // the log-probabilities are floats: a smaller step drowns in their rounding
    for (int j = 0; j < 4; j++) {
      double[] up = za.clone();
      double[] down = za.clone();
      up[j] += eps;
      down[j] -= eps;
      double fd = (actorLoss(zl, up, -0.2, alpha, beta, w) - actorLoss(zl, down, -0.2, alpha, beta, w)) / (2 * eps);
      assertEquals(fd, dz[j], 2e-4, "dL_A/dz_A[" + j + "]");
    }
    double fdv = (actorLoss(zl, za, -0.2 + eps, alpha, beta, w) - actorLoss(zl, za, -0.2 - eps, alpha, beta, w))
        / (2 * eps);
    assertEquals(fdv, dv[0], 2e-4, "dL_A/dV_A");
    PolicyDistillation.learnerStep(logSoftmax(zl), 0, logSoftmax(za), 0, 4, 0.3, w, dz, 0);
    for (int j = 0; j < 4; j++) {
      double[] up = zl.clone();
      double[] down = zl.clone();
      up[j] += eps;
      down[j] -= eps;
      double fd = (learnerLoss(up, za, 0.3, w) - learnerLoss(down, za, 0.3, w)) / (2 * eps);
      assertEquals(fd, dz[j], 2e-4, "dL_R/dz_L[" + j + "]");
    }
  }

  private static double actorLoss(double[] zl, double[] za, double va, double alpha, double beta, double w) {
    return PolicyDistillation.actorStep(logSoftmax(zl), 0, logSoftmax(za), 0, zl.length, 0.4, va, alpha, beta, w,
        new float[zl.length], 0, new float[1], 0);
  }

  private static double learnerLoss(double[] zl, double[] za, double lambda, double w) {
    return PolicyDistillation.learnerStep(logSoftmax(zl), 0, logSoftmax(za), 0, zl.length, lambda, w,
        new float[zl.length], 0);
  }

  /** The actor's loss over 3 rows of 4 actions as a SameDiff graph (teacher constant): the same gradients. */
  @Test
  void actorGradientsMatchSameDiff() {
    int rows = 3;
    int n = 4;
    float[] zl = {0.3f, -1.1f, 0.7f, 0.2f, 1.0f, 0f, -0.5f, 0.4f, -0.2f, -0.2f, 0.9f, 0.1f};
    float[] za = {-0.4f, 0.9f, 0.1f, -0.6f, 0.2f, 0.2f, 0.3f, -1.0f, 0.6f, -0.3f, 0f, 0.5f};
    float[] vl = {0.4f, -1.0f, 2.0f};
    float[] va = {-0.2f, 0.5f, 1.0f};
    double alpha = 0.7;
    double beta = 1.3;
    double w = 1.0 / rows;
    SameDiff sd = SameDiff.create();
    SDVariable zA = sd.var("zA", Nd4j.create(za, new long[] {rows, n}, 'c'));
    SDVariable vA = sd.var("vA", Nd4j.create(va, new long[] {rows, 1}, 'c'));
    SDVariable zL = sd.constant("zL", Nd4j.create(zl, new long[] {rows, n}, 'c'));
    SDVariable vL = sd.constant("vL", Nd4j.create(vl, new long[] {rows, 1}, 'c'));
    SDVariable logA = zA.sub(sd.math().log(sd.math().exp(zA).sum(true, 1)));
    SDVariable logL = zL.sub(sd.math().log(sd.math().exp(zL).sum(true, 1)));
    SDVariable kl = sd.math().exp(logL).mul(logL.sub(logA)).sum();
    SDVariable mse = vA.sub(vL).mul(vA.sub(vL)).sum().mul(0.5);
    sd.setLossVariables(kl.mul(alpha * w).add(mse.mul(beta * w)));
    Map<String, INDArray> g = QuietSameDiff.calculateGradients(sd, new HashMap<>(), "zA", "vA");
    float[] gz = g.get("zA").dup('c').data().asFloat();
    float[] gv = g.get("vA").dup('c').data().asFloat();
    float[] dz = new float[n];
    float[] dv = new float[1];
    for (int r = 0; r < rows; r++) {
      float[] lp = logSoftmax(toD(zl, r * n, n));
      float[] la = logSoftmax(toD(za, r * n, n));
      PolicyDistillation.actorStep(lp, 0, la, 0, n, vl[r], va[r], alpha, beta, w, dz, 0, dv, 0);
      for (int j = 0; j < n; j++) {
        assertEquals(gz[r * n + j], dz[j], 1e-5, "row " + r + " logit " + j);
      }
      assertEquals(gv[r], dv[0], 1e-5, "row " + r + " value");
    }
  }

  private static double[] toD(float[] a, int off, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = a[off + i];
    }
    return d;
  }
}
