package dev.mnemo.experiments.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SeedCurves}: seeds on different schedules, held after they end, thinned to a few points. */
class SeedCurvesTest {

  @Test
  void seedsOnOneScheduleGiveTheirPlainMeans() {
    SeedCurves.Curve c = SeedCurves.mean(List.of(
        new double[][] {{10, 1}, {20, 2}, {30, 3}},
        new double[][] {{10, 3}, {20, 4}, {30, 5}}), 100);
    assertArrayEquals(new double[] {10, 20, 30}, c.x());
    assertArrayEquals(new double[] {2, 3, 4}, c.mean(), 1e-12);
    assertArrayEquals(new int[] {2, 2, 2}, c.seeds());
    // Two values 2 apart: sd sqrt(2), t(1) 12.706: 12.706 * sqrt(2) / sqrt(2).
    assertEquals(12.706, c.ci95()[0], 1e-3);
  }

  /**
   * Seed a evaluates at 10, 30 (then stops: solved), seed b at 20, 40: at 10 only a counts (b has no evaluation
   * yet); at 20 a's 10 and b's 20; at 30 a's 30 and b's 20; at 40 a holds its 30 and b's 40. The old rule (mean of
   * the seeds that evaluate at exactly that x) gave 0, 0, 1, 1 here: a saw-tooth of one seed at a time.
   */
  @Test
  void eachSeedCountsWithItsLatestEvaluationAndHoldsItAfterItEnds() {
    SeedCurves.Curve c = SeedCurves.mean(List.of(
        new double[][] {{10, 0}, {30, 1}},
        new double[][] {{20, 0}, {40, 1}}), 100);
    assertArrayEquals(new double[] {10, 20, 30, 40}, c.x());
    assertArrayEquals(new double[] {0, 0, 0.5, 1}, c.mean(), 1e-12);
    assertArrayEquals(new int[] {1, 2, 2, 2}, c.seeds());
    assertEquals(0, c.ci95()[0], "one seed: no interval");
  }

  @Test
  void manyDistinctXAreThinnedToEvenlySpacedPoints() {
    double[][] a = new double[50][];
    double[][] b = new double[50][];
    for (int i = 0; i < 50; i++) {
      a[i] = new double[] {2 * i, i};
      b[i] = new double[] {2 * i + 1, i};
    }
    SeedCurves.Curve c = SeedCurves.mean(List.of(a, b), 5);
    assertArrayEquals(new double[] {0, 24.75, 49.5, 74.25, 99}, c.x(), 1e-12);
    // At 24.75: a's latest is x 24 (value 12), b's x 23 (value 11).
    assertEquals(11.5, c.mean()[1], 1e-12);
    assertEquals(49, c.mean()[4], 1e-12);
    assertThrows(IllegalArgumentException.class, () -> SeedCurves.mean(List.<double[][]>of(a), 1));
  }
}
