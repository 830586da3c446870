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
}
