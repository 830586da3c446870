package dev.mnemo.agents.transformer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-wise helpers of the Transformer blocks on the Vector API, each the same operations in the same order per element
 * as the plain loops they replace (so the same bits): a bias row copied into every row, and column sums added row by
 * row. Why: a 36 x 16-row pass made these 1,000-odd short {@code System.arraycopy} calls and scalar loops that C2 did
 * not vectorise (the destination may alias the source). Load only when {@code jdk.incubator.vector} is present.
 */
final class RowLanes {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private RowLanes() {
  }

  /** {@code dst[dOff + r * n + c] = src[sOff + c]} for {@code rows} dense rows of {@code n}. */
  static void broadcastRows(int rows, int n, float[] src, int sOff, float[] dst, int dOff) {
    int nv = n - n % L;
    for (int c = 0; c < nv; c += L) {
      FloatVector b = FloatVector.fromArray(S, src, sOff + c);
      for (int r = 0; r < rows; r++) {
        b.intoArray(dst, dOff + r * n + c);
      }
    }
    if (nv < n) {
      for (int r = 0; r < rows; r++) {
        System.arraycopy(src, sOff + nv, dst, dOff + r * n + nv, n - nv);
      }
    }
  }

  /** {@code out[off + c] += a[aOff + r * n + c]} for rows {@code r} ascending ({@code rows} dense rows of n). */
  static void addColumnSums(int rows, int n, float[] a, int aOff, float[] out, int off) {
    int nv = n - n % L;
    for (int c = 0; c < nv; c += L) {
      FloatVector s = FloatVector.fromArray(S, out, off + c);
      for (int r = 0; r < rows; r++) {
        s = s.add(FloatVector.fromArray(S, a, aOff + r * n + c));
      }
      s.intoArray(out, off + c);
    }
    for (int c = nv; c < n; c++) {
      float s = out[off + c];
      for (int r = 0; r < rows; r++) {
        s += a[aOff + r * n + c];
      }
      out[off + c] = s;
    }
  }
}
