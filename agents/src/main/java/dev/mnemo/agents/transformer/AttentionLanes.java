package dev.mnemo.agents.transformer;

import dev.mnemo.agents.kernel.ExpLanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GtrxlKernel}'s attention for one query and head on the Vector API: scores over a block of keys held in
 * registers while the head's features stream by (keys stored transposed, {@code d x (M + T)} per env), the
 * softmax's exp vectorised ({@link ExpLanes}), the weighted sum of values with the head's output in registers.
 * The same equations as the scalar path, summed in another order (fused multiply-adds): within float rounding of
 * it. Loaded only when the kernel's ops run on the Vector API.
 */
final class AttentionLanes {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private AttentionLanes() {}

  /**
   * {@code s[j] = (q . K_j) * scale + rel[relLast - j]} for {@code j in [f, last]}: {@code q} is {@code dh} floats
   * at {@code qOff}, key feature {@code e} of key {@code j} at {@code kt[ktOff + e * len + j]}.
   */
  static void scores(float[] q, int qOff, float[] kt, int ktOff, int len, int dh, int f, int last, float scale,
      float[] rel, int relLast, float[] s) {
    int l = S.length();
    int j = f;
    for (; j + l <= last + 1; j += l) {
      FloatVector acc = FloatVector.zero(S);
      int k = ktOff + j;
      for (int e = 0; e < dh; e++) {
        acc = FloatVector.fromArray(S, kt, k + e * len).fma(FloatVector.broadcast(S, q[qOff + e]), acc);
      }
      acc.intoArray(s, j);
    }
    for (; j <= last; j++) {
      float a = 0f;
      for (int e = 0; e < dh; e++) {
        a += q[qOff + e] * kt[ktOff + e * len + j];
      }
      s[j] = a;
    }
    for (j = f; j <= last; j++) {
      s[j] = s[j] * scale + rel[relLast - j];
    }
  }

