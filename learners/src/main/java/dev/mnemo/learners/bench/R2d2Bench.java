package dev.mnemo.learners.bench;

import dev.mnemo.agents.r2d2.RecurrentQGemm;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import dev.mnemo.learners.r2d2.R2d2Config;
import dev.mnemo.learners.r2d2.R2d2Learner;
import dev.mnemo.learners.r2d2.TrainingBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * R2D2 learner throughput at the paper's shape (batch 64, burn-in 40, trace 80, n 5, LSTM 128) for the
 * gemm engine against the SameDiff engine measured in the same run, with FLOPs per update and their rate
 * as a fraction of one core's FP32 peak (a Vector API FMA loop, measured here too), the same update in
 * PyTorch measured in the same run by {@link PytorchPeer} when torch is installed (otherwise issue 4's
 * published figure, labelled as a reference; {@code "nopeer"} skips it), and where the gemm engine's time
 * goes (its phase timers). ND4J's sgemm rate is printed as well because the SameDiff engine depends on it
 * (see the OPENBLAS_CORETYPE note).
 *
 * <p>Usage: {@code run(out)} or {@code run(out, "updates", "30")} (add {@code "small"} for batch 32, 10 + 30
 * steps, LSTM 64, the second PyTorch shape); {@code run(out, "soak", "20000")}
 * prints the process RSS every 1000 updates (ND4J frees native memory only through GC, so a leak shows
 * as a rising RSS); {@code run(out, "soak", "5000", "small")} soaks a reduced shape (batch 32, 10 + 30
 * steps, LSTM 64) for a busy machine; {@code run(out, "profile", "20")} times and profiles the gemm engine
 * only (no SameDiff engine); {@code run(out, "cores", "20")} gives one row per recurrent core (add
 * {@code "small"} for the small shape).
 */
public final class R2d2Bench {

  static final int OBS = 8;
  static final int ACTIONS = 4;

  private R2d2Bench() {}

  public static void run(PrintStream out, String... args) {
    if (args.length >= 1 && args[0].equals("cores")) {
      cores(out, args.length >= 2 ? Integer.parseInt(args[1]) : 20, java.util.Arrays.asList(args).contains("small"));
      return;
    }
    if (args.length >= 1 && args[0].equals("soak")) {
      soak(out, args.length >= 2 ? Integer.parseInt(args[1]) : 20_000, args.length >= 3 && args[2].equals("small"));
      return;
    }
    boolean profileOnly = args.length >= 1 && args[0].equals("profile");
    int updates = args.length >= 2 && (args[0].equals("updates") || profileOnly) ? Integer.parseInt(args[1]) : 20;
    boolean small = java.util.Arrays.asList(args).contains("small");
    R2d2Config gemm = small ? smallConfig() : config("gemm");
    RecurrentQSpec spec = R2d2Learner.specFor(gemm, OBS, ACTIONS);
    double flops = flopsPerUpdate(spec, gemm);
    double sgemm = sgemmGflops();
    double peak = dev.mnemo.agents.kernel.BatchOps.vectorApiAvailable()
        ? dev.mnemo.agents.bench.FmaPeak.measureGflops(5, 10_000_000) : Double.NaN;
    out.printf("R2D2 learner update: batch %d, burn-in %d, trace %d, n %d, core %s %d, encoder %s, heads %d%n",
        gemm.batchSize(), gemm.burnIn(), gemm.traceLength(), gemm.nStep(), gemm.core(), gemm.coreSize(),
        gemm.encoderSizes(), gemm.headSize());
    out.printf("  FLOPs per update (matmuls): %.3f GFLOP%n", flops / 1e9);
    out.printf("  this machine, one core: FP32 peak %.1f GFLOP/s (Vector API FMA loop; the basis of 'of peak');"
        + " ND4J sgemm 1024^3 %.1f GFLOP/s%n", peak, sgemm);
    String core = System.getenv("OPENBLAS_CORETYPE");
    out.printf("  OPENBLAS_CORETYPE=%s: OpenBLAS 0.3.19 (ND4J's) does not know CPUs newer than it and then"
        + " runs its generic SSE3 'Prescott' kernels (~25 GFLOP/s here instead of ~130); set"
        + " OPENBLAS_CORETYPE=SkylakeX on AVX-512 machines, Haswell on AVX2 ones. The gemm engine does not use"
        + " ND4J; the SameDiff engine does.%n", core == null ? "(unset)" : core);
    out.println("  (CPU = this thread's CPU time, which counts the native gemm calls at OMP_NUM_THREADS=1;"
        + " on a shared machine it is the figure to compare, wall time includes waiting for a core)");
    double[] tGemm = timeUpdates(gemm, updates);
    print(out, "gemm engine:    ", tGemm, flops, peak);
    if (java.util.Arrays.asList(args).contains("nopeer")) {
      out.println("  PyTorch: not run (nopeer)");
    } else {
      printPeer(out, PytorchPeer.measure(PytorchPeer.defaultInterpreters(), PytorchPeer.findScript().orElse(null),
          peerArgs(gemm, updates), Duration.ofSeconds(60), Duration.ofSeconds(120 + 3L * (updates + WARMUP_UPDATES))),
          tGemm[1], publishedPytorchMs(small));
    }
    profile(out, gemm, Math.max(3, updates / 2), tGemm[1]);
    if (profileOnly) {
      return;
    }
    R2d2Config sd = small ? smallConfigFor("samediff") : config("samediff");
    double[] tSd = timeUpdates(sd, Math.max(2, updates / 10));
    print(out, "samediff engine:", tSd, flops, peak);
    out.printf("  gemm / samediff speed-up (CPU time): %.1fx%n", tSd[1] / tGemm[1]);
  }

