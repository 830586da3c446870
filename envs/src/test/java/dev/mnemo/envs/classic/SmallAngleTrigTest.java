package dev.mnemo.envs.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmallAngleTrigTest {

  /** Distance in ulps of {@code got} from {@code want}. */
  private static double ulps(double got, double want) {
    return Math.abs(got - want) / Math.ulp(want);
  }

  @Test
  void seriesAreWithinOneUlpOfMathOnTheirWholeRange() {
    double worstSin = 0;
    double worstCos = 0;
    int points = 400_001;
    for (int k = 0; k < points; k++) {
      double x = -SmallAngleTrig.LIMIT + 2 * SmallAngleTrig.LIMIT * k / (points - 1);
      worstSin = Math.max(worstSin, ulps(SmallAngleTrig.sin(x), Math.sin(x)));
      worstCos = Math.max(worstCos, ulps(SmallAngleTrig.cos(x), Math.cos(x)));
    }
    assertTrue(worstSin <= 1, "sin: worst " + worstSin + " ulps from Math.sin");
    assertTrue(worstCos <= 1, "cos: worst " + worstCos + " ulps from Math.cos");
    // A series one term short is far off at the range's end: the check above can fail.
    double x = SmallAngleTrig.LIMIT;
    double x2 = x * x;
    double shortCos = SmallAngleTrig.cosSeries(x) - x2 * x2 * x2 * x2 * x2 * x2 * x2 * x2 / 20_922_789_888_000.0;
    assertTrue(ulps(shortCos, Math.cos(x)) > 1, "without its last term the cosine series is more than 1 ulp off");
  }

  @Test
  void exactWhereTheFunctionsAreExactAndOddEvenLikeThem() {
    assertEquals(0.0, SmallAngleTrig.sin(0.0));
    assertEquals(1.0, SmallAngleTrig.cos(0.0));
    for (double x : new double[] {1e-9, 0.01, 0.2, 0.7}) {
      assertEquals(-SmallAngleTrig.sin(x), SmallAngleTrig.sin(-x), "sin is odd at " + x);
      assertEquals(SmallAngleTrig.cos(x), SmallAngleTrig.cos(-x), "cos is even at " + x);
    }
  }

  @Test
  void beyondTheRangeTheyAreMath() {
    for (double x : new double[] {Math.nextUp(SmallAngleTrig.LIMIT), 1.0, -2.5, 40.0, Math.PI}) {
      assertEquals(Math.sin(x), SmallAngleTrig.sin(x), "sin at " + x);
      assertEquals(Math.cos(x), SmallAngleTrig.cos(x), "cos at " + x);
    }
    // At the edge, still the series, and still close (the switch does not jump).
    double edge = SmallAngleTrig.LIMIT;
    assertEquals(SmallAngleTrig.sinSeries(edge), SmallAngleTrig.sin(edge));
    assertTrue(ulps(SmallAngleTrig.sin(edge), Math.sin(edge)) <= 1);
  }

  @Test
  void theArrayFormGivesWhatEachElementsSinAndCosGive() {
    double[] x = {0.0, -0.3, 0.78, 0.8, -2.5, 40.0, Double.NaN, 1e-9};
    double[] sin = new double[x.length + 1];
    double[] cos = new double[x.length + 1];
    sin[x.length] = 7;
    cos[x.length] = 7;
    SmallAngleTrig.sinCos(x, sin, cos, x.length);
    for (int i = 0; i < x.length; i++) {
      assertEquals(Double.doubleToRawLongBits(SmallAngleTrig.sin(x[i])), Double.doubleToRawLongBits(sin[i]),
          "sin " + x[i]);
      assertEquals(Double.doubleToRawLongBits(SmallAngleTrig.cos(x[i])), Double.doubleToRawLongBits(cos[i]),
          "cos " + x[i]);
    }
    assertEquals(7, sin[x.length], "nothing written past n");
    assertEquals(7, cos[x.length], "nothing written past n");
  }
}
