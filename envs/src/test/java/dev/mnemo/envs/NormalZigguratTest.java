package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NormalZigguratTest {

  private static double f(double x) {
    return Math.exp(-0.5 * x * x);
  }

  @Test
  void layersHaveEqualAreasAndCloseAtTheTop() {
    double v = NormalZiggurat.V;
    assertEquals(NormalZiggurat.R, NormalZiggurat.edge(1));
    // The base: a strip of width X0 and height f(R), plus the tail beyond R, has area V.
    assertEquals(v, NormalZiggurat.edge(0) * f(NormalZiggurat.R), 1e-15);
    double tail = Math.sqrt(Math.PI / 2) * erfc(NormalZiggurat.R / Math.sqrt(2));
    assertEquals(v, NormalZiggurat.R * f(NormalZiggurat.R) + tail, 1e-9, "base strip under the curve plus the tail");
    for (int i = 1; i < NormalZiggurat.LAYERS - 1; i++) {
      double xi = NormalZiggurat.edge(i);
      double next = NormalZiggurat.edge(i + 1);
      assertTrue(next < xi, "edges shrink upwards: " + i);
      assertEquals(v, xi * (f(next) - f(xi)), 1e-12, "area of rectangle " + i);
    }
    // The top rectangle reaches the density's peak: what R and V were chosen for.
    double last = NormalZiggurat.edge(NormalZiggurat.LAYERS - 1);
    assertEquals(1.0, f(last) + v / last, 1e-9, "top of the last layer");
    assertEquals(0.0, NormalZiggurat.edge(NormalZiggurat.LAYERS));
  }

  /** Two million draws against the standard normal: Kolmogorov-Smirnov, moments, the tail beyond R. */
  @Test
  void drawsAreStandardNormal() {
    Rng rng = new Rng(3);
    int n = 2_000_000;
    double[] z = new double[n];
    double sum = 0;
    double squares = 0;
    double fourth = 0;
    int tail = 0;
    for (int i = 0; i < n; i++) {
      double x = rng.nextNormal();
      z[i] = x;
      sum += x;
      squares += x * x;
      fourth += x * x * x * x;
      tail += Math.abs(x) > NormalZiggurat.R ? 1 : 0;
    }
    double mean = sum / n;
    assertEquals(0, mean, 4 / Math.sqrt(n), "mean");
    assertEquals(1, squares / n, 4 * Math.sqrt(2.0 / n), "variance");
    assertEquals(3, fourth / n, 4 * Math.sqrt(96.0 / n), "fourth moment");
    double expectedTail = erfc(NormalZiggurat.R / Math.sqrt(2)); // P(|Z| > R)
    assertEquals(expectedTail, (double) tail / n, 4 * Math.sqrt(expectedTail / n), "mass beyond R");
    Arrays.sort(z);
    double d = 0;
    for (int i = 0; i < n; i++) {
      double cdf = 0.5 * erfc(-z[i] / Math.sqrt(2));
      d = Math.max(d, Math.max(Math.abs(cdf - (double) i / n), Math.abs(cdf - (double) (i + 1) / n)));
    }
    // 1.63 / sqrt(n): the 1% critical value. A wedge or the tail drawn wrong (1.2% of the mass) moves D by ~1e-2.
    assertTrue(d < 1.63 / Math.sqrt(n), "Kolmogorov-Smirnov distance " + d);
  }

  @Test
  void aSeedFixesTheDrawsAndNextGaussianKeepsItsOwn() {
    Rng a = new Rng(42);
    Rng b = new Rng(42);
    for (int i = 0; i < 1000; i++) {
      assertEquals(Double.doubleToRawLongBits(a.nextNormal()), Double.doubleToRawLongBits(b.nextNormal()));
    }
    // nextGaussian is still the polar method: the first draw of seed 42 from its two uniforms.
    Rng polar = new Rng(42);
    Rng uniforms = new Rng(42);
    double u;
    double v;
    double s;
    do {
      u = 2 * uniforms.nextDouble() - 1;
      v = 2 * uniforms.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    assertEquals(u * Math.sqrt(-2 * Math.log(s) / s), polar.nextGaussian());
  }

  /** erfc by its continued fraction for x > 2 and by the series of erf below (double accuracy, no library). */
  static double erfc(double x) {
    if (x < 0) {
      return 2 - erfc(-x);
    }
    if (x < 2) {
      double term = x;
      double sum = x;
      for (int k = 1; k < 200; k++) {
        term *= -x * x / k;
        sum += term / (2 * k + 1);
      }
      return 1 - 2 / Math.sqrt(Math.PI) * sum;
    }
    double frac = 0;
    for (int k = 200; k >= 1; k--) {
      frac = k / 2.0 / (x + frac);
    }
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + frac);
  }
}
