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
 * <p>{@code mnemo bench gym-http [--seconds S] [--env ID]}: defaults 2 s per cell, {@code cartpole}.
 */
public final class GymHttpBench {

  private GymHttpBench() {}

  public static void run(PrintStream out, String... args) throws Exception {
    double seconds = 2.0;
    String envId = "cartpole";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(value(args, ++i, "--seconds"));
        case "--env" -> envId = value(args, ++i, "--env");
        case "--help", "-h" -> {
          out.println("gym-http bench: steps/s through a loopback Gym HTTP server vs in-process");
          out.println("  --seconds S   measuring time per cell (default 2)");
          out.println("  --env ID      Mnemo env id (default cartpole)");
          return;
        }
        default -> throw new IllegalArgumentException("gym-http bench: unknown argument '" + args[i]
            + "'; valid: --seconds S, --env ID");
      }
    }
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("gym-http bench: --seconds must be > 0, got " + seconds);
    }
    Env local = EnvRegistry.make(envId);
    double inProcess = measure(local, seconds);
    try (GymHttpServer server = GymHttpServer.start(0)) {
      try (GymHttpEnv remote = GymHttpEnv.fromId(GymHttpEnv.id(server.uri(), envId))) {
        double http = measure(remote, seconds);
        out.printf("gym-http bench, env %s, %.1f s per cell (after an equal warm-up), one client, loopback%n",
            envId, seconds);
        out.printf("  in-process      %,14.0f steps/s%n", inProcess);
        out.printf("  through HTTP    %,14.0f steps/s  (%.1f us/step)%n", http, 1e6 / http);
        out.printf("  ratio HTTP / in-process: %.2e (HTTP costs %.0fx an in-process step)%n", http / inProcess,
            inProcess / http);
      }
    }
  }

  /** Warm up for {@code seconds}, then count steps (with resets on episode ends) for {@code seconds}. */
  private static double measure(Env env, double seconds) {
    SplittableRandom rng = new SplittableRandom(1);
    int actions = env.spec().numActions();
    long seed = 0;
    env.reset(seed++);
    for (int phase = 0; phase < 2; phase++) {
      long steps = 0;
      long start = System.nanoTime();
      long deadline = start + (long) (seconds * 1e9);
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
        return steps / ((now - start) / 1e9);
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
