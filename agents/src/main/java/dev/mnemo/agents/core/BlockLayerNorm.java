package dev.mnemo.agents.core;

/**
 * Layer normalisation over consecutive blocks of {@code hs} features of a row (Ba et al. 2016), each block
 * with its own statistics and every feature with a learned gain and bias:
 * <pre>
 *   mu = mean(a_q);   var = mean((a_q - mu)^2);   rstd = 1 / sqrt(var + EPS)
 *   xhat = (a_q - mu) rstd;   y = gamma xhat + beta
 * </pre>
 * and its backward {@code dxhat = dy gamma; da = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat))},
 * {@code dgamma = sum_rows dy xhat}, {@code dbeta = sum_rows dy}. Sums are plain float loops in a fixed order
 * (features ascending, then rows ascending), so every run gives the same bits; the acting kernel and the
 * training form call the same {@link #forward}, so they agree bit for bit on the same projections.
 */
final class BlockLayerNorm {

  /** Added to the variance, as PyTorch's and Haiku's default. */
  static final float EPS = 1e-5f;

  private BlockLayerNorm() {}

  /**
   * Normalises {@code blocks} blocks of {@code hs} features in each of {@code rows} rows of {@code a}: writes
   * xhat to {@code xhat} (or nowhere when null; may be {@code a} itself), {@code gamma xhat + beta} to {@code y}
   * (may be {@code a} itself) and {@code rstd} of row r, block q to {@code rstd[rOff + r * blocks + q]} (unless
   * null). {@code gamma} and {@code beta} hold {@code blocks * hs} floats.
   */
  static void forward(int rows, int hs, int blocks, float[] a, int aOff, int lda, float[] gamma, float[] beta,
      float[] xhat, int xhOff, int ldxh, float[] y, int yOff, int ldy, float[] rstd, int rOff) {
    for (int r = 0; r < rows; r++) {
      for (int q = 0; q < blocks; q++) {
        int a0 = aOff + r * lda + q * hs;
        int x0 = xhOff + r * ldxh + q * hs;
        int y0 = yOff + r * ldy + q * hs;
        int p0 = q * hs;
        float sum = 0f;
        for (int j = 0; j < hs; j++) {
          sum += a[a0 + j];
        }
        float mean = sum / hs;
        float sq = 0f;
        for (int j = 0; j < hs; j++) {
          float d = a[a0 + j] - mean;
          sq += d * d;
        }
        float rs = (float) (1.0 / Math.sqrt(sq / hs + EPS));
        if (rstd != null) {
          rstd[rOff + r * blocks + q] = rs;
        }
        for (int j = 0; j < hs; j++) {
          float xh = (a[a0 + j] - mean) * rs;
          if (xhat != null) {
            xhat[x0 + j] = xh;
          }
          y[y0 + j] = gamma[p0 + j] * xh + beta[p0 + j];
        }
      }
    }
  }

  /**
   * dLoss/da of {@code rows} rows from dLoss/dy, the kept xhat and rstd of {@link #forward}, into {@code da}
   * (which may be {@code dy} itself at the same offset and stride).
   */
  static void backward(int rows, int hs, int blocks, float[] dy, int dyOff, int lddy, float[] gamma, float[] xhat,
      int xhOff, int ldxh, float[] rstd, int rOff, float[] da, int daOff, int ldda) {
    for (int r = 0; r < rows; r++) {
      for (int q = 0; q < blocks; q++) {
        int d0 = dyOff + r * lddy + q * hs;
        int x0 = xhOff + r * ldxh + q * hs;
        int o0 = daOff + r * ldda + q * hs;
        int p0 = q * hs;
        float m1 = 0f;
        float m2 = 0f;
        for (int j = 0; j < hs; j++) {
          float dxh = dy[d0 + j] * gamma[p0 + j];
          m1 += dxh;
          m2 += dxh * xhat[x0 + j];
        }
        m1 /= hs;
        m2 /= hs;
        float rs = rstd[rOff + r * blocks + q];
        for (int j = 0; j < hs; j++) {
          float dxh = dy[d0 + j] * gamma[p0 + j];
          da[o0 + j] = rs * (dxh - m1 - xhat[x0 + j] * m2);
        }
      }
    }
  }

  /**
   * Overwrites {@code grad[gOff, gOff + width)} with dLoss/dgamma = {@code sum_rows dy xhat} and
   * {@code grad[bOff, bOff + width)} with dLoss/dbeta = {@code sum_rows dy}, rows summed in ascending order.
   */
  static void paramGradients(int rows, int width, float[] dy, int dyOff, int lddy, float[] xhat, int xhOff,
      int ldxh, float[] grad, int gOff, int bOff) {
    java.util.Arrays.fill(grad, gOff, gOff + width, 0f);
    java.util.Arrays.fill(grad, bOff, bOff + width, 0f);
    for (int r = 0; r < rows; r++) {
      int d0 = dyOff + r * lddy;
      int x0 = xhOff + r * ldxh;
      for (int j = 0; j < width; j++) {
        float d = dy[d0 + j];
        grad[gOff + j] += d * xhat[x0 + j];
        grad[bOff + j] += d;
      }
    }
  }
}
