package dev.mnemo.experiments.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.mnemo.experiments.kinds.BaselinePairing;
import dev.mnemo.experiments.run.Json;
import dev.mnemo.experiments.run.RunFiles;
import dev.mnemo.experiments.run.RunKind;
import dev.mnemo.experiments.run.RunKindRegistry;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mnemo eval RUN_DIR [--tasks N] [--seed S] [--params result|peak] [--greedy] [--baseline-tasks CONF]}. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Re-evaluates a finished run's saved policy on fresh tasks (RL²) or episodes (R2D2) and writes "
        + "the mean and its 95%% confidence interval to RUN_DIR/eval/<params>[-greedy]-seed<S>-n<N>.json.",
        "The tasks are drawn from --seed alone, apart from the run's training and evaluation streams."})
final class EvalCommand implements Callable<Integer> {
  /** The config key --greedy sets. */
  private static final String GREEDY_KEY = "eval_greedy";

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
      description = "a bandit-baselines or mdp-baselines config (configs/bandit-baselines.conf, "
          + "configs/mdp-baselines.conf): evaluate on its table's tasks for the run's setting and compare with every "
          + "baseline task by task (paired differences); the tasks are CONF's instances, not --tasks")
  Path baselineTasks;

  @Option(names = "--greedy", description = "play the policy's most probable action instead of sampling it (a "
      + "run whose config has eval_greedy, e.g. RL²; whatever the run's own eval_greedy); the files get a -greedy "
      + "suffix on WHICH")
  boolean greedy;

  EvalCommand(RunKindRegistry kinds) {
    this.kinds = kinds;
  }

  /** {@code --baseline-tasks}: the policy and every baseline of a table on the same tasks, with paired differences. */
  private int paired(RunKind kind, Config config) throws IOException {
    var err = spec.commandLine().getErr();
    var out = spec.commandLine().getOut();
    if (!Files.isRegularFile(baselineTasks)) {
      err.println("mnemo eval: --baseline-tasks " + baselineTasks + ": no such file");
      return MnemoCli.USAGE;
    }
    Config baselines = ConfigFactory.parseFile(baselineTasks.toFile()).resolve();
    String baselineKindName = baselines.hasPath("kind") ? baselines.getString("kind") : "";
    RunKind baselineKind = kinds.find(baselineKindName).orElse(null);
    if (baselineKind == null || !List.of("bandit-baselines", "mdp-baselines").contains(baselineKindName)) {
      err.println("mnemo eval: --baseline-tasks " + baselineTasks + ": kind = '" + baselineKindName
          + "', expected bandit-baselines or mdp-baselines");
      return MnemoCli.USAGE;
    }
    baselines = baselines.withFallback(baselineKind.schema().defaults()).resolve();
    BaselinePairing.Result r;
    // The baselines' progress lines (a PrintStream) reach the command's error writer after the evaluation.
    var progress = new ByteArrayOutputStream();
    try (var progressStream = new PrintStream(progress, true, StandardCharsets.UTF_8)) {
      r = baselineKindName.equals("bandit-baselines")
          ? BaselinePairing.bandits(kind, config, runDir, which, baselines, seed, progressStream)
          : BaselinePairing.mdps(kind, config, runDir, which, baselines, seed, progressStream);
    } catch (UnsupportedOperationException | IllegalArgumentException ex) {
      err.println("mnemo eval: " + ex.getMessage());
      return MnemoCli.USAGE;
    } finally {
      err.print(progress.toString(StandardCharsets.UTF_8));
      err.flush();
    }
    Path file = runDir.resolve("eval").resolve(label() + "-baseline-tasks-seed" + seed + ".json");
    Files.createDirectories(file.getParent());
    Map<String, Object> json = PairedEvalOutput.json(r, runDir, which, seed, baselineTasks);
    if (greedy) {
      json.put("greedy", true);
    }
    Json.writeAtomically(file, json);
    PairedEvalOutput.print(out, r, label(), file);
    return MnemoCli.OK;
  }

  /** WHICH, with a -greedy suffix under --greedy: the name the output files and lines carry. */
  private String label() {
    return greedy ? which + "-greedy" : which;
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
    if (greedy) {
      if (!config.hasPath(GREEDY_KEY)) {
        err.println("mnemo eval: --greedy: kind " + kindName + " has no " + GREEDY_KEY + " key (its evaluation "
            + "policy is fixed by the run)");
        return MnemoCli.USAGE;
      }
      config = config.withValue(GREEDY_KEY, ConfigValueFactory.fromAnyRef(true));
    }
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
    if (greedy) {
      out.put("greedy", true);
    }
    out.put("seed", seed);
    out.put("tasks", e.episodes());
    out.put("mean_return", e.meanReturn());
    out.put("ci95", e.ci95());
    if (e.episodeInTrialMeans().length > 0) {
      out.put("by_episode_in_trial", Json.rounded(e.episodeInTrialMeans(), 4));
    }
    out.put("evaluated_utc", Instant.now().toString());
    Path file = runDir.resolve("eval").resolve(label() + "-seed" + seed + "-n" + count + ".json");
    Files.createDirectories(file.getParent());
    Json.writeAtomically(file, out);
    spec.commandLine().getOut().printf("%s %s: %.4f ± %.4f (95%% CI) over %d %s, seed %d -> %s%n", kindName, label(),
        e.meanReturn(), e.ci95(), e.episodes(), "rl2".equals(kindName) ? "tasks" : "episodes", seed, file);
    if (e.episodeInTrialMeans().length > 0) {
      spec.commandLine().getOut()
          .println("  mean return by episode in the trial: " + byEpisode(e.episodeInTrialMeans()));
    }
    return MnemoCli.OK;
  }
}