  /**
   * PyTorch 1.13's time per update at the paper shape (78 ms) and the small one (7.1 ms), from issue 4 of the
   * project tracker (an earlier session, this machine kind, Debian's python3-torch with AVX-512 OpenBLAS,
   * 2026-11): printed only, labelled as such, when the peer cannot be measured in the run.
   */
  static double publishedPytorchMs(boolean small) {
    return small ? 7.1 : 78;
  }

  /** The peer script's arguments for the shape and timing of {@code c}: the same network, batch and step. */
  static List<String> peerArgs(R2d2Config c, int updates) {
    return List.of("--batch", "" + c.batchSize(), "--burn-in", "" + c.burnIn(), "--trace", "" + c.traceLength(),
        "--n-step", "" + c.nStep(), "--gamma", "" + c.gamma(), "--obs", "" + OBS, "--actions", "" + ACTIONS,
        "--encoder", c.encoderSizes().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")),
        "--core", c.core(), "--core-size", "" + c.coreSize(), "--head-size", "" + c.headSize(),
        "--lr", "" + c.learningRate(), "--adam-eps", "" + c.adamEpsilon(), "--max-grad-norm", "" + c.maxGradNorm(),
        "--target-period", "" + c.targetPeriod(), "--eta", "" + c.priorityEta(), "--threads", "1",
        "--warmup", "" + WARMUP_UPDATES, "--updates", "" + updates);
  }

  /**
   * The PyTorch line(s): the peer measured in this run and the gemm engine's CPU median over its, or why
   * it was not measured and the published figure, labelled as a reference.
   */
  static void printPeer(PrintStream out, PytorchPeer.Result peer, double gemmCpuSeconds, double publishedMs) {
    if (peer instanceof PytorchPeer.Measured m) {
      out.printf("  PyTorch %s: %.1f ms median (IQR %.1f-%.1f), measured in this run (CPU per update, one thread,"
          + " %d updates after %d warm-up; python %s at %s, BLAS %s); gemm engine / PyTorch: %.2fx the time%n",
          m.torchVersion(), m.cpuMedianMs(), m.cpuQ1Ms(), m.cpuQ3Ms(), m.updates(), WARMUP_UPDATES, m.python(),
          m.interpreter(), m.blas(), gemmCpuSeconds * 1e3 / m.cpuMedianMs());
      return;
    }
    PytorchPeer.Unavailable u = (PytorchPeer.Unavailable) peer;
    if (u.installed()) {
      out.printf("  PyTorch: installed but not measured: %s%n", u.reason());
    } else {
      out.printf("  PyTorch: not installed (%s to measure it here) [%s]%n", PytorchPeer.INSTALL_HINT, u.reason());
    }
    out.printf("  PyTorch 1.13 CPU, one core: %.1f ms per update at this shape -- published reference (issue 4 of"
        + " the project tracker, 2026-11: an earlier session on this machine kind, AVX-512 OpenBLAS), NOT measured"
        + " in this run; gemm engine / that reference: %.2fx the time%n", publishedMs, gemmCpuSeconds * 1e3
        / publishedMs);
  }

