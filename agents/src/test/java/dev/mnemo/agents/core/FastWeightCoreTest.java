package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.ScalarOps;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link FastWeightCore} against {@link RecurrentCoreContract}: the registry's delta rule with 4 heads (d = 3 for
 * the contract's H = 9) and, nested, the sum rule with 3 heads, with both rules written once more in double; then
 * what the rules promise: writing one key again and again, the delta rule's memory returns the key's value and no
 * more, the sum rule's returns it once per write.
 */
class FastWeightCoreTest extends RecurrentCoreContract {

  @Override
  protected RecurrentCore core(int inputSize, int hiddenSize) {
    return new FastWeightCore(inputSize, hiddenSize);
  }

  @Override
  protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
    return reference((FastWeightCore) core, p, x, state);
  }

  /** Per head: (q̂, k̂, v, β) of one input in double: [0] = q̂, [1] = k̂, [2] = v, [3][0] = β (1 for the sum rule). */
  static double[][][] headInputs(FastWeightCore c, double[] p, double[] x) {
    int heads = c.heads();
    int d = c.headSize();
    int a = c.attentionWidth();
    int in = c.inputSize();
    int a3 = 3 * a;
    double[] pr = new double[a3];
    for (int j = 0; j < a3; j++) {
      double acc = p[in * a3 + j];
      for (int i = 0; i < in; i++) {
        acc += x[i] * p[i * a3 + j];
      }
      pr[j] = acc;
    }
    double[][][] out = new double[heads][4][];
    int wb = (in + 1) * a3;
    for (int h = 0; h < heads; h++) {
      for (int block = 0; block < 3; block++) {
        double[] u = new double[d];
        double sq = 0;
        for (int i = 0; i < d; i++) {
          u[i] = pr[block * a + h * d + i];
          sq += u[i] * u[i];
        }
        if (block < 2) {
          double root = Math.sqrt(sq + FastWeightCore.EPS);
          for (int i = 0; i < d; i++) {
            u[i] /= root;
          }
        }
        out[h][block] = u;
      }
      double beta = 1;
      if (c.deltaRule()) {
        double logit = p[wb + in * heads + h];
        for (int i = 0; i < in; i++) {
          logit += x[i] * p[wb + i * heads + h];
        }
        beta = 1 / (1 + Math.exp(-logit));
      }
      out[h][3] = new double[] {beta};
    }
    return out;
  }

  /**
   * Per head, q̂ and k̂ unit (ε = 1e-6 under the root): delta rule S += β (v - S k̂) k̂ᵀ with β = σ(x Wβ + bβ), sum
   * rule S += v k̂ᵀ; o = S q̂; y = tanh([o | x] Wy + by). State [y | S], each S stored by key: (value i, key j)
   * at j d + i.
   */
  static double[] reference(FastWeightCore c, double[] p, double[] x, double[] state) {
    int heads = c.heads();
    int d = c.headSize();
    int a = c.attentionWidth();
    int h = c.hiddenSize();
    int in = c.inputSize();
    double[][][] hi = headInputs(c, p, x);
    double[] next = new double[c.stateSize()];
    double[] o = new double[a];
    for (int hd = 0; hd < heads; hd++) {
      double[] q = hi[hd][0];
      double[] k = hi[hd][1];
      double[] v = hi[hd][2];
      double beta = hi[hd][3][0];
      int base = h + hd * d * d;
      for (int i = 0; i < d; i++) {
        double write = v[i];
        if (c.deltaRule()) {
          double retrieved = 0;
          for (int j = 0; j < d; j++) {
            retrieved += state[base + j * d + i] * k[j];
          }
          write = beta * (v[i] - retrieved);
        }
        double read = 0;
        for (int j = 0; j < d; j++) {
          next[base + j * d + i] = state[base + j * d + i] + write * k[j];
          read += next[base + j * d + i] * q[j];
        }
        o[hd * d + i] = read;
      }
    }
    int wy = c.readoutOffset();
    int by = wy + (a + in) * h;
    for (int j = 0; j < h; j++) {
      double acc = p[by + j];
      for (int i = 0; i < a; i++) {
        acc += o[i] * p[wy + i * h + j];
      }
      for (int i = 0; i < in; i++) {
        acc += x[i] * p[wy + (a + i) * h + j];
      }
      next[j] = Math.tanh(acc);
    }
    return next;
  }

  /** The full contract for the sum rule (the S += v kᵀ) with 3 heads of 3. */
  @Nested
  class SumRule extends RecurrentCoreContract {

    @Override
    protected RecurrentCore core(int inputSize, int hiddenSize) {
      return new FastWeightCore(inputSize, hiddenSize, 3, false);
    }

    @Override
    protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
      return reference((FastWeightCore) core, p, x, state);
    }

    /** The contract's layout check without its registry clause: {@code core = fwp} builds the delta rule. */
    @Override
    @Test
    void layoutIsNamedForTheCoreAndContiguous() {
      FastWeightCore c = (FastWeightCore) core(IN, HIDDEN);
      int off = 0;
      for (ParamTensor t : c.layout()) {
        assertTrue(t.name().startsWith("fwp."), t.name());
        assertEquals(off, t.offset(), t.name());
        off = t.end();
      }
      assertEquals(off, c.paramCount());
      assertEquals(HIDDEN + 3 * 9, c.stateSize());
      String[] names = c.layout().stream().map(ParamTensor::name).toArray(String[]::new);
      assertArrayEquals(new String[] {"fwp.Wqkv", "fwp.bqkv", "fwp.Wy", "fwp.by"}, names);
      assertEquals(c.layout().get(2).offset(), c.readoutOffset());
    }
  }

  @Test
  void layoutAndStateAreTheDocumentedOnes() {
    FastWeightCore c = new FastWeightCore(IN, HIDDEN);
    assertTrue(c.deltaRule(), "core = fwp is the delta rule");
    assertEquals(4, c.heads());
    assertEquals(3, c.headSize(), "d = ceil(9 / 4)");
    assertEquals(HIDDEN + 4 * 3 * 3, c.stateSize(), "[y | S (heads d²)]");
    String[] names = c.layout().stream().map(ParamTensor::name).toArray(String[]::new);
    assertArrayEquals(new String[] {"fwp.Wqkv", "fwp.bqkv", "fwp.Wbeta", "fwp.bbeta", "fwp.Wy", "fwp.by"}, names);
    assertEquals(36, c.layout().get(0).cols());
    assertEquals(4, c.layout().get(2).cols());
    assertEquals(IN, c.layout().get(2).rows());
    assertEquals(c.layout().get(2).offset(), c.betaOffset());
    assertEquals(c.layout().get(4).offset(), c.readoutOffset());
    assertEquals(12 + IN, c.layout().get(4).rows());
    assertEquals(RecurrentCores.create("fwp", IN, HIDDEN), c);
    assertTrue(RecurrentCores.names().contains("fwp"));
    FastWeightCore wide = new FastWeightCore(16, 128);
    assertEquals(128 + 4 * 32 * 32, wide.stateSize(), "H = 128: H + H²/4");
    assertEquals(16L * (384 + 4) + 4 * (2 * 32 + 3 * 32 * 32) + 144L * 128, wide.macsPerStep());
  }

  /**
   * One input written n times from the zero state: the delta rule's retrieval S k̂ approaches v from below (its
   * error shrinks by {@code 1 - β |k̂|²} a write: after 40 writes with β near 1/2 it is v to 1e-4 of v's scale),
   * the sum rule's is n v. Read from the acting kernel's state (both ops), k̂ and v computed here in double.
   */
  @Test
  void rewritingAKeyReplacesItsValueUnderTheDeltaRuleAndAddsUnderTheSumRule() {
    int writes = 40;
    for (boolean delta : new boolean[] {true, false}) {
      FastWeightCore c = new FastWeightCore(IN, HIDDEN, 4, delta);
      float[] p = params(c, 101);
      float[] x = uniform(IN, 102, 1.5);
      double[][][] hi = headInputs(c, toDouble(p), toDouble(x));
      int s = c.stateSize();
      int d = c.headSize();
      for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
        CoreKernel k = c.kernel(ops, 1);
        k.load(p, 0);
        float[] cur = new float[s];
        float[] next = new float[s];
        for (int n = 0; n < writes; n++) {
          k.step(1, x, 0, IN, cur, next);
          float[] tmp = cur;
          cur = next;
          next = tmp;
        }
        for (int h = 0; h < c.heads(); h++) {
          double[] key = hi[h][1];
          double[] v = hi[h][2];
          double scale = 0;
          for (double e : v) {
            scale = Math.max(scale, Math.abs(e));
          }
          for (int i = 0; i < d; i++) {
            double retrieved = 0;
            for (int j = 0; j < d; j++) {
              retrieved += cur[HIDDEN + h * d * d + j * d + i] * key[j];
            }
            String what = (delta ? "delta" : "sum") + " rule, " + ops.name() + ", head " + h + ", value " + i;
            if (delta) {
              assertEquals(v[i], retrieved, 1e-4 * scale, what + ": S k̂ = v");
            } else {
              assertEquals(writes * v[i], retrieved, 1e-4 * writes * scale, what + ": S k̂ = n v");
            }
          }
        }
      }
    }
  }
}
