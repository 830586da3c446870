package dev.mnemo.learners.bench;

import dev.mnemo.agents.rl2.ActorCriticPolicy;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.learners.rl2.PpoConfig;
import dev.mnemo.learners.rl2.PpoLearner;
import dev.mnemo.learners.rl2.TrialBatch;
import dev.mnemo.learners.rl2.TrialCollector;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * {@code mnemo bench rl2 [updates]}: RL²'s synchronous loop at the shapes of the committed configs (bandits
 * n = 10 and n = 100, MDPs n = 10), measured in this run: trials and env steps collected per second, PPO updates
 * per second (median and interquartile range over the measured updates, after warm-up ones), the share of wall
 * time in envs, in the acting step and in the learner, and the update's FLOP rate (forward + backward of every
 * epoch and the value pass, counted from the network's multiply-adds) as a share of one core's FMA peak
 * measured in the same run. One thread, as the synchronous trainer runs.
 */
public final class Rl2Bench {

  private record Shape(String name, String env, int coreSize, int trials) {
  }

  private Rl2Bench() {}

  public static void run(PrintStream out, String... args) {
    int updates = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    int warmup = 3;
    if (updates < 4) {
      throw new IllegalArgumentException("bench rl2: measure at least 4 updates, got " + updates);
    }
    double peak = dev.mnemo.agents.kernel.BatchOps.vectorApiAvailable()
        ? dev.mnemo.agents.bench.FmaPeak.measureGflops(5, 10_000_000) : Double.NaN;
    out.printf("one core's FP32 FMA peak, measured now: %.1f GFLOP/s%n", peak);
    out.printf("%-15s %7s %9s %11s %12s %18s %6s %6s %6s %9s %8s%n", "shape", "params", "trials/s", "steps/s",
        "updates/s", "update s (IQR)", "env", "act", "learn", "GFLOP/s", "of peak");
    List<Shape> shapes = List.of(new Shape("bandit10k5", "bandit?arms=5&pulls=10", 64, 1000),
        new Shape("bandit100k5", "bandit?arms=5&pulls=100", 64, 200),
        new Shape("mdp n10", "mdp?episodes=10", 128, 200));
    int cores = Runtime.getRuntime().availableProcessors();
    for (Shape s : shapes) {
      measure(out, s, warmup, updates, peak, 1);
      if (cores > 1) {
        measure(out, s, warmup, updates, peak, cores);
      }
    }
    out.println("8 epochs x 4 minibatches per update, LN-GRU towers (separate policy and value) of the configs' sizes; "
        + "trials per update 1000 / 200 / 200 (the n = 100 and MDP configs use 1000: the cost per step is the same, "
        + "an update 5x longer); FLOPs = 2 x multiply-adds x rows x (1 value pass + 3 x epochs for forward and "
        + "backward); 'Nt': learner threads, with N > 1 the rate is per wall second against N cores' peak.");
  }

  private static void measure(PrintStream out, Shape s, int warmup, int updates, double peak, int threads) {
    IntFunction<Env> factory = i -> EnvRegistry.make(s.env());
    EnvSpec env = EnvRegistry.spec(s.env());
    ActorCriticSpec spec = new ActorCriticSpec(env.obsSize(), env.numActions(), List.of(), "ln_gru", s.coreSize(),
        List.of(), true);
    PpoConfig cfg = new PpoConfig(8, 4, 0.99, 0.3, new PpoLoss(0.1, 0.5, 0.01, 1.0, 0), false, 5e-4, 1e-5, 0.01,
        0.5, 0, 0.1, 3);
    try (PpoLearner learner = new PpoLearner(spec, cfg, spec.initialParams(1), threads)) {
      measure(out, s, warmup, updates, peak, threads, env, factory, spec, learner);
    }
  }

  private static void measure(PrintStream out, Shape s, int warmup, int updates, double peak, int threads,
      EnvSpec env, IntFunction<Env> factory, ActorCriticSpec spec, PpoLearner learner) {
    TrialCollector collector = new TrialCollector(factory, env, s.trials());
    TrialBatch batch = collector.newBatch();
    ActorCriticPolicy policy = new ActorCriticPolicy(spec, s.trials(), 2, false);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[] updateSeconds = new double[updates];
    long learnCpu = 0; // the calling thread's CPU; with shards the rate below is per wall second instead
    long steps = 0;
    long env0 = 0;
    long act0 = 0;
    long wall0 = 0;
    double learnWall = 0;
    for (int u = -warmup; u < updates; u++) {
      if (u == 0) {
        env0 = collector.envNanos();
        act0 = collector.actNanos();
        wall0 = System.nanoTime();
      }
      policy.load(learner.snapshot());
      collector.collect(policy, 100 + u, batch);
      long c0 = mx.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      learner.update(batch, 1);
      long w1 = System.nanoTime();
      if (u >= 0) {
        learnCpu += mx.getCurrentThreadCpuTime() - c0;
        updateSeconds[u] = (w1 - w0) / 1e9;
        learnWall += (w1 - w0) / 1e9;
        steps += batch.validSteps();
      }
    }
    double wall = (System.nanoTime() - wall0) / 1e9;
    double envS = (collector.envNanos() - env0) / 1e9;
    double actS = (collector.actNanos() - act0) / 1e9;
    double[] sorted = updateSeconds.clone();
    Arrays.sort(sorted);
    double median = quantile(sorted, 0.5);
    double iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
    long rows = (long) s.trials() * batch.time();
    double flops = 2.0 * spec.macsPerStep() * rows * (1 + 3 * 8) * updates;
    // One thread: FLOPs per CPU second of the learner thread (what one core reaches); several: per wall second
    // of the update over all of its threads, against as many cores' peak.
    double gflops = threads == 1 ? flops / learnCpu : flops / (learnWall * 1e9);
    double peakAll = peak * threads;
    out.printf("%-11s %2dt %7d %9.0f %11.0f %12.2f %11.3f (%.3f) %5.0f%% %5.0f%% %5.0f%% %9.1f %7.1f%%%n", s.name(), threads,
        spec.paramCount(), updates * (double) s.trials() / wall, steps / wall, updates / wall, median, iqr,
        100 * envS / wall, 100 * actS / wall, 100 * learnWall / wall, gflops, 100 * gflops / peakAll);
  }

  private static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
