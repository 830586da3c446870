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
    /** [d]: S_t,i · dn and dS_i · v of one head. */
    final float[] dfq = new float[d];
    final float[] dfk = new float[d];
    /** The feature map's scratch: 2A floats. */
    final float[] scratch = new float[2 * heads * d];

    LinearAttentionPass(int bs, int time) {
      super(bs, time);
    }

    @Override
    void features() {
      LinearAttentionCore.features(math, n, attention, p, ldp, scratch);
    }

    @Override
    void recur(int t, int b, int pOff, int inOff, int outOff, int oOff) {
      LinearAttentionCore.recur(math, heads, d, p, pOff, hJ, inOff, hJ, outOff, ox, oOff);
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
        float den = HeadMemoryMath.dot(d, p, q, hJ, zOff + zh) + LinearAttentionCore.EPS;
        float dden = -HeadMemoryMath.dot(d, dOX, doOff + h * d, ox, oOff + h * d) / den;
        for (int j = 0; j < d; j++) {
          dn[j] = dOX[doOff + h * d + j] / den;
        }
        // The read: dφq_i = S_t,i · dn + z_i dden;  dz_i += φq_i dden.
        HeadMemoryMath.rowDots(d, d, hJ, sOff + sh, dn, 0, dfq, 0);
        for (int i = 0; i < d; i++) {
          float fq = p[q + i];
          dMem[dzOff + zh + i] += fq * dden;
          dP[dpOff + h * d + i] = (dfq[i] + hJ[zOff + zh + i] * dden) * LinearAttentionCore.phiSlope(fq);
        }
        // dS_i += φq_i dn (the read), then the write: dv = Σ_i φk_i dS_i (in key order), one pass;
        // dφk_i = dS_i · v + dz_i.
        int dv = dpOff + 2 * a + h * d;
        math.writeAndRead(d, d, p, q, dn, 0, dMem, dsOff + sh, dMem, dsOff + sh, p, k, dP, dv);
        HeadMemoryMath.rowDots(d, d, dMem, dsOff + sh, p, v, dfk, 0);
        for (int i = 0; i < d; i++) {
          dP[dpOff + a + h * d + i] = (dfk[i] + dMem[dzOff + zh + i]) * LinearAttentionCore.phiSlope(p[k + i]);
        }
      }
    }
  }
}
