package dev.mnemo.experiments.cli;

import dev.mnemo.experiments.report.ReportWriter;
import dev.mnemo.experiments.report.RunData;
import dev.mnemo.experiments.report.SweepTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mnemo report RUN_DIR... [--out DIR]}. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Writes report.md (summary and metric tables) and plots/*.png (each metric against the step, "
        + "one line per run) for one or more run directories.",
        "A directory that is not itself a run stands for every run inside it (e.g. runs/quickstart, or a sweep).",
        "A sweep with cases (<case>/<setting>/seed-<n>/) also gets table.md, table.csv, heatmap.png and "
            + "curves/<case>.png: each run scored by the maximum of --score over the run (POPGym's metric), mean "
            + "and 95%% interval over seeds per (case, setting), a ranking of the settings, wall time per cell."})
final class ReportCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "run directories (or directories of runs)")
  List<Path> dirs;

  @Option(names = "--out", paramLabel = "DIR",
      description = "output directory (default: the run directory for one run, else <common parent>/report)")
  Path out;

  @Option(names = "--width", defaultValue = "800", description = "plot width in pixels (default: ${DEFAULT-VALUE})")
  int width;

  @Option(names = "--height", defaultValue = "500", description = "plot height in pixels (default: ${DEFAULT-VALUE})")
  int height;

  @Option(names = "--score", paramLabel = "COLUMN", defaultValue = SweepTable.DEFAULT_METRIC,
      description = "metrics.csv column that scores a run in a sweep's table (its maximum; default: ${DEFAULT-VALUE})")
  String score;

  @Override
  public Integer call() throws IOException {
    var err = spec.commandLine().getErr();
    List<Path> runDirs = new ArrayList<>();
    for (Path d : dirs) {
      if (!Files.isDirectory(d)) {
        err.println("mnemo report: " + d + ": no such directory");
        return MnemoCli.USAGE;
      }
      if (RunData.isRunDirectory(d)) {
        runDirs.add(d);
      } else {
        // A directory of runs, or of settings of runs (a sweep): run directories up to three levels down,
        // leaving out earlier attempts that a resumed sweep moved aside.
        try (Stream<Path> s = Files.walk(d, 3)) {
          List<Path> inside = s.filter(Files::isDirectory).filter(RunData::isRunDirectory)
              .filter(p -> !p.getFileName().toString().contains(".attempt-")).sorted().toList();
          if (inside.isEmpty()) {
            err.println("mnemo report: " + d + ": neither a run directory (metrics.csv or summary.json) nor a "
                + "directory of runs");
            return MnemoCli.USAGE;
          }
          runDirs.addAll(inside);
        }
      }
    }
    List<RunData> runs = new ArrayList<>();
    try {
      for (Path d : runDirs) {
        runs.add(RunData.load(d));
      }
      ReportWriter.Report report;
      report = new ReportWriter(width, height).write(runs, outputDir(runDirs));
      spec.commandLine().getOut().println(report.markdown());
      for (Path d : dirs) {
        if (!RunData.isRunDirectory(d) && SweepTable.hasCases(d)) {
          Path where = dirs.size() == 1 ? outputDir(runDirs) : outputDir(runDirs).resolve(d.getFileName().toString());
          SweepTable.Written t = SweepTable.write(SweepTable.read(d, score), where, 90, 36);
          spec.commandLine().getOut().println(t.markdown());
        }
      }
      spec.commandLine().getOut().flush();
      err.println("mnemo report: " + runs.size() + " run(s), " + report.plots().size() + " plot(s)");
      return MnemoCli.OK;
    } catch (IllegalArgumentException e) {
      err.println("mnemo report: " + e.getMessage());
      return MnemoCli.USAGE;
    }
  }

  private Path outputDir(List<Path> runDirs) {
    if (out != null) {
      return out;
    }
    if (runDirs.size() == 1) {
      return runDirs.get(0);
    }
    Path common = runDirs.get(0).toAbsolutePath().normalize().getParent();
    for (Path d : runDirs) {
      Path p = d.toAbsolutePath().normalize();
      while (common != null && !p.startsWith(common)) {
        common = common.getParent();
      }
    }
    return (common == null ? Path.of("") : common).resolve("report");
  }
}
