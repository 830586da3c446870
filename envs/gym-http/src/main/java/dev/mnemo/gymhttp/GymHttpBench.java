package dev.mnemo.gymhttp;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Step;
import java.io.PrintStream;
import java.util.SplittableRandom;

/**
 * Steps per second of one env through the Gym HTTP protocol (loopback {@link GymHttpServer}, one
 * {@link GymHttpEnv} client, both in this JVM) against the same env stepped in-process, in the same run,
 * and what the JSON of one step costs on its own (the four operations: the client writes the action, the
 * server reads it and writes the reply, the client reads it).
 *
 * <p>{@code mnemo bench gym-http [--seconds S] [--warmup W] [--env ID]}: defaults 3 s per cell after 10 s
 * of warm-up, {@code cartpole}. The warm-up is long on purpose: the JDK's HTTP client and the server are a
 * lot of code for the JIT, and a short run measures the interpreter.
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
    try (GymHttpServer server = GymHttpServer.start(0);
        GymHttpEnv remote = GymHttpEnv.fromId(GymHttpEnv.id(server.uri(), envId))) {
      double[] http = measure(remote, warmup, seconds);
      jsonPerStep(local, Math.min(warmup, 2.0));
      double json = jsonPerStep(local, Math.min(seconds, 1.0));
      out.printf("gym-http bench, env %s, %.1f s per cell after %.1f s of warm-up, one client, loopback%n",
          envId, seconds, warmup);
      out.printf("  in-process      %,14.0f steps/s%n", inProcess[0]);
      out.printf("  through HTTP    %,14.0f steps/s  (%.1f us/step wall, %.1f us/step CPU of the calling thread,"
          + " %.1f of the process, server and client)%n", http[0], 1e6 / http[0], http[1], http[2]);
      out.printf("  JSON of one step, both sides (Jackson streaming): %.0f ns%n", json);
      out.printf("  ratio HTTP / in-process: %.2e (HTTP costs %.0fx an in-process step)%n",
          http[0] / inProcess[0], inProcess[0] / http[0]);
    }
  }

  /**
   * Nanoseconds for the JSON of one step on both sides: the client writes the action,
   * the server reads it and writes the step reply (the env's real observation), the client reads the reply.
   */
  private static double jsonPerStep(Env env, double seconds) {
    StepJson client = new StepJson();
    StepJson server = new StepJson();
    StepJson.StepReply reply = new StepJson.StepReply();
    int[] shape = env.spec().obsShape();
    float[] obs = env.reset(3).obs.clone();
    float[] back = new float[obs.length];
    long sink = 0;
    long n = 0;
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    long now;
    do {
      for (int i = 0; i < 256; i++) {
        int len = client.writeAction(i & 1);
        byte[] request = java.util.Arrays.copyOf(client.buffer(), len); // what the transport hands over
        sink += server.readAction(request, request.length);
        len = server.writeStep(obs, shape, false, 0.5f, false, (i & 7) == 0);
        byte[] body = java.util.Arrays.copyOf(server.buffer(), len);
        client.readStepReply(body, back, false, reply);
        sink += reply.seen;
      }
      n += 256;
      now = System.nanoTime();
    } while (now < deadline);
    if (sink == 42) {
      System.out.print("");
    }
    return (now - start) / (double) n;
  }

  /**
   * Warm up for {@code warmup} seconds, then count steps (with resets on episode ends) for {@code seconds};
   * returns {steps/s, CPU microseconds per step of the calling thread, of the whole process}.
   */
  private static double[] measure(Env env, double warmup, double seconds) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    SplittableRandom rng = new SplittableRandom(1);
    int actions = env.spec().numActions();
    long seed = 0;
    env.reset(seed++);
    for (int phase = 0; phase < 2; phase++) {
      long steps = 0;
      long start = System.nanoTime();
      long cpu = mx.getCurrentThreadCpuTime();
      long processCpu = os.getProcessCpuTime();
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
        return new double[] {steps / ((now - start) / 1e9), (mx.getCurrentThreadCpuTime() - cpu) / 1e3 / steps,
            (os.getProcessCpuTime() - processCpu) / 1e3 / steps};
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
