package dev.mnemo.agents.kernel;

/**
 * One LSTM step over a batch, the recurrent core shared by the actor kernels:
 * <pre>
 *   z = x Wx + h Wh + b                  [4H], gate blocks in order [i, f, g, o]
 *   i, f, o = sigmoid(z_i, z_f, z_o);  g = tanh(z_g)
 *   c' = f * c + i * g;   h' = o * tanh(c')
 * </pre>
 * Gate order and weight layout follow the project's SameDiff networks ({@code RecurrentQSpec}):
 * {@code Wx} is {@code [in, 4H]} and {@code Wh} is {@code [H, 4H]}, row-major, column block
 * {@code q*H .. (q+1)*H} holding gate q of [i, f, g, o]. At load time they are stacked into one
 * {@code [in + H, 4H]} matrix (packed in column panels, {@link PackedMatrix}) so a step is a single
 * matrix product of {@code [x | h]} (one pass over the weights instead of two) followed by the fused
 * element-wise gates.
 *
 * <p>The cell owns its scratch for one batch size and allocates nothing per step.
 */
public final class LstmCell {

  private final BatchOps ops;
  private final int in;
  private final int hidden;
  private final int maxRows;
  private final PackedMatrix w;
  private final float[] b;
  private final float[] xh;
  private final float[] z;

  /**
   * @param in input features per row
   * @param hidden H
   * @param maxRows largest batch a {@link #step} call will pass
   */
  public LstmCell(BatchOps ops, int in, int hidden, int maxRows) {
    if (in < 1 || hidden < 1 || maxRows < 1) {
      throw new IllegalArgumentException("LstmCell needs positive sizes; got in=" + in + ", hidden="
          + hidden + ", maxRows=" + maxRows);
    }
    this.ops = ops;
    this.in = in;
    this.hidden = hidden;
    this.maxRows = maxRows;
    this.w = new PackedMatrix(in + hidden, 4 * hidden, ops.lanes());
    this.b = new float[w.paddedCols()];
    this.xh = new float[maxRows * (in + hidden)];
    this.z = new float[maxRows * w.paddedCols()];
  }

  /**
   * Copies {@code Wx [in, 4H]}, {@code Wh [H, 4H]} and {@code b [4H]} (row-major, gates [i, f, g, o])
   * from a flat parameter array.
   */
  public void load(float[] params, int wxOff, int whOff, int bOff) {
    int g4 = 4 * hidden;
    w.load(params, wxOff, g4, 0, 0, in, g4);
    w.load(params, whOff, g4, in, 0, hidden, g4);
    System.arraycopy(params, bOff, b, 0, g4);
  }

  /**
   * Advances {@code rows} batch rows by one step. States are dense {@code rows x H}; the next state goes
   * to separate arrays so the previous one stays readable.
   *
   * @param x input rows, {@code in} floats each, {@code ldx} apart from {@code xOff}
   */
  public void step(int rows, float[] x, int xOff, int ldx, float[] hPrev, float[] cPrev,
      float[] hNext, float[] cNext) {
    if (rows < 0 || rows > maxRows) {
      throw new IllegalArgumentException("rows must be in [0, " + maxRows + "], got " + rows);
    }
    if (hNext == hPrev || cNext == cPrev) {
      throw new IllegalArgumentException("next state arrays must not alias the previous ones");
    }
    int k = in + hidden;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x, xOff + r * ldx, xh, r * k, in);
      System.arraycopy(hPrev, r * hidden, xh, r * k + in, hidden);
    }
    int ldz = w.paddedCols();
    ops.gemm(rows, xh, 0, k, w, b, z, 0, ldz);
    ops.lstmGates(rows, hidden, z, 0, ldz, cPrev, cNext, hNext);
  }

  public int in() {
    return in;
  }

  public int hidden() {
    return hidden;
  }

  /** Multiply-adds per batch row per step (both matrix products). */
  public long macsPerRow() {
    return (long) (in + hidden) * 4 * hidden;
  }
}