  /**
   * Where the gemm engine's time goes: the engine calls of one update (online and target unrolls over the
   * whole sequence, the trained window's gradient) with {@link RecurrentQGemm}'s phase timers on, in CPU
   * ms per update; the learner's own Java (targets, loss, clipping, Adam) is the update time minus these.
   */
  static void profile(PrintStream out, R2d2Config c, int updates, double updateCpuSeconds) {
    RecurrentQSpec spec = R2d2Learner.specFor(c, OBS, ACTIONS);
    float[] p = dev.mnemo.agents.r2d2.RecurrentQNetwork.initialParams(spec, 1);
    RecurrentQGemm online = new RecurrentQGemm(spec, p);
    RecurrentQGemm target = new RecurrentQGemm(spec, p);
    TrainingBatch b = batch(c, 1);
    int bs = c.batchSize();
    int len = c.sequenceLength();
    float[] dq = new float[bs * c.traceLength() * spec.numActions()];
    Random r = new Random(3);
    for (int i = 0; i < dq.length; i++) {
      dq[i] = (float) r.nextGaussian() * 1e-3f;
    }
    float[] grad = new float[p.length];
    Runnable update = () -> {
      online.unroll(bs, len, 0, len, b.obs(), b.prevActions(), b.prevRewards(), b.state0());
      target.unroll(bs, len, 0, len, b.obs(), b.prevActions(), b.prevRewards(), b.state0());
      online.gradientOfLastUnroll(bs, len, c.burnIn(), c.traceLength(), dq, grad);
      online.setParams(p);
    };
    for (int i = 0; i < 3; i++) {
      update.run();
    }
    online.setProfiling(true);
    target.setProfiling(true);
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long c0 = mx.getCurrentThreadCpuTime();
    for (int i = 0; i < updates; i++) {
      update.run();
    }
    double engineMs = (mx.getCurrentThreadCpuTime() - c0) / 1e6 / updates;
    out.printf("  profile of the gemm engine (CPU ms per update, %d updates; timers on):%n", updates);
    double sum = 0;
    for (RecurrentQGemm.Phase ph : RecurrentQGemm.Phase.values()) {
      double ms = (online.phaseNanos(ph) + target.phaseNanos(ph)) / 1e6 / updates;
      sum += ms;
      out.printf("    %-24s %7.2f ms  %5.1f%%%n", ph.name().toLowerCase(java.util.Locale.ROOT), ms,
          100 * ms / (updateCpuSeconds * 1e3));
    }
    out.printf("    %-24s %7.2f ms  %5.1f%%  (engine calls %.2f ms incl. timers; the rest of the update is"
        + " the learner's Java: targets, loss, clipping, Adam)%n", "other", updateCpuSeconds * 1e3 - sum,
        100 - 100 * sum / (updateCpuSeconds * 1e3), engineMs);
  }

  private static void print(PrintStream out, String name, double[] t, double flops, double peak) {
    out.printf("  %s %7.1f ms/update wall (mean), %7.1f ms CPU (median, IQR %.1f)  %6.2f updates/s (CPU)  %5.1f "
        + "GFLOP/s  %5.1f%% of peak%n", name, t[0] * 1e3, t[1] * 1e3, t[2] * 1e3, 1 / t[1], flops / t[1] / 1e9,
        100 * flops / t[1] / 1e9 / peak);
  }

  static R2d2Config config(String engine) {
    R2d2Config p = R2d2Config.paper();
    return new R2d2Config("bench", 1L, 1, 40, 80, 40, 5, 0.997, List.of(64), "lstm", 128, 64, 64, 1e-4, 1e-3, 40,
        2500, 0.9, R2d2Config.INITIAL_PRIORITY_ACTOR, 0.9, 0.6, 1000, 64, 4, 0.1, 400, 0.4, 7, true, 0, 1000, 0, 1.0,
        p.gcInterval(), engine);
  }

  /** A reduced shape for quick soaks on a busy machine: batch 32, burn-in 10, trace 30, LSTM 64. */
  static R2d2Config smallConfig() {
    return smallConfigFor("gemm");
  }

