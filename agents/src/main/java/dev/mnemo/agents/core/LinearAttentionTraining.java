package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;

/**
 * {@link LinearAttentionCore}'s training form: {@link HeadMemoryTraining} with the linear-attention rule's
 * backward. Per step t (from the window's last), row and head, with {@code n = φ(q)ᵀ S_t}, {@code den = φ(q)·z_t
 * + ε}, {@code o = n / den} and dS, dz holding dLoss/d(S_t), dLoss/d(z_t) from the steps after:
 * <pre>
 *   dn_j  = do_j / den;            dden = -(Σ_j do_j o_j) / den
 *   dφq_i = Σ_j S_t,ij dn_j + z_t,i dden
 *   dS_ij += φq_i dn_j;            dz_i += φq_i dden                (the read)
 *   dφk_i = Σ_j dS_ij v_j + dz_i;  dv_j = Σ_i dS_ij φk_i            (the write; dS, dz pass to step t-1 as they are)
 *   dq = dφq φ'(q),  dk = dφk φ'(k),  φ' = min(φ, 1)
 * </pre>
 * The denominator is recomputed from the stored features and {@code z_t} in the forward's order (the same bits).
 */
final class LinearAttentionTraining extends HeadMemoryTraining {

  private final int heads;
  private final int d;

  LinearAttentionTraining(LinearAttentionCore core, BatchOps ops) {
    super(core, ops);
    this.heads = core.heads();
    this.d = core.headSize();
  }

  @Override
  public CoreTraining.Pass newPass(int batch, int time) {
    return new LinearAttentionPass(batch, time);
  }

  private final class LinearAttentionPass extends Pass {
    /** [d]: dn of one head. */
    final float[] dn = new float[d];

    LinearAttentionPass(int bs, int time) {
      super(bs, time);
    }

    @Override
    void features() {
      LinearAttentionCore.features(n, attention, p, ldp);
    }

    @Override
    void recur(int t, int b, int pOff, int inOff, int outOff, int oOff) {
      LinearAttentionCore.recur(heads, d, p, pOff, states, inOff, states, outOff, ox, oOff);
    }

    @Override
    void backStep(int t, int b, int doOff, int dpOff) {
      int a = attention;
      int dd = d * d;
      int pOff = (t * bs + b) * ldp;
      int oOff = (t * bs + b) * lox;
      int sOff = memoryOffset(t, b);
      int zOff = sOff + heads * dd;
      int dsOff = b * mem;
      int dzOff = dsOff + heads * dd;
      for (int h = 0; h < heads; h++) {
        int q = pOff + h * d;
        int k = pOff + a + h * d;
        int v = pOff + 2 * a + h * d;
        int sh = h * dd;
        int zh = h * d;
        float den = 0f;
        for (int i = 0; i < d; i++) {
          den += p[q + i] * states[zOff + zh + i];
        }
        den += LinearAttentionCore.EPS;
        float dden = 0f;
        for (int j = 0; j < d; j++) {
          float g = dOX[doOff + h * d + j];
          dden += g * ox[oOff + h * d + j];
          dn[j] = g / den;
        }
        dden = -dden / den;
        for (int i = 0; i < d; i++) {
          float fq = p[q + i];
          int row = sh + i * d;
          float acc = 0f;
          for (int j = 0; j < d; j++) {
            acc += states[sOff + row + j] * dn[j];
            dMem[dsOff + row + j] += fq * dn[j];
          }
          float dfq = acc + states[zOff + zh + i] * dden;
          dMem[dzOff + zh + i] += fq * dden;
          dP[dpOff + h * d + i] = dfq * LinearAttentionCore.phiSlope(fq);
        }
        for (int i = 0; i < d; i++) {
          int row = dsOff + sh + i * d;
          float acc = 0f;
          for (int j = 0; j < d; j++) {
            acc += dMem[row + j] * p[v + j];
          }
          float fk = p[k + i];
          dP[dpOff + a + h * d + i] = (acc + dMem[dzOff + zh + i]) * LinearAttentionCore.phiSlope(fk);
        }
        for (int j = 0; j < d; j++) {
          float acc = 0f;
          for (int i = 0; i < d; i++) {
            acc += dMem[dsOff + sh + i * d + j] * p[k + i];
          }
          dP[dpOff + 2 * a + h * d + j] = acc;
        }
      }
    }
  }
}
