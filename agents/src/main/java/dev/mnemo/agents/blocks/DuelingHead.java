package dev.mnemo.agents.blocks;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.WeightGradient;
import java.util.HashMap;
import java.util.Map;

/**
 * The dueling Q head (Wang et al. 2016) over rows of the core's output h:
 * <pre>
 *   u = relu(h [v1.W | a1.W] + [v1.b | a1.b])            both streams' hidden layers in one product
 *   [v | a] = u [[v2.W, 0], [0, a2.W]] + [v2.b | a2.b]     block-diagonal
 *   q = v + a - mean(a)
 * </pre>
 * Parameters {@code v1.W [H, k], v1.b, v2.W [k, 1], v2.b, a1.W [H, k], a1.b, a2.W [k, A], a2.b} are
 * contiguous from the block's offset. Backward: {@code dV = sum_a dQ}, {@code dA = dQ - mean_a dQ}; each
 * layer's weight gradient is one {@link WeightGradient} product; {@code dH = dU [v1.W | a1.W]^T}.
 */
public final class DuelingHead {

  private final BatchOps ops;
  private final int hs;
  private final int k;
  private final int na;
  private final PackedMatrix w1;
  private final float[] b1;
  private final PackedMatrix w1T;
  private final PackedMatrix w2;
  private final float[] b2;
  private final PackedMatrix w2T;
  private final float[] stage;
  private final int oV1W;
  private final int oV1B;
  private final int oV2W;
  private final int oV2B;
  private final int oA1W;
  private final int oA1B;
  private final int oA2W;
  private final int oA2B;

  /**
   * @param inputWidth H, the core's output width
   * @param hidden k, each stream's hidden width
   * @param numActions A
   */
  public DuelingHead(BatchOps ops, int inputWidth, int hidden, int numActions) {
    this.ops = ops;
    this.hs = inputWidth;
    this.k = hidden;
    this.na = numActions;
    int lanes = ops.lanes();
    w1 = new PackedMatrix(hs, 2 * k, lanes);
    b1 = new float[w1.paddedCols()];
    w1T = new PackedMatrix(2 * k, hs, lanes);
    w2 = new PackedMatrix(2 * k, 1 + na, lanes);
    b2 = new float[w2.paddedCols()];
    w2T = new PackedMatrix(1 + na, 2 * k, lanes);
    stage = new float[Math.max(hs * k, k * na)];
    oV1W = 0;
    oV1B = oV1W + hs * k;
    oV2W = oV1B + k;
    oV2B = oV2W + k;
    oA1W = oV2B + 1;
    oA1B = oA1W + hs * k;
    oA2W = oA1B + k;
    oA2B = oA2W + k * na;
  }

  public int paramCount() {
    return oA2B + na;
  }

  /** Copies the weights from {@code params}, whose block starts at {@code off}. */
  public void load(float[] params, int off) {
    // [v1.W | a1.W] side by side; [[v2.W, 0], [0, a2.W]] block-diagonal (zero blocks stay zero).
    w1.load(params, off + oV1W, k, 0, 0, hs, k);
    w1.load(params, off + oA1W, k, 0, k, hs, k);
    System.arraycopy(params, off + oV1B, b1, 0, k);
    System.arraycopy(params, off + oA1B, b1, k, k);
    w1T.loadTransposed(params, off + oV1W, hs, k, 0, 0, stage);
    w1T.loadTransposed(params, off + oA1W, hs, k, k, 0, stage);
    w2.load(params, off + oV2W, 1, 0, 0, k, 1);
    w2.load(params, off + oA2W, na, k, 1, k, na);
    b2[0] = params[off + oV2B];
    System.arraycopy(params, off + oA2B, b2, 1, na);
    w2T.loadTransposed(params, off + oV2W, k, 1, 0, 0, stage);
    w2T.loadTransposed(params, off + oA2W, k, na, 1, k, stage);
  }

  public Pass newPass(int rows) {
    return new Pass(rows);
  }

  /** One window's activations and gradients; rows in the caller's order. */
  public final class Pass {
    private final int ldu;
    private final int ldva;
    private final int ldh;
    private final float[] u;
    private final float[] va;
    private final float[] dva;
    private final float[] dU;
    private final float[] dH;
    private final Map<Long, WeightGradient[]> windows = new HashMap<>();
    private final int n;
    private float[] h;
    private int hOff;
    private int ldhIn;