  /** {@code s[f..last] = softmax}: max subtracted, vector exp, normalised. */
  static void softmax(float[] s, int f, int last) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = f; j <= last; j++) {
      max = Math.max(max, s[j]);
    }
    for (int j = f; j <= last; j++) {
      s[j] -= max;
    }
    ExpLanes.expInPlace(s, f, last + 1 - f);
    float sum = 0f;
    for (int j = f; j <= last; j++) {
      sum += s[j];
    }
    float inv = 1f / sum;
    for (int j = f; j <= last; j++) {
      s[j] *= inv;
    }
  }

  /**
   * {@code o[oOff, oOff + dh) = sum_j p[j] V_j}, {@code j in [f, last]}, value {@code j}'s head features at
   * {@code v[vOff + j * ld]}.
   */
  static void weightedSum(float[] p, int f, int last, float[] v, int vOff, int ld, int dh, float[] o, int oOff) {
    int l = S.length();
    int c = 0;
    for (; c + 2 * l <= dh; c += 2 * l) {
      FloatVector a0 = FloatVector.zero(S);
      FloatVector a1 = FloatVector.zero(S);
      for (int j = f; j <= last; j++) {
        FloatVector pj = FloatVector.broadcast(S, p[j]);
        int vj = vOff + j * ld + c;
        a0 = FloatVector.fromArray(S, v, vj).fma(pj, a0);
        a1 = FloatVector.fromArray(S, v, vj + l).fma(pj, a1);
      }
      a0.intoArray(o, oOff + c);
      a1.intoArray(o, oOff + c + l);
    }
    for (; c + l <= dh; c += l) {
      FloatVector a0 = FloatVector.zero(S);
      for (int j = f; j <= last; j++) {
        a0 = FloatVector.fromArray(S, v, vOff + j * ld + c).fma(FloatVector.broadcast(S, p[j]), a0);
      }
      a0.intoArray(o, oOff + c);
    }
    for (; c < dh; c++) {
      float a = 0f;
      for (int j = f; j <= last; j++) {
        a += p[j] * v[vOff + j * ld + c];
      }
      o[oOff + c] = a;
    }
  }

  /**
   * {@link CausalMemoryAttention}'s masked softmax down the columns of one segment and head's transposed scores
   * {@code s[base + j * ld + t]} ({@code len} keys, {@code ld} query lanes, a multiple of the vector length): per
   * lane {@code t} the score {@code s * scale + rel[relAt + t - j]}, the visible keys {@code [first_t, last_t]} (the
   * others pushed down by {@link CausalMemoryAttention#HIDDEN}), the largest subtracted, exp, the hidden ones times
   * zero, each column normalised by its sum over keys in ascending order. {@code colMax} holds {@code ld} floats of
   * scratch.
   */
  static void softmaxColumns(float[] s, int base, int len, int ld, float scale, float[] rel, int relAt,
      float[] first, float[] last, int laneOff, float[] colMax) {
    int l = S.length();
    for (int c = 0; c < ld; c += l) {
      FloatVector f = FloatVector.fromArray(S, first, laneOff + c);
      FloatVector z = FloatVector.fromArray(S, last, laneOff + c);
      FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      for (int j = 0; j < len; j++) {
        int i = base + j * ld + c;
        FloatVector sv = FloatVector.fromArray(S, s, i).mul(scale)
            .add(FloatVector.fromArray(S, rel, relAt + c - j));
        sv = sv.add(visible(j, f, z).sub(1f).mul(CausalMemoryAttention.HIDDEN));
        sv.intoArray(s, i);
        max = max.max(sv);
      }
      for (int j = 0; j < len; j++) {
        int i = base + j * ld + c;
        FloatVector.fromArray(S, s, i).sub(max).intoArray(s, i);
      }
    }
    ExpLanes.expInPlace(s, base, len * ld);
    for (int c = 0; c < ld; c += l) {
      FloatVector f = FloatVector.fromArray(S, first, laneOff + c);
      FloatVector z = FloatVector.fromArray(S, last, laneOff + c);
      FloatVector sum = FloatVector.zero(S);
      for (int j = 0; j < len; j++) {
        int i = base + j * ld + c;
        FloatVector e = FloatVector.fromArray(S, s, i).mul(visible(j, f, z));
        e.intoArray(s, i);
        sum = sum.add(e);
      }
      FloatVector inv = FloatVector.broadcast(S, 1f).div(sum);
      for (int j = 0; j < len; j++) {
        int i = base + j * ld + c;
        FloatVector.fromArray(S, s, i).mul(inv).intoArray(s, i);
      }
    }
  }

  /** {@link CausalMemoryAttention#visible} per lane. */
  private static FloatVector visible(int j, FloatVector first, FloatVector last) {
    return first.neg().add((float) j).min(last.sub((float) j)).add(1f).max(0f).min(1f);
  }

  /**
   * The softmax's backward down the columns ({@link #softmaxColumns}' layout): with {@code dP^T} in {@code ds},
   * per lane {@code dot = sum_j P dP} (keys ascending), {@code dS = P (dP - dot)} added into
   * {@code relGrad[relAt + t - j]}, then {@code ds = dS * scale}.
   */
  static void softmaxBackwardColumns(float[] p, int base, float[] ds, int len, int ld, float scale, float[] relGrad,
      int relAt) {
    int l = S.length();
    for (int c = 0; c < ld; c += l) {
      FloatVector dot = FloatVector.zero(S);
      for (int j = 0; j < len; j++) {
        dot = dot.add(FloatVector.fromArray(S, p, base + j * ld + c).mul(FloatVector.fromArray(S, ds, j * ld + c)));
      }
      for (int j = 0; j < len; j++) {
        int i = j * ld + c;
        FloatVector d = FloatVector.fromArray(S, p, base + i).mul(FloatVector.fromArray(S, ds, i).sub(dot));
        int g = relAt + c - j;
        FloatVector.fromArray(S, relGrad, g).add(d).intoArray(relGrad, g);
        d.mul(scale).intoArray(ds, i);
      }
    }
  }
}
