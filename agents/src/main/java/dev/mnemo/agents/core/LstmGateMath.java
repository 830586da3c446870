package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.LstmGates;

/**
 * The LSTM cell's element-wise forward and backward, once on the Vector API ({@link LstmGates}, an exp of
 * IEEE-exact operations, the same bits in every JIT state) and once in plain loops with double-precision
 * exp (the fallback without {@code jdk.incubator.vector}). Both the acting kernel and the training form of
 * {@link LstmCore} call these; the signatures are {@link LstmGates}'s.
 */
interface LstmGateMath {

  /** See {@link LstmGates#step}. */
  void step(int rows, int hs, float[] z, int zOff, int ldz, float[] g, int gOff, int ldg, float[] cPrev,
      int cPrevOff, float[] cNext, int cNextOff, float[] tc, int tcOff, float[] h, int hOff, int lds);

  /** See {@link LstmGates#backward}. */
  void backward(int rows, int hs, float[] g, int gOff, float[] tc, int tcOff, float[] cPrev, int cPrevOff,
      float[] dhA, int dhAOff, int ldA, float[] dhB, int dhBOff, int ldB, float[] dcNext, float[] dz, int dzOff);

  /** The math matching {@code ops}: vector for the Vector API implementation, else scalar. */
  static LstmGateMath of(BatchOps ops) {
    return ops.vectorApi() ? new Vector() : new Scalar();
  }

  /** {@link LstmGates}; only that class names {@code jdk.incubator.vector}. */
  final class Vector implements LstmGateMath {
    @Override
    public void step(int rows, int hs, float[] z, int zOff, int ldz, float[] g, int gOff, int ldg, float[] cPrev,
        int cPrevOff, float[] cNext, int cNextOff, float[] tc, int tcOff, float[] h, int hOff, int lds) {
      LstmGates.step(rows, hs, z, zOff, ldz, g, gOff, ldg, cPrev, cPrevOff, cNext, cNextOff, tc, tcOff, h, hOff,
          lds);
    }

    @Override
    public void backward(int rows, int hs, float[] g, int gOff, float[] tc, int tcOff, float[] cPrev,
        int cPrevOff, float[] dhA, int dhAOff, int ldA, float[] dhB, int dhBOff, int ldB, float[] dcNext,
        float[] dz, int dzOff) {
      LstmGates.backward(rows, hs, g, gOff, tc, tcOff, cPrev, cPrevOff, dhA, dhAOff, ldA, dhB, dhBOff, ldB,
          dcNext, dz, dzOff);
    }
  }

  /** Plain loops, sigmoid and tanh through double-precision {@link Math#exp}. */
  final class Scalar implements LstmGateMath {
    @Override
    public void step(int rows, int hs, float[] z, int zOff, int ldz, float[] g, int gOff, int ldg, float[] cPrev,
        int cPrevOff, float[] cNext, int cNextOff, float[] tc, int tcOff, float[] h, int hOff, int lds) {
      for (int b = 0; b < rows; b++) {
        int z0 = zOff + b * ldz;
        int g0 = gOff + b * ldg;
        int s0 = b * lds;
        for (int j = 0; j < hs; j++) {
          float ig = sigmoid(z[z0 + j]);
          float fg = sigmoid(z[z0 + hs + j]);
          float gg = tanh(z[z0 + 2 * hs + j]);
          float og = sigmoid(z[z0 + 3 * hs + j]);
          g[g0 + j] = ig;
          g[g0 + hs + j] = fg;
          g[g0 + 2 * hs + j] = gg;
          g[g0 + 3 * hs + j] = og;
          float cc = fg * cPrev[cPrevOff + s0 + j] + ig * gg;
          float t = tanh(cc);
          cNext[cNextOff + s0 + j] = cc;
          tc[tcOff + s0 + j] = t;
          h[hOff + s0 + j] = og * t;
        }
      }
    }

    @Override
    public void backward(int rows, int hs, float[] g, int gOff, float[] tc, int tcOff, float[] cPrev,
        int cPrevOff, float[] dhA, int dhAOff, int ldA, float[] dhB, int dhBOff, int ldB, float[] dcNext,
        float[] dz, int dzOff) {
      int h4 = 4 * hs;
      for (int b = 0; b < rows; b++) {
        int g0 = gOff + b * h4;
        int z0 = dzOff + b * h4;
        for (int j = 0; j < hs; j++) {
          int s = b * hs + j;
          float ig = g[g0 + j];
          float fg = g[g0 + hs + j];
          float gg = g[g0 + 2 * hs + j];
          float og = g[g0 + 3 * hs + j];
          float t = tc[tcOff + s];
          float dh = dhA[dhAOff + b * ldA + j] + dhB[dhBOff + b * ldB + j];
          float dc = dcNext[s] + dh * og * (1 - t * t);
          dz[z0 + j] = dc * gg * ig * (1 - ig);
          dz[z0 + hs + j] = dc * cPrev[cPrevOff + s] * fg * (1 - fg);
          dz[z0 + 2 * hs + j] = dc * ig * (1 - gg * gg);
          dz[z0 + 3 * hs + j] = dh * t * og * (1 - og);
          dcNext[s] = dc * fg;
        }
      }
    }

    private static float sigmoid(float x) {
      return (float) (1 / (1 + Math.exp(-x)));
    }

    /** 1 - 2 / (e^{2x} + 1) in double: exact to float precision, and Math.exp is far cheaper than tanh. */
    private static float tanh(float x) {
      return (float) (1 - 2 / (Math.exp(2.0 * x) + 1));
    }
  }
}
