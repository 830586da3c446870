package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.ScalarOps;
import org.junit.jupiter.api.Test;

/**
 * {@link LayerNormGruCore} against {@link RecurrentCoreContract}, with its equations (layer norm per gate block
 * of each projection, then the reset-after GRU) written once more in double.
 */
class LayerNormGruCoreTest extends RecurrentCoreContract {

  @Override
  protected RecurrentCore core(int inputSize, int hiddenSize) {
    return new LayerNormGruCore(inputSize, hiddenSize);
  }

  /**
   * a = LN(x Wx; gx, bx), c = LN(h Wh; gh, bh), each block [r | z | n] normalised over its own H features;
   * r = sigmoid(a_r + c_r), z = sigmoid(a_z + c_z), n = tanh(a_n + r c_n); h' = (1 - z) n + z h. State [h].
   */
  @Override
  protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
    int in = core.inputSize();
    int h = core.hiddenSize();
    int g3 = 3 * h;
    int wh = in * g3;
    int gx = wh + h * g3;
    double[] pa = new double[g3];
    double[] pc = new double[g3];
    for (int j = 0; j < g3; j++) {
      for (int k = 0; k < in; k++) {
        pa[j] += x[k] * p[k * g3 + j];
      }
      for (int k = 0; k < h; k++) {
        pc[j] += state[k] * p[wh + k * g3 + j];
      }
    }
    double[] a = layerNorm(pa, p, gx, gx + g3, h);
    double[] c = layerNorm(pc, p, gx + 2 * g3, gx + 3 * g3, h);
    double[] next = new double[h];
    for (int j = 0; j < h; j++) {
      double r = sig(a[j] + c[j]);
      double z = sig(a[h + j] + c[h + j]);
      double n = candidate(a[2 * h + j] + r * c[2 * h + j]);
      next[j] = (1 - z) * n + z * state[j];
    }
    return next;
  }

  /** The candidate's activation of its pre-activation: tanh here. */
  protected double candidate(double pre) {
    return Math.tanh(pre);
  }

  /** gamma (v - mean) / sqrt(var + 1e-5) + beta over each H-wide block of v apart. */
  private static double[] layerNorm(double[] v, double[] p, int gamma, int beta, int h) {
    double[] out = new double[v.length];
    for (int q = 0; q < 3; q++) {
      double mean = 0;
      for (int j = 0; j < h; j++) {
        mean += v[q * h + j] / h;
      }
      double var = 0;
      for (int j = 0; j < h; j++) {
        double d = v[q * h + j] - mean;
        var += d * d / h;
      }
      for (int j = 0; j < h; j++) {
        int i = q * h + j;
        out[i] = p[gamma + i] * (v[i] - mean) / Math.sqrt(var + 1e-5) + p[beta + i];
      }
    }
    return out;
  }

  /**
   * Pins "per gate block": scaling the update gate's columns of Wx and the candidate's columns of Wh leaves
   * every step unchanged (each block has its own statistics), which a norm over all 3H features, a norm of
   * the summed projections or no norm at all would not; a reference written from the same misreading could
   * not tell.
   */
  @Test
  void rescalingOneGateBlockOfEitherProjectionChangesNothing() {
    RecurrentCore c = core(IN, HIDDEN);
    int g3 = 3 * HIDDEN;
    float[] p = params(c, 61);
    float[] q = p.clone();
    for (int k = 0; k < IN; k++) {
      for (int j = HIDDEN; j < 2 * HIDDEN; j++) {
        q[k * g3 + j] *= 3f; // Wx, z block
      }
    }
    for (int k = 0; k < HIDDEN; k++) {
      for (int j = 2 * HIDDEN; j < g3; j++) {
        q[(IN + k) * g3 + j] *= 0.5f; // Wh, n block
      }
    }
    int rows = 2;
    int steps = 10;
    float[] x = uniform(steps * rows * IN, 62, 1.5);
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      float[] s = unroll(c, ops, p, x, rows, steps);
      float[] t = unroll(c, ops, q, x, rows, steps);
      double diff = 0;
      for (int i = 0; i < s.length; i++) {
        diff = Math.max(diff, Math.abs(s[i] - t[i]));
      }
      assertTrue(diff < 1e-4, ops.name() + ": rescaled block changed the state by " + diff);
    }
    // And the test can fail: the same scaling spread over two blocks' columns changes the states.
    for (int k = 0; k < IN; k++) {
      q[k * g3] *= 3f; // Wx, first column of the r block only
    }
    float[] s = unroll(c, BatchOps.best(), p, x, rows, steps);
    float[] t = unroll(c, BatchOps.best(), q, x, rows, steps);
    double diff = 0;
    for (int i = 0; i < s.length; i++) {
      diff = Math.max(diff, Math.abs(s[i] - t[i]));
    }
    assertTrue(diff > 1e-2, "rescaling part of a block must change the state, changed by " + diff);
  }

  private static float[] unroll(RecurrentCore c, BatchOps ops, float[] p, float[] x, int rows, int steps) {
    return unroll(c, ops, p, x, rows, steps, uniform(rows * c.stateSize(), 63, 0.5));
  }

  /** The state after {@code steps} kernel steps over {@code x} ({@code rows x IN} per step) from {@code state0}. */
  static float[] unroll(RecurrentCore c, BatchOps ops, float[] p, float[] x, int rows, int steps, float[] state0) {
    CoreKernel k = c.kernel(ops, rows);
    k.load(p, 0);
    float[] cur = state0.clone();
    float[] next = new float[cur.length];
    for (int t = 0; t < steps; t++) {
      k.step(rows, x, t * rows * IN, IN, cur, next);
      float[] tmp = cur;
      cur = next;
      next = tmp;
    }
    return cur;
  }

  private static double sig(double v) {
    return 1 / (1 + Math.exp(-v));
  }
}
