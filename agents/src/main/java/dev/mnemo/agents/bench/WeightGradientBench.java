package dev.mnemo.agents.bench;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * {@code mnemo bench weight-gradient [seconds=S]}: the learners' weight-gradient product {@code [X | 1]^T dY} at the
 * shapes of the committed configs, two ways in the same run: X transposed into a copy and one product
 * ({@link BatchOps#weightGradientViaCopy}: what every layer did until 2026-12-06, and what
 * {@link BatchOps#weightGradient} still does for the columns it cannot read in place), and
 * {@link BatchOps#weightGradient} (most columns of X read in place). The two alternate, round after
 * round, on this thread's CPU clock, so a change of machine load falls on both alike; the medians and their ratio are
 * printed. Both give the same bits ({@code WeightGradientTest}).
 */
public final class WeightGradientBench {

  private static final int ROUNDS = 9;

  /** One product's sizes and where they come from. */
  record Shape(String name, int n, int in, int out) {}

  /** The two paths' median CPU microseconds per product. */
  public record Result(String shape, double viaCopyUs, double inPlaceUs) {}

  private WeightGradientBench() {}

  public static Result[] run(PrintStream out, String... args) {
    double seconds = 0.5;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2 || !kv[0].equals("seconds")) {
        throw new IllegalArgumentException("bench weight-gradient: expected seconds=S, got '" + a + "'");
      }
      try {
        seconds = Double.parseDouble(kv[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bench weight-gradient: seconds=" + kv[1] + " is not a number", e);
      }
    }
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("bench weight-gradient: seconds must be > 0, got " + seconds);
    }
    BatchOps ops = BatchOps.best();
    Shape[] shapes = {
        new Shape("RL² LN-GRU 128, input map (MDP: 50 trials x 100 steps, 17 inputs)", 5000, 17, 384),
        new Shape("RL² LN-GRU 128, recurrent map (the same minibatch)", 5000, 128, 384),
        new Shape("RL² policy head (128 -> 5 actions)", 5000, 128, 5),
        new Shape("R2D2 LSTM 128, gates (64 sequences x 40 steps, encoder 64 + hidden 128)", 2560, 192, 512),
        new Shape("ALD GTrXL d32, Q/K/V projection (16 segments x 36 steps)", 576, 32, 96)};
    out.printf(Locale.ROOT, "weight-gradient product [X | 1]^T dY, %s, this thread's CPU time per product, median of %d"
        + " alternating rounds of ~%.2f s each way; Java %s; BatchOps.weightGradient reads X in place where its rule"
        + " says that pays (VectorOps: outputs of at most 3 panels) and takes the copy elsewhere%n",
        ops.name(), ROUNDS, seconds / ROUNDS, System.getProperty("java.version"));
    out.printf(Locale.ROOT, "%-76s %8s %12s %17s %8s%n", "shape", "n x in x out", "copy+gemm us",
        "weightGradient us", "speed-up");
    Result[] results = new Result[shapes.length];
    for (int s = 0; s < shapes.length; s++) {
      results[s] = measure(ops, shapes[s], seconds);
      Shape sh = shapes[s];
      out.printf(Locale.ROOT, "%-76s %8s %12.1f %17.1f %7.2fx%n", sh.name(), sh.n() + "x" + sh.in() + "x" + sh.out(),
          results[s].viaCopyUs(), results[s].inPlaceUs(), results[s].viaCopyUs() / results[s].inPlaceUs());
    }
    return results;
  }

  private static Result measure(BatchOps ops, Shape s, double seconds) {
    Random rng = new Random(1);
    int ldT = s.n() + 16;
    float[] x = new float[s.n() * s.in()];
    float[] dY = new float[s.n() * s.out()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    for (int i = 0; i < dY.length; i++) {
      dY[i] = (float) rng.nextGaussian();
    }
    PackedMatrix packed = new PackedMatrix(s.n(), s.out(), ops.lanes());
    packed.load(dY, 0, s.out(), 0, 0, s.n(), s.out());
    int ldc = packed.paddedCols();
    float[] xT = new float[(s.in() + 1) * ldT];
    Arrays.fill(xT, s.in() * ldT, s.in() * ldT + s.n(), 1f);
    float[] c = new float[(s.in() + 1) * ldc];
    Runnable viaCopy = () -> BatchOps.weightGradientViaCopy(ops, s.n(), s.in(), x, 0, s.in(), packed, xT, ldT, c,
        ldc);
    Runnable inPlace = () -> ops.weightGradient(s.n(), s.in(), x, 0, s.in(), packed, xT, ldT, c, ldc);
    double warm = Math.max(seconds / 4, Math.min(1.0, seconds));
    CpuTiming.loop(viaCopy, warm);
    CpuTiming.loop(inPlace, warm);
    double[] a = new double[ROUNDS];
    double[] b = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      a[r] = CpuTiming.loop(viaCopy, seconds / ROUNDS / 2).cpuUs();
      b[r] = CpuTiming.loop(inPlace, seconds / ROUNDS / 2).cpuUs();
    }
    Arrays.sort(a);
    Arrays.sort(b);
    return new Result(s.name(), a[ROUNDS / 2], b[ROUNDS / 2]);
  }

  /** {@code java ... dev.mnemo.agents.bench.WeightGradientBench [seconds=S]}. */
  public static void main(String[] args) {
    run(System.out, args);
  }
}
