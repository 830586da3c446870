package dev.mnemo.agents.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The LSTM cell's elementwise step on the Vector API with an exp built from IEEE-exact operations only
 * (add, mul, div, min/max, integer shifts), shared by the LSTM's acting kernel and training form
 * ({@code LstmGateMath}), the sigmoid and tanh of {@link VectorOps} and the GRU cell ({@link GruGates}), so
 * all give the same bits in every JIT state.
 *
 * <p>Why not {@code VectorOperators.EXP/TANH}: their last bits differ between the interpreter or C1 (a
 * Java fallback) and C2 (SVML stubs), so a seeded run was not bit-reproducible across JIT states and two
 * identical learners disagreed by 1e-9. Load only when {@link BatchOps#vectorApiAvailable()}.
 */
public final class LstmGates {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private LstmGates() {}

  /**
   * For each of {@code rows} batch rows: activates the pre-activations {@code z} (blocks [i, f, g, o] of
   * {@code hs} floats, rows {@code ldz} apart) into {@code g} (rows {@code ldg} apart; may be {@code z}
   * itself at the same offset and stride), then {@code cNext = f cPrev + i g}, {@code tc = tanh(cNext)},
   * {@code h = o tc}. State row {@code b} of each state array starts {@code b * lds} floats after its offset
   * ({@code lds = hs} for dense states; {@code 2 hs} for the acting kernel's {@code [h | c]} rows); {@code tc}
   * may be {@code h} at the same offset when tanh(c) need not be kept.
   *
   * <p>Pass by pass (exp of a block, then the rational parts), each loop with one small body: with exp
   * inlined five times into one loop C2 gave up inlining and boxed the vectors (~8 ns/element).
   */
  public static void step(int rows, int hs, float[] z, int zOff, int ldz, float[] g, int gOff, int ldg,
      float[] cPrev, int cPrevOff, float[] cNext, int cNextOff, float[] tc, int tcOff, float[] h, int hOff,
      int lds) {
    for (int b = 0; b < rows; b++) {
      int gi = gOff + b * ldg;
      int zi = zOff + b * ldz;
      int s = b * lds;
      expScaled(z, zi, g, gi, 2 * hs, -1f);
      expScaled(z, zi + 2 * hs, g, gi + 2 * hs, hs, 2f);
      expScaled(z, zi + 3 * hs, g, gi + 3 * hs, hs, -1f);
      // g now holds e^{-z} for i, f, o and e^{2z} for g: sigmoid = 1 / (1 + e), tanh = 1 - 2 / (e + 1).
      reciprocalPlusOne(g, gi, 2 * hs);
      tanhFromExp(g, gi + 2 * hs, hs);
      reciprocalPlusOne(g, gi + 3 * hs, hs);
      cell(g, gi, hs, cPrev, cPrevOff + s, cNext, cNextOff + s);
      expScaled(cNext, cNextOff + s, tc, tcOff + s, hs, 2f);
      tanhFromExp(tc, tcOff + s, hs);
      output(g, gi + 3 * hs, tc, tcOff + s, h, hOff + s, hs);
    }
  }

  /**
   * The cell's backward for one step over {@code rows} batch rows, the exact arithmetic (same operations,
   * same order, no fused multiply-add) of the scalar loop it replaces, so both give the same bits:
   * <pre>
   *   dh = dhA + dhB;   dc = dcNext + dh o (1 - tc^2)
   *   dz_i = dc g i (1 - i);  dz_f = dc cPrev f (1 - f);  dz_g = dc i (1 - g^2);  dz_o = dh tc o (1 - o)
   *   dcNext = dc f   (in place: the cell gradient carried to the step before)
   * </pre>
   * Gates {@code g} and {@code dz} rows are {@code 4 hs} apart ([i, f, g, o] blocks); {@code tc},
   * {@code cPrev} and {@code dcNext} are dense {@code rows x hs}; the two dh terms have their own strides.
   */
  public static void backward(int rows, int hs, float[] g, int gOff, float[] tc, int tcOff, float[] cPrev,
      int cPrevOff, float[] dhA, int dhAOff, int ldA, float[] dhB, int dhBOff, int ldB, float[] dcNext,
      float[] dz, int dzOff) {
    int l = S.length();
    int h4 = 4 * hs;
    for (int b = 0; b < rows; b++) {
      int g0 = gOff + b * h4;
      int z0 = dzOff + b * h4;
      int s0 = b * hs;
      int a0 = dhAOff + b * ldA;
      int b0 = dhBOff + b * ldB;
      int j = 0;
      for (; j + l <= hs; j += l) {
        var ig = FloatVector.fromArray(S, g, g0 + j);
        var fg = FloatVector.fromArray(S, g, g0 + hs + j);
        var gg = FloatVector.fromArray(S, g, g0 + 2 * hs + j);
        var og = FloatVector.fromArray(S, g, g0 + 3 * hs + j);
        var t = FloatVector.fromArray(S, tc, tcOff + s0 + j);
        var cp = FloatVector.fromArray(S, cPrev, cPrevOff + s0 + j);
        var dh = FloatVector.fromArray(S, dhA, a0 + j).add(FloatVector.fromArray(S, dhB, b0 + j));
        var one = FloatVector.broadcast(S, 1f);
        var dc = FloatVector.fromArray(S, dcNext, s0 + j).add(dh.mul(og).mul(one.sub(t.mul(t))));
        dc.mul(gg).mul(ig).mul(one.sub(ig)).intoArray(dz, z0 + j);
        dc.mul(cp).mul(fg).mul(one.sub(fg)).intoArray(dz, z0 + hs + j);
        dc.mul(ig).mul(one.sub(gg.mul(gg))).intoArray(dz, z0 + 2 * hs + j);
        dh.mul(t).mul(og).mul(one.sub(og)).intoArray(dz, z0 + 3 * hs + j);
        dc.mul(fg).intoArray(dcNext, s0 + j);
      }
      for (; j < hs; j++) {
        float ig = g[g0 + j];
        float fg = g[g0 + hs + j];
        float gg = g[g0 + 2 * hs + j];
        float og = g[g0 + 3 * hs + j];
        float t = tc[tcOff + s0 + j];
        float dh = dhA[a0 + j] + dhB[b0 + j];
        float dc = dcNext[s0 + j] + dh * og * (1 - t * t);
        dz[z0 + j] = dc * gg * ig * (1 - ig);
        dz[z0 + hs + j] = dc * cPrev[cPrevOff + s0 + j] * fg * (1 - fg);
        dz[z0 + 2 * hs + j] = dc * ig * (1 - gg * gg);
        dz[z0 + 3 * hs + j] = dh * t * og * (1 - og);
        dcNext[s0 + j] = dc * fg;
      }
    }
  }

  /** {@code x = sigmoid(x)} over {@code len} floats in place, with the deterministic exp ({@link #expScaled}). */
  public static void sigmoidInPlace(float[] x, int off, int len) {
    expScaled(x, off, x, off, len, -1f);
    reciprocalPlusOne(x, off, len);
  }

  /** {@code x = tanh(x)} over {@code len} floats in place, with the deterministic exp ({@link #expScaled}). */
  public static void tanhInPlace(float[] x, int off, int len) {
    expScaled(x, off, x, off, len, 2f);
    tanhFromExp(x, off, len);
  }

  /**
   * dst = e^{scale * src} over len floats, the vector exp written out in the loop: x clamped to
   * [-LIMIT, LIMIT], k = round(x / ln 2) by the 1.5 * 2^23 trick, r = x - k ln 2 in two parts
   * (|r| <= ln2 / 2), a degree-7 Taylor polynomial (relative error ~1e-7 there), times 2^k built in the
   * exponent bits; the tail through {@link #exp(float)}, the same operations on one float.
   *
   * <p>Why written out rather than a helper taking and returning a vector: when C2 runs out of its
   * inlining budget (NodeCountInliningCutoff, reached in {@link #step} after one or two passes) it calls
   * such a helper out of line, boxing every vector: the LSTM's learner forward then ran ~1.5x slower in
   * some JIT states. A pass that takes arrays costs at worst a plain call.
   */
  static void expScaled(float[] src, int so, float[] dst, int dO, int len, float scale) {
    int l = S.length();
    int j = 0;
    for (; j + l <= len; j += l) {
      var x = FloatVector.fromArray(S, src, so + j).mul(scale).max(-LIMIT).min(LIMIT);
      var k = x.mul(LOG2E).add(MAGIC).sub(MAGIC);
      var r = k.mul(-LN2_HI).add(x).add(k.mul(-LN2_LO));
      var p = r.mul(C7).add(C6).mul(r).add(C5).mul(r).add(C4).mul(r).add(C3).mul(r).add(C2).mul(r).add(1f)
          .mul(r).add(1f);
      // 2^k: k + 127 lands in the low mantissa bits of k + 127 + 1.5 * 2^23; shifting them into the
      // exponent field needs no float-to-int conversion (which C2 does not vectorise here).
      var e = k.add(MAGIC + 127f).reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
      p.mul(e).intoArray(dst, dO + j);
    }
    for (; j < len; j++) {
      dst[dO + j] = exp(src[so + j] * scale);
    }
  }

  /** x = 1 / (1 + x) in place. */
  static void reciprocalPlusOne(float[] x, int off, int len) {
    int l = S.length();
    int j = 0;
    for (; j + l <= len; j += l) {
      var d = FloatVector.fromArray(S, x, off + j).add(1f);
      d.broadcast(1f).div(d).intoArray(x, off + j);
    }
    for (; j < len; j++) {
      x[off + j] = 1f / (x[off + j] + 1f);
    }
  }

  /** x = 1 - 2 / (x + 1) in place: tanh(y) from x = e^{2y}, saturating to exactly +-1. */
  static void tanhFromExp(float[] x, int off, int len) {
    int l = S.length();
    int j = 0;
    for (; j + l <= len; j += l) {
      var d = FloatVector.fromArray(S, x, off + j).add(1f);
      d.broadcast(2f).div(d).neg().add(1f).intoArray(x, off + j);
    }
    for (; j < len; j++) {
      x[off + j] = 1f - 2f / (x[off + j] + 1f);
    }
  }

  /** cNext = f cPrev + i g from the activated gate row at gi (separate mul and add: no fma, same bits as the tail). */
  private static void cell(float[] g, int gi, int hs, float[] cPrev, int prev, float[] cNext, int cur) {
    int l = S.length();
    int j = 0;
    for (; j + l <= hs; j += l) {
      var i = FloatVector.fromArray(S, g, gi + j);
      var f = FloatVector.fromArray(S, g, gi + hs + j);
      var u = FloatVector.fromArray(S, g, gi + 2 * hs + j);
      var cp = FloatVector.fromArray(S, cPrev, prev + j);
      f.mul(cp).add(i.mul(u)).intoArray(cNext, cur + j);
    }
    for (; j < hs; j++) {
      cNext[cur + j] = g[gi + hs + j] * cPrev[prev + j] + g[gi + j] * g[gi + 2 * hs + j];
    }
  }

  /** h = o tanh(c). */
  private static void output(float[] o, int oo, float[] t, int to, float[] h, int ho, int hs) {
    int l = S.length();
    int j = 0;
    for (; j + l <= hs; j += l) {
      FloatVector.fromArray(S, o, oo + j).mul(FloatVector.fromArray(S, t, to + j)).intoArray(h, ho + j);
    }
    for (; j < hs; j++) {
      h[ho + j] = o[oo + j] * t[to + j];
    }
  }

  /** e^x on one float, the operations of {@link #expScaled}'s vector loop: tails and vectors agree bit for bit. */
  public static float exp(float x0) {
    float x = Math.min(Math.max(x0, -LIMIT), LIMIT);
    float k = x * LOG2E + MAGIC - MAGIC;
    float r = k * -LN2_HI + x + k * -LN2_LO;
    float p = ((((((r * C7 + C6) * r + C5) * r + C4) * r + C3) * r + C2) * r + 1f) * r + 1f;
    return p * Float.intBitsToFloat(Float.floatToRawIntBits(k + (MAGIC + 127f)) << 23);
  }

  /**
   * Where exp saturates. Why 30, not the float range (~87): e^-87 and gates of ~1e-38 made products of
   * gates and states subnormal, and subnormal arithmetic costs ~100 cycles here: with saturated gates the
   * cell ran ~10x slower (49 -> 5 ns per cell with |z| ~ 100). At |x| = 30 the sigmoid is within 1e-13 of
   * 0 or exactly 1 in float, and tanh is exactly +-1.
   */
  private static final float LIMIT = 30f;
  private static final float LOG2E = 1.44269504f;
  private static final float MAGIC = 12582912f;
  private static final float LN2_HI = 0.693145752f;
  private static final float LN2_LO = 1.42860677e-6f;
  private static final float C2 = 1f / 2;
  private static final float C3 = 1f / 6;
  private static final float C4 = 1f / 24;
  private static final float C5 = 1f / 120;
  private static final float C6 = 1f / 720;
  private static final float C7 = 1f / 5040;
}
