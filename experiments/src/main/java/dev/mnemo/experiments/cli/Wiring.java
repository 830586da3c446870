package dev.mnemo.experiments.cli;

import dev.mnemo.experiments.bench.BenchRegistry;
import dev.mnemo.experiments.run.RunKindRegistry;

/**
 * The one place where the modules' entry points meet the CLI. Add one line per entry:
 * <pre>{@code
 * kinds.register(new R2d2RunKind());                                   // a RunKind, selected by `kind = r2d2`
 * benches.register("envs", "env steps/s, single and VectorEnv(64)", EnvBenchmark::run);
 * EnvCatalog envs = () -> EnvRegistry.standard().describe().stream().map(...).toList();
 * }</pre>
 */
public final class Wiring {

  private Wiring() {}

  public static Registries standard() {
    RunKindRegistry kinds = new RunKindRegistry();
    BenchRegistry benches = new BenchRegistry();
    EnvCatalog envs = EnvCatalog.empty();
    return new Registries(kinds, benches, envs);
  }
}
