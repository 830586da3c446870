package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.ScalarOps;
import org.junit.jupiter.api.Test;

/** {@link GruCore} against {@link RecurrentCoreContract}, with the GRU equations written once more in double. */
class GruCoreTest extends RecurrentCoreContract {

  @Override
  protected RecurrentCore core(int inputSize, int hiddenSize) {
    return new GruCore(inputSize, hiddenSize);
  }

  /**
   * a = x Wx + bx, c = h Wh + bh; r = sigmoid(a_r + c_r), z = sigmoid(a_z + c_z), n = tanh(a_n + r c_n);
   * h' = (1 - z) n + z h. State [h].
   */
  @Override
  protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
    int in = core.inputSize();
    int h = core.hiddenSize();
    int g3 = 3 * h;
    int wh = in * g3;
    int bx = wh + h * g3;
    int bh = bx + g3;
    double[] a = new double[g3];
    double[] c = new double[g3];
    for (int j = 0; j < g3; j++) {
      double ax = p[bx + j];
      for (int k = 0; k < in; k++) {
        ax += x[k] * p[k * g3 + j];
      }
      double ch = p[bh + j];
      for (int k = 0; k < h; k++) {
        ch += state[k] * p[wh + k * g3 + j];
      }
      a[j] = ax;
      c[j] = ch;
    }
    double[] next = new double[h];
    for (int j = 0; j < h; j++) {
      double r = sig(a[j] + c[j]);
      double z = sig(a[h + j] + c[h + j]);
      double n = Math.tanh(a[2 * h + j] + r * c[2 * h + j]);
      next[j] = (1 - z) * n + z * state[j];
    }
    return next;
  }

  /**
   * Pins "reset after": with zero weights, b_hn = 1 and b_in = 0, the candidate is tanh(r b_hn), so closing
   * the reset gate (b_ir = -30) removes b_hn. "Reset before" (tanh(x W_in + (r h) W_hn + b_hn)) would give
   * tanh(1) either way; a reference written from the same misreading could not tell.
   */
  @Test
  void resetGateScalesTheHiddenBiasOfTheCandidate() {
    int h = 2;
    GruCore c = new GruCore(1, h);
    float[] p = new float[c.paramCount()];
    int bx = (1 + h) * 3 * h;
    int bh = bx + 3 * h;
    p[bh + 2 * h] = 1f; // b_hn of unit 0
    p[bh + 2 * h + 1] = 1f; // b_hn of unit 1
    p[bx] = -30f; // reset gate of unit 0 closed; unit 1's stays at 1/2
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      CoreKernel k = c.kernel(ops, 1);
      k.load(p, 0);
      float[] next = new float[h];
      k.step(1, new float[] {0.7f}, 0, 1, new float[h], next);
      // z = 1/2 and h = 0: h' = n / 2.
      assertEquals(0.0, next[0], 1e-7, ops.name() + ": closed reset gate removes b_hn");
      assertEquals(Math.tanh(0.5) / 2, next[1], 1e-6, ops.name() + ": half-open reset gate halves b_hn");
    }
  }

  private static double sig(double v) {
    return 1 / (1 + Math.exp(-v));
  }
}
