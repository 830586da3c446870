package dev.mnemo.agents.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Softmax}'s equations, its numerical range, and its gradients against central differences. */
class SoftmaxTest {

  @Test
  void logSoftmaxStaysFiniteForLogitsFarApart() {
    float[] z = {1000f, 0f, -1000f};
    float[] lp = new float[3];
    Softmax.logSoftmax(z, 0, 3, lp, 0);
    assertEquals(0f, lp[0], 0f, "the dominant action has log p = 0");
    assertEquals(-1000f, lp[1], 1e-3f);
    assertEquals(-2000f, lp[2], 1e-3f);
    assertEquals(0.0, Softmax.entropy(lp, 0, 3), 1e-12, "a certain policy has no entropy");
  }

  @Test
  void entropyOfTheUniformPolicyIsLogAAndStationary() {
    float[] lp = new float[4];
    Softmax.logSoftmax(new float[] {0.3f, 0.3f, 0.3f, 0.3f}, 0, 4, lp, 0);
    assertEquals(Math.log(4), Softmax.entropy(lp, 0, 4), 1e-6);
    float[] d = new float[4];
    Softmax.addEntropyGradient(lp, 0, 4, 1.0, d, 0);
    for (float v : d) {
      assertEquals(0f, v, 1e-7f, "the maximum of the entropy has zero gradient");
    }
  }

  @Test
  void entropyGradientMatchesCentralDifferencesAndAccumulates() {
    double[] z = {0.4, -1.2, 2.0, 0.1, -0.3};
    float[] lp = logSoftmax(z);
    float[] d = {1f, 2f, 3f, 4f, 5f};
    double scale = -0.7;
    Softmax.addEntropyGradient(lp, 0, z.length, scale, d, 0);
    for (int j = 0; j < z.length; j++) {
      double keep = z[j];
      z[j] = keep + 1e-3;
      double up = Softmax.entropy(logSoftmax(z), 0, z.length);
      z[j] = keep - 1e-3;
      double down = Softmax.entropy(logSoftmax(z), 0, z.length);
      z[j] = keep;
      double fd = scale * (up - down) / 2e-3; // float log-probs: a wider step
      assertEquals(j + 1 + fd, d[j], 1e-4, "d(scale H)/dz_" + j + " added to what was there");
    }
  }

  @Test
  void logSoftmaxBackwardOfAOneHotIsTheScoreFunction() {
    // d log pi(a) / dz_j = 1[j = a] - pi_j: the policy-gradient term PPO scales by its advantage ratio.
    float[] lp = logSoftmax(new double[] {0.4, -1.2, 2.0, 0.1});
    float[] g = {0f, 0f, 1.5f, 0f};
    float[] dz = new float[4];
    Softmax.logSoftmaxBackward(lp, 0, 4, g, 0, dz, 0);
    double sum = 0;
    for (int j = 0; j < 4; j++) {
      double want = 1.5 * ((j == 2 ? 1 : 0) - Math.exp(lp[j]));
      assertEquals(want, dz[j], 1e-6, "dz_" + j);
      sum += dz[j];
    }
    assertTrue(Math.abs(sum) < 1e-6, "log-softmax's gradient sums to zero over the logits (shift invariance)");
  }

  private static float[] logSoftmax(double[] z) {
    float[] zf = new float[z.length];
    for (int j = 0; j < z.length; j++) {
      zf[j] = (float) z[j];
    }
    float[] lp = new float[z.length];
    Softmax.logSoftmax(zf, 0, z.length, lp, 0);
    return lp;
  }
}
