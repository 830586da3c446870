package dev.mnemo.experiments.cli;

import dev.mnemo.experiments.bench.BenchRegistry;
import dev.mnemo.experiments.run.RunKindRegistry;

/**
 * Everything the commands dispatch to: run kinds ({@code mnemo run}), benchmarks ({@code mnemo bench})
 * and the environment catalog ({@code mnemo envs}).
 */
public record Registries(RunKindRegistry kinds, BenchRegistry benches, EnvCatalog envs) {}
