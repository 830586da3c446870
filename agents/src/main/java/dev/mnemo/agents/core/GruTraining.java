package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.WeightGradient;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link GruCore}'s training form on the {@link BatchOps} products:
 * <ul>
 *   <li>forward: the input projection {@code A = X Wx + bx} of every step in ONE product over all T*B rows
 *       before the loop; per step only {@code C_t = h_{t-1} Wh + bh} and the cell ({@link GruCell});</li>
 *   <li>backward: per step the cell's element-wise backward and {@code dh_{t-1} = dh' z + dC_t Wh^T}; the
 *       weight gradients are ONE {@link WeightGradient} product each over the window ({@code [x | 1]^T dA} for
 *       {@code [Wx; bx]}, {@code [h_prev | 1]^T dC} for {@code [Wh; bh]}), and {@code dX = dA Wx^T} another.</li>
 * </ul>
 */
final class GruTraining implements CoreTraining {

  private final BatchOps ops;
  private final GruCell cell;
  private final int in;
  private final int hs;
  private final PackedMatrix wx;
  private final PackedMatrix wh;
  private final float[] bx;
  private final float[] bh;
  /** Wh^T for dC_t Wh^T; Wx^T for dX = dA Wx^T. */
  private final PackedMatrix whT;
  private final PackedMatrix wxT;
  private final float[] stage;

  GruTraining(GruCore core, BatchOps ops) {
    this.ops = ops;
    this.cell = GruCell.of(ops);
    this.in = core.inputSize();
    this.hs = core.hiddenSize();
    int g3 = 3 * hs;
    int lanes = ops.lanes();
    wx = new PackedMatrix(in, g3, lanes);
    wh = new PackedMatrix(hs, g3, lanes);
    bx = new float[wx.paddedCols()];
    bh = new float[wh.paddedCols()];
    whT = new PackedMatrix(g3, hs, lanes);
    wxT = new PackedMatrix(g3, in, lanes);
    stage = new float[g3 * Math.max(hs, in)];
  }

  @Override
  public void load(float[] params, int offset) {
    int g3 = 3 * hs;
    int whOff = offset + in * g3;
    int bxOff = whOff + hs * g3;
    wx.load(params, offset, g3, 0, 0, in, g3);
    wh.load(params, whOff, g3, 0, 0, hs, g3);
    System.arraycopy(params, bxOff, bx, 0, g3);
    System.arraycopy(params, bxOff + g3, bh, 0, g3);
    whT.loadTransposed(params, whOff, hs, g3, 0, 0, stage);
    wxT.loadTransposed(params, offset, in, g3, 0, 0, stage);
  }

  @Override
  public Pass newPass(int batch, int time) {
    return new GruPass(batch, time);
  }

  private final class GruPass extends HiddenStatePass {
    final int ld;         // padded 3H: row stride of the products' outputs
    final float[] xs;     // [n, in]: the inputs, kept for the Wx gradient
    final float[] g;      // [n, ld]: X Wx + bx, then the activated gates [r | z | n] in place
    final float[] c;      // [n, ld]: h_{t-1} Wh + bh
    final float[] dA;     // [n, 3H] window rows: dLoss/d(X Wx + bx)
    final float[] dC;     // [n, 3H] window rows: dLoss/d(h Wh + bh)
    final float[] dhRec;  // [B, padded H]: dLoss/dh carried into the step before
    final float[] dhDirect;
    /** Per window length: the two weight-gradient products' operands, built once. */
    final Map<Integer, WeightGradient[]> windows = new HashMap<>();

    GruPass(int bs, int time) {
      super(bs, time, GruTraining.this.hs);
      this.ld = wx.paddedCols();
      int g3 = 3 * hs;
      xs = new float[n * in];
      g = new float[n * ld];
      c = new float[n * ld];
      dA = new float[n * g3];
      dC = new float[n * g3];
      dhRec = new float[bs * whT.paddedCols()];
      dhDirect = new float[bs * hs];
    }

    @Override
    public void forward(float[] x, int xOff, int ldx, float[] state0, int state0Off) {
      loadInitialState(state0, state0Off);
      for (int r = 0; r < n; r++) {
        System.arraycopy(x, xOff + r * ldx, xs, r * in, in);
      }
      ops.gemm(n, xs, 0, in, wx, bx, g, 0, ld);
      for (int t = 0; t < time; t++) {
        int row = t * bs * ld;
        int prev = t * bs * hs;
        ops.gemm(bs, hJ, prev, hs, wh, bh, c, row, ld);
        cell.forward(bs, hs, g, row, ld, c, row, ld, g, row, ld, hJ, prev, hs, hJ, prev + bs * hs, hs);
      }
    }

    @Override
    public void backward(int t0, int tw, float[] dOut, int dOutOff, int ldd, float[] dFinalState, float[] dX,
        int dxOff, int lddx, float[] grad, int gradOff) {
      CoreTraining.checkWindow(t0, tw, time);
      int g3 = 3 * hs;
      int ldr = whT.paddedCols();
      seedRecurrentGradient(dhRec, ldr, dFinalState);
      // Backpropagation through time; dhRec carries dLoss/dh_t (from the future) into step t.
      for (int t = t0 + tw - 1; t >= t0; t--) {
        int row = t * bs * ld;
        int prev = t * bs * hs;
        int wOff = (t - t0) * bs * g3;
        cell.backward(bs, hs, g, row, ld, c, row, ld, hJ, prev, hs, dOut, dOutOff + (t - t0) * bs * ldd, ldd,
            dhRec, 0, ldr, dA, wOff, g3, dC, wOff, g3, dhDirect, 0, hs);
        if (t > t0) {
          ops.gemm(bs, dC, wOff, g3, whT, null, dhRec, 0, ldr);
          cell.addRows(bs, hs, dhRec, 0, ldr, dhDirect, 0, hs);
        }
      }
      int nw = tw * bs;
      WeightGradient[] wg = windows.get(tw);
      if (wg == null) {
        wg = new WeightGradient[] {new WeightGradient(ops, nw, in, g3), new WeightGradient(ops, nw, hs, g3)};
        windows.put(tw, wg);
      }
      int whOff = gradOff + in * g3;
      int bxOff = whOff + hs * g3;
      wg[0].compute(xs, t0 * bs * in, in, dA, 0, g3);
      wg[0].copyTo(grad, gradOff, bxOff);
      // hJ's block t holds h_{t-1}: rows t0*B.. are the previous states of the window's steps.
      wg[1].compute(hJ, t0 * bs * hs, hs, dC, 0, g3);
      wg[1].copyTo(grad, whOff, bxOff + g3);
      if (dX != null) {
        ops.gemm(nw, dA, 0, g3, wxT, null, dX, dxOff, lddx);
      }
    }
  }
}
