package dev.mnemo.experiments.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.mnemo.experiments.kinds.BanditPairing;
import dev.mnemo.experiments.run.Json;
import dev.mnemo.experiments.run.RunFiles;
import dev.mnemo.experiments.run.RunKind;
import dev.mnemo.experiments.run.RunKindRegistry;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mnemo eval RUN_DIR [--tasks N] [--seed S] [--params result|peak] [--baseline-tasks CONF]}. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Re-evaluates a finished run's saved policy on fresh tasks (RL²) or episodes (R2D2) and writes "
        + "the mean and its 95%% confidence interval to RUN_DIR/eval/<params>-seed<S>-n<N>.json.",
        "The tasks are drawn from --seed alone, apart from the run's training and evaluation streams."})
final class EvalCommand implements Callable<Integer> {
  private final RunKindRegistry kinds;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "a finished run's directory")
  Path runDir;

  @Option(names = "--tasks", defaultValue = "1000", paramLabel = "N",
      description = "tasks (RL²: one trial each) or episodes (default: ${DEFAULT-VALUE})")
  int count;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "seed of the tasks (default: "
      + "${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--params", defaultValue = "result", paramLabel = "WHICH",
      description = "which saved parameters: result (final) or peak (RL²) (default: ${DEFAULT-VALUE})")
  String which;

  @Option(names = "--baseline-tasks", paramLabel = "CONF",
      description = "a bandit-baselines config (e.g. configs/bandit-baselines.conf): evaluate on its table's tasks "
          + "for the run's (n, k) and compare with every baseline task by task (paired differences); the tasks are "
          + "CONF's instances, not --tasks")
  Path baselineTasks;

  EvalCommand(RunKindRegistry kinds) {
    this.kinds = kinds;
  }

  /** {@code --baseline-tasks}: the policy and every bandit baseline on the same tasks, with paired differences. */
  private int paired(RunKind kind, Config config) throws java.io.IOException {
    var err = spec.commandLine().getErr();
    var out = spec.commandLine().getOut();
    if (!Files.isRegularFile(baselineTasks)) {
      err.println("mnemo eval: --baseline-tasks " + baselineTasks + ": no such file");
      return MnemoCli.USAGE;
    }
    Config baselines = ConfigFactory.parseFile(baselineTasks.toFile()).resolve();
    RunKind baselineKind = kinds.find("bandit-baselines").orElse(null);
    String baselineKindName = baselines.hasPath("kind") ? baselines.getString("kind") : "";
    if (baselineKind == null || !baselineKindName.equals(baselineKind.name())) {
      err.println("mnemo eval: --baseline-tasks " + baselineTasks + ": kind = '" + baselineKindName
          + "', expected bandit-baselines");
      return MnemoCli.USAGE;
    }
    baselines = baselines.withFallback(baselineKind.schema().defaults()).resolve();
    BanditPairing.Result r;
    // The baselines' progress lines (a PrintStream) reach the command's error writer after the evaluation.
    var progress = new java.io.ByteArrayOutputStream();
    try (var progressStream = new java.io.PrintStream(progress, true, java.nio.charset.StandardCharsets.UTF_8)) {
      r = BanditPairing.run(kind, config, runDir, which, baselines, seed, progressStream);
    } catch (UnsupportedOperationException | IllegalArgumentException ex) {
      err.println("mnemo eval: " + ex.getMessage());
      return MnemoCli.USAGE;
    } finally {
      err.print(progress.toString(java.nio.charset.StandardCharsets.UTF_8));
      err.flush();
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("run_dir", runDir.toString());
    json.put("params", which);
    json.put("seed", seed);
    json.put("baseline_config", baselineTasks.toString());
    json.put("baseline_seed", r.baselineSeed());
    json.put("pulls", r.pulls());
    json.put("arms", r.arms());
    json.put("tasks", r.tasks());
    json.put("mean_return", r.policyMean());
    json.put("ci95", r.policyCi95());
    json.put("paper_rl2", Double.isNaN(r.paperRl2()) ? null : r.paperRl2());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (BanditPairing.Comparison c : r.baselines()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("algorithm", c.algorithm());
      row.put("hyperparameter", c.hyperparameter());
      row.put("mean", c.mean());
      row.put("ci95", c.ci95());
      row.put("paper", Double.isNaN(c.paper()) ? null : c.paper());
      row.put("policy_minus_baseline", c.difference());
      row.put("policy_minus_baseline_ci95", c.differenceCi95());
      List<Map<String, Object>> quarters = new ArrayList<>();
      for (BanditPairing.MarginQuartile q : c.byMargin()) {
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
    Path file = runDir.resolve("eval").resolve(which + "-baseline-tasks-seed" + seed + ".json");
    Files.createDirectories(file.getParent());
    Json.writeAtomically(file, json);
    out.printf(java.util.Locale.ROOT, "%s on the bandit table's %d tasks of n = %d, k = %d (seed %d): %.3f ± %.3f"
        + " (paper's RL²: %s) -> %s%n", which, r.tasks(), r.pulls(), r.arms(), r.baselineSeed(), r.policyMean(),
        r.policyCi95(), Double.isNaN(r.paperRl2()) ? "-" : String.format(java.util.Locale.ROOT, "%.1f", r.paperRl2()),
        file);
    out.printf(java.util.Locale.ROOT, "  %-14s %-12s %16s %24s%n", "baseline", "setting", "mean ± 95% CI",
        "policy − baseline (paired)");
    for (BanditPairing.Comparison c : r.baselines()) {
      out.printf(java.util.Locale.ROOT, "  %-14s %-12s %8.3f ± %5.3f %15.3f ± %5.3f%n", c.algorithm(),
          c.hyperparameter(), c.mean(), c.ci95(), c.difference(), c.differenceCi95());
    }
    for (BanditPairing.Comparison c : r.baselines()) {
      if (c.algorithm().equals("gittins") && !c.byMargin().isEmpty()) {
        StringBuilder sb = new StringBuilder("  policy − gittins by quarter of the tasks' best-arm margin:");
        for (BanditPairing.MarginQuartile q : c.byMargin()) {
          sb.append(String.format(java.util.Locale.ROOT, " [%.3f, %.3f] %+.3f ± %.3f;", q.marginFrom(), q.marginTo(),
              q.difference(), q.differenceCi95()));
        }
        out.println(sb);
      }
    }
    return MnemoCli.OK;
  }

  /** Every inner episode's mean for up to 20 of them, else the first 10 and the last 10. */
  static String byEpisode(double[] means) {
    StringBuilder sb = new StringBuilder();
    for (int e = 0; e < means.length; e++) {
      if (means.length > 20 && e == 10) {
        sb.append(" ...");
        e = means.length - 10;
      }
      sb.append(e == 0 ? "" : " ").append(e + 1).append(": ").append(String.format(java.util.Locale.ROOT, "%.3f",
          means[e]));
    }
    return sb.toString();
  }

  @Override
  public Integer call() throws Exception {
    var err = spec.commandLine().getErr();
    Path cfgFile = runDir.resolve(RunFiles.CONFIG);
    if (!Files.isRegularFile(cfgFile)) {
      err.println("mnemo eval: " + cfgFile + ": no such file; RUN_DIR must be a run directory");
      return MnemoCli.USAGE;
    }
    if (count < 2) {
      err.println("mnemo eval: --tasks " + count + ": need at least 2 for a confidence interval");
      return MnemoCli.USAGE;
    }
    Config config = ConfigFactory.parseFile(cfgFile.toFile()).resolve();
    String kindName = config.hasPath("kind") ? config.getString("kind") : "";
    RunKind kind = kinds.find(kindName).orElse(null);
    if (kind == null) {
      err.println("mnemo eval: " + cfgFile + ": kind = '" + kindName + "' is not one of " + kinds.names());
      return MnemoCli.USAGE;
    }
    // A run written before a key existed reads as that key's default (the default it ran with).
    config = config.withFallback(kind.schema().defaults()).resolve();
    if (baselineTasks != null) {
      return paired(kind, config);
    }
    Evaluation e;
    try {
      e = kind.evaluate(config, runDir, which, count, seed);
    } catch (UnsupportedOperationException | IllegalArgumentException ex) {
      err.println("mnemo eval: " + ex.getMessage());
      return MnemoCli.USAGE;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("run_dir", runDir.toString());
    out.put("kind", kindName);
    out.put("params", which);
    out.put("seed", seed);
    out.put("tasks", e.episodes());
    out.put("mean_return", e.meanReturn());
    out.put("ci95", e.ci95());
    if (e.episodeInTrialMeans().length > 0) {
      out.put("by_episode_in_trial", Json.rounded(e.episodeInTrialMeans(), 4));
    }
    out.put("evaluated_utc", Instant.now().toString());
    Path file = runDir.resolve("eval").resolve(which + "-seed" + seed + "-n" + count + ".json");
    Files.createDirectories(file.getParent());
    Json.writeAtomically(file, out);
    spec.commandLine().getOut().printf("%s %s: %.4f ± %.4f (95%% CI) over %d %s, seed %d -> %s%n", kindName, which,
        e.meanReturn(), e.ci95(), e.episodes(), "rl2".equals(kindName) ? "tasks" : "episodes", seed, file);
    if (e.episodeInTrialMeans().length > 0) {
      spec.commandLine().getOut()
          .println("  mean return by episode in the trial: " + byEpisode(e.episodeInTrialMeans()));
    }
    return MnemoCli.OK;
  }
}
