package dev.mnemo.agents.baselines.mdp;

import dev.mnemo.agents.baselines.mdp.MdpTableEvaluation.Result;
import dev.mnemo.agents.baselines.mdp.MdpTableEvaluation.Row;
import dev.mnemo.agents.baselines.mdp.MdpTableEvaluation.Settings;
import dev.mnemo.agents.baselines.mdp.MdpTableEvaluation.TuningRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes an MDP table's {@code results.csv}, {@code tuning.csv} and {@code table.md}. */
public final class MdpTableFiles {
  private MdpTableFiles() {}

  /** All three files into {@code outDir} (created if absent). */
  public static void write(Result result, Settings settings, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    writeCsv(result, outDir.resolve("results.csv"));
    writeTuningCsv(result, outDir.resolve("tuning.csv"));
    writeMarkdown(result, settings, outDir.resolve("table.md"));
  }

  /** Writes {@code n,algorithm,hyperparameter,mean,ci95,paper} (paper empty where the paper has no figure). */
  public static void writeCsv(Result result, Path file) throws IOException {
    StringBuilder sb = new StringBuilder("n,algorithm,hyperparameter,mean,ci95,paper\n");
    for (Row r : result.rows()) {
      sb.append(String.format(Locale.ROOT, "%d,%s,%s,%.3f,%.3f,%s%n", r.episodes(), r.algorithm(),
          r.hyperparameter(), r.mean(), r.ci95(),
          Double.isNaN(r.paper()) ? "" : String.format(Locale.ROOT, "%.1f", r.paper())));
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** Writes every grid value's tuning mean: {@code n,algorithm,hyperparameter,mean,ci95,chosen}. */
  public static void writeTuningCsv(Result result, Path file) throws IOException {
    StringBuilder sb = new StringBuilder("n,algorithm,hyperparameter,mean,ci95,chosen\n");
    for (TuningRow r : result.tuning()) {
      sb.append(String.format(Locale.ROOT, "%d,%s,%s,%.3f,%.3f,%s%n", r.episodes(), r.algorithm(),
          r.hyperparameter(), r.mean(), r.ci95(), r.chosen()));
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** Writes the table: each figure beside the paper's, flagged when the paper's lies outside ours ± our CI. */
  public static void writeMarkdown(Result result, Settings s, Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Tabular MDP baselines vs. RL² Table 2 (Duan et al. 2016)\n\n");
    sb.append(String.format(Locale.ROOT,
        "Total reward over n episodes (10 states, 5 actions, 10 steps per episode, mu ~ N(1,1), rewards "
            + "N(mu,1), flat Dirichlet transitions), mean ± 95%% CI over %d evaluation tasks (seed %d). Tuned "
            + "constants were chosen on %d separate tuning tasks (seed %d) and are shown in 'chosen'. Prior "
            + "of the Bayesian agents: Dirichlet(%s) transitions, N(%s, 1/%s) mean rewards, noise precision %s; "
            + "UCRL2 δ = %s. Wall time %.1f s (tuning %.1f s), %d threads.%n%n",
        s.instances(), s.seed(), s.tuneInstances(), s.tuneSeed(), fmt(s.prior().alpha0()), fmt(s.prior().mu0()),
        fmt(s.prior().tau0()), fmt(s.prior().tau()), fmt(s.ucrl2Delta()), result.wallSeconds(),
        result.tuneSeconds(), s.threads()));
    sb.append("`oracle` knows the task (not in the paper); `random`'s 'chosen' cell holds its expectation n·H "
        + "over the task distribution, against which the luck of these tasks shows. **✗** marks a figure "
        + "whose paper value lies outside ours ± our 95% CI. Rows ending in `_tabularl` (when present) run BEB, "
        + "ε-greedy and greedy as TabulaRL implements them, the code the RL² authors ran (BEB's bonus times the "
        + "steps left; greedy on a nearly flat prior), and are compared with the same paper column.\n\n");
    sb.append("| n | algorithm | chosen | ours | ± ci95 | paper | |\n");
    sb.append("|---:|---|---|---:|---:|---:|---|\n");
    int outside = 0;
    int compared = 0;
    for (Row r : result.rows()) {
      boolean flag = r.outsidePaper();
      if (flag) {
        outside++;
      }
      if (!Double.isNaN(r.paper())) {
        compared++;
      }
      sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %.2f | %.2f | %s | %s |%n", r.episodes(),
          r.algorithm(), r.hyperparameter().isEmpty() ? "–" : r.hyperparameter(), r.mean(), r.ci95(),
          Double.isNaN(r.paper()) ? "–" : String.format(Locale.ROOT, "%.1f", r.paper()), flag ? "**✗**" : ""));
    }
    sb.append(String.format(Locale.ROOT, "%n%d of the %d figures with a paper value outside it ± our CI.%n",
        outside, compared));
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  private static String fmt(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e9 ? Long.toString((long) x) : Double.toString(x);
  }
}
