package dev.mnemo.agents.bench;

import dev.mnemo.agents.bench.CpuTiming.Timing;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.core.CoreKernel;
import dev.mnemo.agents.core.RecurrentCore;
import dev.mnemo.agents.core.RecurrentCores;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.RecurrentQKernel;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import dev.mnemo.agents.transformer.GtrxlGate;
import dev.mnemo.agents.transformer.GtrxlKernel;
import dev.mnemo.agents.transformer.GtrxlTrunk;
import java.io.PrintStream;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * ALD's acting-cost comparison (issue 11): CPU time per batched step of the GTrXL trunk's acting kernel
 * ({@link GtrxlKernel}, key/value cache) beside the LSTM's acting kernel, at N envs. Rows: the GTrXL trunk (input
 * row, embedding, blocks; no heads), the same step followed by a recompute of every env's keys and values (what a
 * step without the cache would pay on top: {@link GtrxlKernel#load} minus packing), the LSTM core alone on an
 * input of the GTrXL's width, and R2D2's whole LSTM actor ({@link RecurrentQKernel}: encoder, core, dueling head)
 * as {@link ActorKernelBench} measures it. Envs run without episode starts, so after the first segment each step
 * attends over {@code M + 1 .. M + T} keys (the steady state).
 *
 * <p>Arguments ({@code key=value}, all optional): {@code seconds=1.0} per measurement, {@code envs=16},
 * {@code layers=2 width=64 heads=2 memory=32 segment=32 ff=128} (the GTrXL), {@code input=21} (its input row:
 * obs 16, one-hot of 4 actions, reward), {@code lstm=128} (the LSTM's core size), {@code obs=16 actions=4
 * encoder=64 head=64} (the R2D2 actor).
 */
public final class GtrxlKernelBench {

  private GtrxlKernelBench() {}

  /** Per-step figures of one run, for callers that print their own summary. */
  public record Result(double gtrxlUs, double uncachedUs, double lstmCoreUs, double lstmActorUs) {}

  public static Result run(PrintStream out, String... args) {
    double seconds = 1.0;
    int envs = 16;
    int layers = 2;
    int width = 64;
    int heads = 2;
    int memory = 32;
    int segment = 32;
    int ff = 128;
    int input = 21;
    int lstm = 128;
    int obs = 16;
    int actions = 4;
    int encoder = 64;
    int head = 64;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("GtrxlKernelBench: argument '" + a + "' is not key=value");
      }
      try {
        switch (kv[0]) {
          case "seconds" -> seconds = Double.parseDouble(kv[1]);
          case "envs" -> envs = Integer.parseInt(kv[1]);
          case "layers" -> layers = Integer.parseInt(kv[1]);
          case "width" -> width = Integer.parseInt(kv[1]);
          case "heads" -> heads = Integer.parseInt(kv[1]);
          case "memory" -> memory = Integer.parseInt(kv[1]);
          case "segment" -> segment = Integer.parseInt(kv[1]);
          case "ff" -> ff = Integer.parseInt(kv[1]);
          case "input" -> input = Integer.parseInt(kv[1]);
          case "lstm" -> lstm = Integer.parseInt(kv[1]);
          case "obs" -> obs = Integer.parseInt(kv[1]);
          case "actions" -> actions = Integer.parseInt(kv[1]);
          case "encoder" -> encoder = Integer.parseInt(kv[1]);
          case "head" -> head = Integer.parseInt(kv[1]);
          default -> throw new IllegalArgumentException("GtrxlKernelBench: unknown key '" + kv[0] + "', expected"
              + " seconds, envs, layers, width, heads, memory, segment, ff, input, lstm, obs, actions, encoder"
              + " or head");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("GtrxlKernelBench: " + kv[0] + "=" + kv[1] + " is not a number", e);
      }
    }
    if (!(seconds > 0) || envs < 1) {
      throw new IllegalArgumentException("GtrxlKernelBench: need seconds > 0 and envs >= 1");
    }
    BatchOps ops = BatchOps.best();
    out.printf("GtrxlKernelBench: %s, %d envs, %.2f s per measurement (median of %d rounds, this thread's CPU"
        + " time); Java %s%n", ops.name(), envs, seconds, CpuTiming.ROUNDS, Runtime.version());

    // GTrXL trunk, cached.
    GtrxlTrunk trunk = new GtrxlTrunk(input, width, layers, heads, memory, segment, ff,
        GtrxlGate.DEFAULT_GATE_BIAS, ops);
    float[] tp = new float[trunk.paramCount()];
    trunk.initialize(tp, 0, new SplittableRandom(1));
    GtrxlKernel kernel = new GtrxlKernel(input, width, layers, heads, memory, segment, ff,
        GtrxlGate.DEFAULT_GATE_BIAS, envs, ops);
    kernel.load(tp, 0);
    float[] x = gaussian(envs * input, 2);
    boolean[] starts = new boolean[envs];
    float[] y = new float[envs * width];
    for (int s = 0; s < memory + segment; s++) {
      kernel.step(x, starts, y); // fill the memory before timing
    }
    Timing cached = CpuTiming.warmThenMeasure(() -> kernel.step(x, starts, y), seconds);
    Timing uncached = CpuTiming.warmThenMeasure(() -> {
      kernel.step(x, starts, y);
      kernel.load(tp, 0);
    }, seconds);
    double keys = memory + (segment + 1) / 2.0;
    long gtrxlMacs = kernel.macsPerEnvStep((int) Math.round(keys));

    // LSTM core alone, on an input as wide as the GTrXL's model width.
    RecurrentCore core = RecurrentCores.create("lstm", width, lstm);
    float[] cp = new float[core.paramCount()];
    core.initialize(cp, 0, new SplittableRandom(3));
    CoreKernel ck = core.kernel(ops, envs);
    final int n = envs;
    final int cw = width;
    ck.load(cp, 0);
    float[] cx = gaussian(envs * width, 4);
    float[][] st = {new float[envs * core.stateSize()], new float[envs * core.stateSize()]};
    int[] cur = {0};
    Timing lstmCore = CpuTiming.warmThenMeasure(() -> {
      ck.step(n, cx, 0, cw, st[cur[0]], st[1 - cur[0]]);
      cur[0] = 1 - cur[0];
    }, seconds);
    long lstmCoreMacs = 4L * lstm * (width + lstm);

    // R2D2's LSTM actor, as ActorKernelBench builds it.
    RecurrentQSpec spec = new RecurrentQSpec(obs, actions, encoder > 0 ? List.of(encoder) : List.of(), lstm, head);
    RecurrentQKernel actor = new RecurrentQKernel(spec, envs, ops);
    actor.load(randomSnapshot(spec));
    float[] aObs = gaussian(envs * obs, 5);
    int[] prevA = new int[envs];
    float[] prevR = new float[envs];
    Timing lstmActor = CpuTiming.warmThenMeasure(() -> actor.step(aObs, prevA, prevR), seconds);

    out.printf("%-58s %11s %11s %13s %9s %9s%n", "acting step (N envs per call)", "cpu us/step", "wall us/stp",
        "us/env-step", "MAC/env", "vs lstm");
    row(out, String.format("GTrXL trunk, KV cache (L%d d%d H%d M%d T%d ff%d)", layers, width, heads, memory,
        segment, ff), cached, envs, gtrxlMacs, lstmCore);
    row(out, "GTrXL trunk, step + recompute of every key (no cache)", uncached, envs, -1, lstmCore);
    row(out, String.format("LSTM core %d, input %d", lstm, width), lstmCore, envs, lstmCoreMacs, lstmCore);
    row(out, String.format("R2D2 LSTM actor (obs %d, enc %d, lstm %d, head %d)", obs, encoder, lstm, head),
        lstmActor, envs, actor.flopsPerEnvStep() / 2, lstmCore);
    out.printf("GTrXL MACs per env-step counted at the mean visible keys (%.1f): %d; the trunk holds %d parameters,"
        + " a state of %d floats per env.%n", keys, gtrxlMacs, trunk.paramCount(), kernel.stateSize());
    return new Result(cached.cpuUs(), uncached.cpuUs(), lstmCore.cpuUs(), lstmActor.cpuUs());
  }

  private static void row(PrintStream out, String name, Timing t, int envs, long macs, Timing lstm) {
    out.printf("%-58s %11.2f %11.2f %13.3f %9s %8.2fx%n", name, t.cpuUs(), t.wallUs(), t.cpuUs() / envs,
        macs < 0 ? "-" : Long.toString(macs), t.cpuUs() / lstm.cpuUs());
  }

  private static float[] gaussian(int n, long seed) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  private static ParamSnapshot randomSnapshot(RecurrentQSpec spec) {
    Random rng = new Random(1);
    float[] p = new float[spec.paramCount()];
    for (ParamTensor t : spec.layout()) {
      double limit = t.rows() == 1 ? 0.1 : Math.sqrt(6.0 / (t.rows() + t.cols()));
      for (int i = t.offset(); i < t.end(); i++) {
        p[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
      }
    }
    return new ParamSnapshot(p, 0);
  }


  /** {@code java ... dev.mnemo.agents.bench.GtrxlKernelBench [key=value ...]}. */
  public static void main(String[] args) {
    run(System.out, args);
  }
}
