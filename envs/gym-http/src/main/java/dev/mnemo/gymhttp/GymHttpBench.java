package dev.mnemo.gymhttp;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Step;
import java.io.PrintStream;
import java.util.SplittableRandom;

/**
 * Steps per second of one env through the Gym HTTP protocol (loopback {@link GymHttpServer}, one
 * {@link GymHttpEnv} client, both in this JVM) against the same env stepped in-process, in the same run.
 *
 * <p>{@code mnemo bench gym-http [--seconds S] [--warmup W] [--env ID]}: defaults 3 s per cell after 10 s
 * of warm-up, {@code cartpole}. The warm-up is long on purpose: the JDK's HTTP client and server are a lot
 * of code for the JIT, and a short run measures the interpreter (1-2k steps/s instead of ~4k here).
 */
public final class GymHttpBench {

  private GymHttpBench() {}

  public static void run(PrintStream out, String... args) throws Exception {
    double seconds = 3.0;
    double warmup = 10.0;
    String envId = "cartpole";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(value(args, ++i, "--seconds"));
        case "--warmup" -> warmup = Double.parseDouble(value(args, ++i, "--warmup"));
        case "--env" -> envId = value(args, ++i, "--env");
        case "--help", "-h" -> {
          out.println("gym-http bench: steps/s through a loopback Gym HTTP server vs in-process");
          out.println("  --seconds S   measuring time per cell (default 3)");
          out.println("  --warmup W    warm-up time per cell before measuring (default 10)");
          out.println("  --env ID      Mnemo env id (default cartpole)");
          return;
        }
        default -> throw new IllegalArgumentException("gym-http bench: unknown argument '" + args[i]
            + "'; valid: --seconds S, --warmup W, --env ID");
      }
    }
    if (!(seconds > 0) || !(warmup >= 0)) {
      throw new IllegalArgumentException("gym-http bench: --seconds must be > 0 and --warmup >= 0, got "
          + seconds + " and " + warmup);
    }
    Env local = EnvRegistry.make(envId);
    double[] inProcess = measure(local, warmup, seconds);
    try (GymHttpServer server = GymHttpServer.start(0)) {
      try (GymHttpEnv remote = GymHttpEnv.fromId(GymHttpEnv.id(server.uri(), envId))) {
        double[] http = measure(remote, warmup, seconds);
        out.printf("gym-http bench, env %s, %.1f s per cell after %.1f s of warm-up, one client, loopback%n",
            envId, seconds, warmup);
        out.printf("  in-process      %,14.0f steps/s%n", inProcess[0]);
        out.printf("  through HTTP    %,14.0f steps/s  (%.1f us/step wall, %.1f us/step CPU of the calling"
            + " thread)%n", http[0], 1e6 / http[0], http[1]);
        out.printf("  ratio HTTP / in-process: %.2e (HTTP costs %.0fx an in-process step)%n",
            http[0] / inProcess[0], inProcess[0] / http[0]);
      }
    }
  }

  /**
   * Warm up for {@code warmup} seconds, then count steps (with resets on episode ends) for {@code seconds};
   * returns {steps/s, CPU microseconds per step of the calling thread}.
   */
  private static double[] measure(Env env, double warmup, double seconds) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    SplittableRandom rng = new SplittableRandom(1);
    int actions = env.spec().numActions();
    long seed = 0;
    env.reset(seed++);
    for (int phase = 0; phase < 2; phase++) {
      long steps = 0;
      long start = System.nanoTime();
      long cpu = mx.getCurrentThreadCpuTime();
      long deadline = start + (long) ((phase == 0 ? warmup : seconds) * 1e9);
      long now;
      do {
        for (int i = 0; i < 64; i++) {
          Step s = env.step(rng.nextInt(actions));
          steps++;
          if (s.done()) {
            env.reset(seed++);
          }
        }
        now = System.nanoTime();
      } while (now < deadline);
      if (phase == 1) {
        return new double[] {steps / ((now - start) / 1e9), (mx.getCurrentThreadCpuTime() - cpu) / 1e3 / steps};
      }
    }
    throw new AssertionError("unreachable");
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) {
      throw new IllegalArgumentException("gym-http bench: " + name + " needs a value");
    }
    return args[i];
  }
}
