package dev.mnemo.agents.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.baselines.BanditTableEvaluation.Result;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Row;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Setting;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BanditTableEvaluationTest {

  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  private static Settings cells(int instances, Setting... settings) {
    return Settings.paper().withSettings(List.of(settings)).withInstances(instances).withSeed(4242);
  }

  @Test
  void ucb1ThompsonAndGittinsBeatRandomByAMarginOnHundredPullsFiveArms() {
    Result r = BanditTableEvaluation.evaluate(cells(300, new Setting(100, 5)), QUIET);
    double random = r.row(100, 5, "random").mean();
    assertEquals(50, random, 2.5, "random earns n/2 in expectation");
    for (String algorithm : List.of("ucb1", "ts", "gittins", "ots", "greedy", "eps_greedy")) {
      double mean = r.row(100, 5, algorithm).mean();
      assertTrue(mean > random + 20, algorithm + " earned " + mean + ", random " + random + ": margin below 20");
    }
    // Gittins is the Bayes-optimal index rule here; on common random numbers it must not trail TS.
    assertTrue(r.row(100, 5, "gittins").mean() > r.row(100, 5, "ts").mean(),
        "gittins " + r.row(100, 5, "gittins").mean() + " vs ts " + r.row(100, 5, "ts").mean());
  }

  @Test
  void tenPullsFiveArmsReproducesThePaperWithinOurConfidenceInterval() {
    Result r = BanditTableEvaluation.evaluate(cells(1000, new Setting(10, 5)), QUIET);
    for (String algorithm : List.of("random", "gittins", "ts", "ots", "ucb1", "eps_greedy", "greedy")) {
      Row row = r.row(10, 5, algorithm);
      // The paper prints one decimal: allow its rounding (0.05) on top of our 95% CI.
      assertTrue(Math.abs(row.mean() - row.paper()) <= row.ci95() + 0.05,
          algorithm + ": ours " + row.mean() + " ± " + row.ci95() + " vs paper " + row.paper());
    }
  }

  @Test
  void resultsAreIdenticalForOneAndTwoThreads() {
    Settings s = cells(120, new Setting(10, 5), new Setting(20, 3));
    Result one = BanditTableEvaluation.evaluate(s.withThreads(1), QUIET);
    Result two = BanditTableEvaluation.evaluate(s.withThreads(2), QUIET);
    assertEquals(one.rows(), two.rows());
    Result otherSeed = BanditTableEvaluation.evaluate(s.withThreads(2).withSeed(7), QUIET);
    assertFalse(one.rows().equals(otherSeed.rows()), "a different seed must give different figures");
  }

  @Test
  void tuningReportsTheBestGridValueWithItsName() {
    Result r = BanditTableEvaluation.evaluate(cells(200, new Setting(30, 5)), QUIET);
    Row ucb = r.row(30, 5, "ucb1");
    assertTrue(ucb.hyperparameter().matches("c=(0|1)\\.\\d"), ucb.hyperparameter());
    assertTrue(r.row(30, 5, "ots").hyperparameter().matches("samples=\\d+"), r.row(30, 5, "ots").hyperparameter());
    // eps = 0 is ε-greedy's grid point equal to greedy, so the tuned figure cannot be below greedy's.
    assertTrue(r.row(30, 5, "eps_greedy").mean() >= r.row(30, 5, "greedy").mean(), "eps_greedy below greedy");
    // S = 1 is OTS's grid point equal to TS draw for draw (same policy seed), same argument.
    assertTrue(r.row(30, 5, "ots").mean() >= r.row(30, 5, "ts").mean(), "ots below ts");
  }

  @Test
  void writesCsvAndMarkdownWithThePaperBesideOurs(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    Settings s = cells(50, new Setting(10, 5), new Setting(10, 10)).withOtsMaxPerArm(true);
    Result r = BanditTableEvaluation.run(s, dir, new PrintStream(progress, true, StandardCharsets.UTF_8));
    List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
    assertEquals("n,k,algorithm,mean,ci95,paper", csv.get(0));
    assertEquals(1 + 2 * 9, csv.size(), "header + 2 settings x 9 rows (oracle and ots_max included)");
    assertTrue(csv.contains(String.format(java.util.Locale.ROOT, "10,5,gittins,%.3f,%.3f,6.6",
        r.row(10, 5, "gittins").mean(), r.row(10, 5, "gittins").ci95())), String.join("\n", csv));
    String md = Files.readString(dir.resolve("table.md"));
    assertTrue(md.contains("| 10 | 10 | ucb1 |"), md);
    assertTrue(md.contains("6.6"), md);
    long progressLines = progress.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("bandit-baselines n=")).count();
    assertEquals(2, progressLines, "one progress line per setting");
  }

  @Test
  void oracleEarnsTheExpectedBestArmAndBoundsEveryAlgorithm() {
    Result r = BanditTableEvaluation.evaluate(cells(1000, new Setting(20, 4)), QUIET);
    Row oracle = r.row(20, 4, "oracle");
    assertEquals(20 * 4 / 5.0, oracle.mean(), oracle.ci95(), "oracle vs n k / (k + 1)");
    assertEquals("E=16.00", oracle.hyperparameter());
    for (Row row : r.rows()) {
      assertTrue(row.mean() <= oracle.mean() + 1e-9, row.algorithm() + " beat the oracle: " + row.mean());
    }
  }

  @Test
  void fixedLookaheadGittinsOverExploresShortTasks() {
    // The authors' index looked 500 pulls ahead whatever the pulls left; on 10-pull tasks that explores
    // more than the remaining-horizon index, which is the better policy on the same tasks (CRN).
    Settings s = cells(1000, new Setting(10, 10)).withGittinsFixedLookahead(100);
    Result r = BanditTableEvaluation.evaluate(s, QUIET);
    double remaining = r.row(10, 10, "gittins").mean();
    double fixed = r.row(10, 10, "gittins_fixed").mean();
    assertTrue(remaining > fixed + 0.05, "remaining-horizon " + remaining + " vs fixed look-ahead " + fixed);
    assertEquals("grid=250,lookahead=100", r.row(10, 10, "gittins_fixed").hyperparameter());
  }

  @Test
  void paperReferenceIsReadFromTheClasspath() {
    PaperReference paper = PaperReference.load();
    assertEquals(463.7, paper.figure(500, 50, "gittins").orElseThrow(), 0.0);
    assertEquals(6.7, paper.figure(10, 5, "ucb1").orElseThrow(), 0.0);
    assertTrue(paper.figure(7, 5, "ucb1").isEmpty());
  }

  @Test
  void badSettingsFailNamingTheField() {
    IllegalArgumentException parse = assertThrows(IllegalArgumentException.class, () -> Setting.parse("100-5"));
    assertTrue(parse.getMessage().contains("NxK"), parse.getMessage());
    IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> new Setting(0, 5));
    assertTrue(n.getMessage().contains("horizon n"), n.getMessage());
    IllegalArgumentException i = assertThrows(IllegalArgumentException.class, () -> Settings.paper().withInstances(1));
    assertTrue(i.getMessage().contains("instances"), i.getMessage());
    IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> Settings.paper().withThreads(0));
    assertTrue(t.getMessage().contains("threads"), t.getMessage());
    IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
        () -> BanditTableEvaluation.main(new String[] {"--instance", "5"}));
    assertTrue(flag.getMessage().contains("unknown option --instance"), flag.getMessage());
  }
}
