package dev.mnemo.agents.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The diagonal state-space step of one row on the Vector API (the S4D core's acting kernel): for every channel h
 * and mode n (entry {@code i = n H + h}, mode-major),
 * <pre>
 *   s'_re = (Ā_re s_re − Ā_im s_im) + B̄_re u_h        s'_im = (Ā_re s_im + Ā_im s_re) + B̄_im u_h
 *   acc_h = Σ_n (C_re s'_re − C_im s'_im)               (from 0, modes in order)
 * </pre>
 * in double on a float state: a float register of channels (the preferred width) is read, converted to two double
 * registers (its low and high halves), stepped while its u and acc stay in registers over the modes, converted back
 * and written; then single channels. Every lane sees the plain loops' operations in the plain loops' order
 * (products, then sums; no fused multiply-add; no lane reduction), so this gives the plain loops' bits in every JIT
 * state. Only the preferred float and double species: a float species of another width (half the register, to
 * match the double lanes one to one) made the Vector API's shared float call sites two-class, and C2 then boxed
 * every vector of the matrix products ({@link VectorOps}' tiles: 22 KB a step). Load only when {@link
 * BatchOps#vectorApiAvailable()}.
 */
public final class StateSpaceLanes {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  /** The high half of a float register: where the second double register's floats go. */
  private static final VectorMask<Float> HIGH =
      VectorMask.fromLong(F, ((1L << F.length()) - 1) & ~((1L << D.length()) - 1));

  private StateSpaceLanes() {}

  /**
   * One row: reads Re s at {@code sIn[re..re + M H)} and Im s at the next {@code M H} floats, writes the new state
   * to the same places of {@code sOut} (from {@code out}) and acc.
   *
   * @param u the row's input per channel, {@code hidden} doubles
   * @param acc receives the readout sums, {@code hidden} doubles
   */
  public static void step(int hidden, int modes, double[] lr, double[] li, double[] br, double[] bi, double[] cr,
      double[] ci, float[] sIn, int re, float[] sOut, int out, double[] u, double[] acc) {
    int hm = hidden * modes;
    int l = F.length();
    int half = D.length();
    int h = 0;
    for (; h + l <= hidden; h += l) {
      DoubleVector u0 = DoubleVector.fromArray(D, u, h);
      DoubleVector u1 = DoubleVector.fromArray(D, u, h + half);
      DoubleVector sum0 = DoubleVector.zero(D);
      DoubleVector sum1 = DoubleVector.zero(D);
      for (int i = h; i < hm; i += hidden) {
        FloatVector fr = FloatVector.fromArray(F, sIn, re + i);
        FloatVector fi = FloatVector.fromArray(F, sIn, re + hm + i);
        DoubleVector pr0 = (DoubleVector) fr.convertShape(VectorOperators.F2D, D, 0);
        DoubleVector pr1 = (DoubleVector) fr.convertShape(VectorOperators.F2D, D, 1);
        DoubleVector pi0 = (DoubleVector) fi.convertShape(VectorOperators.F2D, D, 0);
        DoubleVector pi1 = (DoubleVector) fi.convertShape(VectorOperators.F2D, D, 1);
        int j = i + half;
        DoubleVector ar0 = DoubleVector.fromArray(D, lr, i);
        DoubleVector ar1 = DoubleVector.fromArray(D, lr, j);
        DoubleVector ai0 = DoubleVector.fromArray(D, li, i);
        DoubleVector ai1 = DoubleVector.fromArray(D, li, j);
        DoubleVector nr0 = ar0.mul(pr0).sub(ai0.mul(pi0)).add(DoubleVector.fromArray(D, br, i).mul(u0));
        DoubleVector nr1 = ar1.mul(pr1).sub(ai1.mul(pi1)).add(DoubleVector.fromArray(D, br, j).mul(u1));
        DoubleVector ni0 = ar0.mul(pi0).add(ai0.mul(pr0)).add(DoubleVector.fromArray(D, bi, i).mul(u0));
        DoubleVector ni1 = ar1.mul(pi1).add(ai1.mul(pr1)).add(DoubleVector.fromArray(D, bi, j).mul(u1));
        ((FloatVector) nr0.convertShape(VectorOperators.D2F, F, 0))
            .blend((FloatVector) nr1.convertShape(VectorOperators.D2F, F, -1), HIGH).intoArray(sOut, out + i);
        ((FloatVector) ni0.convertShape(VectorOperators.D2F, F, 0))
            .blend((FloatVector) ni1.convertShape(VectorOperators.D2F, F, -1), HIGH).intoArray(sOut, out + hm + i);
        sum0 = sum0.add(DoubleVector.fromArray(D, cr, i).mul(nr0).sub(DoubleVector.fromArray(D, ci, i).mul(ni0)));
        sum1 = sum1.add(DoubleVector.fromArray(D, cr, j).mul(nr1).sub(DoubleVector.fromArray(D, ci, j).mul(ni1)));
      }
      sum0.intoArray(acc, h);
      sum1.intoArray(acc, h + half);
    }
    for (; h < hidden; h++) {
      double uh = u[h];
      double sum = 0;
      for (int i = h; i < hm; i += hidden) {
        double pr = sIn[re + i];
        double pi = sIn[re + hm + i];
        double nr = lr[i] * pr - li[i] * pi + br[i] * uh;
        double ni = lr[i] * pi + li[i] * pr + bi[i] * uh;
        sOut[out + i] = (float) nr;
        sOut[out + hm + i] = (float) ni;
        sum += cr[i] * nr - ci[i] * ni;
      }
      acc[h] = sum;
    }
  }
}
