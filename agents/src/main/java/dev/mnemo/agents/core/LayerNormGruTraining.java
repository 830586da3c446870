package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.WeightGradient;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link LayerNormGruCore}'s training form on the {@link BatchOps} products:
 * <ul>
 *   <li>forward: the input projection {@code A = X Wx} of every step in ONE product over all T*B rows and its
 *       norm {@code a = LN(A)} before the loop; per step {@code C_t = h_{t-1} Wh}, {@code c = LN(C_t)} and the
 *       cell ({@link GruCell}); the norms ({@link BlockLayerNorm}) keep xhat and 1/sigma for the backward;</li>
 *   <li>backward: per step the cell's backward, the hidden norm's backward {@code dc -> dC_t} and
 *       {@code dh_{t-1} = dh' z + dC_t Wh^T}, the hidden norm's gain and bias gradients added step by step (last
 *       step first); after the loop the input norm's backward and its gain and bias gradients a step's rows at a
 *       time (first step first), the weight gradients as ONE {@link WeightGradient} product each
 *       ({@code X^T dA}, {@code H_prev^T dC}) and {@code dX = dA Wx^T}.</li>
 * </ul>
 */
final class LayerNormGruTraining implements CoreTraining {

  private final BatchOps ops;
  private final GruCell cell;
  private final BlockLayerNorm norm;
  private final int in;
  private final int hs;
  private final PackedMatrix wx;
  private final PackedMatrix wh;
  private final float[] gx;
  private final float[] bx;
  private final float[] gh;
  private final float[] bh;
  /** Wh^T for dC_t Wh^T; Wx^T for dX = dA Wx^T. */
  private final PackedMatrix whT;
  private final PackedMatrix wxT;
  private final float[] stage;

  LayerNormGruTraining(LayerNormGruCore core, BatchOps ops) {
    this.ops = ops;
    this.cell = GruCell.of(ops, core.reluCandidate());
    this.norm = BlockLayerNorm.of(ops);
    this.in = core.inputSize();
    this.hs = core.hiddenSize();
    int g3 = 3 * hs;
    int lanes = ops.lanes();
    wx = new PackedMatrix(in, g3, lanes);
    wh = new PackedMatrix(hs, g3, lanes);
    gx = new float[g3];
    bx = new float[g3];
    gh = new float[g3];
    bh = new float[g3];
    whT = new PackedMatrix(g3, hs, lanes);
    wxT = new PackedMatrix(g3, in, lanes);
    stage = new float[g3 * Math.max(hs, in)];
  }

  @Override
  public void load(float[] params, int offset) {
    int g3 = 3 * hs;
    int whOff = offset + in * g3;
    int norms = whOff + hs * g3;
    wx.load(params, offset, g3, 0, 0, in, g3);
    wh.load(params, whOff, g3, 0, 0, hs, g3);
    System.arraycopy(params, norms, gx, 0, g3);
    System.arraycopy(params, norms + g3, bx, 0, g3);
    System.arraycopy(params, norms + 2 * g3, gh, 0, g3);
    System.arraycopy(params, norms + 3 * g3, bh, 0, g3);
    whT.loadTransposed(params, whOff, hs, g3, 0, 0, stage);
    wxT.loadTransposed(params, offset, in, g3, 0, 0, stage);
  }

  @Override
  public Pass newPass(int batch, int time) {
    return new LayerNormGruPass(batch, time);
  }

  private final class LayerNormGruPass extends HiddenStatePass {
    final int ld;         // padded 3H: row stride of the products' outputs
    final float[] xs;     // [n, in]: the inputs, kept for the Wx gradient
    final float[] xhA;    // [n, ld]: X Wx, then its normalised xhat in place
    final float[] rsA;    // [n, 3]: 1/sigma of each row's blocks
    final float[] g;      // [n, 3H]: a = LN(X Wx), then the activated gates [r | z | n] in place
    final float[] xhC;    // [n, ld]: h_{t-1} Wh, then its xhat in place
    final float[] rsC;    // [n, 3]
    final float[] c;      // [n, 3H]: c = LN(h_{t-1} Wh)
    final float[] da;     // [n, 3H] window rows: dLoss/da (after the input norm)
    final float[] dc;     // [n, 3H] window rows: dLoss/dc (after the hidden norm)
    final float[] dA;     // [n, 3H] window rows: dLoss/d(X Wx)
    final float[] dC;     // [n, 3H] window rows: dLoss/d(h Wh)
    final float[] dhRec;  // [B, padded H]: dLoss/dh carried into the step before
    final float[] dhDirect;
    /** Per window length: the two weight-gradient products' operands, built once. */
    final Map<Integer, WeightGradient[]> windows = new HashMap<>();

    LayerNormGruPass(int bs, int time) {
      super(bs, time, LayerNormGruTraining.this.hs);
      this.ld = wx.paddedCols();
      int g3 = 3 * hs;
      xs = new float[n * in];
      xhA = new float[n * ld];
      rsA = new float[n * 3];
      g = new float[n * g3];
      xhC = new float[n * ld];
      rsC = new float[n * 3];
      c = new float[n * g3];
      da = new float[n * g3];
      dc = new float[n * g3];
      dA = new float[n * g3];
      dC = new float[n * g3];
      dhRec = new float[bs * whT.paddedCols()];
      dhDirect = new float[bs * hs];
    }

    @Override
    public void forward(float[] x, int xOff, int ldx, float[] state0, int state0Off) {
      int g3 = 3 * hs;
      loadInitialState(state0, state0Off);
      for (int r = 0; r < n; r++) {
        System.arraycopy(x, xOff + r * ldx, xs, r * in, in);
      }
      ops.gemm(n, xs, 0, in, wx, null, xhA, 0, ld);
      norm.forward(n, hs, 3, xhA, 0, ld, gx, bx, xhA, 0, ld, g, 0, g3, rsA, 0);
      for (int t = 0; t < time; t++) {
        int row = t * bs;
        int prev = row * hs;
        ops.gemm(bs, hJ, prev, hs, wh, null, xhC, row * ld, ld);
        norm.forward(bs, hs, 3, xhC, row * ld, ld, gh, bh, xhC, row * ld, ld, c, row * g3, g3, rsC,
            row * 3);
        cell.forward(bs, hs, g, row * g3, g3, c, row * g3, g3, g, row * g3, g3, hJ, prev, hs, hJ,
            prev + bs * hs, hs);
      }
    }

    @Override
    public void backward(int t0, int tw, float[] dOut, int dOutOff, int ldd, float[] dFinalState, float[] dX,
        int dxOff, int lddx, float[] grad, int gradOff) {
      CoreTraining.checkWindow(t0, tw, time);
      int g3 = 3 * hs;
      int ldr = whT.paddedCols();
      seedRecurrentGradient(dhRec, ldr, dFinalState);
      int norms = gradOff + (in + hs) * g3;
      java.util.Arrays.fill(grad, norms, norms + 4 * g3, 0f);
      // Backpropagation through time; dhRec carries dLoss/dh_t (from the future) into step t. The hidden
      // norm's gain and bias gradients are summed step by step while the step's rows are in cache.
      for (int t = t0 + tw - 1; t >= t0; t--) {
        int row = t * bs;
        int wOff = (t - t0) * bs * g3;
        cell.backward(bs, hs, g, row * g3, g3, c, row * g3, g3, hJ, row * hs, hs, dOut,
            dOutOff + (t - t0) * bs * ldd, ldd, dhRec, 0, ldr, da, wOff, g3, dc, wOff, g3, dhDirect, 0, hs);
        norm.backward(bs, hs, 3, dc, wOff, g3, gh, xhC, row * ld, ld, rsC, row * 3, dC, wOff, g3);
        norm.addParamGradients(bs, g3, dc, wOff, g3, xhC, row * ld, ld, grad, norms + 2 * g3, norms + 3 * g3);
        if (t > t0) {
          ops.gemm(bs, dC, wOff, g3, whT, null, dhRec, 0, ldr);
          cell.addRows(bs, hs, dhRec, 0, ldr, dhDirect, 0, hs);
        }
      }
      int nw = tw * bs;
      int r0 = t0 * bs;
      // The input norm over the window, a step's rows at a time (in cache for its gain and bias gradients).
      for (int t = 0; t < tw; t++) {
        int w = t * bs;
        norm.backward(bs, hs, 3, da, w * g3, g3, gx, xhA, (r0 + w) * ld, ld, rsA, (r0 + w) * 3, dA, w * g3, g3);
        norm.addParamGradients(bs, g3, da, w * g3, g3, xhA, (r0 + w) * ld, ld, grad, norms, norms + g3);
      }
      WeightGradient[] wg = windows.get(tw);
      if (wg == null) {
        wg = new WeightGradient[] {new WeightGradient(ops, nw, in, g3), new WeightGradient(ops, nw, hs, g3)};
        windows.put(tw, wg);
      }
      int whOff = gradOff + in * g3;
      wg[0].compute(xs, r0 * in, in, dA, 0, g3);
      copyWeights(wg[0], in, grad, gradOff);
      // hJ's block t holds h_{t-1}: rows t0*B.. are the previous states of the window's steps.
      wg[1].compute(hJ, r0 * hs, hs, dC, 0, g3);
      copyWeights(wg[1], hs, grad, whOff);
      if (dX != null) {
        ops.gemm(nw, dA, 0, g3, wxT, null, dX, dxOff, lddx);
      }
    }

    /** The weight rows of a {@link WeightGradient} (the projections have no bias: its last row is unused). */
    private void copyWeights(WeightGradient wg, int rows, float[] grad, int off) {
      int g3 = 3 * hs;
      float[] r = wg.result();
      for (int i = 0; i < rows; i++) {
        System.arraycopy(r, i * wg.ld(), grad, off + i * g3, g3);
      }
    }
  }
}
