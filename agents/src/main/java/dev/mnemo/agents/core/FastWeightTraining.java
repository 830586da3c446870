package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;

/**
 * {@link FastWeightCore}'s training form: {@link HeadMemoryTraining} with the fast-weight rule's backward. Per step
 * t (from the window's last), row and head, with dS holding dLoss/d(S_t) from the steps after, {@code w = β (v -
 * v̄)} (delta rule) or {@code w = v} (sum rule):
 * <pre>
 *   the read o = S_t q̂:              dq̂_j = Σ_i S_t,ij do_i;      dS_ij += do_i q̂_j
 *   the write S_t = S_{t-1} + w k̂ᵀ:  dw_i = Σ_j dS_ij k̂_j;      dk̂_j += Σ_i dS_ij w_i
 *   delta rule:                        dβ = Σ_i dw_i (v_i - v̄_i);   dv = β dw;   dv̄ = -β dw
 *     v̄ = S_{t-1} k̂:                  dk̂_j += Σ_i S_{t-1},ij dv̄_i;  dS_ij += dv̄_i k̂_j   (dS is now dLoss/dS_{t-1})
 *   sum rule:                          dv = dw
 *   the norms a / r, r = sqrt(a·a + ε): da = (dâ - â (â·dâ)) / r;   the gate: dlogit = dβ β (1 - β)
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
    final float[] dq = new float[d];
    final float[] dk = new float[d];

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
      FastWeightCore.recur(heads, d, deltaRule, p, pOff, states, inOff, states, outOff, ox, oOff, diff,
          (t * bs + b) * attention);
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
        float beta = deltaRule ? p[pOff + 3 * a + h] : 1f;
        java.util.Arrays.fill(dq, 0f);
        java.util.Arrays.fill(dk, 0f);
        for (int i = 0; i < d; i++) {
          float g = dOX[doOff + h * d + i];
          int row = sh + i * d;
          for (int j = 0; j < d; j++) {
            dq[j] += states[sOff + row + j] * g;
            dMem[dsOff + row + j] += g * p[q + j];
          }
        }
        float dbeta = 0f;
        for (int i = 0; i < d; i++) {
          int row = dsOff + sh + i * d;
          float dw = 0f;
          for (int j = 0; j < d; j++) {
            dw += dMem[row + j] * p[k + j];
          }
          float dv;
          if (deltaRule) {
            float vd = diff[r * a + h * d + i];
            float w = beta * vd;
            for (int j = 0; j < d; j++) {
              dk[j] += dMem[row + j] * w;
            }
            dbeta += dw * vd;
            dv = beta * dw;
            float dRetrieved = -dv;
            int prevRow = prevOff + sh + i * d;
            for (int j = 0; j < d; j++) {
              dk[j] += states[prevRow + j] * dRetrieved;
              dMem[row + j] += dRetrieved * p[k + j];
            }
          } else {
            float w = p[v + i];
            for (int j = 0; j < d; j++) {
              dk[j] += dMem[row + j] * w;
            }
            dv = dw;
          }
          dP[dpOff + 2 * a + h * d + i] = dv;
        }
        normBackward(dq, p, q, norms[r * 2 * heads + h], dpOff + h * d);
        normBackward(dk, p, k, norms[r * 2 * heads + heads + h], dpOff + a + h * d);
        if (deltaRule) {
          dP[dpOff + 3 * a + h] = dbeta * beta * (1 - beta);
        }
      }
    }

    /** {@code da = (dâ - â (â·dâ)) / r} for one head's unit vector {@code â = p[off..]} into {@code dP[dst..]}. */
    private void normBackward(float[] dHat, float[] unit, int off, float root, int dst) {
      float dot = 0f;
      for (int j = 0; j < d; j++) {
        dot += unit[off + j] * dHat[j];
      }
      for (int j = 0; j < d; j++) {
        dP[dst + j] = (dHat[j] - unit[off + j] * dot) / root;
      }
    }
  }
}
