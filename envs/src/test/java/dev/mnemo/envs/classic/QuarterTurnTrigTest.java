package dev.mnemo.envs.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class QuarterTurnTrigTest {
  /** π/2 to 60 digits. */
  private static final BigDecimal HALF_PI = new BigDecimal(
      "1.57079632679489661923132169163975144209858469968755291048747");

  @Test
  void theSplitOfHalfPiIsExactWhereItMustBe() {
    for (double p : new double[] {QuarterTurnTrig.P1, QuarterTurnTrig.P2}) {
      long mantissa = Double.doubleToRawLongBits(p) & ((1L << 52) - 1);
      assertEquals(0, mantissa & ((1L << 20) - 1), p + " has at most 33 significant bits");
    }
    BigDecimal sum = new BigDecimal(QuarterTurnTrig.P1).add(new BigDecimal(QuarterTurnTrig.P2))
        .add(new BigDecimal(QuarterTurnTrig.P3));
    BigDecimal error = sum.subtract(HALF_PI).abs();
    assertTrue(error.compareTo(new BigDecimal("1e-36")) < 0,
        "P1 + P2 + P3 - pi/2 = " + error.round(MathContext.DECIMAL32));
  }

  private static double ulps(double got, double want) {
    return Math.abs(got - want) / Math.ulp(want);
  }

  private static double worstUlps(double range, long seed) {
    java.util.Random r = new java.util.Random(seed);
    double worst = 0;
    for (int i = 0; i < 1_000_000; i++) {
      double x = (2 * r.nextDouble() - 1) * range;
      if (i % 4 == 0) { // next to a multiple of pi/2, where the reduction must not lose the remainder's digits
        x = Math.rint(x / (Math.PI / 2)) * (Math.PI / 2) + (r.nextDouble() - 0.5) * 1e-6;
      }
      worst = Math.max(worst, ulps(QuarterTurnTrig.sin(x), Math.sin(x)));
      worst = Math.max(worst, ulps(QuarterTurnTrig.cos(x), Math.cos(x)));
    }
    return worst;
  }

  @Test
  void withinTwoUlpsOfMathUpToAHundredAndThreeUpToTheLimit() {
    double near = worstUlps(100, 1);
    double far = worstUlps(QuarterTurnTrig.LIMIT, 2);
    assertTrue(near <= 2, "worst on |x| <= 100: " + near + " ulps");
    assertTrue(far <= 3, "worst on |x| <= 1e6: " + far + " ulps");
  }

  @Test
  void quadrantsAndSignsAndBeyondTheLimit() {
    double[][] exact = {
        {0, 0, 1}, {Math.PI / 2, 1, 0}, {Math.PI, 0, -1}, {-Math.PI / 2, -1, 0}, {3 * Math.PI / 2, -1, 0}};
    for (double[] e : exact) {
      assertEquals(e[1], QuarterTurnTrig.sin(e[0]), 1e-15, "sin " + e[0]);
      assertEquals(e[2], QuarterTurnTrig.cos(e[0]), 1e-15, "cos " + e[0]);
    }
    for (double x : new double[] {Math.nextUp(QuarterTurnTrig.LIMIT), -2e7, 1e300, Double.NaN}) {
      assertEquals(Math.sin(x), QuarterTurnTrig.sin(x), "sin " + x);
      assertEquals(Math.cos(x), QuarterTurnTrig.cos(x), "cos " + x);
    }
  }

  @Test
  void theArrayFormGivesWhatEachElementsSinAndCosGive() {
    double[] x = {0.0, -0.3, 3.0, -77.7, 1e5, 2e6, -1e300, Double.NaN};
    double[] sin = new double[x.length + 1];
    double[] cos = new double[x.length + 1];
    sin[x.length] = 7;
    cos[x.length] = 7;
    QuarterTurnTrig.sinCos(x, sin, cos, x.length);
    for (int i = 0; i < x.length; i++) {
      assertEquals(Double.doubleToRawLongBits(QuarterTurnTrig.sin(x[i])), Double.doubleToRawLongBits(sin[i]),
          "sin " + x[i]);
      assertEquals(Double.doubleToRawLongBits(QuarterTurnTrig.cos(x[i])), Double.doubleToRawLongBits(cos[i]),
          "cos " + x[i]);
    }
    assertEquals(7, sin[x.length], "nothing written past n");
    assertEquals(7, cos[x.length], "nothing written past n");
  }
}
