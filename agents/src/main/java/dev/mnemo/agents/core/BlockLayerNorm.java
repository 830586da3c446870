package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.LayerNormLanes;

/**
 * Layer normalisation over consecutive blocks of {@code hs} features of a row (Ba et al. 2016), each block
 * with its own statistics and every feature with a learned gain and bias:
 * <pre>
 *   mu = mean(a_q);   var = mean((a_q - mu)^2);   rstd = 1 / sqrt(var + EPS)
 *   xhat = (a_q - mu) rstd;   y = gamma xhat + beta
 * </pre>
 * and its backward {@code dxhat = dy gamma; da = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat))},
 * {@code dgamma = sum_rows dy xhat}, {@code dbeta = sum_rows dy}.
 *
 * <p>Every run gives the same bits: the sums over a block's features have one fixed order, which a SIMD
 * register can follow: the first {@code n - n % 16} terms go into 16 partial sums (partial {@code i} takes
 * terms {@code i, i + 16, i + 32, ...} in order), the partials are combined as a pairwise tree
 * ({@code p_i += p_{i+8}}, then {@code p_i += p_{i+4}}, {@code +2}, {@code +1}), then the last {@code n % 16}
 * terms are added in order (so a block under 16 features is summed plainly, left to right). The column sums
 * of the gain and bias gradients add rows in the order they are handed over ({@link #addParamGradients}). Two implementations follow these
 * orders with the same operations (no fused multiply-add), so they give the same bits: {@link Vector} on the
 * Vector API ({@link LayerNormLanes}) and {@link Scalar} in plain loops. The acting kernel and the training
 * form use the same one, so they agree bit for bit on the same projections.
 */
public interface BlockLayerNorm {

  /** Added to the variance, as PyTorch's and Haiku's default. */
  float EPS = 1e-5f;

  /** Partial sums of the fixed summation order. */
  int PARTIALS = 16;

  /**
   * Normalises {@code blocks} blocks of {@code hs} features in each of {@code rows} rows of {@code a}: writes
   * xhat to {@code xhat} (or nowhere when null; may be {@code a} itself), {@code gamma xhat + beta} to {@code y}
   * (may be {@code a} itself) and {@code rstd} of row r, block q to {@code rstd[rOff + r * blocks + q]} (unless
   * null). {@code gamma} and {@code beta} hold {@code blocks * hs} floats.
   */
  void forward(int rows, int hs, int blocks, float[] a, int aOff, int lda, float[] gamma, float[] beta,
      float[] xhat, int xhOff, int ldxh, float[] y, int yOff, int ldy, float[] rstd, int rOff);

  /**
   * dLoss/da of {@code rows} rows from dLoss/dy, the kept xhat and rstd of {@link #forward}, into {@code da}
   * (which may be {@code dy} itself at the same offset and stride).
   */
  void backward(int rows, int hs, int blocks, float[] dy, int dyOff, int lddy, float[] gamma, float[] xhat,
      int xhOff, int ldxh, float[] rstd, int rOff, float[] da, int daOff, int ldda);

  /**
   * Adds {@code rows} rows' part of dLoss/dgamma = {@code sum_rows dy xhat} to {@code grad[gOff, gOff + width)}
   * and of dLoss/dbeta = {@code sum_rows dy} to {@code grad[bOff, bOff + width)}, row by row in ascending order
   * (so a caller that zeroes the gradient and hands rows in some order sums them in that order).
   */
  void addParamGradients(int rows, int width, float[] dy, int dyOff, int lddy, float[] xhat, int xhOff, int ldxh,
      float[] grad, int gOff, int bOff);

  /**
   * The implementation matching {@code ops}: vector for the Vector API implementation (when its registers
   * hold 16, 8 or 4 floats), else scalar. Each holds a little scratch: one per kernel or training form.
   */
  static BlockLayerNorm of(BatchOps ops) {
    return ops.vectorApi() && LayerNormLanes.supported() ? new Vector() : new Scalar();
  }

  /** {@link LayerNormLanes}; only that class names {@code jdk.incubator.vector}. */
  final class Vector implements BlockLayerNorm {
    @Override
    public void forward(int rows, int hs, int blocks, float[] a, int aOff, int lda, float[] gamma, float[] beta,
        float[] xhat, int xhOff, int ldxh, float[] y, int yOff, int ldy, float[] rstd, int rOff) {
      LayerNormLanes.forward(rows, hs, blocks, a, aOff, lda, gamma, beta, xhat, xhOff, ldxh, y, yOff, ldy, rstd,
          rOff);
    }