  static R2d2Config smallConfigFor(String engine) {
    return new R2d2Config("bench", 1L, 1, 10, 30, 15, 5, 0.997, List.of(64), "lstm", 64, 64, 32, 1e-4, 1e-3, 40,
        2500, 0.9, R2d2Config.INITIAL_PRIORITY_ACTOR, 0.9, 0.6, 1000, 32, 4, 0.1, 400, 0.4, 7, true, 0, 1000, 0, 1.0,
        50, engine);
  }

  /**
   * One row per recurrent core at the same shape (the paper's, or {@code small}): CPU ms per learner update
   * as the median and interquartile range of {@code updates} single updates after a warm-up of 10 (the
   * Vector API code needs C2), GFLOP/s of the update's matmuls, the share of the FP32 peak measured in the
   * same run, and the time relative to the LSTM row.
   */
  static void cores(PrintStream out, int updates, boolean small) {
    double peak = dev.mnemo.agents.kernel.BatchOps.vectorApiAvailable()
        ? dev.mnemo.agents.bench.FmaPeak.measureGflops(5, 10_000_000) : Double.NaN;
    R2d2Config base = small ? smallConfig() : config("gemm");
    out.printf("R2D2 learner update per core: batch %d, burn-in %d, trace %d, core size %d, encoder %s, heads %d;"
        + " FP32 peak measured now: %.1f GFLOP/s; %d timed updates after 10 warm-up%n", base.batchSize(),
        base.burnIn(), base.traceLength(), base.coreSize(), base.encoderSizes(), base.headSize(), peak, updates);
    out.printf("  %-8s %10s %16s %9s %8s %8s%n", "core", "median ms", "IQR ms", "GFLOP/s", "of peak", "vs lstm");
    double lstmMs = Double.NaN;
    for (String name : dev.mnemo.agents.core.RecurrentCores.names()) {
      R2d2Config c = base.withCore(name, base.coreSize());
      RecurrentQSpec spec = R2d2Learner.specFor(c, OBS, ACTIONS);
      R2d2Learner l = new R2d2Learner(spec, c);
      TrainingBatch b = batch(c, 1);
      for (int i = 0; i < 10; i++) {
        l.update(b);
      }
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
      double[] ms = new double[updates];
      for (int i = 0; i < updates; i++) {
        long c0 = mx.getCurrentThreadCpuTime();
        l.update(b);
        ms[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
      }
      java.util.Arrays.sort(ms);
      double med = ms[updates / 2];
      if (name.equals(dev.mnemo.agents.core.LstmCore.NAME)) {
        lstmMs = med;
      }
      double gflops = flopsPerUpdate(spec, c) / (med / 1e3) / 1e9;
      out.printf("  %-8s %10.1f %7.1f - %6.1f %9.1f %7.1f%% %7.2fx%n", name, med, ms[updates / 4],
          ms[(3 * updates) / 4], gflops, 100 * gflops / peak, med / lstmMs);
    }
  }

  /**
   * {mean wall seconds, median CPU seconds, CPU interquartile range} per update over {@code updates} updates
   * after {@link #WARMUP_UPDATES} warm-up ones.
   */
  static double[] timeUpdates(R2d2Config c, int updates) {
    R2d2Learner l = new R2d2Learner(R2d2Learner.specFor(c, OBS, ACTIONS), c);
    TrainingBatch b = batch(c, 1);
    // Warm-up: the JIT compiles the kernels over the first several updates, which would otherwise skew the
    // figures (single runs were seen to be bimodal with two warm-ups).
    for (int i = 0; i < WARMUP_UPDATES; i++) {
      l.update(b);
    }
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    double[] cpu = new double[updates];
    long t0 = System.nanoTime();
    for (int i = 0; i < updates; i++) {
      long c0 = mx.getCurrentThreadCpuTime();
      l.update(b);
      cpu[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
    }
    double wall = (System.nanoTime() - t0) / 1e9 / updates;
    java.util.Arrays.sort(cpu);
    return new double[] {wall, quantile(cpu, 0.5), quantile(cpu, 0.75) - quantile(cpu, 0.25)};
  }

  /** Updates run before timing. */
  static final int WARMUP_UPDATES = 5;

  private static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  /**
   * Matmul FLOPs of the update's math: two forward unrolls over the whole sequence and the backward pass
   * (2x a forward) over the trace. The gemm engine does exactly this (it reuses the online unroll's
   * activations); the SameDiff engine runs the trace forward once more (+B*trace rows).
   */
  public static double flopsPerUpdate(RecurrentQSpec s, R2d2Config c) {
    double perRow = 0;
    int in = s.inputSize();
    for (int e : s.encoderSizes()) {
      perRow += 2.0 * in * e;
      in = e;
    }
    int h = s.coreSize();
    perRow += 2.0 * s.core().macsPerStep();
    perRow += 2.0 * (h * s.headSize() * 2 + s.headSize() + s.headSize() * s.numActions());
    double rowsFwd = 2.0 * c.batchSize() * c.sequenceLength();
    double rowsTrain = 2.0 * c.batchSize() * c.traceLength();
    return perRow * (rowsFwd + rowsTrain);
  }

  /** Single-threaded (OMP_NUM_THREADS=1) sgemm rate of this machine on 1024^3, GFLOP/s of CPU time. */
  public static double sgemmGflops() {
    INDArray a = Nd4j.rand(DataType.FLOAT, 1024, 1024);
    INDArray b = Nd4j.rand(DataType.FLOAT, 1024, 1024);
    INDArray c = Nd4j.create(DataType.FLOAT, 1024, 1024);
    Nd4j.gemm(a, b, c, false, false, 1, 0);
    int reps = 5;
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long t0 = mx.getCurrentThreadCpuTime();
    for (int i = 0; i < reps; i++) {
      Nd4j.gemm(a, b, c, false, false, 1, 0);
    }
    double s = (mx.getCurrentThreadCpuTime() - t0) / 1e9 / reps;
    return 2.0 * 1024 * 1024 * 1024 / s / 1e9;
  }

  static void soak(PrintStream out, int updates, boolean small) {
    R2d2Config c = small ? smallConfig() : config("gemm");
    R2d2Learner l = new R2d2Learner(R2d2Learner.specFor(c, OBS, ACTIONS), c);
    TrainingBatch[] batches = {batch(c, 1), batch(c, 2), batch(c, 3)};
    out.printf("soak: %d updates at batch %d, burn-in %d, trace %d, core %s %d (gc every %d updates)%n",
        updates, c.batchSize(), c.burnIn(), c.traceLength(), c.core(), c.coreSize(), c.gcInterval());
    long t0 = System.nanoTime();
    for (int i = 1; i <= updates; i++) {
      l.update(batches[i % 3]);
      if (i % 1000 == 0 || i == 1) {
        out.printf("  update %6d  RSS %7.1f MB  %.1f updates/s%n", i, rssMb(),
            i / ((System.nanoTime() - t0) / 1e9));
      }
    }
  }

  /** Resident set size of this process from /proc/self/status, MB (NaN where unavailable). */
  public static double rssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  /** A random full-length batch (no padding) of the config's shape. */
  static TrainingBatch batch(R2d2Config c, long seed) {
    Random r = new Random(seed);
    int bs = c.batchSize();
    int len = c.sequenceLength();
    int n = bs * len;
    float[] obs = new float[n * OBS];
    for (int i = 0; i < obs.length; i++) {
      obs[i] = (float) r.nextGaussian();
    }
    int[] actions = new int[n];
    int[] prev = new int[n];
    float[] rewards = new float[n];
    float[] prevR = new float[n];
    float[] ones = new float[n];
    java.util.Arrays.fill(ones, 1f);
    for (int i = 0; i < n; i++) {
      actions[i] = r.nextInt(ACTIONS);
      rewards[i] = (float) r.nextGaussian();
      prev[i] = i % len == 0 ? -1 : actions[i - 1];
      prevR[i] = i % len == 0 ? 0 : rewards[i - 1];
    }
    int ss = R2d2Learner.specFor(c, OBS, ACTIONS).stateSize();
    float[] w = new float[bs];
    java.util.Arrays.fill(w, 1f);
    return new TrainingBatch(bs, len, OBS, ss, obs, actions, rewards, ones, ones.clone(), prev, prevR,
        new float[bs * ss], w);
  }

  public static void main(String[] args) {
    run(System.out, args);
  }
}
