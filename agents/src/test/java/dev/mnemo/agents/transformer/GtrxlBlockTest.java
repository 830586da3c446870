package dev.mnemo.agents.transformer;

import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.B;
import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.D;
import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.FIRST;
import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.H;
import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.M;
import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.T;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.ScalarOps;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link GtrxlBlock} as a whole against a double-precision reference assembled from its javadoc (layer norm, the
 * attention's and the gate's own references, the MLP) and central finite differences of the loss
 * {@code L = sum G * out}, over the attention test's batch (memory partly hidden, an episode starting mid-segment);
 * each piece's gradient is also checked against SameDiff in its own test.
 */
class GtrxlBlockTest {

  static final int FF = 5;
  static final int ROWS = B * T;

  static final class Case {
    final GtrxlBlock block;
    final Map<String, ParamTensor> t;
    final float[] p;
    final float[] x;
    final float[] mem;
    final float[] gUp;
    final float[] out = new float[ROWS * D];
    final float[] dx = new float[ROWS * D];
    final float[] grad;
    final GtrxlBlock.Pass pass;

    Case(long seed, BatchOps ops) {
      block = new GtrxlBlock(D, H, M, T, FF, GtrxlGate.DEFAULT_GATE_BIAS, ops);
      t = block.layout("blk").stream().collect(Collectors.toMap(ParamTensor::name, v -> v));
      p = TransformerFixtures.uniform(block.paramCount(), seed, 0.6);
      // Layer-norm gains near 1 so the normalised rows keep their scale.
      for (String ln : List.of("blk.ln1.gamma", "blk.ln2.gamma")) {
        for (int i = t.get(ln).offset(); i < t.get(ln).end(); i++) {
          p[i] += 1f;
        }
      }
      x = TransformerFixtures.uniform(ROWS * D, seed + 1, 1.2);
      mem = TransformerFixtures.uniform(B * M * D, seed + 2, 1.2);
      gUp = TransformerFixtures.uniform(ROWS * D, seed + 3, 1.0);
      grad = new float[block.paramCount()];
      pass = block.newPass(B);
      pass.forward(B, p, 0, x, 0, mem, 0, FIRST, out, 0);
      pass.backward(p, 0, gUp, 0, dx, 0, grad, 0);
    }

    double[] reference(double[] pp, double[] xx) {
      return GtrxlBlockTest.reference(block, pp, xx, TransformerFixtures.toDouble(mem));
    }

    double loss(double[] pp, double[] xx) {
      return TransformerFixtures.dot(gUp, reference(pp, xx));
    }
  }

  /** The block's javadoc in double for block parameters {@code pp}, rows {@code xx} and memory {@code mm}. */
  static double[] reference(GtrxlBlock block, double[] pp, double[] xx, double[] mm) {
    Map<String, ParamTensor> t = block.layout("blk").stream().collect(Collectors.toMap(ParamTensor::name, v -> v));
    double[] ln1x = layerNorm(xx, pp, t.get("blk.ln1.gamma").offset());
    double[] ln1m = layerNorm(mm, pp, t.get("blk.ln1.gamma").offset());
    int att = t.get("blk.att.Wq").offset();
    double[] y = CausalMemoryAttentionTest.reference(java.util.Arrays.copyOfRange(pp, att,
        att + block.attention().paramCount()), ln1x, ln1m);
    int g1 = t.get("blk.gate1.Wr").offset();
    double[] e1 = GtrxlGateTest.reference(java.util.Arrays.copyOfRange(pp, g1, g1 + 6 * D * D), xx, relu(y));
    double[] ln2 = layerNorm(e1, pp, t.get("blk.ln2.gamma").offset());
    double[] f = new double[ROWS * D];
    int w1 = t.get("blk.W1").offset();
    int b1 = t.get("blk.b1").offset();
    int w2 = t.get("blk.W2").offset();
    int b2 = t.get("blk.b2").offset();
    for (int r = 0; r < ROWS; r++) {
      double[] hid = new double[FF];
      for (int j = 0; j < FF; j++) {
        double acc = pp[b1 + j];
        for (int e = 0; e < D; e++) {
          acc += ln2[r * D + e] * pp[w1 + e * FF + j];
        }
        hid[j] = Math.max(acc, 0);
      }
      for (int j = 0; j < D; j++) {
        double acc = pp[b2 + j];
        for (int e = 0; e < FF; e++) {
          acc += hid[e] * pp[w2 + e * D + j];
        }
        f[r * D + j] = acc;
      }
    }
    int g2 = t.get("blk.gate2.Wr").offset();
    return GtrxlGateTest.reference(java.util.Arrays.copyOfRange(pp, g2, g2 + 6 * D * D), e1, relu(f));
  }