    @Override
    public void backward(int rows, int hs, int blocks, float[] dy, int dyOff, int lddy, float[] gamma,
        float[] xhat, int xhOff, int ldxh, float[] rstd, int rOff, float[] da, int daOff, int ldda) {
      LayerNormLanes.backward(rows, hs, blocks, dy, dyOff, lddy, gamma, xhat, xhOff, ldxh, rstd, rOff, da, daOff,
          ldda);
    }

    @Override
    public void addParamGradients(int rows, int width, float[] dy, int dyOff, int lddy, float[] xhat, int xhOff,
        int ldxh, float[] grad, int gOff, int bOff) {
      LayerNormLanes.addParamGradients(rows, width, dy, dyOff, lddy, xhat, xhOff, ldxh, grad, gOff, bOff);
    }
  }

  /** Plain loops; the partial sums of a block live in a scratch array of this instance. */
  final class Scalar implements BlockLayerNorm {
    private final float[] p = new float[PARTIALS];

    @Override
    public void forward(int rows, int hs, int blocks, float[] a, int aOff, int lda, float[] gamma, float[] beta,
        float[] xhat, int xhOff, int ldxh, float[] y, int yOff, int ldy, float[] rstd, int rOff) {
      int n16 = hs - hs % PARTIALS;
      for (int r = 0; r < rows; r++) {
        for (int q = 0; q < blocks; q++) {
          int a0 = aOff + r * lda + q * hs;
          int x0 = xhOff + r * ldxh + q * hs;
          int y0 = yOff + r * ldy + q * hs;
          int p0 = q * hs;
          java.util.Arrays.fill(p, 0f);
          for (int j = 0; j < n16; j++) {
            p[j % PARTIALS] += a[a0 + j];
          }
          float sum = tree();
          for (int j = n16; j < hs; j++) {
            sum += a[a0 + j];
          }
          float mean = sum / hs;
          java.util.Arrays.fill(p, 0f);
          for (int j = 0; j < n16; j++) {
            float d = a[a0 + j] - mean;
            p[j % PARTIALS] += d * d;
          }
          float sq = tree();
          for (int j = n16; j < hs; j++) {
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

    @Override
    public void backward(int rows, int hs, int blocks, float[] dy, int dyOff, int lddy, float[] gamma,
        float[] xhat, int xhOff, int ldxh, float[] rstd, int rOff, float[] da, int daOff, int ldda) {
      int n16 = hs - hs % PARTIALS;
      for (int r = 0; r < rows; r++) {
        for (int q = 0; q < blocks; q++) {
          int d0 = dyOff + r * lddy + q * hs;
          int x0 = xhOff + r * ldxh + q * hs;
          int o0 = daOff + r * ldda + q * hs;
          int p0 = q * hs;
          java.util.Arrays.fill(p, 0f);
          for (int j = 0; j < n16; j++) {
            p[j % PARTIALS] += dy[d0 + j] * gamma[p0 + j];
          }
          float m1 = tree();
          for (int j = n16; j < hs; j++) {
            m1 += dy[d0 + j] * gamma[p0 + j];
          }
          java.util.Arrays.fill(p, 0f);
          for (int j = 0; j < n16; j++) {
            p[j % PARTIALS] += dy[d0 + j] * gamma[p0 + j] * xhat[x0 + j];
          }
          float m2 = tree();
          for (int j = n16; j < hs; j++) {
            m2 += dy[d0 + j] * gamma[p0 + j] * xhat[x0 + j];
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

    /** {@code p_i += p_{i+8}}, then {@code +4}, {@code +2}, {@code +1}: the sum of the 16 partials. */
    private float tree() {
      for (int w = PARTIALS / 2; w >= 1; w /= 2) {
        for (int i = 0; i < w; i++) {
          p[i] += p[i + w];
        }
      }
      return p[0];
    }

    @Override
    public void addParamGradients(int rows, int width, float[] dy, int dyOff, int lddy, float[] xhat, int xhOff,
        int ldxh, float[] grad, int gOff, int bOff) {
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
}
