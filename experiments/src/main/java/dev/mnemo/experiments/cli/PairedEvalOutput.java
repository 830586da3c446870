package dev.mnemo.experiments.cli;

import dev.mnemo.experiments.kinds.BaselinePairing.Comparison;
import dev.mnemo.experiments.kinds.BaselinePairing.MarginQuartile;
import dev.mnemo.experiments.kinds.BaselinePairing.Result;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What {@code mnemo eval --baseline-tasks} writes ({@code eval/<params>-baseline-tasks-seed<S>.json}) and prints. */
final class PairedEvalOutput {
  private PairedEvalOutput() {}

  /** The JSON document: the run, the tasks, the policy's figure, and each baseline with its paired difference. */
  static Map<String, Object> json(Result r, Path runDir, String which, long seed, Path baselineConfig) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("run_dir", runDir.toString());
    json.put("params", which);
    json.put("seed", seed);
    json.put("baseline_config", baselineConfig.toString());
    json.put("baseline_seed", r.baselineSeed());
    if (r.family().equals("bandit")) {
      json.put("pulls", r.n());
      json.put("arms", r.k());
    } else {
      json.put("episodes", r.n());
    }
    json.put("tasks", r.tasks());
    json.put("mean_return", r.policyMean());
    json.put("ci95", r.policyCi95());
    json.put("paper_rl2", orNull(r.paperRl2()));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Comparison c : r.baselines()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("algorithm", c.algorithm());
      row.put("hyperparameter", c.hyperparameter());
      row.put("mean", c.mean());
      row.put("ci95", c.ci95());
      row.put("paper", orNull(c.paper()));
      row.put("policy_minus_baseline", c.difference());
      row.put("policy_minus_baseline_ci95", c.differenceCi95());
      List<Map<String, Object>> quarters = new ArrayList<>();
      for (MarginQuartile q : c.byMargin()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("best_arm_margin_from", q.marginFrom());
        m.put("best_arm_margin_to", q.marginTo());
        m.put("tasks", q.tasks());
        m.put("policy_minus_baseline", q.difference());
        m.put("policy_minus_baseline_ci95", q.differenceCi95());
        quarters.add(m);
      }
      row.put("by_best_arm_margin_quarter", quarters);
      rows.add(row);
    }
    json.put("baselines", rows);
    json.put("evaluated_utc", Instant.now().toString());
    return json;
  }

  /** The console table: the policy's figure, each baseline's and the paired difference, Gittins by margin quarter. */
  static void print(PrintWriter out, Result r, String which, Path file) {
    String setting = r.family().equals("bandit") ? String.format(Locale.ROOT, "bandit table's %d tasks of n = %d, "
        + "k = %d", r.tasks(), r.n(), r.k()) : String.format(Locale.ROOT, "MDP table's %d tasks of n = %d episodes",
        r.tasks(), r.n());
    out.printf(Locale.ROOT, "%s on the %s (seed %d): %.3f ± %.3f (paper's RL²: %s) -> %s%n", which, setting,
        r.baselineSeed(), r.policyMean(), r.policyCi95(),
        Double.isNaN(r.paperRl2()) ? "-" : String.format(Locale.ROOT, "%.1f", r.paperRl2()), file);
    out.printf(Locale.ROOT, "  %-14s %-12s %16s %24s%n", "baseline", "setting", "mean ± 95% CI",
        "policy − baseline (paired)");
    for (Comparison c : r.baselines()) {
      out.printf(Locale.ROOT, "  %-14s %-12s %8.3f ± %5.3f %15.3f ± %5.3f%n", c.algorithm(), c.hyperparameter(),
          c.mean(), c.ci95(), c.difference(), c.differenceCi95());
    }
    for (Comparison c : r.baselines()) {
      if (c.algorithm().equals("gittins") && !c.byMargin().isEmpty()) {
        StringBuilder sb = new StringBuilder("  policy − gittins by quarter of the tasks' best-arm margin:");
        for (MarginQuartile q : c.byMargin()) {
          sb.append(String.format(Locale.ROOT, " [%.3f, %.3f] %+.3f ± %.3f;", q.marginFrom(), q.marginTo(),
              q.difference(), q.differenceCi95()));
        }
        out.println(sb);
      }
    }
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