    Pass(int n) {
      this.n = n;
      ldu = w1.paddedCols();
      ldva = w2.paddedCols();
      ldh = w1T.paddedCols();
      u = new float[n * ldu];
      va = new float[n * ldva];
      dva = new float[n * ldva];
      dU = new float[n * ldu];
      dH = new float[n * ldh];
    }

    /** Forward over all rows of h ({@code ldh} apart from {@code hOff}); h must stay unchanged until backward. */
    public void forward(float[] h, int hOff, int ldh) {
      this.h = h;
      this.hOff = hOff;
      this.ldhIn = ldh;
      ops.gemm(n, h, hOff, ldh, w1, b1, u, 0, ldu);
      ops.relu(n, ldu, u, 0, ldu);
      ops.gemm(n, u, 0, ldu, w2, b2, va, 0, ldva);
    }

    /** Writes row {@code r}'s Q-values {@code v + a - mean(a)} to {@code q[qOff..qOff + A)}. */
    public void q(int r, float[] q, int qOff) {
      int vr = r * ldva;
      double mean = 0;
      for (int a = 0; a < na; a++) {
        mean += va[vr + 1 + a];
      }
      float m = (float) (mean / na);
      for (int a = 0; a < na; a++) {
        q[qOff + a] = va[vr] + (va[vr + 1 + a] - m);
      }
    }

    /**
     * Backward over rows {@code [r0, r0 + nw)} given dLoss/dQ of the window's rows ({@code A} floats each,
     * contiguous from {@code dqOff}); writes the head's parameter gradients at {@code grad[gradOff..]} and
     * dLoss/dh into {@link #inputGradient()} (window rows).
     */
    public void backward(int r0, int nw, float[] dQ, int dqOff, float[] grad, int gradOff) {
      WeightGradient[] wg = windows.computeIfAbsent(((long) r0 << 32) | nw, key -> new WeightGradient[] {
          new WeightGradient(ops, nw, 2 * k, 1 + na), new WeightGradient(ops, nw, hs, 2 * k)});
      // Q = V + A - mean(A)  =>  dV = sum_a dQ,  dA = dQ - mean_a dQ.
      for (int w = 0; w < nw; w++) {
        int o = dqOff + w * na;
        float sum = 0;
        for (int a = 0; a < na; a++) {
          sum += dQ[o + a];
        }
        dva[w * ldva] = sum;
        for (int a = 0; a < na; a++) {
          dva[w * ldva + 1 + a] = dQ[o + a] - sum / na;
        }
      }
      // Second layer: [W2; b2] gradient = [u; 1]^T dva (block-diagonal: copy the two real blocks out).
      wg[0].compute(u, r0 * ldu, ldu, dva, 0, ldva);
      float[] g2 = wg[0].result();
      int l2 = wg[0].ld();
      for (int j = 0; j < k; j++) {
        grad[gradOff + oV2W + j] = g2[j * l2];
        System.arraycopy(g2, (k + j) * l2 + 1, grad, gradOff + oA2W + j * na, na);
      }
      grad[gradOff + oV2B] = g2[2 * k * l2];
      System.arraycopy(g2, 2 * k * l2 + 1, grad, gradOff + oA2B, na);
      // dU = dva W2^T, masked by the ReLU.
      ops.gemm(nw, dva, 0, ldva, w2T, null, dU, 0, ldu);
      ops.reluBackward(nw, 2 * k, dU, 0, ldu, u, r0 * ldu, ldu);
      // First layer: [W1; b1] gradient = [h; 1]^T dU; side by side: v1 in columns [0, k), a1 in [k, 2k).
      wg[1].compute(h, hOff + r0 * ldhIn, ldhIn, dU, 0, ldu);
      float[] g1 = wg[1].result();
      int l1 = wg[1].ld();
      for (int i = 0; i < hs; i++) {
        System.arraycopy(g1, i * l1, grad, gradOff + oV1W + i * k, k);
        System.arraycopy(g1, i * l1 + k, grad, gradOff + oA1W + i * k, k);
      }
      System.arraycopy(g1, hs * l1, grad, gradOff + oV1B, k);
      System.arraycopy(g1, hs * l1 + k, grad, gradOff + oA1B, k);
      ops.gemm(nw, dU, 0, ldu, w1T, null, dH, 0, ldh);
    }

    /** dLoss/dh of the last backward's window rows, {@link #inputGradientLd()} apart. */
    public float[] inputGradient() {
      return dH;
    }

    public int inputGradientLd() {
      return ldh;
    }
  }
}
