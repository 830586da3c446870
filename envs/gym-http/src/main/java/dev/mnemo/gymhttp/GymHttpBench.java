package dev.mnemo.gymhttp;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Step;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Steps per second of one env through the Gym HTTP protocol (loopback {@link GymHttpServer}, one
 * {@link GymHttpEnv} client, both in this JVM) against the same env stepped in-process, in the same run;
 * and the JSON of each step with Jackson's streaming API against the former hand-written reader/writer,
 * both end to end (server and client on one codec, alternating rounds, median) and alone (the four JSON
 * operations of one step: client writes the action, server reads it and writes the reply, client reads it).
 *
 * <p>{@code mnemo bench gym-http [--seconds S] [--warmup W] [--rounds R] [--env ID]}: defaults 3 s per cell
 * after 10 s of warm-up, 3 rounds, {@code cartpole}. The warm-up is long on purpose: the JDK's HTTP client
 * and the server are a lot of code for the JIT, and a short run measures the interpreter.
 */
public final class GymHttpBench {

  private GymHttpBench() {}

  public static void run(PrintStream out, String... args) throws Exception {
    double seconds = 3.0;
    double warmup = 10.0;
    int rounds = 3;
    String envId = "cartpole";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(value(args, ++i, "--seconds"));
        case "--warmup" -> warmup = Double.parseDouble(value(args, ++i, "--warmup"));
        case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, "--rounds"));
        case "--env" -> envId = value(args, ++i, "--env");
        case "--help", "-h" -> {
          out.println("gym-http bench: steps/s through a loopback Gym HTTP server vs in-process; JSON codecs");
          out.println("  --seconds S   measuring time per cell (default 3)");
          out.println("  --warmup W    warm-up time per cell before measuring (default 10)");
          out.println("  --rounds R    alternating rounds of the two JSON codecs (default 3)");
          out.println("  --env ID      Mnemo env id (default cartpole)");
          return;
        }
        default -> throw new IllegalArgumentException("gym-http bench: unknown argument '" + args[i]
            + "'; valid: --seconds S, --warmup W, --rounds R, --env ID");
      }
    }
    if (!(seconds > 0) || !(warmup >= 0) || rounds < 1) {
      throw new IllegalArgumentException("gym-http bench: --seconds must be > 0, --warmup >= 0 and --rounds >= 1,"
          + " got " + seconds + ", " + warmup + " and " + rounds);
    }
    Env local = EnvRegistry.make(envId);
    double[] inProcess = measure(local, warmup, seconds);
    List<Supplier<StepJson>> codecs = List.of(JacksonStepJson::new, HandStepJson::new);
    String[] names = {"Jackson", "hand-written"};
    double[][] rate = new double[2][rounds];
    double[][] cpu = new double[2][rounds];
    double[][] jsonNs = new double[2][rounds];
    double[] ratio = new double[rounds];
    List<AutoCloseable> open = new ArrayList<>();
    try {
      Env[] remote = new Env[2];
      for (int c = 0; c < 2; c++) {
        GymHttpServer server = GymHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            EnvRegistry::make, 0L, GymHttpServer.Options.DEFAULTS, codecs.get(c));
        open.add(server);
        GymHttpEnv env = new GymHttpEnv(server.uri(), envId, GymHttpOptions.DEFAULTS, null, codecs.get(c));
        open.add(env);
        remote[c] = env;
        measure(env, warmup, 0.01);
        jsonPerStep(local, codecs.get(c), warmup);
      }
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 2; k++) {
          int c = (r + k) % 2; // the codecs take turns at going first: a pair shares the machine's state
          double[] m = measure(remote[c], 0, seconds);
          rate[c][r] = m[0];
          cpu[c][r] = m[2];
          jsonNs[c][r] = jsonPerStep(local, codecs.get(c), Math.min(seconds, 1.0));
        }
        ratio[r] = rate[0][r] / rate[1][r];
      }
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
    }
    double[] median = {median(rate[0]), median(rate[1])};
    out.printf("gym-http bench, env %s, %.1f s per cell after %.1f s of warm-up, one client, loopback, %d"
        + " paired rounds (medians)%n", envId, seconds, warmup, rounds);
    out.printf("  in-process      %,14.0f steps/s%n", inProcess[0]);
    for (int c = 0; c < 2; c++) {
      out.printf("  through HTTP    %,14.0f steps/s  (%s JSON; %.1f us/step wall, %.1f us/step CPU of the"
          + " process, server and client; rounds %s)%n", median[c], names[c], 1e6 / median[c], median(cpu[c]),
          rounds(rate[c], "%,.0f"));
    }
    out.printf("  JSON of one step, both sides: Jackson %.0f ns, hand-written %.0f ns%n", median(jsonNs[0]),
        median(jsonNs[1]));
    out.printf("  Jackson / hand-written steps/s, paired rounds: %s; median %.3f (%+.1f%%)%n", rounds(ratio, "%.3f"),
        median(ratio), 100 * (median(ratio) - 1));
    out.printf("  Jackson / hand-written CPU per step: %.3f%n", median(cpu[0]) / median(cpu[1]));
    out.printf("  ratio HTTP / in-process: %.2e (HTTP costs %.0fx an in-process step)%n",
        median[0] / inProcess[0], inProcess[0] / median[0]);
  }

  /**
   * Nanoseconds for the JSON of one step on both sides with {@code codec}: the client writes the action,
   * the server reads it and writes the step reply (the env's real observation), the client reads the reply.
   */
  private static double jsonPerStep(Env env, Supplier<StepJson> codec, double seconds) {
    StepJson client = codec.get();
    StepJson server = codec.get();
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

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String rounds(double[] v, String format) {
    StringBuilder b = new StringBuilder();
    for (double x : v) {
      b.append(b.length() == 0 ? "" : " ").append(String.format(format, x));
    }
    return b.toString();
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
