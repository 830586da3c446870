package dev.mnemo.learners.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OptimTest {

  @Test
  void gradientNormIsClippedGlobally() {
    float[] g = {3, 4, 0};
    double norm = GlobalNormClip.clip(g, 1.0);
    assertEquals(5.0, norm, 1e-9);
    assertArrayEquals(new float[] {0.6f, 0.8f, 0f}, g, 1e-6f);
    float[] small = {0.3f, 0.4f};
    assertEquals(0.5, GlobalNormClip.clip(small, 1.0), 1e-7);
    assertArrayEquals(new float[] {0.3f, 0.4f}, small, "a gradient inside the bound stays unchanged");
    float[] unbounded = {30, 40};
    assertEquals(50.0, GlobalNormClip.clip(unbounded, 0), 1e-9);
    assertArrayEquals(new float[] {30, 40}, unbounded, "max 0 means no clipping");
  }

  /** Adam's first step moves each parameter by lr against its gradient's sign (mhat / sqrt(vhat) = sign(g)). */
  @Test
  void adamsFirstStepIsLrTimesTheSign() {
    Adam adam = new Adam(3, 0.1, 1e-12);
    float[] p = {1, 1, 1};
    adam.apply(p, new float[] {2f, -0.5f, 0f});
    assertArrayEquals(new float[] {0.9f, 1.1f, 1f}, p, 1e-6f);
    assertEquals(1, adam.step());
  }

  /**
   * AdamW (beta1 0.9, beta2 0.999, eps 0.1 so that it matters, weight decay 0.01, lr 0.1) from theta = (1, -2):
   * <pre>
   * step 1, g = (0.5, -1):  m = (0.05, -0.1), v = (0.00025, 0.001); mhat = (0.5, -1), vhat = (0.25, 1)
   *   mhat / (sqrt(vhat) + eps) = (0.5 / 0.6, -1 / 1.1) = (0.8333333, -0.9090909); wd theta = (0.01, -0.02)
   *   theta = (1 - 0.1 * 0.8433333, -2 - 0.1 * -0.9290909) = (0.9156667, -1.9070909)
   * step 2, g = (0.1, 0.3):  m = (0.055, -0.06), v = (0.00025975, 0.001089)
   *   mhat = m / 0.19 = (0.2894737, -0.3157895), vhat = v / 0.001999 = (0.1299400, 0.5447724)
   *   sqrt(vhat) = (0.3604719, 0.7380870); ratio = (0.6286457, -0.3767980); wd theta = (0.0091567, -0.0190709)
   *   theta = (0.9156667 - 0.1 * 0.6378024, -1.9070909 - 0.1 * -0.3958689) = (0.8518864, -1.8675040)
   * </pre>
   */
  @Test
  void adamWMatchesAHandComputedTwoStepExampleWithWeightDecay() {
    AdamW opt = new AdamW(2, 0.9, 0.999, 0.1, 0.01);
    float[] theta = {1f, -2f};
    opt.apply(theta, new float[] {0.5f, -1f}, 0.1);
    assertClose(new double[] {0.9156667, -1.9070909}, theta, 1e-6, "theta after step 1");
    opt.apply(theta, new float[] {0.1f, 0.3f}, 0.1);
    assertClose(new double[] {0.8518864, -1.8675040}, theta, 1e-6, "theta after step 2");
    assertClose(new double[] {0.055, -0.06}, opt.state().m(), 1e-7, "first moment");
    assertClose(new double[] {0.00025975, 0.001089}, opt.state().v(), 1e-9, "second moment");
    assertEquals(2, opt.step());
    // Decoupled decay: with a zero gradient theta shrinks by exactly lr * wd * theta: 3 - 0.1 * 0.01 * 3 = 2.997.
    AdamW decay = new AdamW(1, 1e-8, 0.01);
    float[] w = {3f};
    decay.apply(w, new float[] {0f}, 0.1);
    assertEquals(2.997f, w[0], 1e-6f);
    assertThrows(IllegalArgumentException.class, () -> new AdamW(1, 0, 0.01));
    assertThrows(IllegalArgumentException.class, () -> new AdamW(1, 1e-8, -0.01));
  }

  /** A restored optimiser takes bit for bit the steps of one that never stopped. */
  @Test
  void stateRestoresBitForBit() {
    SplittableRandom r = new SplittableRandom(5);
    float[][] grads = new float[6][8];
    for (float[] g : grads) {
      for (int i = 0; i < g.length; i++) {
        g[i] = (float) r.nextGaussian();
      }
    }
    float[] straight = new float[8];
    AdamW a = new AdamW(8, 1e-5, 0.01);
    float[] resumed = new float[8];
    AdamW b = new AdamW(8, 1e-5, 0.01);
    for (int k = 0; k < 3; k++) {
      a.apply(straight, grads[k], 1e-2);
      b.apply(resumed, grads[k], 1e-2);
    }
    AdamState saved = b.state();
    AdamW c = new AdamW(8, 1e-5, 0.01);
    c.restore(saved);
    for (int k = 3; k < 6; k++) {
      a.apply(straight, grads[k], 1e-2);
      c.apply(resumed, grads[k], 1e-2);
    }
    assertArrayEquals(straight, resumed);
    assertEquals(6, c.step());

    Adam plain = new Adam(8, 1e-2, 1e-8);
    plain.apply(new float[8], grads[0]);
    Adam fresh = new Adam(8, 1e-2, 1e-8);
    fresh.restore(plain.state());
    assertEquals(1, fresh.step());
    assertArrayEquals(plain.state().m(), fresh.state().m());
  }

  @Test
  void momentsOfAnotherSizeAreRefusedNamingBoth() {
    AdamW a = new AdamW(4, 1e-5, 0);
    var e = assertThrows(IllegalArgumentException.class,
        () -> a.restore(new AdamState(new float[3], new float[3], 1)));
    assertTrue(e.getMessage().contains("4") && e.getMessage().contains("3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new AdamState(new float[3], new float[2], 0));
  }

  static void assertClose(double[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what + ": length");
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= tol)) {
        fail(what + ": index " + i + " expected " + want[i] + ", got " + got[i]);
      }
    }
  }
}
