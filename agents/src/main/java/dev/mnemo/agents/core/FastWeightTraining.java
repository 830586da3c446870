package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;

/**
 * {@link FastWeightCore}'s training form: {@link HeadMemoryTraining} with the fast-weight rule's backward. S is
 * stored by key (row j of a head's block is S_j, key j's column). Per step t (from the window's last), row and
 * head, with dS holding dLoss/d(S_t) from the steps after, {@code w = β (v - v̄)} (delta rule) or {@code w = v}
 * (sum rule):
 * <pre>
 *   the read o = Σ_j q̂_j S_t,j:           dq̂_j = S_t,j · do;       dS_j += q̂_j do
 *   the write S_t,j = S_{t-1},j + k̂_j w:  dw = Σ_j k̂_j dS_j;       dk̂_j = dS_j · w
 *   delta rule:                            dβ = dw · (v - v̄);   dv = β dw;   dv̄ = -β dw
 *     v̄ = Σ_j k̂_j S_{t-1},j:              dk̂_j += S_{t-1},j · dv̄;   dS_j += k̂_j dv̄   (dS is now dLoss/dS_{t-1})
 *   sum rule:                              dv = dw
 *   the norms â = a / r, r = sqrt(a·a + ε):  da = (dâ - â (â·dâ)) / r;   the gate: dlogit = dβ β (1 - β)
 * </pre>
 * The forward keeps what the kernel does not: each head's roots and {@code v - v̄}.
 */
final class FastWeightTraining extends HeadMemoryTraining {

  private final int heads;
  private final int d;
  private final boolean deltaRule;

  FastWeightTraining(FastWeightCore core, BatchOps ops) {
    super(core, ops);
    this.heads = core.heads();
    this.d = core.headSize();
    this.deltaRule = core.deltaRule();
  }

  @Override
  public CoreTraining.Pass newPass(int batch, int time) {
    return new FastWeightPass(batch, time);
  }

  private final class FastWeightPass extends Pass {
    /** [n, 2 heads]: per row the roots of q's heads, then of k's. */
    final float[] norms;
    /** [n, A]: v - v̄ per row and head (delta rule). */
    final float[] diff;
    /** One head's dLoss/dq̂, dLoss/dk̂, dLoss/dw, its w, and dLoss/dv̄. */
    final float[] dq = new float[d];
    final float[] dk = new float[d];
    final float[] dw = new float[d];
    final float[] w = new float[d];
    final float[] dRetrieved = new float[d];
    /** [d]: S_{t-1},j · dv̄. */
    final float[] dkPrev = new float[d];

    FastWeightPass(int bs, int time) {
      super(bs, time);
      norms = new float[n * 2 * heads];
      diff = deltaRule ? new float[n * attention] : null;
    }

    @Override
    void features() {
      FastWeightCore.features(ops, n, heads, d, deltaRule, p, ldp, norms);
    }

    @Override
    void recur(int t, int b, int pOff, int inOff, int outOff, int oOff) {
      FastWeightCore.recur(math, heads, d, deltaRule, p, pOff, hJ, inOff, hJ, outOff, ox, oOff, diff,
          (t * bs + b) * attention, w);
    }

    @Override
    void backStep(int t, int b, int doOff, int dpOff) {
      int a = attention;
      int dd = d * d;
      int r = t * bs + b;
      int pOff = r * ldp;
      int sOff = memoryOffset(t, b);
      int prevOff = memoryOffset(t - 1, b);
      int dsOff = b * mem;
      for (int h = 0; h < heads; h++) {
        int q = pOff + h * d;
        int k = pOff + a + h * d;
        int v = pOff + 2 * a + h * d;
        int sh = h * dd;
        int dOut = doOff + h * d;
        // S is stored by key: row j of the head's block is S_j, key j's column.
        // The read o = Σ_j q̂_j S_t,j:  dq̂_j = S_t,j · do;  dS_j += q̂_j do.
        HeadMemoryMath.rowDots(d, d, hJ, sOff + sh, dOX, dOut, dq, 0);
        // The write S_t,j = S_j + k̂_j w:  dw = Σ_j k̂_j dS_j (in one pass with the read's update);  dk̂_j = dS_j · w.
        math.writeAndRead(d, d, p, q, dOX, dOut, dMem, dsOff + sh, dMem, dsOff + sh, p, k, dw, 0);
        float beta = deltaRule ? p[pOff + 3 * a + h] : 1f;
        if (deltaRule) {
          for (int i = 0; i < d; i++) {
            w[i] = beta * diff[r * a + h * d + i];
          }
        }
        HeadMemoryMath.rowDots(d, d, dMem, dsOff + sh, deltaRule ? w : p, deltaRule ? 0 : v, dk, 0);
        int dv = dpOff + 2 * a + h * d;
        if (deltaRule) {
          // w = β (v - v̄), v̄ = Σ_j k̂_j S_{t-1},j:  dβ = dw · (v - v̄);  dv = β dw;  dv̄ = -β dw;
          // dk̂_j += S_{t-1},j · dv̄;  dS_j += k̂_j dv̄ (dS becomes dLoss/dS_{t-1}).
          float dbeta = HeadMemoryMath.dot(d, dw, 0, diff, r * a + h * d);
          for (int i = 0; i < d; i++) {
            float g = beta * dw[i];
            dP[dv + i] = g;
            dRetrieved[i] = -g;
          }
          HeadMemoryMath.rowDots(d, d, hJ, prevOff + sh, dRetrieved, 0, dkPrev, 0);
          for (int j = 0; j < d; j++) {
            dk[j] += dkPrev[j];
          }
          math.rankOne(d, d, p, k, dRetrieved, 0, dMem, dsOff + sh);
          dP[dpOff + 3 * a + h] = dbeta * beta * (1 - beta);
        } else {
          System.arraycopy(dw, 0, dP, dv, d);
        }
        normBackward(dq, p, q, norms[r * 2 * heads + h], dpOff + h * d);
        normBackward(dk, p, k, norms[r * 2 * heads + heads + h], dpOff + a + h * d);
      }
    }

    /** {@code da = (dâ - â (â·dâ)) / r} for one head's unit vector {@code â = p[off..]} into {@code dP[dst..]}. */
    private void normBackward(float[] dHat, float[] unit, int off, float root, int dst) {
      float dot = HeadMemoryMath.dot(d, unit, off, dHat, 0);
      for (int j = 0; j < d; j++) {
        dP[dst + j] = (dHat[j] - unit[off + j] * dot) / root;
      }
    }
  }
}
