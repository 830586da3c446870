package dev.mnemo.experiments.cli;

import dev.mnemo.experiments.config.InvalidConfigException;
import dev.mnemo.experiments.run.RunConfig;
import dev.mnemo.experiments.run.RunFiles;
import dev.mnemo.experiments.run.RunKindRegistry;
import dev.mnemo.experiments.run.Runner;
import dev.mnemo.experiments.sweep.SweepPlan;
import dev.mnemo.experiments.sweep.SweepRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mnemo sweep SWEEP [--out DIR] [--parallel N] [--check]}. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Runs a grid of config values times seeds (a sweep file: sweep { base, grid, seeds, parallel }).",
        "Every point is validated before the first starts. Runs go to DIR/<setting>/seed-<seed>/; running again "
            + "with --out DIR resumes (completed runs are kept). Ends with sweep-summary.json and report/ "
            + "(mean return per setting over seeds with a 95%% interval). The sweep directory is printed on stdout."})
final class SweepCommand implements Callable<Integer> {

  private final RunKindRegistry kinds;
  private final PrintStream console;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SWEEP", description = "sweep file (HOCON)")
  Path sweepFile;

  @Option(names = "--out", paramLabel = "DIR", description = "sweep directory (an existing one is resumed)")
  Path out;

  @Option(names = "--runs-root", paramLabel = "DIR", defaultValue = "runs",
      description = "where a new sweep directory goes: DIR/<sweep name>/<UTC time>/ (default: ${DEFAULT-VALUE})")
  Path runsRoot;

  @Option(names = "--parallel", paramLabel = "N", description = "runs at a time (overrides sweep.parallel)")
  Integer parallel;

  @Option(names = "--check", description = "validate every point and list them; run nothing")
  boolean check;

  /** Warnings printed before the rest are counted: every point of a grid may repeat the same one. */
  private static final int MAX_WARNINGS = 5;

  SweepCommand(RunKindRegistry kinds, PrintStream console) {
    this.kinds = kinds;
    this.console = console;
  }

  @Override
  public Integer call() throws IOException {
    var err = spec.commandLine().getErr();
    SweepPlan plan;
    List<RunConfig> configs;
    SweepRunner runner = new SweepRunner(kinds, console, () -> Runner.standard(console), Runner.ShutdownHooks.JVM);
    try {
      plan = SweepPlan.load(sweepFile);
      if (parallel != null) {
        if (parallel < 1 || parallel > 64) {
          err.println("mnemo sweep: --parallel: expected an integer in [1, 64], got " + parallel);
          return MnemoCli.USAGE;
        }
        plan = new SweepPlan(plan.name(), plan.source(), plan.base(), plan.cases(), plan.axes(), plan.seeds(),
            parallel, plan.score());
      }
      configs = runner.validate(plan);
    } catch (InvalidConfigException e) {
      err.println("mnemo sweep: " + e.getMessage());
      return MnemoCli.USAGE;
    }
    int warned = 0;
    for (int i = 0; i < configs.size(); i++) {
      for (String w : configs.get(i).kind().warnings(configs.get(i).config())) {
        if (warned++ < MAX_WARNINGS) {
          err.println("mnemo sweep: warning: " + plan.points().get(i).relativeDir() + ": " + w);
        }
      }
    }
    if (warned > MAX_WARNINGS) {
      err.println("mnemo sweep: ... and " + (warned - MAX_WARNINGS) + " more warnings");
    }
    if (check) {
      for (SweepPlan.Point p : plan.points()) {
        spec.commandLine().getOut().println(p.relativeDir() + "  " + String.join(" ", p.sets()));
      }
      spec.commandLine().getOut().flush();
      err.println("mnemo sweep: " + plan.points().size() + " valid runs");
      return MnemoCli.OK;
    }
    Path dir = out != null ? out : RunFiles.newRunDirectory(runsRoot, plan.name(), Clock.systemUTC());
    List<String> argv = spec.root().commandLine().getParseResult() == null ? List.of()
        : spec.root().commandLine().getParseResult().originalArgs();
    SweepRunner.Outcome o = runner.run(plan, configs, dir, argv);
    err.println("mnemo sweep: " + o.completed() + " completed (" + o.skipped() + " from earlier), " + o.failed()
        + " not completed; " + (o.table() != null ? "table: " + o.table() : "report: " + o.report()));
    spec.commandLine().getOut().println(dir);
    spec.commandLine().getOut().flush();
    return o.allCompleted() ? MnemoCli.OK : MnemoCli.FAILED;
  }
}
