package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link S4dCore} against {@link RecurrentCoreContract}, with the step written once more in double from the
 * equations (complex arithmetic as plain pairs, {@code B̄ = (Ā − 1)/A} by the textbook division).
 */
class S4dCoreTest extends RecurrentCoreContract {

  @Override
  protected RecurrentCore core(int inputSize, int hiddenSize) {
    return new S4dCore(inputSize, hiddenSize);
  }

  /**
   * u = x Win + bin; per channel h, mode n: Δ = e^ℓ, A = −e^α + iω, Ā = e^{ΔA}, B̄ = (Ā − 1)/A, s' = Ā s + B̄ u;
   * y = tanh(2 Re Σ C s' + D u). Layout Win, bin, logDt, Are, Aim, Cre, Cim, D; state [y | Re s | Im s].
   */
  @Override
  protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
    return reference((S4dCore) core, p, x, state);
  }

  static double[] reference(S4dCore c, double[] p, double[] x, double[] state) {
    int in = c.inputSize();
    int h = c.hiddenSize();
    int m = c.order() / 2;
    int hm = h * m;
    int bin = in * h;
    int logDt = bin + h;
    int are = logDt + h;
    int aim = are + hm;
    int cre = aim + hm;
    int cim = cre + hm;
    int d = cim + hm;
    double[] next = new double[h + 2 * hm];
    for (int j = 0; j < h; j++) {
      double u = p[bin + j];
      for (int k = 0; k < in; k++) {
        u += x[k] * p[k * h + j];
      }
      double dt = Math.exp(p[logDt + j]);
      double read = 0;
      for (int n = 0; n < m; n++) {
        int i = j * m + n;
        double aRe = -Math.exp(p[are + i]);
        double aIm = p[aim + i];
        double mag = Math.exp(dt * aRe);
        double lRe = mag * Math.cos(dt * aIm);
        double lIm = mag * Math.sin(dt * aIm);
        // (Ā − 1) / A = (Ā − 1) conj(A) / |A|²
        double den = aRe * aRe + aIm * aIm;
        double bRe = ((lRe - 1) * aRe + lIm * aIm) / den;
        double bIm = (lIm * aRe - (lRe - 1) * aIm) / den;
        double sRe = state[h + i];
        double sIm = state[h + hm + i];
        double nRe = lRe * sRe - lIm * sIm + bRe * u;
        double nIm = lRe * sIm + lIm * sRe + bIm * u;
        next[h + i] = nRe;
        next[h + hm + i] = nIm;
        read += p[cre + i] * nRe - p[cim + i] * nIm;
      }
      next[j] = Math.tanh(2 * read + p[d + j] * u);
    }
    return next;
  }
}
