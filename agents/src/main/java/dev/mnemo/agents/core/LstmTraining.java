package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.WeightGradient;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link LstmCore}'s training form on the {@link BatchOps} products:
 * <ul>
 *   <li>forward: one product {@code [x_t | h_{t-1}] [Wx; Wh] + b} per step (the input projection folded in)
 *       and the cell's deterministic gate math ({@link LstmGateMath});</li>
 *   <li>backward: per step only the cell's element-wise backward and {@code dz_t Wh^T}; the weight gradient
 *       {@code [Wx; Wh; b]} is ONE product over all rows of the window ({@link WeightGradient}), and the
 *       input gradient {@code dX = dZ Wx^T} another.</li>
 * </ul>
 */
final class LstmTraining implements CoreTraining {

  private final BatchOps ops;
  private final LstmGateMath gates;
  private final int in;
  private final int hs;
  /** [Wx; Wh] for the step product, its bias; Wh^T for dz_t Wh^T; Wx^T for dX = dZ Wx^T. */
  private final PackedMatrix wxh;
  private final float[] bias;
  private final PackedMatrix whT;
  private final PackedMatrix wxT;
  private final float[] stage;

  LstmTraining(LstmCore core, BatchOps ops) {
    this.ops = ops;
    this.gates = LstmGateMath.of(ops);
    this.in = core.inputSize();
    this.hs = core.hiddenSize();
    int g4 = 4 * hs;
    int lanes = ops.lanes();
    wxh = new PackedMatrix(in + hs, g4, lanes);
    bias = new float[wxh.paddedCols()];
    whT = new PackedMatrix(g4, hs, lanes);
    wxT = new PackedMatrix(g4, in, lanes);
    stage = new float[g4 * Math.max(hs, in)];
  }

  @Override
  public void load(float[] params, int offset) {
    int g4 = 4 * hs;
    int whOff = offset + in * g4;
    wxh.load(params, offset, g4, 0, 0, in, g4);
    wxh.load(params, whOff, g4, in, 0, hs, g4);
    System.arraycopy(params, whOff + hs * g4, bias, 0, g4);
    whT.loadTransposed(params, whOff, hs, g4, 0, 0, stage);
    wxT.loadTransposed(params, offset, in, g4, 0, 0, stage);
  }

  @Override
  public Pass newPass(int batch, int time) {
    CoreTraining.checkShape(batch, time);
    return new LstmPass(batch, time);
  }

  private final class LstmPass extends WindowPass {
    final int ldk;
    final float[] xh;     // [n, in + H]: row r = [x_r | h_{r-1}]
    final float[] zJ;     // one step's pre-activations
    final float[] gJ;     // [n, 4H] activated gates
    final float[] cJ;     // [(T+1)B, H]: block 0 = c0, block t+1 = c_t
    final float[] tcJ;    // [n, H]: tanh(c_t)
    final float[] hJ;     // [(T+1)B, H]: block 0 = h0, block t+1 = h_t
    final float[] dZ;     // [n, 4H], window rows
    final float[] dcNext;
    final float[] dhRec;
    /** Per window length: the weight-gradient product's operands, built once. */
    final Map<Integer, WeightGradient> windows = new HashMap<>();

    LstmPass(int bs, int time) {
      super(bs, time);
      this.ldk = in + hs;
      int h4 = 4 * hs;
      xh = new float[n * ldk];
      zJ = new float[bs * wxh.paddedCols()];
      gJ = new float[n * h4];
      cJ = new float[(time + 1) * bs * hs];
      tcJ = new float[n * hs];
      hJ = new float[(time + 1) * bs * hs];
      dZ = new float[n * h4];
      dcNext = new float[bs * hs];
      dhRec = new float[bs * whT.paddedCols()];
    }

    @Override
    public void forward(float[] x, int xOff, int ldx, float[] state0, int state0Off) {
      int s = 2 * hs;
      for (int b = 0; b < bs; b++) {
        System.arraycopy(state0, state0Off + b * s, hJ, b * hs, hs);
        System.arraycopy(state0, state0Off + b * s + hs, cJ, b * hs, hs);
      }
      for (int r = 0; r < n; r++) {
        System.arraycopy(x, xOff + r * ldx, xh, r * ldk, in);
      }
      for (int b = 0; b < bs; b++) {
        System.arraycopy(hJ, b * hs, xh, b * ldk + in, hs);
      }
      int h4 = 4 * hs;
      int ldz = wxh.paddedCols();
      for (int t = 0; t < time; t++) {
        ops.gemm(bs, xh, t * bs * ldk, ldk, wxh, bias, zJ, 0, ldz);
        int prevBase = t * bs * hs;
        int curBase = (t + 1) * bs * hs;
        gates.step(bs, hs, zJ, 0, ldz, gJ, t * bs * h4, h4, cJ, prevBase, cJ, curBase, tcJ, prevBase, hJ, curBase,
            hs);
        if (t + 1 < time) {
          for (int b = 0; b < bs; b++) {
            System.arraycopy(hJ, curBase + b * hs, xh, ((t + 1) * bs + b) * ldk + in, hs);
          }
        }
      }
    }

    @Override
    public float[] output() {
      return hJ;
    }

    @Override
    public int outputOffset() {
      return bs * hs;
    }

    @Override
    public int outputStride() {
      return hs;
    }

    @Override
    public void copyState(int t, int b, float[] dst, int dstOff) {
      int base = (t + 1) * bs * hs + b * hs;
      System.arraycopy(hJ, base, dst, dstOff, hs);
      System.arraycopy(cJ, base, dst, dstOff + hs, hs);
    }

    @Override
    public void backward(int t0, int tw, float[] dOut, int dOutOff, int ldd, float[] dFinalState, float[] dX,
        int dxOff, int lddx, float[] grad, int gradOff) {
      CoreTraining.checkWindow(t0, tw, time);
      int h4 = 4 * hs;
      int ldr = whT.paddedCols();
      java.util.Arrays.fill(dcNext, 0f);
      java.util.Arrays.fill(dhRec, 0f);
      if (dFinalState != null) {
        for (int b = 0; b < bs; b++) {
          System.arraycopy(dFinalState, b * 2 * hs, dhRec, b * ldr, hs);
          System.arraycopy(dFinalState, b * 2 * hs + hs, dcNext, b * hs, hs);
        }
      }
      // Backpropagation through time; dhRec carries dz_{t+1} Wh^T into step t.
      for (int t = t0 + tw - 1; t >= t0; t--) {
        int prevBase = t * bs * hs;
        int zOff = (t - t0) * bs * h4;
        gates.backward(bs, hs, gJ, t * bs * h4, tcJ, prevBase, cJ, prevBase, dOut,
            dOutOff + (t - t0) * bs * ldd, ldd, dhRec, 0, ldr, dcNext, dZ, zOff);
        if (t > t0) {
          ops.gemm(bs, dZ, zOff, h4, whT, null, dhRec, 0, ldr);
        }
      }
      // [Wx; Wh; b] gradient = [x | h_prev | 1]^T dZ in one product: xh's rows are [x_t | h_{t-1}].
      int nw = tw * bs;
      WeightGradient wg = windows.get(tw);
      if (wg == null) {
        wg = new WeightGradient(ops, nw, ldk, h4);
        windows.put(tw, wg);
      }
      wg.compute(xh, t0 * bs * ldk, ldk, dZ, 0, h4);
      wg.copyTo(grad, gradOff, gradOff + ldk * h4);
      if (dX != null) {
        ops.gemm(nw, dZ, 0, h4, wxT, null, dX, dxOff, lddx);
      }
    }
  }
}
