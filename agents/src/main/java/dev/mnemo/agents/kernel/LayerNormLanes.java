package dev.mnemo.agents.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Block layer normalisation ({@code dev.mnemo.agents.core.BlockLayerNorm}) on the Vector API, with the sums
 * over a block's features in the order that interface fixes: the first {@code n - n % 16} terms into 16
 * partial sums (partial {@code i} takes terms {@code i, i + 16, ...} in order), the partials combined as a
 * pairwise tree ({@code p_i += p_{i+8}}, then {@code +4}, {@code +2}, {@code +1}), then the last
 * {@code n % 16} terms added in order. With 16, 8 or 4 lanes the partials are one, two or four registers and
 * the tree is register adds and lane shuffles (exact data movement), so this gives the bits of the plain-loop
 * implementation, in every JIT state. The element-wise parts are the plain loops' operations in the same
 * order, without fused multiply-add. Load only when {@link BatchOps#vectorApiAvailable()}.
 *
 * <p>Why: the plain loops' sums are one chain of dependent adds per block (~4 cycles each) and their
 * element-wise loops did not vectorise; the norms took ~45% of the LayerNorm-GRU's training time.
 */
public final class LayerNormLanes {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Registers holding the 16 partial sums. */
  private static final int G = L <= 16 && 16 % L == 0 ? 16 / L : 0;
  private static final VectorShuffle<Float> X8 = L > 8 ? VectorShuffle.fromOp(S, i -> i ^ 8) : null;
  private static final VectorShuffle<Float> X4 = L > 4 ? VectorShuffle.fromOp(S, i -> i ^ 4) : null;
  private static final VectorShuffle<Float> X2 = L > 2 ? VectorShuffle.fromOp(S, i -> i ^ 2) : null;
  private static final VectorShuffle<Float> X1 = L > 1 ? VectorShuffle.fromOp(S, i -> i ^ 1) : null;
  /** The interface's epsilon, restated so this class needs nothing from the core package. */
  private static final float EPS = 1e-5f;

  private LayerNormLanes() {}

  /** Whether this JVM's preferred species holds 16, 8 or 4 floats (else use the plain loops). */
  public static boolean supported() {
    return G > 0;
  }

  /**
   * {@code y = gamma (a - mu) rstd + beta} per block of {@code hs} features, {@code blocks} blocks per row;
   * see {@code BlockLayerNorm#forward} for the arguments.
   */
  public static void forward(int rows, int hs, int blocks, float[] a, int aOff, int lda, float[] gamma,
      float[] beta, float[] xhat, int xhOff, int ldxh, float[] y, int yOff, int ldy, float[] rstd, int rOff) {
    for (int r = 0; r < rows; r++) {
      for (int q = 0; q < blocks; q++) {
        int a0 = aOff + r * lda + q * hs;
        float mean = blockSum(VALUES, hs, a, a0, null, 0, null, 0, 0f) / hs;
        float sq = blockSum(SQUARED_DEVIATIONS, hs, a, a0, null, 0, null, 0, mean);
        float rs = (float) (1.0 / Math.sqrt(sq / hs + EPS));
        if (rstd != null) {
          rstd[rOff + r * blocks + q] = rs;
        }
        normalise(hs, a, a0, mean, rs, gamma, beta, q * hs, xhat, xhOff + r * ldxh + q * hs, y,
            yOff + r * ldy + q * hs);
      }
    }
  }

  /** What {@link #blockSum} adds up: u; (u - mean)^2; u v; (u v) w. */
  private static final int VALUES = 0;
  private static final int SQUARED_DEVIATIONS = 1;
  private static final int PRODUCTS = 2;
  private static final int TRIPLE_PRODUCTS = 3;

  /**
   * The sum of {@code n} terms of one kind over {@code u[uo..]} (and {@code v[vo..]}, {@code w[wo..]}) in
   * the fixed order: 16 partials in {@link #G} registers, the tree (whole registers while the distance spans
   * one, lane shuffles below it), then the tail. One method for every kind so that the tree is written once
   * and no method takes or returns a vector (C2 boxes the vectors of a call it declines to inline).
   */
  private static float blockSum(int kind, int n, float[] u, int uo, float[] v, int vo, float[] w, int wo,
      float mean) {
    int n16 = n - n % 16;
    var p0 = FloatVector.zero(S);
    var p1 = p0;
    var p2 = p0;
    var p3 = p0;
    switch (kind) {
      case VALUES -> {
        for (int j = 0; j < n16; j += 16) {
          p0 = p0.add(FloatVector.fromArray(S, u, uo + j));
          if (G > 1) {
            p1 = p1.add(FloatVector.fromArray(S, u, uo + j + L));
          }
          if (G > 2) {
            p2 = p2.add(FloatVector.fromArray(S, u, uo + j + 2 * L));
            p3 = p3.add(FloatVector.fromArray(S, u, uo + j + 3 * L));
          }
        }
      }
      case SQUARED_DEVIATIONS -> {
        for (int j = 0; j < n16; j += 16) {
          var d0 = FloatVector.fromArray(S, u, uo + j).sub(mean);
          p0 = p0.add(d0.mul(d0));
          if (G > 1) {
            var d1 = FloatVector.fromArray(S, u, uo + j + L).sub(mean);
            p1 = p1.add(d1.mul(d1));
          }
          if (G > 2) {
            var d2 = FloatVector.fromArray(S, u, uo + j + 2 * L).sub(mean);
            p2 = p2.add(d2.mul(d2));
            var d3 = FloatVector.fromArray(S, u, uo + j + 3 * L).sub(mean);
            p3 = p3.add(d3.mul(d3));
          }
        }
      }
      case PRODUCTS -> {
        for (int j = 0; j < n16; j += 16) {
          p0 = p0.add(FloatVector.fromArray(S, u, uo + j).mul(FloatVector.fromArray(S, v, vo + j)));
          if (G > 1) {
            p1 = p1.add(FloatVector.fromArray(S, u, uo + j + L).mul(FloatVector.fromArray(S, v, vo + j + L)));
          }
          if (G > 2) {
            p2 = p2.add(FloatVector.fromArray(S, u, uo + j + 2 * L).mul(FloatVector.fromArray(S, v, vo + j + 2 * L)));
            p3 = p3.add(FloatVector.fromArray(S, u, uo + j + 3 * L).mul(FloatVector.fromArray(S, v, vo + j + 3 * L)));
          }
        }
      }
      default -> {
        for (int j = 0; j < n16; j += 16) {
          p0 = p0.add(FloatVector.fromArray(S, u, uo + j).mul(FloatVector.fromArray(S, v, vo + j))
              .mul(FloatVector.fromArray(S, w, wo + j)));
          if (G > 1) {
            int k = j + L;
            p1 = p1.add(FloatVector.fromArray(S, u, uo + k).mul(FloatVector.fromArray(S, v, vo + k))
                .mul(FloatVector.fromArray(S, w, wo + k)));
          }
          if (G > 2) {
            int k = j + 2 * L;
            p2 = p2.add(FloatVector.fromArray(S, u, uo + k).mul(FloatVector.fromArray(S, v, vo + k))
                .mul(FloatVector.fromArray(S, w, wo + k)));
            k = j + 3 * L;
            p3 = p3.add(FloatVector.fromArray(S, u, uo + k).mul(FloatVector.fromArray(S, v, vo + k))
                .mul(FloatVector.fromArray(S, w, wo + k)));
          }
        }
      }
    }
    // The tree: p_i += p_{i+8}, +4, +2, +1 (lanes of p0 first, then p1, ...).
    if (G == 4) {
      p0 = p0.add(p2);
      p1 = p1.add(p3);
    }
    if (G >= 2) {
      p0 = p0.add(p1);
    }
    if (L > 8) {
      p0 = p0.add(p0.rearrange(X8));
    }
    if (L > 4) {
      p0 = p0.add(p0.rearrange(X4));
    }
    p0 = p0.add(p0.rearrange(X2));
    p0 = p0.add(p0.rearrange(X1));
    float s = p0.lane(0);
    for (int j = n16; j < n; j++) {
      switch (kind) {
        case VALUES -> s += u[uo + j];
        case SQUARED_DEVIATIONS -> {
          float d = u[uo + j] - mean;
          s += d * d;
        }
        case PRODUCTS -> s += u[uo + j] * v[vo + j];
        default -> s += u[uo + j] * v[vo + j] * w[wo + j];
      }
    }
    return s;
  }

  /** {@code xh = (a - mean) rs} to {@code xhat} (unless null), {@code gamma xh + beta} to {@code y}. */
  private static void normalise(int n, float[] a, int a0, float mean, float rs, float[] gamma, float[] beta,
      int p0, float[] xhat, int x0, float[] y, int y0) {
    int j = 0;
    for (; j + L <= n; j += L) {
      var xh = FloatVector.fromArray(S, a, a0 + j).sub(mean).mul(rs);
      if (xhat != null) {
        xh.intoArray(xhat, x0 + j);
      }
      FloatVector.fromArray(S, gamma, p0 + j).mul(xh).add(FloatVector.fromArray(S, beta, p0 + j))
          .intoArray(y, y0 + j);
    }
    for (; j < n; j++) {
      float xh = (a[a0 + j] - mean) * rs;
      if (xhat != null) {
        xhat[x0 + j] = xh;
      }
      y[y0 + j] = gamma[p0 + j] * xh + beta[p0 + j];
    }
  }

  /**
   * {@code da = rstd (dy gamma - mean(dy gamma) - xhat mean(dy gamma xhat))} per block; see
   * {@code BlockLayerNorm#backward} for the arguments.
   */
  public static void backward(int rows, int hs, int blocks, float[] dy, int dyOff, int lddy, float[] gamma,
      float[] xhat, int xhOff, int ldxh, float[] rstd, int rOff, float[] da, int daOff, int ldda) {
    for (int r = 0; r < rows; r++) {
      for (int q = 0; q < blocks; q++) {
        int d0 = dyOff + r * lddy + q * hs;
        int x0 = xhOff + r * ldxh + q * hs;
        int o0 = daOff + r * ldda + q * hs;
        int p0 = q * hs;
        float m1 = blockSum(PRODUCTS, hs, dy, d0, gamma, p0, null, 0, 0f) / hs;
        float m2 = blockSum(TRIPLE_PRODUCTS, hs, dy, d0, gamma, p0, xhat, x0, 0f) / hs;
        float rs = rstd[rOff + r * blocks + q];
        int j = 0;
        for (; j + L <= hs; j += L) {
          var xh = FloatVector.fromArray(S, xhat, x0 + j);
          FloatVector.fromArray(S, dy, d0 + j).mul(FloatVector.fromArray(S, gamma, p0 + j)).sub(m1)
              .sub(xh.mul(m2)).mul(rs).intoArray(da, o0 + j);
        }
        for (; j < hs; j++) {
          float dxh = dy[d0 + j] * gamma[p0 + j];
          da[o0 + j] = rs * (dxh - m1 - xhat[x0 + j] * m2);
        }
      }
    }
  }

  /**
   * Adds {@code sum_rows dy xhat} to {@code grad[gOff, gOff + width)} and {@code sum_rows dy} to
   * {@code grad[bOff, ...)}, rows in ascending order (the plain loop's order), two registers of columns at a
   * time with the sums in registers: meant for a step's rows, still in cache (over a whole window's rows,
   * read from memory in column strips 1.5 KB apart, this ran at ~10 GB/s).
   */
  public static void addParamGradients(int rows, int width, float[] dy, int dyOff, int lddy, float[] xhat,
      int xhOff, int ldxh, float[] grad, int gOff, int bOff) {
    int j = 0;
    for (; j + 2 * L <= width; j += 2 * L) {
      var g0 = FloatVector.fromArray(S, grad, gOff + j);
      var g1 = FloatVector.fromArray(S, grad, gOff + j + L);
      var b0 = FloatVector.fromArray(S, grad, bOff + j);
      var b1 = FloatVector.fromArray(S, grad, bOff + j + L);
      for (int r = 0; r < rows; r++) {
        int d = dyOff + r * lddy + j;
        int x = xhOff + r * ldxh + j;
        var dy0 = FloatVector.fromArray(S, dy, d);
        var dy1 = FloatVector.fromArray(S, dy, d + L);
        g0 = g0.add(dy0.mul(FloatVector.fromArray(S, xhat, x)));
        g1 = g1.add(dy1.mul(FloatVector.fromArray(S, xhat, x + L)));
        b0 = b0.add(dy0);
        b1 = b1.add(dy1);
      }
      g0.intoArray(grad, gOff + j);
      g1.intoArray(grad, gOff + j + L);
      b0.intoArray(grad, bOff + j);
      b1.intoArray(grad, bOff + j + L);
    }
    for (; j < width; j++) {
      float g = grad[gOff + j];
      float b = grad[bOff + j];
      for (int r = 0; r < rows; r++) {
        float d = dy[dyOff + r * lddy + j];
        g += d * xhat[xhOff + r * ldxh + j];
        b += d;
      }
      grad[gOff + j] = g;
      grad[bOff + j] = b;
    }
  }

}
