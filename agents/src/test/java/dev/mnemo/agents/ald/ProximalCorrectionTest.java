package dev.mnemo.agents.ald;

import static dev.mnemo.agents.LogSoftmaxReference.logSoftmax;
import static dev.mnemo.agents.LogSoftmaxReference.logSoftmaxD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mnemo.agents.rl2.PpoLoss;
import org.junit.jupiter.api.Test;

/**
 * {@link ProximalCorrection}: the weight by hand, and the claim of its javadoc that {@code PpoLoss.step} fed the
 * proximal log-probabilities and the weighted advantage is the decoupled objective's gradient, against finite
 * differences of that objective written out here independently (inside and outside the clip range).
 */
class ProximalCorrectionTest {

  private static final double EPS = 0.2;

  @Test
  void theWeightIsTheTruncatedRatioOfProximalToBehaviour() {
    float[] prox = logSoftmax(new double[] {0.5, -0.2, 0.1});
    float[] mu = logSoftmax(new double[] {0.0, 0.3, 0.1});
    double want1 = Math.exp((double) prox[1] - mu[1]); // < 1: the actor took it more often than the learner would
    assertEquals(want1, ProximalCorrection.weight(prox, 0, mu, 0, 1, 1.0), 1e-12);
    assertEquals(1.0, ProximalCorrection.weight(prox, 0, mu, 0, 0, 1.0), 1e-12, "pi_prox / mu > 1: truncated at 1");
    assertEquals(Math.exp((double) prox[0] - mu[0]), ProximalCorrection.weight(prox, 0, mu, 0, 0, 5.0), 1e-12);
  }

  @Test
  void ppoStepWithProximalRowAndWeightedAdvantageIsTheDecoupledGradient() {
    double[] prox = {0.4, -0.3, 0.2};
    double[] mu = {0.0, 0.5, -0.1};
    // Inside the clip range (r near 1), and outside it on both sides of the advantage's sign.
    check(new double[] {0.45, -0.32, 0.18}, prox, mu, 0, 1.5);
    check(new double[] {0.45, -0.32, 0.18}, prox, mu, 2, -0.7);
    check(new double[] {1.4, -0.3, 0.2}, prox, mu, 0, 1.5); // r > 1 + eps, A > 0: clipped, no gradient
    check(new double[] {-0.6, -0.3, 0.2}, prox, mu, 0, -1.2); // r < 1 - eps, A < 0: clipped
    check(new double[] {-0.6, -0.3, 0.2}, prox, mu, 0, 1.2); // r < 1 - eps, A > 0: unclipped branch is the min
  }

  private static void check(double[] z, double[] proxLogits, double[] muLogits, int action, double adv) {
    float[] logProx = logSoftmax(proxLogits);
    float[] logMu = logSoftmax(muLogits);
    double w = ProximalCorrection.weight(logProx, 0, logMu, 0, action, 1.0);
    PpoLoss ppo = new PpoLoss(EPS, 0, 0, 0, 0);
    float[] dz = new float[z.length];
    ppo.step(logSoftmax(z), 0, logProx, 0, z.length, action, adv * w, 0, 0, 0, 1.0, dz, 0, null);
    for (int j = 0; j < z.length; j++) {
      double h = 1e-4;
      double[] up = z.clone();
      double[] down = z.clone();
      up[j] += h;
      down[j] -= h;
      double numeric = (decoupled(up, logProx, logMu, action, adv) - decoupled(down, logProx, logMu, action, adv))
          / (2 * h);
      assertEquals(numeric, dz[j], 2e-4, "dL/dz_" + j + " at action " + action + ", A " + adv);
    }
  }

  /** {@code -min(pi_prox/mu, 1) min(r A, clip(r, 1 - eps, 1 + eps) A)}, r = pi / pi_prox, in doubles. */
  private static double decoupled(double[] z, float[] logProx, float[] logMu, int a, double adv) {
    double[] logPi = logSoftmaxD(z);
    double r = Math.exp(logPi[a] - logProx[a]);
    double wIs = Math.min(Math.exp((double) logProx[a] - logMu[a]), 1.0);
    return -wIs * Math.min(r * adv, Math.max(1 - EPS, Math.min(1 + EPS, r)) * adv);
  }
}
