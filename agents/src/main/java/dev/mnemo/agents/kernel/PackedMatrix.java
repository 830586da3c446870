package dev.mnemo.agents.kernel;

import java.util.Arrays;

/**
 * A {@code [k, n]} weight matrix stored in column panels for {@link BatchOps#gemm}: panel {@code p}
 * holds columns {@code [p*P, p*P + P)} as a contiguous row-major {@code [k, P]} block. Full panels are
 * {@code 2 * lanes} wide (the register tile of the vector kernel); the last one is {@code lanes} wide
 * when the remaining columns fit, else {@code 2 * lanes}. Columns past {@code n} are zero, so a product
 * writes {@link #paddedCols()} columns of which the padding comes out as the (zero-padded) bias.
 *
 * <p>Why panels: with plain row-major {@code [k, n]} the tile for one block of output columns reads
 * {@code k} lines {@code 4n} bytes apart, which for {@code n = 512} fall into two L1 sets and miss every
 * time; a contiguous panel (24 KB for the LSTM-128 step) stays in L1 while every batch row reuses it.
 */
public final class PackedMatrix {

  private final int k;
  private final int n;
  private final int lanes;
  private final int paddedCols;
  private final float[] data;

  /**
   * @param lanes SIMD width the panels are cut for ({@link BatchOps#lanes()})
   */
  public PackedMatrix(int k, int n, int lanes) {
    if (k < 1 || n < 1 || lanes < 1) {
      throw new IllegalArgumentException(
          "PackedMatrix needs positive sizes; got k=" + k + ", n=" + n + ", lanes=" + lanes);
    }
    this.k = k;
    this.n = n;
    this.lanes = lanes;
    this.paddedCols = paddedCols(n, lanes);
    this.data = new float[k * paddedCols];
  }

  /** Stored columns of an {@code n}-column matrix packed for {@code lanes}: n rounded up to the panel widths. */
  public static int paddedCols(int n, int lanes) {
    int full = n / (2 * lanes) * (2 * lanes);
    int rest = n - full;
    return full + (rest == 0 ? 0 : rest <= lanes ? lanes : 2 * lanes);
  }

  /** Stored columns: {@code n} rounded up to the panel widths. */
  public int paddedCols() {
    return paddedCols;
  }

  public int rows() {
    return k;
  }

  public int cols() {
    return n;
  }

  int lanes() {
    return lanes;
  }

  /** Start of the panel holding column {@code col} (a panel boundary). */
  int panelStart(int col) {
    return col / (2 * lanes) * (2 * lanes);
  }

  /** Width of the panel starting at column {@code j0}. */
  int panelWidth(int j0) {
    return Math.min(2 * lanes, paddedCols - j0);
  }

  /** The packed floats: panel starting at column {@code j0} begins at {@code j0 * k}. */
  float[] data() {
    return data;
  }

  /**
   * Copies a row-major {@code rows x cols} block of {@code src} (rows {@code srcLd} apart) to rows
   * {@code row0..}, columns {@code col0..} of this matrix. Allocation-free.
   */
  public void load(float[] src, int srcOff, int srcLd, int row0, int col0, int rows, int cols) {
    if (row0 < 0 || col0 < 0 || rows < 0 || cols < 0 || row0 + rows > k || col0 + cols > n) {
      throw new IllegalArgumentException("block at (" + row0 + ", " + col0 + ") of " + rows + " x "
          + cols + " lies outside the " + k + " x " + n + " matrix");
    }
    for (int r = 0; r < rows; r++) {
      int s = srcOff + r * srcLd;
      int col = col0;
      int end = col0 + cols;
      while (col < end) {
        int p0 = panelStart(col);
        int pw = panelWidth(p0);
        int run = Math.min(end - col, p0 + pw - col);
        System.arraycopy(src, s + (col - col0), data, p0 * k + (row0 + r) * pw + (col - p0), run);
        col += run;
      }
    }
  }

  /**
   * Copies the transpose of a row-major {@code rows x cols} block of {@code src} (a {@code [rows, cols]}
   * tensor at {@code srcOff}) to rows {@code row0..}, columns {@code col0..}: element {@code (i, j)} of the
   * source lands at {@code (row0 + j, col0 + i)}. {@code stage} holds at least {@code rows * cols} floats.
   */
  public void loadTransposed(float[] src, int srcOff, int rows, int cols, int row0, int col0, float[] stage) {
    WeightGradient.transpose(rows, cols, src, srcOff, cols, stage, 0, rows);
    load(stage, 0, rows, row0, col0, cols, rows);
  }

  /** Sets every stored float to zero. */
  public void clear() {
    Arrays.fill(data, 0f);
  }

  /** Element {@code (row, col)}, for tests and debugging. */
  public float get(int row, int col) {
    if (row < 0 || row >= k || col < 0 || col >= n) {
      throw new IllegalArgumentException("(" + row + ", " + col + ") outside " + k + " x " + n);
    }
    int p0 = panelStart(col);
    return data[p0 * k + row * panelWidth(p0) + (col - p0)];
  }
}
