package dev.mnemo.agents.blocks;

/**
 * A categorical policy's distribution math over one row of {@code n} logits z, in double inside and float at
 * the edges; pure static functions for the policy-gradient losses:
 * <pre>
 *   log p_j = z_j - logsumexp(z),   logsumexp(z) = m + log sum_k exp(z_k - m),  m = max_k z_k   (no overflow)
 *   dL/dz_j = g_j - p_j sum_k g_k                    (backward of log-softmax, g = dL/d log p)
 *   H       = -sum_j p_j log p_j                      (entropy)
 *   dH/dz_j = -p_j (log p_j + H)
 * </pre>
 * For PPO's surrogate on log pi(a): {@code g} is zero except {@code g_a}, so {@code dL/dz_j = g_a (1[j = a] -
 * p_j)}; the entropy bonus adds {@code -beta dH/dz}. Every function takes log-probabilities, which is what
 * {@link PolicyHead} produces.
 */
public final class Softmax {

  private Softmax() {}

  /** {@code out[outOff + j] = log p_j} for the {@code n} logits at {@code z[zOff..]}; out may alias z. */
  public static void logSoftmax(float[] z, int zOff, int n, float[] out, int outOff) {
    double m = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      m = Math.max(m, z[zOff + j]);
    }
    double s = 0;
    for (int j = 0; j < n; j++) {
      s += Math.exp(z[zOff + j] - m);
    }
    double lse = m + Math.log(s);
    for (int j = 0; j < n; j++) {
      out[outOff + j] = (float) (z[zOff + j] - lse);
    }
  }

  /**
   * The backward of log-softmax: {@code dz_j = g_j - p_j sum_k g_k} for {@code g = dL/d log p} at
   * {@code g[gOff..]}, written (overwritten) to {@code dz[dzOff..]}; dz may alias g.
   */
  public static void logSoftmaxBackward(float[] logp, int lOff, int n, float[] g, int gOff, float[] dz, int dzOff) {
    double sum = 0;
    for (int j = 0; j < n; j++) {
      sum += g[gOff + j];
    }
    for (int j = 0; j < n; j++) {
      dz[dzOff + j] = (float) (g[gOff + j] - Math.exp(logp[lOff + j]) * sum);
    }
  }

  /** {@code H = -sum_j p_j log p_j} from the log-probabilities at {@code logp[off..]}. */
  public static double entropy(float[] logp, int off, int n) {
    double h = 0;
    for (int j = 0; j < n; j++) {
      double lp = logp[off + j];
      h -= Math.exp(lp) * lp;
    }
    return h;
  }

  /** Adds {@code scale * dH/dz_j = -scale p_j (log p_j + H)} to {@code d[dOff + j]}. */
  public static void addEntropyGradient(float[] logp, int off, int n, double scale, float[] d, int dOff) {
    double h = entropy(logp, off, n);
    for (int j = 0; j < n; j++) {
      double lp = logp[off + j];
      d[dOff + j] += (float) (-scale * Math.exp(lp) * (lp + h));
    }
  }
}
