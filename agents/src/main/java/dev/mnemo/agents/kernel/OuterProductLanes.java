package dev.mnemo.agents.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The attention-like cores' memory operations on the Vector API, over a head's {@code rows x cols} block M
 * (row-major, rows {@code cols} apart): a row update {@code out = y + a x}, a weighted sum of rows {@code acc =
 * Σ_i c_i M_i}, and the fused write-and-read {@code M'_i = M_i + w_i u; acc = Σ_i r_i M'_i}. Vectors run along a
 * row; rows are taken in order. Every element therefore sees the plain loops' operations in the plain loops'
 * order (a product, then a sum; no fused multiply-add; sums from 0 in row order), so these give the plain
 * loops' bits in every JIT state. Registers of the preferred width, then single floats: only the one species,
 * because a second one (4 lanes for a head's tail) made the Vector API's shared store a two-class call site, which
 * C2 then left un-intrinsified (every vector boxed, ~50x slower). And
 * linear attention's feature map {@code φ(a) = elu(a) + 1} on the gates' exp ({@link LstmGates#exp}: its own
 * bits, within ~1e-7 of {@code Math.exp}, saturating at {@code e^-30}).
 *
 * <p>Why: with a head of 32 the plain loops are a call and two short loops per row of the block, which C2 runs in
 * its scalar remainder (its vector loop is unrolled past 32 floats), and the write and the read each stream the
 * block; here a column chunk of u and acc stays in registers over all rows and the block is read once. Load only
 * when {@link BatchOps#vectorApiAvailable()}.
 */
public final class OuterProductLanes {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private OuterProductLanes() {}

  /**
   * {@code x = φ(x) = x + 1} where {@code x > 0}, else {@code e^x}, in place over {@code n} floats at {@code off};
   * {@code scratch} holds at least {@code n} floats. The exp is {@link LstmGates#exp} (the vector loop and its
   * scalar tail give the same bits), which no {@code e^x} below {@code e^-30} reaches: no subnormal features.
   */
  public static void eluPlusOne(float[] x, int off, int n, float[] scratch) {
    int l = S.length();
    int j = 0;
    for (; j + l <= n; j += l) {
      FloatVector.fromArray(S, x, off + j).min(0f).intoArray(scratch, j);
    }
    for (; j < n; j++) {
      scratch[j] = Math.min(x[off + j], 0f);
    }
    LstmGates.expScaled(scratch, 0, scratch, 0, n, 1f);
    j = 0;
    for (; j + l <= n; j += l) {
      FloatVector a = FloatVector.fromArray(S, x, off + j);
      VectorMask<Float> positive = a.compare(VectorOperators.GT, 0f);
      FloatVector.fromArray(S, scratch, j).blend(a.add(1f), positive).intoArray(x, off + j);
    }
    for (; j < n; j++) {
      float a = x[off + j];
      x[off + j] = a > 0f ? a + 1f : scratch[j];
    }
  }

  /** {@code out[outOff + j] = y[yOff + j] + a * x[xOff + j]} for {@code j < n}; {@code out} may be {@code y}. */
  public static void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
    int j = 0;
    for (int l = S.length(); j + l <= n; j += l) {
      FloatVector.fromArray(S, y, yOff + j).add(FloatVector.fromArray(S, x, xOff + j).mul(a))
          .intoArray(out, outOff + j);
    }
    for (; j < n; j++) {
      out[outOff + j] = y[yOff + j] + a * x[xOff + j];
    }
  }

  /** {@code acc[accOff + j] = Σ_i c[cOff + i] * m[mOff + i cols + j]}, from 0, rows in order. */
  public static void weightedRowSum(int rows, int cols, float[] c, int cOff, float[] m, int mOff, float[] acc,
      int accOff) {
    int j = 0;
    for (int l = S.length(); j + l <= cols; j += l) {
      FloatVector sum = FloatVector.zero(S);
      for (int i = 0; i < rows; i++) {
        sum = sum.add(FloatVector.fromArray(S, m, mOff + i * cols + j).mul(c[cOff + i]));
      }
      sum.intoArray(acc, accOff + j);
    }
    for (; j < cols; j++) {
      float sum = 0f;
      for (int i = 0; i < rows; i++) {
        sum += c[cOff + i] * m[mOff + i * cols + j];
      }
      acc[accOff + j] = sum;
    }
  }

  /** {@code M_i += w[wOff + i] u} for every row i of the block at {@code mOff}. */
  public static void rankOne(int rows, int cols, float[] w, int wOff, float[] u, int uOff, float[] m, int mOff) {
    int j = 0;
    for (int l = S.length(); j + l <= cols; j += l) {
      FloatVector uj = FloatVector.fromArray(S, u, uOff + j);
      for (int i = 0; i < rows; i++) {
        int o = mOff + i * cols + j;
        FloatVector.fromArray(S, m, o).add(uj.mul(w[wOff + i])).intoArray(m, o);
      }
    }
    for (; j < cols; j++) {
      for (int i = 0; i < rows; i++) {
        m[mOff + i * cols + j] += w[wOff + i] * u[uOff + j];
      }
    }
  }

  /**
   * {@code out_i = in_i + w[wOff + i] u} for every row i of the block, then {@code acc = Σ_i r[rOff + i] out_i}
   * (from 0, rows in order), in one pass. {@code out} may be {@code in} at the same offset.
   */
  public static void writeAndRead(int rows, int cols, float[] w, int wOff, float[] u, int uOff, float[] in,
      int inOff, float[] out, int outOff, float[] r, int rOff, float[] acc, int accOff) {
    int j = 0;
    for (int l = S.length(); j + l <= cols; j += l) {
      FloatVector uj = FloatVector.fromArray(S, u, uOff + j);
      FloatVector sum = FloatVector.zero(S);
      for (int i = 0; i < rows; i++) {
        FloatVector next = FloatVector.fromArray(S, in, inOff + i * cols + j).add(uj.mul(w[wOff + i]));
        next.intoArray(out, outOff + i * cols + j);
        sum = sum.add(next.mul(r[rOff + i]));
      }
      sum.intoArray(acc, accOff + j);
    }
    for (; j < cols; j++) {
      float sum = 0f;
      for (int i = 0; i < rows; i++) {
        float next = in[inOff + i * cols + j] + w[wOff + i] * u[uOff + j];
        out[outOff + i * cols + j] = next;
        sum += r[rOff + i] * next;
      }
      acc[accOff + j] = sum;
    }
  }
}
