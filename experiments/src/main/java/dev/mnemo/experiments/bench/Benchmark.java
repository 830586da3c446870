package dev.mnemo.experiments.bench;

import java.io.PrintStream;

/**
 * A benchmark entry point. Every benchmark class offers
 * {@code public static void run(java.io.PrintStream out, String... args)}, so a method reference such as
 * {@code EnvBenchmark::run} is a {@code Benchmark}.
 */
@FunctionalInterface
public interface Benchmark {
  void run(PrintStream out, String... args) throws Exception;
}
