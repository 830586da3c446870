package dev.mnemo.experiments.cli;

import dev.mnemo.experiments.config.EditDistance;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mnemo reproduce NAME [--dry-run]} and {@code mnemo reproduce --list}: re-runs a committed experiment,
 * {@code experiments/NAME/}, through its committed {@code reproduce.sh} (run by bash from the repository root).
 * {@code --dry-run} runs the script with {@code DRY_RUN=1}, under which it prints the commands it would run and
 * runs nothing; a real run prints, on stdout, every file the script wrote or rewrote under the experiment's folder.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
    description = {"Re-runs a committed experiment (experiments/NAME/) from its reproduce.sh, then prints the "
        + "files it wrote there (stdout); the script's own output goes to stderr.",
        "--list shows every experiment with its first README/NOTES line; --dry-run prints the script's commands."})
final class ReproduceCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "experiment folder under experiments/")
  String name;

  @Option(names = "--list", description = "list the experiments, whether each has a reproduce.sh, and what it is")
  boolean list;

  @Option(names = "--dry-run", description = "print the commands the script would run (DRY_RUN=1); run nothing")
  boolean dryRun;

  @Option(names = "--root", paramLabel = "DIR",
      description = "the repository (default: the first directory above the working directory, else above the "
          + "mnemo jar, that holds experiments/src and configs/)")
  Path root;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (list == (name != null)) {
      err.println("mnemo reproduce: give an experiment NAME or --list (not both)");
      spec.commandLine().usage(err);
      return MnemoCli.USAGE;
    }
    Optional<Path> repo = root != null ? ExperimentFolder.findRoot(root) : defaultRoot();
    if (repo.isEmpty()) {
      err.println("mnemo reproduce: no repository found (a directory holding experiments/src and configs/) above "
          + (root != null ? root : Path.of("").toAbsolutePath()) + "; run from the checkout or give --root");
      return MnemoCli.USAGE;
    }
    List<ExperimentFolder> experiments = ExperimentFolder.all(repo.get().resolve("experiments"));
    if (list) {
      listTo(out, experiments);
      return MnemoCli.OK;
    }
    Optional<ExperimentFolder> found = experiments.stream().filter(e -> e.name().equals(name)).findFirst();
    if (found.isEmpty()) {
      List<String> names = experiments.stream().map(ExperimentFolder::name).toList();
      int near = Math.max(2, name.length() / 3); // a typo, not another word
      err.println("mnemo reproduce: unknown experiment '" + name + "'"
          + EditDistance.closest(name, names).filter(c -> EditDistance.between(name, c) <= near)
              .map(c -> " (did you mean '" + c + "'?)").orElse("")
          + "; known experiments: " + String.join(", ", names));
      return MnemoCli.USAGE;
    }
    ExperimentFolder e = found.get();
    if (!e.hasScript()) {
      err.println("mnemo reproduce: experiments/" + e.name() + "/ has no " + ExperimentFolder.SCRIPT
          + ": its README or NOTES says how its figures were made");
      return MnemoCli.USAGE;
    }
    return runScript(repo.get(), e, out, err);
  }

  private int runScript(Path repo, ExperimentFolder e, PrintWriter out, PrintWriter err) {
    ProcessBuilder pb = new ProcessBuilder("bash", e.script().toString()).directory(repo.toFile());
    pb.environment().put("DRY_RUN", dryRun ? "1" : "0");
    // Files written during the run are the ones at least this new (a coarse file-system clock rounds down).
    Instant start = Instant.now().minusSeconds(2);
    if (!dryRun) {
      err.println("mnemo reproduce: running experiments/" + e.name() + "/" + ExperimentFolder.SCRIPT);
      err.flush();
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException ex) {
      err.println("mnemo reproduce: cannot start bash for " + e.script() + ": " + ex.getMessage());
      return MnemoCli.FAILED;
    }
    Thread stopper = new Thread(() -> {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }, "reproduce-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    // A dry run's stdout is its product (the commands); a real run's console output is progress, so stderr.
    Thread toOut = pump(p.getInputStream(), dryRun ? out : err);
    Thread toErr = pump(p.getErrorStream(), err);
    int code;
    try {
      code = p.waitFor();
      toOut.join();
      toErr.join();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      err.println("mnemo reproduce: interrupted; stopped " + e.script());
      return MnemoCli.INTERRUPTED;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is stopping: the hook runs
      }
    }
    out.flush();
    if (code != 0) {
      err.println("mnemo reproduce: experiments/" + e.name() + "/" + ExperimentFolder.SCRIPT + " exited with " + code);
      return MnemoCli.FAILED;
    }
    if (!dryRun) {
      List<Path> written = writtenSince(e.dir(), start);
      for (Path f : written) {
        out.println(repo.relativize(f));
      }
      out.flush();
      err.println("mnemo reproduce: " + e.name() + ": wrote " + written.size() + " file(s) under experiments/"
          + e.name() + "/");
    }
    err.flush();
    return MnemoCli.OK;
  }

  private static Optional<Path> defaultRoot() {
    Optional<Path> fromCwd = ExperimentFolder.findRoot(Path.of(""));
    if (fromCwd.isPresent()) {
      return fromCwd;
    }
    try {
      Path jar = Path.of(ReproduceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return ExperimentFolder.findRoot(jar);
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static void listTo(PrintWriter w, List<ExperimentFolder> experiments) {
    if (experiments.isEmpty()) {
      w.println("  (no experiments: no folder under experiments/ holds a README.md, NOTES.md or reproduce.sh)");
    }
    int width = experiments.stream().mapToInt(e -> e.name().length()).max().orElse(0);
    for (ExperimentFolder e : experiments) {
      w.printf("  %-" + width + "s  %-9s  %s%n", e.name(), e.hasScript() ? "script" : "no script", e.description());
    }
    w.flush();
  }

  /** Regular files under {@code dir} modified at or after {@code since}, sorted. */
  static List<Path> writtenSince(Path dir, Instant since) {
    FileTime t = FileTime.from(since);
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(f -> {
        try {
          return Files.getLastModifiedTime(f).compareTo(t) >= 0;
        } catch (IOException ex) {
          return false;
        }
      }).sorted().collect(Collectors.toList());
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot list " + dir, ex);
    }
  }

  private static Thread pump(InputStream in, PrintWriter to) {
    Thread t = new Thread(() -> {
      char[] buf = new char[4096];
      try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        for (int n; (n = r.read(buf)) >= 0; ) {
          synchronized (to) {
            to.write(buf, 0, n);
            to.flush();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "reproduce-output");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
