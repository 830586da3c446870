package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.QuietSameDiff;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.ScalarOps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The contract every {@link RecurrentCore} is held to: its four faces agree with each other and with an
 * independent double-precision reference of its equations written in the test ({@link #referenceStep}).
 * A new core's test class extends this, says how to build the core and writes the reference; nothing else.
 * <ul>
 *   <li>acting kernel (Vector API and scalar) vs the double reference, forward over 120 steps: 1e-5;</li>
 *   <li>training form vs acting kernel over 120 steps: 1e-5; SameDiff graph vs training form: 1e-5;</li>
 *   <li>training-form gradients (parameters and input, from a window after a held state, with
 *       dLoss/dFinalState) vs SameDiff autodiff: 1e-4; vs central finite differences of the double reference:
 *       2e-3 relative to the gradient's scale (float BPTT against double differences).</li>
 * </ul>
 */
public abstract class RecurrentCoreContract {

  /** The core under test with these widths. */
  protected abstract RecurrentCore core(int inputSize, int hiddenSize);

  /**
   * One step of the core's equations in double precision, written from its javadoc independently of the
   * implementation: returns the next state ({@code stateSize} doubles, output first).
   *
   * @param p the core's parameters in layout order (offsets from 0)
   */
  protected abstract double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state);

  static final int IN = 7;
  static final int HIDDEN = 9;

  /** Parameters of a realistic scale: the core's own initialisation, then every value perturbed. */
  protected float[] params(RecurrentCore c, long seed) {
    float[] p = new float[c.paramCount()];
    c.initialize(p, 0, new SplittableRandom(seed));
    Random r = new Random(seed + 1);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (r.nextGaussian() * 0.15);
    }
    return p;
  }

  /**
   * The seeded state the checks start from ({@code rows x stateSize}): uniform in ±0.5, any value a state may hold.
   * A core whose reachable states obey an invariant the equations rely on (linear attention's normaliser is a sum
   * of positive features) overrides it with states of that kind.
   */
  protected float[] initialState(RecurrentCore c, int rows, long seed) {
    return uniform(rows * c.stateSize(), seed, 0.5);
  }

  /**
   * A load and 200 steps of {@code c}'s kernel on {@code ops} over 9, 8 and 7 rows (parameters from {@code
   * initialize}, seed 3): the loop the cores' allocation checks measure.
   */
  static Runnable kernelAllocationLoop(RecurrentCore c, BatchOps ops) {
    int rows = 9;
    int in = c.inputSize();
    float[] p = new float[c.paramCount()];
    c.initialize(p, 0, new SplittableRandom(3));
    CoreKernel k = c.kernel(ops, rows);
    float[] x = uniform(rows * in, 4, 1.0);
    float[] a = new float[rows * c.stateSize()];
    float[] b = new float[rows * c.stateSize()];
    return () -> {
      k.load(p, 0);
      for (int t = 0; t < 200; t++) {
        k.step(rows - t % 3, x, 0, in, t % 2 == 0 ? a : b, t % 2 == 0 ? b : a);
      }
    };
  }

  /**
   * A kernel's load and steps allocate nothing once compiled: the Vector API loop ({@code owner}'s static
   * no-argument {@code vectorFactory}) measured in a fresh JVM, where what earlier tests had C2 compile cannot box
   * its vectors ({@link dev.mnemo.agents.transformer.FreshJvmAllocation}), and the plain-loop one here.
   */
  static void assertKernelAllocatesNothing(Class<?> owner, String vectorFactory, Runnable plainLoop)
      throws java.io.IOException, InterruptedException {
    if (BatchOps.vectorApiAvailable()) {
      assertEquals(0L, dev.mnemo.agents.transformer.FreshJvmAllocation.bytesPerRun(owner, vectorFactory, 40, 2000),
          "Vector API kernel: bytes allocated by a load and 200 steps");
    }
    assertEquals(0L, dev.mnemo.agents.transformer.FreshJvmAllocation.bytesPerRunInThisJvm(plainLoop, 40, 400),
        "plain-loop kernel: bytes allocated by a load and 200 steps");
  }

  static float[] uniform(int n, long seed, double scale) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return a;
  }

  /** A kernel for no rows is refused with the standard message, by every core's kernel (CoreKernel.checkMaxRows). */
  @Test
  void aKernelForNoRowsIsRefused() {
    RecurrentCore c = core(3, 5);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> c.kernel(BatchOps.best(), 0));
    assertEquals("maxRows must be >= 1, got 0", e.getMessage());
  }

  @Test
  void layoutIsNamedForTheCoreAndContiguous() {
    RecurrentCore c = core(IN, HIDDEN);
    int off = 0;
    for (ParamTensor t : c.layout()) {
      assertTrue(t.name().startsWith(c.name() + "."), t.name() + " must start with " + c.name() + ".");
      assertEquals(off, t.offset(), "tensor " + t.name() + " must follow the previous one");
      off = t.end();
    }
    assertEquals(off, c.paramCount());
    assertTrue(c.stateSize() >= c.hiddenSize(), "state holds the output first");
    assertEquals(c, RecurrentCores.create(c.name(), IN, HIDDEN), "the registry builds the same core");
  }

  @Test
  void initialisationIsSeededAndWritesOnlyItsBlock() {
    RecurrentCore c = core(IN, HIDDEN);
    float[] a = new float[c.paramCount() + 6];
    float[] b = new float[c.paramCount() + 6];
    java.util.Arrays.fill(a, 42f);
    java.util.Arrays.fill(b, 42f);
    c.initialize(a, 3, new SplittableRandom(5));
    c.initialize(b, 3, new SplittableRandom(5));
    assertArrayEquals(a, b, "same seed, same parameters");
    for (int i : new int[] {0, 1, 2, a.length - 3, a.length - 2, a.length - 1}) {
      assertEquals(42f, a[i], "wrote outside its block at " + i);
    }
    float[] d = new float[c.paramCount() + 6];
    c.initialize(d, 3, new SplittableRandom(6));
    assertNotEquals(a[4], d[4], "another seed, other weights");
  }

  @Test
  void kernelMatchesTheDoubleReferenceOver120Steps() {
    RecurrentCore c = core(IN, HIDDEN);
    int rows = 3;
    int steps = 120;
    float[] p = params(c, 11);
    float[] x = uniform(steps * rows * IN, 12, 1.5);
    float[] s0 = initialState(c, rows, 13);
    double[][] ref = referenceUnroll(c, p, x, s0, rows, steps);
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      CoreKernel k = c.kernel(ops, rows);
      k.load(withPadding(p, 5), 5);
      float[] cur = s0.clone();
      float[] next = new float[cur.length];
      for (int t = 0; t < steps; t++) {
        k.step(rows, x, t * rows * IN, IN, cur, next);
        float[] tmp = cur;
        cur = next;
        next = tmp;
        assertClose(ref[t], cur, 1e-5, ops.name() + " kernel vs double reference at step " + t);
      }
    }
  }

  @Test
  void trainingFormMatchesTheKernelOver120Steps() {
    RecurrentCore c = core(IN, HIDDEN);
    int rows = 3;
    int steps = 120;
    int s = c.stateSize();
    float[] p = params(c, 21);
    float[] x = uniform(steps * rows * IN, 22, 1.5);
    float[] s0 = initialState(c, rows, 23);
    BatchOps ops = BatchOps.best();
    CoreTraining tr = c.training(ops);
    tr.load(withPadding(p, 4), 4);
    CoreTraining.Pass pass = tr.newPass(rows, steps);
    pass.forward(x, 0, IN, s0, 0);
    CoreKernel k = c.kernel(ops, rows);
    k.load(p, 0);
    float[] cur = s0.clone();
    float[] next = new float[cur.length];
    float[] got = new float[rows * s];
    for (int t = 0; t < steps; t++) {
      k.step(rows, x, t * rows * IN, IN, cur, next);
      float[] tmp = cur;
      cur = next;
      next = tmp;
      for (int b = 0; b < rows; b++) {
        pass.copyState(t, b, got, b * s);
        for (int j = 0; j < c.hiddenSize(); j++) {
          float y = pass.output()[pass.outputOffset() + (t * rows + b) * pass.outputStride() + j];
          assertEquals(got[b * s + j], y, 0f, "output is the state's first hiddenSize floats at t=" + t);
        }
      }
      assertClose(toDouble(cur), got, 1e-5, "training form vs kernel at step " + t);
    }
    for (int b = 0; b < rows; b++) {
      pass.copyState(-1, b, got, b * s);
    }
    assertArrayEquals(s0, got, "copyState(-1) is the initial state");
  }

  @Test
  void sameDiffGraphMatchesTheTrainingFormOver120Steps() {
    RecurrentCore c = core(IN, HIDDEN);
    int rows = 2;
    int steps = 120;
    int s = c.stateSize();
    float[] p = params(c, 31);
    float[] xt = uniform(steps * rows * IN, 32, 1.5); // time-major
    float[] s0 = initialState(c, rows, 33);
    CoreTraining.Pass pass = loadedPass(c, p, rows, steps);
    pass.forward(xt, 0, IN, s0, 0);
    SameDiffUnroll g = new SameDiffUnroll(c, p, rows, steps, toBatchMajor(xt, rows, steps, IN), s0);
    float[] states = g.states();
    float[] got = new float[s];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < rows; b++) {
        pass.copyState(t, b, got, 0);
        float[] want = java.util.Arrays.copyOfRange(states, (b * steps + t) * s, (b * steps + t + 1) * s);
        assertClose(toDouble(want), got, 1e-5, "SameDiff vs training form at t=" + t + ", b=" + b);
      }
    }
  }

  @Test
  void gradientsMatchSameDiffAutodiff() {
    RecurrentCore c = core(IN, HIDDEN);
    int rows = 3;
    int steps = 10;
    int t0 = 3;
    int tw = 6;
    Window w = window(c, rows, steps, t0, tw, 41);
    SameDiffUnroll g = new SameDiffUnroll(c, w.p, rows, tw, toBatchMajor(w.xWindow, rows, tw, IN), w.stateBefore);
    Map<String, float[]> sdGrad = g.gradients(toBatchMajor(w.dOut, rows, tw, c.hiddenSize()), w.dFinal);
    for (ParamTensor t : c.layout()) {
      float[] want = sdGrad.get(t.name());
      float[] got = java.util.Arrays.copyOfRange(w.grad, t.offset(), t.end());
      assertClose(toDouble(want), got, 1e-4, "dLoss/d" + t.name() + " vs SameDiff");
    }
    float[] dxWant = toTimeMajor(sdGrad.get("x"), rows, tw, IN);
    assertClose(toDouble(dxWant), w.dX, 1e-4, "dLoss/dx vs SameDiff");
  }

  @Test
  void gradientsMatchCentralFiniteDifferencesInDoublePrecision() {
    RecurrentCore c = core(IN, HIDDEN);
    int rows = 2;
    int steps = 8;
    int t0 = 2;
    int tw = 5;
    Window w = window(c, rows, steps, t0, tw, 51);
    double[] p = toDouble(w.p);
    double scale = 0;
    for (float v : w.grad) {
      scale = Math.max(scale, Math.abs(v));
    }
    double eps = 1e-6;
    for (int i = 0; i < p.length; i++) {
      double keep = p[i];
      p[i] = keep + eps;
      double up = referenceLoss(c, p, w);
      p[i] = keep - eps;
      double down = referenceLoss(c, p, w);
      p[i] = keep;
      double fd = (up - down) / (2 * eps);
      if (Math.abs(fd - w.grad[i]) > 2e-3 * scale) {
        fail("parameter " + name(c, i) + ": training form " + w.grad[i] + ", finite differences " + fd
            + " (scale " + scale + ")");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  /** A forward over {@code steps} and a backward over {@code [t0, t0 + tw)} with seeded upstream gradients. */
  private Window window(RecurrentCore c, int rows, int steps, int t0, int tw, long seed) {
    int s = c.stateSize();
    Window w = new Window();
    w.rows = rows;
    w.tw = tw;
    w.p = params(c, seed);
    float[] x = uniform(steps * rows * IN, seed + 1, 1.5);
    float[] s0 = initialState(c, rows, seed + 2);
    CoreTraining.Pass pass = loadedPass(c, w.p, rows, steps);
    pass.forward(x, 0, IN, s0, 0);
    w.stateBefore = new float[rows * s];
    for (int b = 0; b < rows; b++) {
      pass.copyState(t0 - 1, b, w.stateBefore, b * s);
    }
    w.xWindow = java.util.Arrays.copyOfRange(x, t0 * rows * IN, (t0 + tw) * rows * IN);
    w.dOut = uniform(tw * rows * c.hiddenSize(), seed + 3, 1.0);
    w.dFinal = uniform(rows * s, seed + 4, 1.0);
    int ldx = PackedMatrix.paddedCols(IN, BatchOps.best().lanes()) + 3;
    float[] dxPadded = new float[tw * rows * ldx + 2];
    w.grad = new float[c.paramCount() + 2];
    pass.backward(t0, tw, w.dOut, 0, c.hiddenSize(), w.dFinal, dxPadded, 2, ldx, w.grad, 1);
    w.grad = java.util.Arrays.copyOfRange(w.grad, 1, 1 + c.paramCount());
    w.dX = new float[tw * rows * IN];
    for (int r = 0; r < tw * rows; r++) {
      System.arraycopy(dxPadded, 2 + r * ldx, w.dX, r * IN, IN);
    }
    return w;
  }

  /** A training window: everything in time-major rows. */
  private static final class Window {
    int rows;
    int tw;
    float[] p;
    float[] stateBefore;
    float[] xWindow;
    float[] dOut;
    float[] dFinal;
    float[] grad;
    float[] dX;
  }

  /** sum dOut * y_t + dFinal * s_last over the window, in double, from the window's initial state. */
  private double referenceLoss(RecurrentCore c, double[] p, Window w) {
    int s = c.stateSize();
    int h = c.hiddenSize();
    double loss = 0;
    for (int b = 0; b < w.rows; b++) {
      double[] st = new double[s];
      for (int j = 0; j < s; j++) {
        st[j] = w.stateBefore[b * s + j];
      }
      for (int t = 0; t < w.tw; t++) {
        double[] xv = new double[IN];
        for (int j = 0; j < IN; j++) {
          xv[j] = w.xWindow[(t * w.rows + b) * IN + j];
        }
        st = referenceStep(c, p, xv, st);
        for (int j = 0; j < h; j++) {
          loss += w.dOut[(t * w.rows + b) * h + j] * st[j];
        }
      }
      for (int j = 0; j < s; j++) {
        loss += w.dFinal[b * s + j] * st[j];
      }
    }
    return loss;
  }

  private double[][] referenceUnroll(RecurrentCore c, float[] p, float[] x, float[] s0, int rows, int steps) {
    int s = c.stateSize();
    double[] pd = toDouble(p);
    double[][] out = new double[steps][rows * s];
    for (int b = 0; b < rows; b++) {
      double[] st = new double[s];
      for (int j = 0; j < s; j++) {
        st[j] = s0[b * s + j];
      }
      for (int t = 0; t < steps; t++) {
        double[] xv = new double[IN];
        for (int j = 0; j < IN; j++) {
          xv[j] = x[(t * rows + b) * IN + j];
        }
        st = referenceStep(c, pd, xv, st);
        System.arraycopy(st, 0, out[t], b * s, s);
      }
    }
    return out;
  }

  private static CoreTraining.Pass loadedPass(RecurrentCore c, float[] p, int rows, int steps) {
    CoreTraining tr = c.training(BatchOps.best());
    tr.load(p, 0);
    return tr.newPass(rows, steps);
  }

  private static String name(RecurrentCore c, int i) {
    for (ParamTensor t : c.layout()) {
      if (i >= t.offset() && i < t.end()) {
        return t.name() + "[" + (i - t.offset()) / t.cols() + "," + (i - t.offset()) % t.cols() + "]";
      }
    }
    return "#" + i;
  }

  /** {@code p} behind {@code pad} leading floats: the faces must honour the offset. */
  static float[] withPadding(float[] p, int pad) {
    float[] out = new float[p.length + pad];
    java.util.Arrays.fill(out, 0, pad, Float.NaN);
    System.arraycopy(p, 0, out, pad, p.length);
    return out;
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  static float[] toBatchMajor(float[] timeMajor, int rows, int steps, int width) {
    float[] out = new float[timeMajor.length];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < rows; b++) {
        System.arraycopy(timeMajor, (t * rows + b) * width, out, (b * steps + t) * width, width);
      }
    }
    return out;
  }

  static float[] toTimeMajor(float[] batchMajor, int rows, int steps, int width) {
    float[] out = new float[batchMajor.length];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < rows; b++) {
        System.arraycopy(batchMajor, (b * steps + t) * width, out, (t * rows + b) * width, width);
      }
    }
    return out;
  }

  /** |got - want| <= tol * max(1, |want|) everywhere, naming the first index that differs. */
  static void assertClose(double[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what + ": length");
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) {
        fail(what + ": index " + i + " expected " + want[i] + ", got " + got[i]);
      }
    }
  }

  /** The core's SameDiff face in a graph of its own, with the loss sum(dOut * outputs) + sum(dFinal * s_T). */
  static final class SameDiffUnroll {
    final RecurrentCore core;
    final int rows;
    final int steps;
    final SameDiff sd = SameDiff.create();
    final SDVariable[] out;

    SameDiffUnroll(RecurrentCore core, float[] p, int rows, int steps, float[] xBatchMajor, float[] s0) {
      this.core = core;
      this.rows = rows;
      this.steps = steps;
      Map<String, SDVariable> w = new HashMap<>();
      for (ParamTensor t : core.layout()) {
        float[] slice = java.util.Arrays.copyOfRange(p, t.offset(), t.end());
        w.put(t.name(), sd.var(t.name(), Nd4j.create(slice, new long[] {t.rows(), t.cols()}, 'c')));
      }
      SDVariable x = sd.var("x", Nd4j.create(xBatchMajor, new long[] {(long) rows * steps, core.inputSize()}, 'c'));
      SDVariable st = sd.var("s0", Nd4j.create(s0, new long[] {rows, core.stateSize()}, 'c'));
      out = core.sameDiff(sd, w, x, st, rows, steps);
    }

    float[] states() {
      return sd.output(new HashMap<String, INDArray>(), List.of(out[1].name())).get(out[1].name()).dup('c').data()
          .asFloat();
    }

    /** Gradients of the loss by parameter name, and "x". */
    Map<String, float[]> gradients(float[] dOutBatchMajor, float[] dFinal) {
      int h = core.hiddenSize();
      int s = core.stateSize();
      SDVariable dOut = sd.constant("dOut", Nd4j.create(dOutBatchMajor, new long[] {(long) rows * steps, h}, 'c'));
      // The final state of each row is row b * steps + steps - 1 of the batch-major states.
      float[] sel = new float[rows * steps * s];
      for (int b = 0; b < rows; b++) {
        System.arraycopy(dFinal, b * s, sel, (b * steps + steps - 1) * s, s);
      }
      SDVariable dFin = sd.constant("dFinal", Nd4j.create(sel, new long[] {(long) rows * steps, s}, 'c'));
      SDVariable loss = out[0].mul(dOut).sum().add(out[1].mul(dFin).sum());
      sd.setLossVariables(loss);
      List<String> names = new java.util.ArrayList<>();
      for (ParamTensor t : core.layout()) {
        names.add(t.name());
      }
      names.add("x");
      Map<String, INDArray> g = QuietSameDiff.calculateGradients(sd, new HashMap<>(), names);
      Map<String, float[]> res = new HashMap<>();
      for (String n : names) {
        res.put(n, g.get(n).dup('c').data().asFloat());
      }
      return res;
    }
  }
}
