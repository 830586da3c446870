package dev.mnemo.agents.baselines;

import dev.mnemo.envs.meta.BernoulliBandits;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Speed of the bandit baselines: pulls per second of each policy on one core (n = 100, k = 10, the
 * same tasks and reward streams for all), with Random as the baseline of the ratio column, and the
 * Gittins table build time of the exact method against the lambda grid on the same horizon.
 * Arguments (optional): {@code [instances=200] [gittinsHorizon=100]}.
 */
public final class BanditBaselinesBenchmark {
  private BanditBaselinesBenchmark() {}

  public static void run(PrintStream out, String... args) {
    int instances = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int gittinsHorizon = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    if (instances < 1 || gittinsHorizon < 1) {
      throw new IllegalArgumentException("instances and gittinsHorizon must be >= 1, got " + instances + ", "
          + gittinsHorizon);
    }
    int n = 100;
    int k = 10;
    GittinsIndexTable table = GittinsIndexTable.build(n, GittinsIndexTable.Method.LAMBDA_GRID, 250, 1);
    List<Supplier<BanditPolicy>> policies = List.of(
        RandomPolicy::new,
        GreedyPolicy::new,
        () -> new EpsilonGreedyPolicy(0.1),
        () -> new Ucb1Policy(0.2),
        ThompsonSamplingPolicy::new,
        () -> new OptimisticThompsonSamplingPolicy(20, OptimisticThompsonSamplingPolicy.Rule.MOST_PROBABLE_JOINT),
        () -> new GittinsIndexPolicy(table));
    out.printf(Locale.ROOT, "bandit policies, n=%d k=%d, %d tasks, 1 thread%n", n, k, instances);
    out.printf(Locale.ROOT, "%-22s %14s %10s%n", "policy", "pulls/s", "vs random");
    // Tasks and reward streams are drawn before timing so the figures are the policies' own cost.
    BernoulliBandits bandits = new BernoulliBandits(k);
    SplittableRandom taskRng = new SplittableRandom(99);
    double[][] tasks = new double[instances][];
    double[][] uniforms = new double[instances][n * k];
    for (int i = 0; i < instances; i++) {
      tasks[i] = bandits.sampleTask(taskRng);
      for (int j = 0; j < n * k; j++) {
        uniforms[i][j] = taskRng.nextDouble();
      }
    }
    for (Supplier<BanditPolicy> factory : policies) {
      measure(factory, tasks, uniforms, n); // warm-up: every policy is compiled before any is timed
    }
    double randomRate = 0;
    for (Supplier<BanditPolicy> factory : policies) {
      double rate = measure(factory, tasks, uniforms, n);
      if (randomRate == 0) {
        randomRate = rate;
      }
      BanditPolicy p = factory.get();
      out.printf(Locale.ROOT, "%-22s %14.0f %10.3f%n", p.name() + " " + p.hyperparameter(), rate, rate / randomRate);
    }
    long t0 = System.nanoTime();
    GittinsIndexTable.build(gittinsHorizon, GittinsIndexTable.Method.LAMBDA_GRID, 250, 1);
    double grid = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    GittinsIndexTable.build(gittinsHorizon, GittinsIndexTable.Method.EXACT, 250, 1);
    double exact = (System.nanoTime() - t0) / 1e9;
    out.printf(Locale.ROOT, "gittins table N=%d, 1 thread: lambda grid (250 prices) %.2f s, exact %.2f s (%.1fx)%n",
        gittinsHorizon, grid, exact, exact / grid);
  }

  private static double measure(Supplier<BanditPolicy> factory, double[][] tasks, double[][] uniforms, int n) {
    BanditPolicy policy = factory.get();
    int[] pulls = new int[tasks[0].length];
    long sink = 0;
    long start = System.nanoTime();
    for (int i = 0; i < tasks.length; i++) {
      sink += (long) BanditTableEvaluation.play(policy, tasks[i], uniforms[i], pulls, n, new SplittableRandom(i));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (sink < 0) {
      throw new AssertionError("unreachable");
    }
    return (double) tasks.length * n / seconds;
  }

  public static void main(String[] args) {
    run(System.out, args);
  }
}
