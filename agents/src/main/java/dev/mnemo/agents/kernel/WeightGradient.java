package dev.mnemo.agents.kernel;

import java.util.Arrays;

/**
 * The weight and bias gradient of an affine map {@code y = x W + b} over {@code n} rows, as ONE product:
 * <pre>
 *   [dW; db] = [X | 1]^T dY          [(in + 1), out]
 * </pre>
 * X is transposed once into rows {@code nw + 16} floats apart (so the rows a tile reads are not a multiple
 * of 4 KB apart and fall into different L1 sets) with a last row of ones, set once here, whose product with
 * dY is the bias gradient (the column sums of dY); dY is packed in column panels as the product's right
 * operand. Every layer of every block and core takes its parameter gradient this way. ({@link BatchOps#weightGradient}
 * computes the product: for narrow outputs, where the transposed copy is most of the work, the Vector-API
 * implementation reads X in place instead.)
 */
public final class WeightGradient {

  private final BatchOps ops;
  private final int n;
  private final int in;
  private final int out;
  private final int ldT;
  private final float[] xT;
  private final PackedMatrix dy;
  private final float[] g;

  /**
   * @param n rows of the window (the product's reduction length)
   * @param in input features of the map
   * @param out output features of the map
   */
  public WeightGradient(BatchOps ops, int n, int in, int out) {
    this.ops = ops;
    this.n = n;
    this.in = in;
    this.out = out;
    this.ldT = n + 16;
    this.xT = new float[(in + 1) * ldT];
    Arrays.fill(xT, in * ldT, in * ldT + n, 1f);
    this.dy = new PackedMatrix(n, out, ops.lanes());
    this.g = new float[(in + 1) * dy.paddedCols()];
  }

  /**
   * Computes {@code [X | 1]^T dY} for {@code n} rows of X ({@code in} floats each, {@code ldx} apart from
   * {@code xOff}) and of dY ({@code out} floats each, {@code lddy} apart from {@code dyOff}).
   */
  public void compute(float[] x, int xOff, int ldx, float[] dY, int dyOff, int lddy) {
    dy.load(dY, dyOff, lddy, 0, 0, n, out);
    ops.weightGradient(n, in, x, xOff, ldx, dy, xT, ldT, g, dy.paddedCols());
  }

  /** The result: row {@code i < in} is dW's row i, row {@code in} is db; rows {@link #ld()} apart. */
  public float[] result() {
    return g;
  }

  public int ld() {
    return dy.paddedCols();
  }

  /** Copies dW ({@code [in, out]} row-major) to {@code grad[wOff..]} and db to {@code grad[bOff..]}. */
  public void copyTo(float[] grad, int wOff, int bOff) {
    int ld = ld();
    for (int i = 0; i < in; i++) {
      System.arraycopy(g, i * ld, grad, wOff + i * out, out);
    }
    System.arraycopy(g, in * ld, grad, bOff, out);
  }

  /** {@code dst[j, i] = src[i, j]} for a {@code rows x cols} block, in 16-row strips (cache-friendly). */
  public static void transpose(int rows, int cols, float[] src, int srcOff, int lds, float[] dst, int dstOff,
      int ldd) {
    for (int i0 = 0; i0 < rows; i0 += 16) {
      int i1 = Math.min(rows, i0 + 16);
      for (int j = 0; j < cols; j++) {
        int d = dstOff + j * ldd;
        for (int i = i0; i < i1; i++) {
          dst[d + i] = src[srcOff + i * lds + j];
        }
      }
    }
  }
}
