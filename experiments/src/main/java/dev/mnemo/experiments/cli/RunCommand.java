package dev.mnemo.experiments.cli;

import dev.mnemo.experiments.config.InvalidConfigException;
import dev.mnemo.experiments.run.RunConfig;
import dev.mnemo.experiments.run.RunConfigLoader;
import dev.mnemo.experiments.run.RunFiles;
import dev.mnemo.experiments.run.RunKindRegistry;
import dev.mnemo.experiments.run.RunResult;
import dev.mnemo.experiments.run.Runner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mnemo run CONFIG [--set key=value ...] [--out DIR] [--resume RUN_DIR]}. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Validates a HOCON config, then runs its `kind` in a new run directory.",
        "The run directory holds config.conf (fully resolved), provenance.json, metrics.csv, events.jsonl and "
            + "summary.json. Its path is printed on stdout."})
final class RunCommand implements Callable<Integer> {

  private final RunKindRegistry kinds;
  private final PrintStream console;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG",
      description = "HOCON config file (optional with --resume: the run's own config.conf is used)")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "override a key, validated like the file (repeatable): --set learner.lr=1e-4")
  List<String> sets = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR", description = "write the run into DIR (absent or empty)")
  Path out;

  @Option(names = "--runs-root", paramLabel = "DIR", defaultValue = "runs",
      description = "where new run directories go: DIR/<config name>/<UTC time>/ (default: ${DEFAULT-VALUE})")
  Path runsRoot;

  @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue the run in RUN_DIR from its checkpoints")
  Path resume;

  @Option(names = "--check", description = "validate the config and print it fully resolved; run nothing")
  boolean check;

  RunCommand(RunKindRegistry kinds, PrintStream console) {
    this.kinds = kinds;
    this.console = console;
  }

  /**
   * The name a resumed run keeps: the one its summary.json records (the config file's name for a run started
   * with {@code --out}), else its parent directory's ({@code runs/<config name>/<time>/}).
   */
  private static String resumedName(Path runDir, Path file) {
    try {
      var node = dev.mnemo.experiments.run.Json.read(runDir.resolve(RunFiles.SUMMARY)).get("config_name");
      if (node != null && node.isTextual() && !node.asText().isEmpty()) {
        return node.asText();
      }
    } catch (IOException | RuntimeException e) {
      // no readable summary: fall back to the directory layout
    }
    Path parent = runDir.toAbsolutePath().normalize().getParent();
    return parent == null ? RunConfigLoader.nameOf(file) : parent.getFileName().toString();
  }

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    if (config == null && resume == null) {
      err.println("mnemo run: give a CONFIG file (or --resume RUN_DIR)");
      spec.commandLine().usage(err);
      return MnemoCli.USAGE;
    }
    if (resume != null && out != null) {
      err.println("mnemo run: --out and --resume exclude each other (a resumed run stays in its directory)");
      return MnemoCli.USAGE;
    }
    RunConfig rc;
    try {
      if (resume != null) {
        if (!Files.isDirectory(resume) || !Files.isRegularFile(resume.resolve(RunFiles.CONFIG))) {
          err.println("mnemo run: --resume " + resume + ": not a run directory (no " + RunFiles.CONFIG + ")");
          return MnemoCli.USAGE;
        }
        Path file = config != null ? config : resume.resolve(RunFiles.CONFIG);
        rc = new RunConfigLoader(kinds).load(file, resumedName(resume, file), sets);
        if (!rc.kind().supportsResume()) {
          err.println("mnemo run: --resume: run kind '" + rc.kind().name() + "' cannot resume from checkpoints");
          return MnemoCli.USAGE;
        }
        // Refused before anything in the run directory is written: its records stay those of the last leg.
        try {
          rc.kind().checkResume(rc.config(), rc.seed(), resume.resolve(RunFiles.CHECKPOINTS));
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
          err.println("mnemo run: --resume " + resume + ": cannot resume: " + e.getMessage());
          return MnemoCli.USAGE;
        }
      } else {
        rc = new RunConfigLoader(kinds).load(config, RunConfigLoader.nameOf(config), sets);
      }
    } catch (InvalidConfigException e) {
      err.println("mnemo run: " + e.getMessage());
      return MnemoCli.USAGE;
    }
    for (String warning : rc.kind().warnings(rc.config())) {
      err.println("mnemo run: warning: " + warning);
    }
    if (check) {
      spec.commandLine().getOut().print(rc.config().root().render(
          com.typesafe.config.ConfigRenderOptions.defaults().setOriginComments(false).setJson(false)));
      spec.commandLine().getOut().flush();
      err.println("mnemo run: " + rc.source() + " is valid (kind " + rc.kind().name() + ")");
      return MnemoCli.OK;
    }
    Path dir;
    try {
      dir = resume != null ? resume
          : out != null ? RunFiles.explicitRunDirectory(out)
          : RunFiles.newRunDirectory(runsRoot, rc.name(), Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      err.println("mnemo run: " + e.getMessage());
      return MnemoCli.USAGE;
    } catch (IOException e) {
      err.println("mnemo run: cannot create the run directory: " + e);
      return MnemoCli.FAILED;
    }
    RunResult result;
    try {
      List<String> argv = spec.root().commandLine().getParseResult() == null ? List.of()
          : spec.root().commandLine().getParseResult().originalArgs();
      result = Runner.standard(console).run(rc, dir, resume != null, argv);
    } catch (IOException e) {
      err.println("mnemo run: cannot write the run directory " + dir + ": " + e);
      return MnemoCli.FAILED;
    }
    err.println("mnemo run: " + result.status() + " in " + result.summary().get("wall_seconds") + " s: " + dir);
    spec.commandLine().getOut().println(dir);
    spec.commandLine().getOut().flush();
    return switch (result.status()) {
      case RunResult.COMPLETED -> MnemoCli.OK;
      case RunResult.INTERRUPTED -> MnemoCli.INTERRUPTED;
      default -> MnemoCli.FAILED;
    };
  }
}
