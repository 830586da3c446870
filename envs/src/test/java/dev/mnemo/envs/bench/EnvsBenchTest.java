package dev.mnemo.envs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's plumbing (not its speed): rows, their ratios, POPGym's figures beside their tasks, errors. */
class EnvsBenchTest {

  @Test
  void printsOneRowPerSelectedEnvWithPopgymFiguresOnlyBesideTheirTwoTasks() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EnvsBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
        "--seconds", "0.02", "--n", "8", "--filter", "Easy");
    String out = bytes.toString(StandardCharsets.UTF_8);
    List<String> rows = out.lines().filter(l -> l.startsWith("popgym/")).toList();
    assertEquals(10, rows.size(), "one row per POPGym task at Easy:\n" + out);
    for (String row : rows) {
      String[] c = row.trim().split("\\s+");
      assertEquals(12, c.length, "env, single, hand x8, vector, vec/sgl, vec/hand, one x8, hand/one, vector (wall), "
          + "POPGym, vec/POPGym, together: " + row);
      assertEquals(row.contains("CartPole") || row.contains("Pendulum") || row.contains("CountRecall") ? "yes" : "no",
          c[11], "the cart-poles, pendulums and CountRecall step their copies together, the other tasks one by one: "
              + row);
      double single = number(c[1]);
      double hand = number(c[2]);
      double vector = number(c[3]);
      double one = number(c[6]);
      assertTrue(single > 0 && hand > 0 && vector > 0 && one > 0 && number(c[8]) > 0, "positive rates: " + row);
      assertEquals(hand / one, number(c[7].replace("x", "")), 0.005 + hand / one * (0.5 / hand + 0.5 / one),
          "hand/one must be hand / one: " + row);
      // The printed figures are rounded (rates to 1, ratios to 0.01): allow that and no more.
      double rounding = 0.005 + vector / single * (0.5 / single + 0.5 / vector);
      assertEquals(vector / single, number(c[4].replace("x", "")), rounding,
          "vec/sgl must be vector / single: " + row);
      assertEquals(vector / hand, number(c[5].replace("x", "")), 0.005 + vector / hand * (0.5 / hand + 0.5 / vector),
          "vec/hand must be vector / hand: " + row);
      String popgym = row.startsWith("popgym/PositionOnlyCartPole-Easy ") ? "218,000"
          : row.startsWith("popgym/RepeatPrevious-Easy ") ? "136,000" : "-";
      assertEquals(popgym, c[9], "POPGym's figure beside " + c[0] + " (none beside other tasks)");
      if (popgym.equals("-")) {
        assertEquals("-", c[10], "no ratio without a POPGym figure: " + row);
      } else {
        assertEquals(vector / number(popgym), number(c[10].replace("x", "")), 0.5 + 0.5 / number(popgym),
            "vec/POPGym must be the vector rate over POPGym's: " + row);
      }
    }
  }

  @Test
  void ratiosAreTheVectorRateOverSingleAndOverPopgym() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EnvsBench.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(
        new EnvsBench.Row("popgym/RepeatPrevious-Easy", 1_000_000, 2_176_000, 4_352_000, 3_000_000, 136_000,
            2_720_000),
        new EnvsBench.Row("popgym/HigherLower-Easy", 800_000, 400_000, 200_000, 150_000, Double.NaN, 800_000)), 8,
        0.5, 5, 22);
    List<String> rows = bytes.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("popgym/")).toList();
    assertEquals(List.of("popgym/RepeatPrevious-Easy", "1,000,000", "2,176,000", "4,352,000", "4.35x", "2.00x",
        "2,720,000", "0.80x", "3,000,000", "136,000", "32x", "no"), List.of(rows.get(0).trim().split("\\s+")),
        "vec/sgl = 4352000 / 1e6, vec/hand = 4352000 / 2176000, hand/one = 2176000 / 2720000, "
            + "vec/POPGym = 4352000 / 136000");
    assertEquals(List.of("popgym/HigherLower-Easy", "800,000", "400,000", "200,000", "0.25x", "0.50x", "800,000",
        "0.50x", "150,000", "-", "-", "no"),
        List.of(rows.get(1).trim().split("\\s+")), "vec/sgl below 1; no POPGym figure, no ratio");
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains(
        "vec/sgl: geometric mean 1.04x over 2 envs; below 1.00x on 1 of them"), "sqrt(4.352 x 0.25) = 1.043, "
        + "HigherLower below:\n" + bytes);
  }

  @Test
  void withForksVecSglIsTheMedianOfTheJvmsRatiosAndTheirRangeIsPrinted() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EnvsBench.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(
        new EnvsBench.Row("bandit", 1_000_000, 2_000_000, 900_000, 900_000, Double.NaN, 2_000_000,
            new EnvsBench.ForkSpread(3, 1.10, 0.70, 1.25))), 8, 0.5, 5, 22);
    String out = bytes.toString(StandardCharsets.UTF_8);
    List<String> row = List.of(out.lines().filter(l -> l.startsWith("bandit")).findFirst().orElseThrow().trim()
        .split("\\s+"));
    assertEquals("1.10x", row.get(4), "the median of the JVMs' ratios, not 900,000 / 1,000,000: " + row);
    assertEquals("0.45x", row.get(5), "vec/hand from the median rates: " + row);
    assertEquals("0.70-1.25x", row.get(11), "the lowest and highest JVM's ratio: " + row);
    assertEquals(List.of("0", "-", "0"), row.subList(12, 15), "no JVM re-run, none kept slowed: " + row);
    assertEquals("yes", row.get(15), "the RL² bandit's copies step together: " + row);
    assertTrue(out.contains("3 fresh JVMs per env") && out.contains("below 1.00x on 0 of them"), out);
    assertTrue(out.contains("random actions (a cycle of 2^22)"), "the header names the action cycle's length: " + out);
  }

  @Test
  void forksMeasureEachEnvInFreshJvms() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EnvsBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
        "--seconds", "0.02", "--n", "4", "--rounds", "1", "--forks", "2", "--filter", "tmaze");
    String out = bytes.toString(StandardCharsets.UTF_8);
    List<String> rows = out.lines().filter(l -> l.startsWith("tmaze")).toList();
    assertEquals(1, rows.size(), out);
    String[] c = rows.get(0).trim().split("\\s+");
    assertEquals(16, c.length, "the range and re-run columns follow POPGym's, 'together' comes last: "
        + rows.get(0));
    assertEquals("yes", c[15], "the T-Maze's copies step together: " + rows.get(0));
    assertTrue(out.contains("Slowed host: "), "the footer counts the JVMs re-run on a slowed host: " + out);
    String[] range = c[11].replace("x", "").split("-");
    double lo = Double.parseDouble(range[0]);
    double hi = Double.parseDouble(range[1]);
    double median = number(c[4].replace("x", ""));
    assertTrue(lo > 0 && lo <= median + 0.005 && median <= hi + 0.005, "lowest <= median <= highest: " + rows.get(0));
    assertTrue(number(c[1]) > 0 && number(c[3]) > 0, rows.get(0));
  }

  @Test
  void aJvmWhoseCanaryRanSlowIsReRunAndTheFastestCanarysAttemptCounts() {
    // Scripted JVMs: {single, vector, wall, hand, one, canary}. The run's fastest canary so far is 100.
    java.util.ArrayDeque<double[]> jvms = new java.util.ArrayDeque<>(List.of(
        jvm(100, 120, 99), // fork 1: quiet (99 >= 0.92 x 100), counted at once
        jvm(100, 70, 80), // fork 2: slowed, re-run ...
        jvm(100, 110, 96), // ... quiet: counted; the 0.70 attempt goes to 're-run vec/sgl'
        jvm(100, 60, 50), // fork 3: slowed three times (reruns = 2) ...
        jvm(100, 80, 85), // ... the fastest canary of the three, counted and marked as slowed
        jvm(100, 65, 70)));
    int[] pauses = {0};
    double[] fastest = {100};
    EnvsBench.Row row = EnvsBench.forkedRow("tmaze", 3, 2, fastest, jvms::removeFirst, () -> pauses[0]++);
    assertTrue(jvms.isEmpty(), "six JVMs measured: 1 + 2 + 3 attempts");
    assertEquals(3, pauses[0], "a pause before each re-run");
    EnvsBench.ForkSpread f = row.forks();
    assertEquals(1.10, f.medianRatio(), 1e-12, "the counted ratios 1.20, 1.10, 0.80");
    assertEquals(0.80, f.minRatio(), 1e-12);
    assertEquals(1.20, f.maxRatio(), 1e-12);
    assertEquals(3, f.reruns(), "the attempts not counted: 0.70, 0.60, 0.65");
    assertEquals(0.65, f.rerunMedianRatio(), 1e-12);
    assertEquals(1, f.slowKept(), "fork 3 stayed slowed");
    assertEquals(100, fastest[0], "no canary beat 100");
    assertEquals(110, row.vectorStepsPerSecond(), 1e-9, "the median of the counted JVMs' vector rates");

    // A faster canary raises the bar for the JVMs after it.
    jvms.addAll(List.of(jvm(100, 100, 130), jvm(100, 90, 110), jvm(100, 95, 125)));
    EnvsBench.ForkSpread g = EnvsBench.forkedRow("tmaze", 2, 1, fastest, jvms::removeFirst, () -> { }).forks();
    assertEquals(130, fastest[0]);
    assertEquals(1, g.reruns(), "110 < 0.92 x 130: re-run");
    assertEquals(0.90, g.rerunMedianRatio(), 1e-12);
    assertEquals(0, g.slowKept());
  }

  private static double[] jvm(double single, double vector, double canary) {
    return new double[] {single, vector, vector, 2 * single, 3 * single, canary};
  }

  @Test
  void aRatioJustBelowOneIsPrintedWithAThirdDecimal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EnvsBench.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(
        new EnvsBench.Row("imaze", 1_000_000, 1_000_000, 997_000, 997_000, Double.NaN, 1_000_000),
        new EnvsBench.Row("tmaze", 1_000_000, 1_000_000, 1_003_000, 1_003_000, Double.NaN, 1_000_000)), 8, 0.5, 5, 22);
    String out = bytes.toString(StandardCharsets.UTF_8);
    List<String> ratios = out.lines().filter(l -> l.startsWith("imaze") || l.startsWith("tmaze"))
        .map(l -> l.trim().split("\\s+")[4]).toList();
    assertEquals(List.of("0.997x", "1.00x"), ratios, "below 1 but rounding to 1.00: three decimals; above: two");
    assertTrue(out.contains("below 1.00x on 1 of them"), out);
  }

  @Test
  void printsTheReRunsAndTheSlowedJvmsOfEachEnv() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EnvsBench.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(
        new EnvsBench.Row("imaze", 1_000_000, 2_000_000, 1_100_000, 1_100_000, Double.NaN, 2_000_000,
            new EnvsBench.ForkSpread(5, 1.10, 0.95, 1.20, 2, 0.78, 1))), 8, 0.5, 5, 22);
    String out = bytes.toString(StandardCharsets.UTF_8);
    List<String> row = List.of(out.lines().filter(l -> l.startsWith("imaze")).findFirst().orElseThrow().trim()
        .split("\\s+"));
    assertEquals(List.of("0.95-1.20x", "2", "0.78x", "1"), row.subList(11, 15), row.toString());
    assertTrue(out.contains("Slowed host: 2 JVMs re-run") && out.contains("1 JVMs counted although still slowed"),
        out);
  }

  private static double number(String printed) {
    return Double.parseDouble(printed.replace(",", ""));
  }

  @Test
  void measuresPositiveRatesInAFreshClassLoader() {
    double[] r = EnvsBench.measureIsolated("tmaze", 0.02, 4);
    assertEquals(6, r.length, "five rates and the canary's");
    for (double v : r) {
      assertTrue(v > 0 && Double.isFinite(v), "rate " + v);
    }
  }

  @Test
  void rejectsUnknownOptions() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EnvsBench.run(sink, "--secs", "1"));
    assertTrue(e.getMessage().contains("unknown option '--secs'") && e.getMessage().contains("--seconds"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EnvsBench.run(sink, "--seconds"));
    assertThrows(IllegalArgumentException.class, () -> EnvsBench.run(sink, "--n", "0"));
    assertThrows(IllegalArgumentException.class, () -> EnvsBench.run(sink, "--forks", "-1"));
    IllegalArgumentException pool = assertThrows(IllegalArgumentException.class,
        () -> EnvsBench.run(sink, "--action-pool", "40"));
    assertTrue(pool.getMessage().contains("--action-pool in [0, 26]") && pool.getMessage().contains("40"),
        pool.getMessage());
  }
}
