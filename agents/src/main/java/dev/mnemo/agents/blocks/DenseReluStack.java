package dev.mnemo.agents.blocks;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.WeightGradient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The encoder's training form: Dense+ReLU layers {@code e_i = relu(e_{i-1} W_i + b_i)}, {@code e_{-1} = x},
 * over all rows of a window in one product per layer. Parameters {@code W_0, b_0, W_1, b_1, ...} are
 * contiguous from the block's offset ({@code W_i [in_i, out_i]} row-major, {@code b_i [1, out_i]}).
 * Backward, given dLoss/d(last output) in {@link Pass#outputGradient()}: per layer the ReLU mask, the weight
 * gradient as one {@link WeightGradient} product, and {@code dE_{i-1} = dE_i W_i^T}.
 */
public final class DenseReluStack {

  private final BatchOps ops;
  private final int[] widths;
  private final int[] wOff;
  private final PackedMatrix[] w;
  private final float[][] b;
  private final PackedMatrix[] wT;
  private final float[] stage;

  /**
   * @param inputWidth features of x
   * @param sizes output width of each layer (at least one)
   */
  public DenseReluStack(BatchOps ops, int inputWidth, List<Integer> sizes) {
    if (sizes.isEmpty()) {
      throw new IllegalArgumentException("an encoder needs at least one layer");
    }
    this.ops = ops;
    int layers = sizes.size();
    widths = new int[layers + 1];
    widths[0] = inputWidth;
    wOff = new int[layers];
    w = new PackedMatrix[layers];
    b = new float[layers][];
    wT = new PackedMatrix[layers];
    int off = 0;
    int maxStage = 0;
    for (int i = 0; i < layers; i++) {
      widths[i + 1] = sizes.get(i);
      wOff[i] = off;
      off += (widths[i] + 1) * widths[i + 1];
      w[i] = new PackedMatrix(widths[i], widths[i + 1], ops.lanes());
      b[i] = new float[w[i].paddedCols()];
      if (i > 0) {
        wT[i] = new PackedMatrix(widths[i + 1], widths[i], ops.lanes());
      }
      maxStage = Math.max(maxStage, widths[i] * widths[i + 1]);
    }
    stage = new float[maxStage];
  }

  /** Parameters of every layer. */
  public int paramCount() {
    int last = widths.length - 2;
    return wOff[last] + (widths[last] + 1) * widths[last + 1];
  }

  /** Width of the last layer's output. */
  public int outputWidth() {
    return widths[widths.length - 1];
  }

  /** Copies the weights from {@code params}, whose block starts at {@code offset}. */
  public void load(float[] params, int offset) {
    for (int i = 0; i < w.length; i++) {
      int rows = widths[i];
      int cols = widths[i + 1];
      int o = offset + wOff[i];
      w[i].load(params, o, cols, 0, 0, rows, cols);
      System.arraycopy(params, o + rows * cols, b[i], 0, cols);
      if (wT[i] != null) {
        wT[i].loadTransposed(params, o, rows, cols, 0, 0, stage);
      }
    }
  }

  /** Activations for {@code rows} rows. */
  public Pass newPass(int rows) {
    return new Pass(rows);
  }

  /** One window's activations and gradients. */
  public final class Pass {
    private final int n;
    private final int[] ld;
    private final float[][] out;
    private final float[][] dE;
    private final Map<Long, WeightGradient[]> windows = new HashMap<>();
    private float[] x;
    private int xOff;
    private int ldx;

    Pass(int n) {
      this.n = n;
      ld = new int[w.length];
      out = new float[w.length][];
      dE = new float[w.length][];
      for (int i = 0; i < w.length; i++) {
        ld[i] = w[i].paddedCols();
        out[i] = new float[n * ld[i]];
        dE[i] = new float[n * ld[i]];
      }
    }

    /** Forward over all rows of x ({@code ldx} apart from {@code xOff}); x must stay unchanged until backward. */
    public void forward(float[] x, int xOff, int ldx) {
      this.x = x;
      this.xOff = xOff;
      this.ldx = ldx;
      float[] e = x;
      int eOff = xOff;
      int lde = ldx;
      for (int i = 0; i < w.length; i++) {
        ops.gemm(n, e, eOff, lde, w[i], b[i], out[i], 0, ld[i]);
        ops.relu(n, ld[i], out[i], 0, ld[i]);
        e = out[i];
        eOff = 0;
        lde = ld[i];
      }
    }

    /** The last layer's output, rows {@link #outputLd()} apart (padding columns are zero). */
    public float[] output() {
      return out[out.length - 1];
    }

    public int outputLd() {
      return ld[ld.length - 1];
    }

    /** Where the caller writes dLoss/d(output) for the window's rows before {@link #backward}. */
    public float[] outputGradient() {
      return dE[dE.length - 1];
    }

    /** Row stride of {@link #outputGradient()}: the padded output width. */
    public int outputGradientLd() {
      return ld[ld.length - 1];
    }

    /**
     * Backward over rows {@code [r0, r0 + nw)}; {@link #outputGradient()} holds the window's dLoss/d(output)
     * from its row 0. Writes (overwrites) the block's parameter gradients at {@code grad[gradOff..]}.
     */
    public void backward(int r0, int nw, float[] grad, int gradOff) {
      WeightGradient[] wg = windows.computeIfAbsent(((long) r0 << 32) | nw, k -> {
        WeightGradient[] a = new WeightGradient[w.length];
        for (int i = 0; i < w.length; i++) {
          a[i] = new WeightGradient(ops, nw, widths[i], widths[i + 1]);
        }
        return a;
      });
      for (int i = w.length - 1; i >= 0; i--) {
        int cols = widths[i + 1];
        int rows = widths[i];
        ops.reluBackward(nw, cols, dE[i], 0, ld[i], out[i], r0 * ld[i], ld[i]);
        float[] src = i == 0 ? x : out[i - 1];
        int srcOff = i == 0 ? xOff + r0 * ldx : r0 * ld[i - 1];
        int lds = i == 0 ? ldx : ld[i - 1];
        wg[i].compute(src, srcOff, lds, dE[i], 0, ld[i]);
        wg[i].copyTo(grad, gradOff + wOff[i], gradOff + wOff[i] + rows * cols);
        if (i > 0) {
          ops.gemm(nw, dE[i], 0, ld[i], wT[i], null, dE[i - 1], 0, ld[i - 1]);
        }
      }
    }
  }
}
