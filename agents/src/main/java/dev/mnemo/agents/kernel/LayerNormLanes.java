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
    int items = rows * blocks;
    int i = 0;
    if (G == 1) {
      for (; i + 4 <= items; i += 4) {
        forwardFour(i, hs, blocks, a, aOff, lda, gamma, beta, xhat, xhOff, ldxh, y, yOff, ldy, rstd, rOff);
      }
    }
    for (; i < items; i++) {
      int r = i / blocks;
      int q = i % blocks;
      int a0 = aOff + r * lda + q * hs;
      float mean = blockSum(VALUES, hs, a, a0, null, 0, null, 0, 0f) / hs;
      float sq = blockSum(SQUARED_DEVIATIONS, hs, a, a0, null, 0, null, 0, mean);
      float rs = (float) (1.0 / Math.sqrt(sq / hs + EPS));
      if (rstd != null) {
        rstd[rOff + i] = rs;
      }
      normalise(hs, a, a0, mean, rs, gamma, beta, q * hs, xhat, xhOff + r * ldxh + q * hs, y,
          yOff + r * ldy + q * hs);
    }
  }

  /**
   * {@link #forward} of the four blocks {@code i0 .. i0 + 3} (counted row by row, block by block) with one
   * register of partials each ({@link #G} = 1): their four sums run as four independent add chains in one
   * loop. Why: one block's sum is a chain of dependent adds and a shuffle tree (bound by latency, not
   * throughput), and the norms' sums were 11% of an RL² update's time; four chains side by side overlap their
   * latencies (in cache, 50 rows of 3 blocks of 128: forward 9.1-9.7 -> 6.6-7.2 us). Each chain adds its terms in the order {@link #blockSum} does, so the
   * bits are the same. Every sum is taken before any block is written ({@code xhat} may be {@code a}). The four
   * trees are written out level by level (once, for both passes) on purpose: a helper running one vector's tree
   * (inlined) measured 20-40% slower here, its trees no longer interleaved.
   */
  private static void forwardFour(int i0, int hs, int blocks, float[] a, int aOff, int lda, float[] gamma,
      float[] beta, float[] xhat, int xhOff, int ldxh, float[] y, int yOff, int ldy, float[] rstd, int rOff) {
    int n16 = hs - hs % 16;
    int o0 = aOff + (i0 / blocks) * lda + (i0 % blocks) * hs;
    int o1 = aOff + ((i0 + 1) / blocks) * lda + ((i0 + 1) % blocks) * hs;
    int o2 = aOff + ((i0 + 2) / blocks) * lda + ((i0 + 2) % blocks) * hs;
    int o3 = aOff + ((i0 + 3) / blocks) * lda + ((i0 + 3) % blocks) * hs;
    // Pass 0 sums the values (the means), pass 1 the squared deviations from them, with one tree between.
    float m0 = 0f;
    float m1 = 0f;
    float m2 = 0f;
    float m3 = 0f;
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    for (int pass = 0; pass < 2; pass++) {
      boolean squares = pass == 1;
      var p0 = FloatVector.zero(S);
      var p1 = p0;
      var p2 = p0;
      var p3 = p0;
      for (int j = 0; j < n16; j += 16) {
        var u0 = FloatVector.fromArray(S, a, o0 + j);
        var u1 = FloatVector.fromArray(S, a, o1 + j);
        var u2 = FloatVector.fromArray(S, a, o2 + j);
        var u3 = FloatVector.fromArray(S, a, o3 + j);
        if (squares) {
          u0 = u0.sub(m0);
          u1 = u1.sub(m1);
          u2 = u2.sub(m2);
          u3 = u3.sub(m3);
          u0 = u0.mul(u0);
          u1 = u1.mul(u1);
          u2 = u2.mul(u2);
          u3 = u3.mul(u3);
        }
        p0 = p0.add(u0);
        p1 = p1.add(u1);
        p2 = p2.add(u2);
        p3 = p3.add(u3);
      }
      p0 = p0.add(p0.rearrange(X8));
      p1 = p1.add(p1.rearrange(X8));
      p2 = p2.add(p2.rearrange(X8));
      p3 = p3.add(p3.rearrange(X8));
      p0 = p0.add(p0.rearrange(X4));
      p1 = p1.add(p1.rearrange(X4));
      p2 = p2.add(p2.rearrange(X4));
      p3 = p3.add(p3.rearrange(X4));
      p0 = p0.add(p0.rearrange(X2));
      p1 = p1.add(p1.rearrange(X2));
      p2 = p2.add(p2.rearrange(X2));
      p3 = p3.add(p3.rearrange(X2));
      p0 = p0.add(p0.rearrange(X1));
      p1 = p1.add(p1.rearrange(X1));
      p2 = p2.add(p2.rearrange(X1));
      p3 = p3.add(p3.rearrange(X1));
      s0 = p0.lane(0);
      s1 = p1.lane(0);
      s2 = p2.lane(0);
      s3 = p3.lane(0);
      for (int j = n16; j < hs; j++) {
        float u0 = a[o0 + j];
        float u1 = a[o1 + j];
        float u2 = a[o2 + j];
        float u3 = a[o3 + j];
        if (squares) {
          u0 = (u0 - m0) * (u0 - m0);
          u1 = (u1 - m1) * (u1 - m1);
          u2 = (u2 - m2) * (u2 - m2);
          u3 = (u3 - m3) * (u3 - m3);
        }
        s0 += u0;
        s1 += u1;
        s2 += u2;
        s3 += u3;
      }
      if (!squares) {
        m0 = s0 / hs;
        m1 = s1 / hs;
        m2 = s2 / hs;
        m3 = s3 / hs;
      }
    }
    float r0 = (float) (1.0 / Math.sqrt(s0 / hs + EPS));
    float r1 = (float) (1.0 / Math.sqrt(s1 / hs + EPS));
    float r2 = (float) (1.0 / Math.sqrt(s2 / hs + EPS));
    float r3 = (float) (1.0 / Math.sqrt(s3 / hs + EPS));
    if (rstd != null) {
      rstd[rOff + i0] = r0;
      rstd[rOff + i0 + 1] = r1;
      rstd[rOff + i0 + 2] = r2;
      rstd[rOff + i0 + 3] = r3;
    }
    normaliseItem(i0, hs, blocks, a, o0, m0, r0, gamma, beta, xhat, xhOff, ldxh, y, yOff, ldy);
    normaliseItem(i0 + 1, hs, blocks, a, o1, m1, r1, gamma, beta, xhat, xhOff, ldxh, y, yOff, ldy);
    normaliseItem(i0 + 2, hs, blocks, a, o2, m2, r2, gamma, beta, xhat, xhOff, ldxh, y, yOff, ldy);
    normaliseItem(i0 + 3, hs, blocks, a, o3, m3, r3, gamma, beta, xhat, xhOff, ldxh, y, yOff, ldy);
  }

  /** {@link #normalise} of block {@code i} (row {@code i / blocks}, block {@code i % blocks}). */
  private static void normaliseItem(int i, int hs, int blocks, float[] a, int a0, float mean, float rs,
      float[] gamma, float[] beta, float[] xhat, int xhOff, int ldxh, float[] y, int yOff, int ldy) {
    int r = i / blocks;
    int q = i % blocks;
    normalise(hs, a, a0, mean, rs, gamma, beta, q * hs, xhat, xhOff + r * ldxh + q * hs, y, yOff + r * ldy + q * hs);
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
    int items = rows * blocks;
    int i = 0;
    if (G == 1) {
      for (; i + 4 <= items; i += 4) {
        backwardFour(i, hs, blocks, dy, dyOff, lddy, gamma, xhat, xhOff, ldxh, rstd, rOff, da, daOff, ldda);
      }
    }
    for (; i < items; i++) {
      int r = i / blocks;
      int q = i % blocks;
      int d0 = dyOff + r * lddy + q * hs;
      int x0 = xhOff + r * ldxh + q * hs;
      int p0 = q * hs;
      float m1 = blockSum(PRODUCTS, hs, dy, d0, gamma, p0, null, 0, 0f) / hs;
      float m2 = blockSum(TRIPLE_PRODUCTS, hs, dy, d0, gamma, p0, xhat, x0, 0f) / hs;
      backwardItem(hs, dy, d0, gamma, p0, xhat, x0, m1, m2, rstd[rOff + i], da, daOff + r * ldda + q * hs);
    }
  }

  /**
   * {@link #backward} of the four blocks {@code i0 .. i0 + 3}, their eight sums ({@code dy gamma} and
   * {@code dy gamma xhat} of each) as eight independent chains in one loop, for the reason and with the order of
   * {@link #forwardFour}; every sum is taken before any block is written ({@code da} may be {@code dy}).
   */
  private static void backwardFour(int i0, int hs, int blocks, float[] dy, int dyOff, int lddy, float[] gamma,
      float[] xhat, int xhOff, int ldxh, float[] rstd, int rOff, float[] da, int daOff, int ldda) {
    int n16 = hs - hs % 16;
    int ra = i0 / blocks;
    int rb = (i0 + 1) / blocks;
    int rc = (i0 + 2) / blocks;
    int rd = (i0 + 3) / blocks;
    int ga = (i0 % blocks) * hs;
    int gb = ((i0 + 1) % blocks) * hs;
    int gc = ((i0 + 2) % blocks) * hs;
    int gd = ((i0 + 3) % blocks) * hs;
    int da0 = dyOff + ra * lddy + ga;
    int db0 = dyOff + rb * lddy + gb;
    int dc0 = dyOff + rc * lddy + gc;
    int dd0 = dyOff + rd * lddy + gd;
    int xa = xhOff + ra * ldxh + ga;
    int xb = xhOff + rb * ldxh + gb;
    int xc = xhOff + rc * ldxh + gc;
    int xd = xhOff + rd * ldxh + gd;
    var p0 = FloatVector.zero(S);
    var p1 = p0;
    var p2 = p0;
    var p3 = p0;
    var t0 = p0;
    var t1 = p0;
    var t2 = p0;
    var t3 = p0;
    for (int j = 0; j < n16; j += 16) {
      var u0 = FloatVector.fromArray(S, dy, da0 + j).mul(FloatVector.fromArray(S, gamma, ga + j));
      var u1 = FloatVector.fromArray(S, dy, db0 + j).mul(FloatVector.fromArray(S, gamma, gb + j));
      var u2 = FloatVector.fromArray(S, dy, dc0 + j).mul(FloatVector.fromArray(S, gamma, gc + j));
      var u3 = FloatVector.fromArray(S, dy, dd0 + j).mul(FloatVector.fromArray(S, gamma, gd + j));
      p0 = p0.add(u0);
      p1 = p1.add(u1);
      p2 = p2.add(u2);
      p3 = p3.add(u3);
      t0 = t0.add(u0.mul(FloatVector.fromArray(S, xhat, xa + j)));
      t1 = t1.add(u1.mul(FloatVector.fromArray(S, xhat, xb + j)));
      t2 = t2.add(u2.mul(FloatVector.fromArray(S, xhat, xc + j)));
      t3 = t3.add(u3.mul(FloatVector.fromArray(S, xhat, xd + j)));
    }
    p0 = p0.add(p0.rearrange(X8));
    p1 = p1.add(p1.rearrange(X8));
    p2 = p2.add(p2.rearrange(X8));
    p3 = p3.add(p3.rearrange(X8));
    t0 = t0.add(t0.rearrange(X8));
    t1 = t1.add(t1.rearrange(X8));
    t2 = t2.add(t2.rearrange(X8));
    t3 = t3.add(t3.rearrange(X8));
    p0 = p0.add(p0.rearrange(X4));
    p1 = p1.add(p1.rearrange(X4));
    p2 = p2.add(p2.rearrange(X4));
    p3 = p3.add(p3.rearrange(X4));
    t0 = t0.add(t0.rearrange(X4));
    t1 = t1.add(t1.rearrange(X4));
    t2 = t2.add(t2.rearrange(X4));
    t3 = t3.add(t3.rearrange(X4));
    p0 = p0.add(p0.rearrange(X2));
    p1 = p1.add(p1.rearrange(X2));
    p2 = p2.add(p2.rearrange(X2));
    p3 = p3.add(p3.rearrange(X2));
    t0 = t0.add(t0.rearrange(X2));
    t1 = t1.add(t1.rearrange(X2));
    t2 = t2.add(t2.rearrange(X2));
    t3 = t3.add(t3.rearrange(X2));
    p0 = p0.add(p0.rearrange(X1));
    p1 = p1.add(p1.rearrange(X1));
    p2 = p2.add(p2.rearrange(X1));
    p3 = p3.add(p3.rearrange(X1));
    t0 = t0.add(t0.rearrange(X1));
    t1 = t1.add(t1.rearrange(X1));
    t2 = t2.add(t2.rearrange(X1));
    t3 = t3.add(t3.rearrange(X1));
    float s0 = p0.lane(0);
    float s1 = p1.lane(0);
    float s2 = p2.lane(0);
    float s3 = p3.lane(0);
    float v0 = t0.lane(0);
    float v1 = t1.lane(0);
    float v2 = t2.lane(0);
    float v3 = t3.lane(0);
    for (int j = n16; j < hs; j++) {
      s0 += dy[da0 + j] * gamma[ga + j];
      s1 += dy[db0 + j] * gamma[gb + j];
      s2 += dy[dc0 + j] * gamma[gc + j];
      s3 += dy[dd0 + j] * gamma[gd + j];
      v0 += dy[da0 + j] * gamma[ga + j] * xhat[xa + j];
      v1 += dy[db0 + j] * gamma[gb + j] * xhat[xb + j];
      v2 += dy[dc0 + j] * gamma[gc + j] * xhat[xc + j];
      v3 += dy[dd0 + j] * gamma[gd + j] * xhat[xd + j];
    }
    backwardItem(hs, dy, da0, gamma, ga, xhat, xa, s0 / hs, v0 / hs, rstd[rOff + i0], da, daOff + ra * ldda + ga);
    backwardItem(hs, dy, db0, gamma, gb, xhat, xb, s1 / hs, v1 / hs, rstd[rOff + i0 + 1], da,
        daOff + rb * ldda + gb);
    backwardItem(hs, dy, dc0, gamma, gc, xhat, xc, s2 / hs, v2 / hs, rstd[rOff + i0 + 2], da,
        daOff + rc * ldda + gc);
    backwardItem(hs, dy, dd0, gamma, gd, xhat, xd, s3 / hs, v3 / hs, rstd[rOff + i0 + 3], da,
        daOff + rd * ldda + gd);
  }

  /** {@code da = rs (dy gamma - m1 - xhat m2)} over one block of {@code hs}. */
  private static void backwardItem(int hs, float[] dy, int d0, float[] gamma, int p0, float[] xhat, int x0,
      float m1, float m2, float rs, float[] da, int o0) {
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
