package dev.mnemo.agents.kernel;

/**
 * A fully connected layer {@code y = act(x W + b)} over a batch, holding its own copy of the weights
 * packed for its {@link BatchOps} ({@link PackedMatrix}). The output has {@link #width()} columns: the
 * {@code out} real ones, then zero padding up to the SIMD panel width (ReLU keeps it zero), so a narrow
 * layer still runs as whole vectors. Loading copies in place: a new snapshot allocates nothing.
 */
public final class DenseLayer {

  private final BatchOps ops;
  private final int in;
  private final int out;
  private final boolean relu;
  private final PackedMatrix w;
  private final float[] b;

  /**
   * @param in input features
   * @param out output features
   * @param relu whether to apply ReLU after the affine map
   */
  public DenseLayer(BatchOps ops, int in, int out, boolean relu) {
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException(
          "DenseLayer needs in >= 1 and out >= 1; got in=" + in + ", out=" + out);
    }
    this.ops = ops;
    this.in = in;
    this.out = out;
    this.relu = relu;
    this.w = new PackedMatrix(in, out, ops.lanes());
    this.b = new float[w.paddedCols()];
  }

  /** Copies a row-major {@code [in, out]} matrix and an {@code out} bias from a flat parameter array. */
  public void load(float[] params, int wOff, int bOff) {
    w.load(params, wOff, out, 0, 0, in, out);
    System.arraycopy(params, bOff, b, 0, out);
  }

  /**
   * Copies a row-major {@code rows x cols} block (rows {@code srcLd} apart) to rows {@code row0..},
   * columns {@code col0..} of the weights: packs several source matrices into one wider layer.
   */
  public void loadBlock(float[] src, int srcOff, int srcLd, int row0, int col0, int rows, int cols) {
    w.load(src, srcOff, srcLd, row0, col0, rows, cols);
  }

  /** Copies {@code count} bias entries to columns {@code [col0, col0 + count)}. */
  public void loadBias(float[] src, int srcOff, int col0, int count) {
    if (col0 < 0 || count < 0 || col0 + count > out) {
      throw new IllegalArgumentException(
          "bias block [" + col0 + ", " + (col0 + count) + ") outside the layer's " + out + " outputs");
    }
    System.arraycopy(src, srcOff, b, col0, count);
  }

  /**
   * {@code y[r, :width] = act(x[r, :in] W + b)} for {@code r < rows}.
   *
   * @param ldx floats between input rows; {@code ldy} floats between output rows ({@code >= width})
   */
  public void forward(int rows, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
    ops.gemm(rows, x, xOff, ldx, w, b, y, yOff, ldy);
    if (relu) {
      ops.relu(rows, w.paddedCols(), y, yOff, ldy);
    }
  }

  public int in() {
    return in;
  }

  public int out() {
    return out;
  }

  /** Output columns written per row: {@code out} plus zero padding to the SIMD panel width. */
  public int width() {
    return w.paddedCols();
  }

  /** Multiply-adds per batch row actually required (padding excluded). */
  public long macsPerRow() {
    return (long) in * out;
  }
}
