package dev.mnemo.agents.blocks;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.WeightGradient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Dense+ReLU hidden layers then one linear output layer, the body shared by {@link PolicyHead} and {@link
 * ValueHead}:
 * <pre>
 *   u_0 = x;   u_i = relu(u_{i-1} W_{i-1} + b_{i-1})  (i = 1..L);   y = u_L W_L + b_L
 * </pre>
 * Parameters {@code W0, b0, ..., WL, bL} contiguous from the block's offset ({@code W_i [in_i, out_i]}
 * row-major, {@code b_i [1, out_i]}). Backward, given dLoss/dy: per layer the ReLU mask (hidden layers), the
 * weight gradient as one {@link WeightGradient} product, and {@code dU_i = dU_{i+1} W_i^T} down to dLoss/dx.
 * The forward ({@link #forward}) serves both the training pass (all rows of a window) and the acting form
 * (a few rows per step); the weights live here, loaded once per parameter change. Not thread-safe.
 */
final class Mlp {

  private final BatchOps ops;
  /** widths[0] = input, widths[1..L] hidden, widths[L + 1] = output. */
  private final int[] widths;
  private final int[] wOff;
  private final PackedMatrix[] w;
  private final float[][] b;
  private final PackedMatrix[] wT;
  private final float[] stage;

  Mlp(BatchOps ops, int inputWidth, List<Integer> hidden, int outputWidth) {
    int layers = hidden.size() + 1;
    widths = new int[layers + 1];
    widths[0] = inputWidth;
    for (int i = 0; i < hidden.size(); i++) {
      widths[i + 1] = hidden.get(i);
    }
    widths[layers] = outputWidth;
    for (int v : widths) {
      if (v < 1) {
        throw new IllegalArgumentException("layer widths must be positive, got input " + inputWidth + ", hidden "
            + hidden + ", output " + outputWidth);
      }
    }
    this.ops = ops;
    wOff = new int[layers];
    w = new PackedMatrix[layers];
    b = new float[layers][];
    wT = new PackedMatrix[layers];
    int off = 0;
    int maxStage = 0;
    for (int i = 0; i < layers; i++) {
      wOff[i] = off;
      off += (widths[i] + 1) * widths[i + 1];
      w[i] = new PackedMatrix(widths[i], widths[i + 1], ops.lanes());
      b[i] = new float[w[i].paddedCols()];
      wT[i] = new PackedMatrix(widths[i + 1], widths[i], ops.lanes());
      maxStage = Math.max(maxStage, widths[i] * widths[i + 1]);
    }
    stage = new float[maxStage];
  }

  int layers() {
    return w.length;
  }

  int inputWidth() {
    return widths[0];
  }

  int paramCount() {
    int last = w.length - 1;
    return wOff[last] + (widths[last] + 1) * widths[last + 1];
  }

  /** {@code name.W0, name.b0, ..., name.WL, name.bL}, offsets from the block's first parameter. */
  List<ParamTensor> layout(String name) {
    List<ParamTensor> out = new ArrayList<>();
    for (int i = 0; i < w.length; i++) {
      out.add(new ParamTensor(name + ".W" + i, widths[i], widths[i + 1], wOff[i]));
      out.add(new ParamTensor(name + ".b" + i, 1, widths[i + 1], wOff[i] + widths[i] * widths[i + 1]));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Glorot-uniform weights (limit {@code sqrt(6 / (in + out))}), the output layer's times {@code outputGain};
   * biases zero. Draws in layout order.
   */
  void initialize(float[] p, int offset, SplittableRandom rng, double outputGain) {
    for (int i = 0; i < w.length; i++) {
      double limit = Math.sqrt(6.0 / (widths[i] + widths[i + 1])) * (i == w.length - 1 ? outputGain : 1);
      int o = offset + wOff[i];
      int nw = widths[i] * widths[i + 1];
      for (int k = 0; k < nw; k++) {
        p[o + k] = (float) ((rng.nextDouble() * 2 - 1) * limit);
      }
      java.util.Arrays.fill(p, o + nw, o + nw + widths[i + 1], 0f);
    }
  }

  /** Copies the weights from {@code params}, whose block starts at {@code offset}. */
  void load(float[] params, int offset) {
    for (int i = 0; i < w.length; i++) {
      int rows = widths[i];
      int cols = widths[i + 1];
      int o = offset + wOff[i];
      w[i].load(params, o, cols, 0, 0, rows, cols);
      System.arraycopy(params, o + rows * cols, b[i], 0, cols);
      wT[i].loadTransposed(params, o, rows, cols, 0, 0, stage);
    }
  }

  /** Row stride of layer {@code i}'s activations: its output width padded to the SIMD panels. */
  int ld(int i) {
    return w[i].paddedCols();
  }

  /** Activation buffers for up to {@code rows} rows, one per layer, {@link #ld} apart. */
  float[][] newActivations(int rows) {
    float[][] a = new float[w.length][];
    for (int i = 0; i < w.length; i++) {
      a[i] = new float[rows * ld(i)];
    }
    return a;
  }

  /** Forward over {@code rows} rows of x into {@code act} (from {@link #newActivations}); allocates nothing. */
  void forward(int rows, float[] x, int xOff, int ldx, float[][] act) {
    float[] e = x;
    int eOff = xOff;
    int lde = ldx;
    for (int i = 0; i < w.length; i++) {
      ops.gemm(rows, e, eOff, lde, w[i], b[i], act[i], 0, ld(i));
      if (i < w.length - 1) {
        ops.relu(rows, ld(i), act[i], 0, ld(i));
      }
      e = act[i];
      eOff = 0;
      lde = ld(i);
    }
  }

  Pass newPass(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be >= 1, got " + rows);
    }
    return new Pass(rows);
  }

  /** One window's activations and gradients; rows in the caller's order. */
  final class Pass {
    final int n;
    final float[][] act;
    private final float[][] dAct;
    private final float[] dX;
    private final Map<Integer, WeightGradient[]> windows = new HashMap<>();
    private float[] x;
    private int xOff;
    private int ldx;

    Pass(int n) {
      this.n = n;
      act = newActivations(n);
      dAct = newActivations(n);
      dX = new float[n * wT[0].paddedCols()];
    }

    /** Forward over all rows of x ({@code ldx} apart from {@code xOff}); x must stay unchanged until backward. */
    void forward(float[] x, int xOff, int ldx) {
      this.x = x;
      this.xOff = xOff;
      this.ldx = ldx;
      Mlp.this.forward(n, x, xOff, ldx, act);
    }

    /** The output y, rows {@link #outputLd()} apart. */
    float[] output() {
      return act[act.length - 1];
    }

    int outputLd() {
      return ld(act.length - 1);
    }

    /**
     * Backward over rows {@code [r0, r0 + nw)} given dLoss/dy of the window's rows ({@code lddy} apart from
     * {@code dyOff}); writes (overwrites) the parameter gradients at {@code grad[gradOff..]} and dLoss/dx of
     * the window's rows into {@link #inputGradient()}.
     */
    void backward(int r0, int nw, float[] dY, int dyOff, int lddy, float[] grad, int gradOff) {
      if (r0 < 0 || nw < 1 || r0 + nw > n) {
        throw new IllegalArgumentException("rows [" + r0 + ", " + (r0 + nw) + ") outside the pass's " + n);
      }
      WeightGradient[] wg = windows.computeIfAbsent(nw, key -> {
        WeightGradient[] a = new WeightGradient[w.length];
        for (int i = 0; i < w.length; i++) {
          a[i] = new WeightGradient(ops, nw, widths[i], widths[i + 1]);
        }
        return a;
      });
      int last = w.length - 1;
      for (int i = last; i >= 0; i--) {
        int rows = widths[i];
        int cols = widths[i + 1];
        float[] d = i == last ? dY : dAct[i];
        int dOff = i == last ? dyOff : 0;
        int ldd = i == last ? lddy : ld(i);
        if (i < last) {
          ops.reluBackward(nw, cols, dAct[i], 0, ld(i), act[i], r0 * ld(i), ld(i));
        }
        float[] src = i == 0 ? x : act[i - 1];
        int srcOff = i == 0 ? xOff + r0 * ldx : r0 * ld(i - 1);
        int lds = i == 0 ? ldx : ld(i - 1);
        wg[i].compute(src, srcOff, lds, d, dOff, ldd);
        wg[i].copyTo(grad, gradOff + wOff[i], gradOff + wOff[i] + rows * cols);
        float[] dIn = i == 0 ? dX : dAct[i - 1];
        ops.gemm(nw, d, dOff, ldd, wT[i], null, dIn, 0, wT[i].paddedCols());
      }
    }

    /** dLoss/dx of the last backward's window rows, {@link #inputGradientLd()} apart (padding columns zero). */
    float[] inputGradient() {
      return dX;
    }

    int inputGradientLd() {
      return wT[0].paddedCols();
    }
  }
}