  static double[] relu(double[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = Math.max(a[i], 0);
    }
    return r;
  }

  /** Per row of {@link CausalMemoryAttentionTest#D}: (a - mean) / sqrt(var + 1e-5) * gamma + beta. */
  static double[] layerNorm(double[] a, double[] pp, int gammaOff) {
    double[] y = new double[a.length];
    for (int r = 0; r < a.length / D; r++) {
      double mean = 0;
      for (int e = 0; e < D; e++) {
        mean += a[r * D + e] / D;
      }
      double var = 0;
      for (int e = 0; e < D; e++) {
        var += (a[r * D + e] - mean) * (a[r * D + e] - mean) / D;
      }
      double rstd = 1 / Math.sqrt(var + 1e-5);
      for (int e = 0; e < D; e++) {
        y[r * D + e] = (a[r * D + e] - mean) * rstd * pp[gammaOff + e] + pp[gammaOff + D + e];
      }
    }
    return y;
  }

  @Test
  void forwardMatchesTheDoubleReferenceOnBothEngines() {
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      Case c = new Case(1, ops);
      TransformerFixtures.assertClose(c.reference(TransformerFixtures.toDouble(c.p), TransformerFixtures.toDouble(c.x)),
          TransformerFixtures.toDouble(c.out), 1e-5, ops.name() + " block output");
    }
  }

  @Test
  void gradientsMatchCentralFiniteDifferencesInDoublePrecision() {
    Case c = new Case(2, BatchOps.best());
    double[] pp = TransformerFixtures.toDouble(c.p);
    double[] xx = TransformerFixtures.toDouble(c.x);
    TransformerFixtures.assertFiniteDifferences(pp, v -> c.loss(v, xx), TransformerFixtures.toDouble(c.grad),
        "block parameters");
    TransformerFixtures.assertFiniteDifferences(xx, v -> c.loss(pp, v), TransformerFixtures.toDouble(c.dx), "x");
  }

  /**
   * The memory shapes the output (and the first layer norm's gradient) but receives none: the block has no
   * memory gradient to give, and the gain of LN_1 moves when only the memory changes.
   */
  @Test
  void memoryIsUsedWithoutAGradientOfItsOwn() {
    Case a = new Case(3, BatchOps.best());
    float[] mem2 = a.mem.clone();
    for (int i = 0; i < D; i++) {
      mem2[i] += 0.9f * (i % 3); // segment 0's first memory row (not a constant shift, which LN_1 removes)
    }
    float[] out2 = new float[ROWS * D];
    float[] dx2 = new float[ROWS * D];
    float[] grad2 = new float[a.block.paramCount()];
    a.pass.forward(B, a.p, 0, a.x, 0, mem2, 0, FIRST, out2, 0);
    a.pass.backward(a.p, 0, a.gUp, 0, dx2, 0, grad2, 0);
    assertNotEquals(a.out[0], out2[0], "visible memory changes the output");
    int gamma = a.t.get("blk.ln1.gamma").offset();
    assertNotEquals(a.grad[gamma], grad2[gamma], "LN_1's gain sees the memory rows");
  }

  /** Freshly initialised, the block changes its input little: gates nearly closed (b_g = 2). */
  @Test
  void startsNearTheIdentity() {
    int d = 32;
    GtrxlBlock block = new GtrxlBlock(d, 2, 8, 8, 64, GtrxlGate.DEFAULT_GATE_BIAS, BatchOps.best());
    float[] p = new float[block.paramCount()];
    block.initialize(p, 0, new SplittableRandom(4));
    float[] x = TransformerFixtures.uniform(2 * 8 * d, 5, 1.0);
    float[] mem = TransformerFixtures.uniform(2 * 8 * d, 6, 1.0);
    float[] out = new float[x.length];
    block.newPass(2).forward(2, p, 0, x, 0, mem, 0, new int[16], out, 0);
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < x.length; i++) {
      diff += (out[i] - x[i]) * (out[i] - x[i]);
      norm += x[i] * x[i];
    }
    assertTrue(Math.sqrt(diff / norm) < 0.35, "relative change " + Math.sqrt(diff / norm));
    assertEquals(block.paramCount(), block.layout("b").get(block.layout("b").size() - 1).end());
  }
}
