package dev.mnemo.experiments.cli;

import dev.mnemo.experiments.bench.BenchRegistry;
import dev.mnemo.experiments.config.EditDistance;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mnemo bench NAME [ARGS...]}: runs a benchmark; without NAME lists them. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Runs a benchmark by name (arguments after NAME go to the benchmark); without NAME lists them.")
final class BenchCommand implements Callable<Integer> {

  private final BenchRegistry benches;
  private final PrintStream out;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "benchmark name")
  String name;

  @Parameters(index = "1..*", paramLabel = "ARGS", description = "arguments for the benchmark")
  List<String> args = new ArrayList<>();

  BenchCommand(BenchRegistry benches, PrintStream out) {
    this.benches = benches;
    this.out = out;
  }

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    if (name == null) {
      listTo(spec.commandLine().getOut());
      return MnemoCli.OK;
    }
    Optional<BenchRegistry.Entry> entry = benches.find(name);
    if (entry.isEmpty()) {
      err.println("mnemo bench: unknown benchmark '" + name + "'"
          + EditDistance.closest(name, benches.all().keySet()).map(c -> " (did you mean '" + c + "'?)").orElse("")
          + "; valid benchmarks:");
      listTo(err);
      return MnemoCli.USAGE;
    }
    try {
      entry.get().benchmark().run(out, args.toArray(String[]::new));
      out.flush();
      return MnemoCli.OK;
    } catch (IllegalArgumentException e) {
      err.println("mnemo bench " + name + ": " + e.getMessage());
      return MnemoCli.USAGE;
    } catch (Exception e) {
      err.println("mnemo bench " + name + ": failed: " + e);
      e.printStackTrace(err);
      return MnemoCli.FAILED;
    }
  }

  private void listTo(java.io.PrintWriter w) {
    if (benches.all().isEmpty()) {
      w.println("  (no benchmarks are registered in this build)");
    }
    for (BenchRegistry.Entry e : benches.all().values()) {
      w.printf("  %-20s %s%n", e.name(), e.description());
    }
    w.flush();
  }
}
