package dev.mnemo.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Rl2TableTest {
  private static void run(Path dir, double mean, double wall, String resumed) throws IOException {
    run(dir, "bandit?arms=5&pulls=10", mean, wall, resumed);
  }

  /** A finished RL² run directory of {@code env} (its config and summary; 3M env steps). */
  private static void run(Path dir, String env, double mean, double wall, String resumed) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.conf"), "env = \"" + env + "\"\n");
    Files.writeString(dir.resolve("summary.json"), "{\"status\":\"completed\",\"kind\":\"rl2\"," + resumed
        + "\"final_eval_return\":" + mean + ",\"final_eval_ci95\":0.1,\"peak_eval_return\":" + mean
        + ",\"peak_eval_ci95\":0.1,\"env_steps\":3000000,\"wall_seconds\":" + wall + "}");
  }

  /** Writes {@code json} as the run's evaluation file {@code file} (a path under the run, e.g. {@code eval/...}). */
  private static void eval(Path run, String file, String json) throws IOException {
    Files.createDirectories(run.resolve(file).getParent());
    Files.writeString(run.resolve(file), json);
  }

  /** The table of the runs in {@code runs} with empty baseline tables, written into {@code out}; its markdown. */
  private static String tableWithoutBaselines(Path runs, Path out) throws IOException {
    Files.writeString(out.resolve("bandits.csv"), "n,k,algorithm,mean,ci95,paper\n");
    Files.writeString(out.resolve("mdps.csv"), "n,algorithm,hyperparameter,mean,ci95,paper\n");
    Rl2Table.write(runs, out.resolve("bandits.csv"), out.resolve("mdps.csv"), out);
    return Files.readString(out.resolve("table.md"));
  }

  /**
   * The summary keeps, per setting of the paper's tables, the run with the highest final figure among that setting's
   * runs (not the last one written, not another setting's), counts the runs, says "not run" for a setting without
   * one, and applies the table's verdict to the chosen run.
   */
  @Test
  void eachPaperSettingShowsItsHighestRunOrNotRun(@TempDir Path tmp) throws IOException {
    Path runs = tmp.resolve("runs");
    run(runs.resolve("a-low-seed1"), "bandit?arms=5&pulls=10", 6.2, 100, "");
    run(runs.resolve("b-high-seed1"), "bandit?arms=5&pulls=10", 6.75, 100, "");
    run(runs.resolve("c-mid-seed1"), "bandit?arms=5&pulls=10", 6.5, 100, "");
    run(runs.resolve("d-other-seed1"), "bandit?arms=10&pulls=10", 7.5, 100, "");
    run(runs.resolve("e-mdp-seed1"), "mdp?episodes=10", 141.3, 100, "");
    String md = tableWithoutBaselines(runs, tmp);
    String k5 = md.lines().filter(l -> l.startsWith("| bandit | 10 | 5 |")).findFirst().orElseThrow();
    assertEquals("| bandit | 10 | 5 | 6.7 | **6.75 ± 0.10** | ✓ | 3 | 3.0M | `"
        + runs.resolve("b-high-seed1").resolve("config.conf") + "` |", k5);
    String k10 = md.lines().filter(l -> l.startsWith("| bandit | 10 | 10 |")).findFirst().orElseThrow();
    assertTrue(k10.contains("| 1 |") && k10.contains("d-other-seed1"), k10);
    String mdp = md.lines().filter(l -> l.startsWith("| mdp | 10 | – |")).findFirst().orElseThrow();
    assertTrue(mdp.contains("**141.30 ± 0.10** | ✗ | 1 |"), mdp);
    assertEquals("| mdp | 75 | – | 1428.8 | not run | | 0 | | |",
        md.lines().filter(l -> l.startsWith("| mdp | 75 |")).findFirst().orElseThrow());
    assertEquals("| bandit | 500 | 50 | 438.9 | not run | | 0 | | |",
        md.lines().filter(l -> l.startsWith("| bandit | 500 | 50 |")).findFirst().orElseThrow());
  }

  @Test
  void aResumedRunsWallTimeIsMarkedAsTheTimeSinceItsResume(@TempDir Path tmp) throws IOException {
    Path runs = tmp.resolve("runs");
    run(runs.resolve("fresh-seed1"), 6.5, 120, "");
    run(runs.resolve("continued-seed1"), 6.6, 300, "\"resumed\":true,");
    Files.writeString(tmp.resolve("bandits.csv"), "n,k,algorithm,mean,ci95,paper\n10,5,random,4.878,0.125,5.0\n");
    Files.writeString(tmp.resolve("mdps.csv"), "n,algorithm,hyperparameter,mean,ci95,paper\n");
    List<Rl2Table.Rl2Run> found = Rl2Table.runs(runs);
    assertEquals(2, found.size());
    Rl2Table.write(runs, tmp.resolve("bandits.csv"), tmp.resolve("mdps.csv"), tmp);
    String md = Files.readString(tmp.resolve("table.md"));
    String continued = md.lines().filter(l -> l.contains("continued-seed1 |")).findFirst().orElseThrow();
    String fresh = md.lines().filter(l -> l.contains("fresh-seed1 |")).findFirst().orElseThrow();
    assertTrue(continued.contains("| 300 s since its resume |"), continued);
    assertTrue(fresh.contains("| 120 s |"), fresh);
    assertFalse(fresh.contains("resume"), fresh);
  }

  @Test
  void aRunsPairedEvaluationBecomesARowOfDifferencesWithTheirIntervals(@TempDir Path tmp) throws IOException {
    Path runs = tmp.resolve("runs");
    run(runs.resolve("paired-seed1"), 6.5, 120, "");
    run(runs.resolve("unpaired-seed1"), 6.4, 100, "");
    eval(runs.resolve("paired-seed1"), Rl2Table.PAIRED_EVAL, "{\"mean_return\":6.55,"
        + "\"ci95\":0.13,\"baselines\":[{\"algorithm\":\"random\",\"policy_minus_baseline\":1.6,"
        + "\"policy_minus_baseline_ci95\":0.2},{\"algorithm\":\"gittins\",\"policy_minus_baseline\":-0.05,"
        + "\"policy_minus_baseline_ci95\":0.12},{\"algorithm\":\"ucb1\",\"policy_minus_baseline\":-0.3,"
        + "\"policy_minus_baseline_ci95\":0.1}]}");
    String md = tableWithoutBaselines(runs, tmp);
    List<String> paired = md.lines().filter(l -> l.startsWith("| 10 | 5 | 6.55 ± 0.13 |")).toList();
    assertEquals(1, paired.size(), "one paired row, for the run that has the file: " + md);
    // random and ucb1 differ (their intervals exclude 0), gittins does not (=); gittins_fixed, ts, ots, greedy were
    // not evaluated;
    // the paper's RL² (6.7) minus its Gittins (6.6).
    assertEquals("| 10 | 5 | 6.55 ± 0.13 | +1.60 ± 0.20 | -0.05 ± 0.12 (=) | – | – | – | -0.30 ± 0.10 | – | +0.1 "
        + "| paired-seed1 |", paired.get(0));
    String csv = Files.readString(tmp.resolve("results.csv"));
    assertTrue(csv.contains("bandit_paired,10,5,rl2_minus_gittins,-0.0500,0.1200,,"), csv);
  }

  @Test
  void anMdpRunsPairedEvaluationGetsTheMdpSection(@TempDir Path tmp) throws IOException {
    Path runs = tmp.resolve("runs");
    Path mdp = runs.resolve("mdp-seed1");
    run(mdp, "mdp?episodes=10", 120, 900, "");
    eval(mdp, Rl2Table.PAIRED_EVAL, "{\"mean_return\":123.2,\"ci95\":1.76,\"baselines\":["
        + "{\"algorithm\":\"psrl\",\"policy_minus_baseline\":-14.28,\"policy_minus_baseline_ci95\":1.97}]}");
    String md = tableWithoutBaselines(runs, tmp);
    assertTrue(md.contains("### Random MDPs on the baseline table's own tasks"), md);
    assertFalse(md.contains("### Bandits on the baseline table's own tasks"), "no bandit run was paired: " + md);
    // The paper's RL² at n = 10 (156.2) minus its PSRL (138.1).
    assertTrue(md.contains("| 10 | 123.20 ± 1.76 | – | -14.28 ± 1.97 | – | – | – | – | +18.1 | mdp-seed1 |"), md);
  }

  /**
   * A run with both the sampled and the greedy evaluation of its final parameters gets a row of the two, their
   * difference and the ✓ / ✗ of the greedy figure against the paper's; a run with only one of them gets none.
   */
  @Test
  void aRunsSampledAndGreedyEvaluationsBecomeARowJudgedOnTheGreedyFigure(@TempDir Path tmp) throws IOException {
    Path runs = tmp.resolve("runs");
    run(runs.resolve("both-seed1"), 6.5, 120, "");
    run(runs.resolve("sampled-only-seed1"), 6.4, 100, "");
    for (String r : List.of("both-seed1", "sampled-only-seed1")) {
      eval(runs.resolve(r), Rl2Table.SAMPLED_EVAL, "{\"mean_return\":6.45,\"ci95\":0.14}");
    }
    eval(runs.resolve("both-seed1"), Rl2Table.GREEDY_EVAL, "{\"mean_return\":6.6,\"ci95\":0.13,"
        + "\"greedy\":true}");
    String md = tableWithoutBaselines(runs, tmp);
    assertTrue(md.contains("## RL² sampled and played greedily"), md);
    // The paper's RL² at n = 10, k = 5 is 6.7: inside 6.60 ± 0.13.
    assertTrue(md.contains("| bandit | 10 | 5 | 6.45 ± 0.14 | **6.60 ± 0.13** | +0.15 | 6.7 | ✓ | both-seed1 |"), md);
    String section = md.substring(md.indexOf("## RL² sampled and played greedily"), md.indexOf("\nRuns: "));
    assertFalse(section.contains("sampled-only-seed1"), "no greedy evaluation, no row: " + section);
    String csv = Files.readString(tmp.resolve("results.csv"));
    assertTrue(csv.contains("bandit_eval,10,5,rl2_greedy,6.6000,0.1300,6.7,"), csv);
    assertTrue(csv.contains("bandit_eval,10,5,rl2_sampled,6.4500,0.1400,6.7,"), csv);
  }
}
