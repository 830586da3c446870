package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.ScalarOps;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link LinearAttentionCore} against {@link RecurrentCoreContract} (the registry's 4 heads, which do not divide
 * the contract's H = 9: d = 3, A = 12; and, nested, 3 heads with A = H), with the step written once more in
 * double; then what is linear attention's own: the recurrent form equals causal attention written without any
 * recurrence, and the documented layout.
 */
class LinearAttentionCoreTest extends RecurrentCoreContract {

  @Override
  protected RecurrentCore core(int inputSize, int hiddenSize) {
    return new LinearAttentionCore(inputSize, hiddenSize);
  }

  @Override
  protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
    return reference((LinearAttentionCore) core, p, x, state);
  }

  /** y, S and uniform; z, a sum of positive features in every state the core reaches, in [0.25, 1.25). */
  @Override
  protected float[] initialState(RecurrentCore c, int rows, long seed) {
    return reachable((LinearAttentionCore) c, rows, seed);
  }

  static float[] reachable(LinearAttentionCore c, int rows, long seed) {
    int s = c.stateSize();
    float[] st = uniform(rows * s, seed, 0.5);
    int z = s - c.attentionWidth();
    for (int r = 0; r < rows; r++) {
      for (int j = z; j < s; j++) {
        st[r * s + j] = Math.abs(st[r * s + j]) * 2 + 0.25f;
      }
    }
    return st;
  }

  static double phi(double a) {
    return a > 0 ? a + 1 : Math.exp(a);
  }

  /** The projection [q | k | v] = x Wqkv + bqkv in double (3A values). */
  static double[] project(LinearAttentionCore c, double[] p, double[] x) {
    int a3 = 3 * c.attentionWidth();
    int in = c.inputSize();
    double[] out = new double[a3];
    for (int j = 0; j < a3; j++) {
      double acc = p[in * a3 + j];
      for (int i = 0; i < in; i++) {
        acc += x[i] * p[i * a3 + j];
      }
      out[j] = acc;
    }
    return out;
  }

  /** y = tanh([o | x] Wy + by) in double. */
  static double[] readout(LinearAttentionCore c, double[] p, double[] o, double[] x) {
    int a = c.attentionWidth();
    int in = c.inputSize();
    int h = c.hiddenSize();
    int wy = (in + 1) * 3 * a;
    int by = wy + (a + in) * h;
    double[] y = new double[h];
    for (int j = 0; j < h; j++) {
      double acc = p[by + j];
      for (int i = 0; i < a; i++) {
        acc += o[i] * p[wy + i * h + j];
      }
      for (int i = 0; i < in; i++) {
        acc += x[i] * p[wy + (a + i) * h + j];
      }
      y[j] = Math.tanh(acc);
    }
    return y;
  }

  /**
   * Per head: S += φ(k) vᵀ, z += φ(k), o = φ(q)ᵀ S / (φ(q)·z + ε); y = tanh([o | x] Wy + by). State [y | S | z],
   * each S [key feature][value].
   */
  static double[] reference(LinearAttentionCore c, double[] p, double[] x, double[] state) {
    int heads = c.heads();
    int d = c.headSize();
    int a = c.attentionWidth();
    int h = c.hiddenSize();
    double[] pr = project(c, p, x);
    double[] next = new double[c.stateSize()];
    double[] o = new double[a];
    int sBase = h;
    int zBase = h + heads * d * d;
    for (int hd = 0; hd < heads; hd++) {
      double[] q = new double[d];
      double[] k = new double[d];
      double[] v = new double[d];
      for (int i = 0; i < d; i++) {
        q[i] = phi(pr[hd * d + i]);
        k[i] = phi(pr[a + hd * d + i]);
        v[i] = pr[2 * a + hd * d + i];
      }
      double den = LinearAttentionCore.EPS;
      for (int i = 0; i < d; i++) {
        double z = state[zBase + hd * d + i] + k[i];
        next[zBase + hd * d + i] = z;
        den += q[i] * z;
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          int idx = sBase + hd * d * d + i * d + j;
          next[idx] = state[idx] + k[i] * v[j];
        }
      }
      for (int j = 0; j < d; j++) {
        double num = 0;
        for (int i = 0; i < d; i++) {
          num += q[i] * next[sBase + hd * d * d + i * d + j];
        }
        o[hd * d + j] = num / den;
      }
    }
    System.arraycopy(readout(c, p, o, x), 0, next, 0, h);
    return next;
  }

  /** The full contract for 3 heads of 3 (A = H = 9): heads that divide H, and a state of H + H²/3 + H. */
  @Nested
  class ThreeHeads extends RecurrentCoreContract {

    @Override
    protected RecurrentCore core(int inputSize, int hiddenSize) {
      return new LinearAttentionCore(inputSize, hiddenSize, 3);
    }

    @Override
    protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
      return reference((LinearAttentionCore) core, p, x, state);
    }

    @Override
    protected float[] initialState(RecurrentCore c, int rows, long seed) {
      return reachable((LinearAttentionCore) c, rows, seed);
    }

    /** The contract's layout check without its registry clause: {@code core = linattn} builds 4 heads. */
    @Override
    @Test
    void layoutIsNamedForTheCoreAndContiguous() {
      LinearAttentionCore c = (LinearAttentionCore) core(IN, HIDDEN);
      int off = 0;
      for (ParamTensor t : c.layout()) {
        assertTrue(t.name().startsWith("linattn."), t.name());
        assertEquals(off, t.offset(), t.name());
        off = t.end();
      }
      assertEquals(off, c.paramCount());
      assertEquals(3, c.headSize());
      assertEquals(HIDDEN + 3 * 9 + 9, c.stateSize());
    }
  }

  @Test
  void layoutAndStateAreTheDocumentedOnes() {
    LinearAttentionCore c = new LinearAttentionCore(IN, HIDDEN);
    assertEquals(4, c.heads());
    assertEquals(3, c.headSize(), "d = ceil(9 / 4)");
    assertEquals(12, c.attentionWidth());
    assertEquals(HIDDEN + 4 * 3 * 3 + 12, c.stateSize(), "[y | S (heads d²) | z (A)]");
    String[] names = c.layout().stream().map(ParamTensor::name).toArray(String[]::new);
    assertArrayEquals(new String[] {"linattn.Wqkv", "linattn.bqkv", "linattn.Wy", "linattn.by"}, names);
    assertEquals(IN, c.layout().get(0).rows());
    assertEquals(36, c.layout().get(0).cols());
    assertEquals(12 + IN, c.layout().get(2).rows());
    assertEquals(c.layout().get(2).offset(), c.readoutOffset());
    assertEquals(RecurrentCores.create("linattn", IN, HIDDEN), c);
    assertTrue(RecurrentCores.names().contains("linattn"));
    LinearAttentionCore wide = new LinearAttentionCore(16, 128);
    assertEquals(128 + 4 * 32 * 32 + 128, wide.stateSize(), "H = 128: H²/4 + 2H, not H²");
    assertEquals(16L * 384 + 4 * (2 * 32 * 32 + 32) + 144L * 128, wide.macsPerStep());
  }

  /**
   * From the zero state the recurrence is causal linear attention: for every step t and head, {@code o_t = Σ_{s<=t}
   * (φ(q_t)·φ(k_s)) v_s / (Σ_{s<=t} φ(q_t)·φ(k_s) + ε)}, computed here in double from the whole history, with no
   * S and no z; y_t = tanh([o_t | x_t] Wy + by). The acting kernel (both ops) and the training form must give it
   * to 1e-5 over 60 steps. A denominator read before the step's key is added, or without φ(q), or summed over
   * other steps than the numerator's, fails this at the first step already.
   */
  @Test
  void recurrentFormEqualsCausalAttentionOverTheWholeHistory() {
    LinearAttentionCore c = new LinearAttentionCore(IN, HIDDEN);
    int rows = 3;
    int steps = 60;
    int s = c.stateSize();
    int h = c.hiddenSize();
    int a = c.attentionWidth();
    int d = c.headSize();
    float[] p = params(c, 81);
    double[] pd = toDouble(p);
    float[] x = uniform(steps * rows * IN, 82, 1.5);
    double[][] want = new double[steps * rows][];
    for (int b = 0; b < rows; b++) {
      double[][] q = new double[steps][];
      double[][] k = new double[steps][];
      double[][] v = new double[steps][];
      double[][] xs = new double[steps][IN];
      for (int t = 0; t < steps; t++) {
        for (int i = 0; i < IN; i++) {
          xs[t][i] = x[(t * rows + b) * IN + i];
        }
        double[] pr = project(c, pd, xs[t]);
        q[t] = new double[a];
        k[t] = new double[a];
        v[t] = new double[a];
        for (int j = 0; j < a; j++) {
          q[t][j] = phi(pr[j]);
          k[t][j] = phi(pr[a + j]);
          v[t][j] = pr[2 * a + j];
        }
      }
      for (int t = 0; t < steps; t++) {
        double[] o = new double[a];
        for (int hd = 0; hd < c.heads(); hd++) {
          double norm = 0;
          double[] num = new double[d];
          for (int u = 0; u <= t; u++) {
            double weight = 0;
            for (int i = 0; i < d; i++) {
              weight += q[t][hd * d + i] * k[u][hd * d + i];
            }
            norm += weight;
            for (int j = 0; j < d; j++) {
              num[j] += weight * v[u][hd * d + j];
            }
          }
          for (int j = 0; j < d; j++) {
            o[hd * d + j] = num[j] / (norm + LinearAttentionCore.EPS);
          }
        }
        want[t * rows + b] = readout(c, pd, o, xs[t]);
      }
    }

    float[] zero = new float[rows * s];
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      CoreKernel kernel = c.kernel(ops, rows);
      kernel.load(p, 0);
      float[] cur = zero.clone();
      float[] next = new float[cur.length];
      for (int t = 0; t < steps; t++) {
        kernel.step(rows, x, t * rows * IN, IN, cur, next);
        float[] tmp = cur;
        cur = next;
        next = tmp;
        for (int b = 0; b < rows; b++) {
          assertOutputClose(want[t * rows + b], cur, b * s, h, ops.name() + " kernel vs causal attention, t=" + t
              + ", row " + b);
        }
      }
    }
    CoreTraining tr = c.training(BatchOps.best());
    tr.load(p, 0);
    CoreTraining.Pass pass = tr.newPass(rows, steps);
    pass.forward(x, 0, IN, zero, 0);
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < rows; b++) {
        assertOutputClose(want[t * rows + b], pass.output(), pass.outputOffset() + (t * rows + b)
            * pass.outputStride(), h, "training form vs causal attention, t=" + t + ", row " + b);
      }
    }
  }

  private static void assertOutputClose(double[] want, float[] got, int off, int h, String what) {
    for (int j = 0; j < h; j++) {
      if (!(Math.abs(got[off + j] - want[j]) <= 1e-5 * Math.max(1, Math.abs(want[j])))) {
        fail(what + ": y[" + j + "] expected " + want[j] + ", got " + got[off + j]);
      }
    }
  }

  /** The read is a convex combination of the values: y stays bounded as S and z grow with the episode. */
  @Test
  void memoryGrowsWithTheEpisodeWhileTheReadStaysAnAverage() {
    LinearAttentionCore c = new LinearAttentionCore(IN, HIDDEN);
    float[] p = params(c, 91);
    int s = c.stateSize();
    CoreKernel k = c.kernel(BatchOps.best(), 1);
    k.load(p, 0);
    float[] cur = new float[s];
    float[] next = new float[s];
    Random r = new Random(92);
    float[] x = new float[IN];
    for (int t = 0; t < 2000; t++) {
      for (int i = 0; i < IN; i++) {
        x[i] = (float) r.nextGaussian();
      }
      k.step(1, x, 0, IN, cur, next);
      float[] tmp = cur;
      cur = next;
      next = tmp;
    }
    double zMin = Double.MAX_VALUE;
    for (int j = s - c.attentionWidth(); j < s; j++) {
      zMin = Math.min(zMin, cur[j]);
    }
    assertTrue(zMin > 50, "z is a sum of 2000 positive features: " + zMin);
    for (int j = 0; j < HIDDEN; j++) {
      assertTrue(Math.abs(cur[j]) < 1, "y in (-1, 1)");
    }
  }
}
