package dev.mnemo.agents.kernel;

/**
 * A fully connected layer {@code y = act(x W + b)} over a batch, with its own copy of the weights in
 * the layout the {@link BatchOps#gemm} kernel reads: {@code W} row-major {@code [in, width]}, where
 * {@code width >= out} may pad the output columns with zeros (so a narrow head still runs as whole SIMD
 * vectors). Loading copies weights in place: a new snapshot of the same shape allocates nothing.
 */
public final class DenseLayer {

  private final int in;
  private final int out;
  private final int width;
  private final boolean relu;
  private final float[] w;
  private final float[] b;

  /**
   * @param in input features
   * @param out output features
   * @param width stored output columns, {@code >= out}; columns {@code [out, width)} stay zero
   * @param relu whether to apply ReLU after the affine map
   */
  public DenseLayer(int in, int out, int width, boolean relu) {
    if (in < 1 || out < 1 || width < out) {
      throw new IllegalArgumentException(
          "DenseLayer needs in >= 1, out >= 1, width >= out; got in=" + in + ", out=" + out + ", width="
              + width);
    }
    this.in = in;
    this.out = out;
    this.width = width;
    this.relu = relu;
    this.w = new float[in * width];
    this.b = new float[width];
  }

  /** Copies a row-major {@code [in, out]} matrix and an {@code out} bias from a flat parameter array. */
  public void load(float[] params, int wOff, int bOff) {
    loadBlock(params, wOff, out, 0, 0, in, out);
    System.arraycopy(params, bOff, b, 0, out);
  }

  /**
   * Copies a row-major {@code rows x cols} block from {@code src} into the stored weights at
   * ({@code row0}, {@code col0}); used to pack several source matrices into one wider layer.
   *
   * @param srcLd floats between rows in {@code src}
   */
  public void loadBlock(float[] src, int srcOff, int srcLd, int row0, int col0, int rows, int cols) {
    if (row0 < 0 || col0 < 0 || row0 + rows > in || col0 + cols > width) {
      throw new IllegalArgumentException("block [" + row0 + "+" + rows + ", " + col0 + "+" + cols
          + "] outside the layer's [" + in + ", " + width + "] weights");
    }
    for (int r = 0; r < rows; r++) {
      System.arraycopy(src, srcOff + r * srcLd, w, (row0 + r) * width + col0, cols);
    }
  }

  /** Copies {@code count} bias entries to columns {@code [col0, col0 + count)}. */
  public void loadBias(float[] src, int srcOff, int col0, int count) {
    if (col0 < 0 || col0 + count > width) {
      throw new IllegalArgumentException(
          "bias block [" + col0 + "+" + count + "] outside the layer's width " + width);
    }
    System.arraycopy(src, srcOff, b, col0, count);
  }

  /**
   * {@code y[r, :width] = act(x[r, :in] W + b)} for {@code r < rows}.
   *
   * @param ldx floats between input rows; {@code ldy} floats between output rows ({@code >= width})
   */
  public void forward(BatchOps ops, int rows, float[] x, int xOff, int ldx, float[] y, int yOff,
      int ldy) {
    ops.gemm(rows, in, width, x, xOff, ldx, w, 0, width, b, 0, y, yOff, ldy);
    if (relu) {
      ops.relu(rows, width, y, yOff, ldy);
    }
  }

  public int in() {
    return in;
  }

  public int out() {
    return out;
  }

  /** Stored output columns (including zero padding). */
  public int width() {
    return width;
  }

  /** Multiply-adds per batch row actually required (padding excluded). */
  public long macsPerRow() {
    return (long) in * out;
  }
}
