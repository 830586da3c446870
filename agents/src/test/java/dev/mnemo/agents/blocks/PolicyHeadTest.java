package dev.mnemo.agents.blocks;

import static dev.mnemo.agents.blocks.HeadFixtures.assertClose;
import static dev.mnemo.agents.blocks.HeadFixtures.dense;
import static dev.mnemo.agents.blocks.HeadFixtures.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.QuietSameDiff;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.ScalarOps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link PolicyHead} (with {@link Softmax} on its output) against a double-precision reference, SameDiff
 * autodiff (1e-4) and central finite differences (1e-5 of the gradient's scale), with no hidden layer and
 * with two. The loss exercises every piece PPO uses, over a window of rows inside a larger pass:
 * {@code L = sum G * z + sum Q * log pi + beta * sum_rows H(pi)}.
 */
class PolicyHeadTest {

  static final int H = 9;
  static final int A = 5;
  static final int ROWS = 12;
  static final int R0 = 3;
  static final int NW = 7;
  /** Input rows live at an offset in a wider buffer, parameters behind a block offset. */
  static final int H_OFF = 2;
  static final int LDH = 13;
  static final int P_OFF = 4;
  static final double BETA = 0.37;

  static Stream<List<Integer>> hiddenSizes() {
    return Stream.of(List.of(), List.of(11, 6));
  }

  @ParameterizedTest
  @MethodSource("hiddenSizes")
  void forwardMatchesTheDoubleReference(List<Integer> hidden) {
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      PolicyHead head = new PolicyHead(ops, H, hidden, A);
      List<ParamTensor> layout = head.layout("pi");
      float[] p = HeadFixtures.params(layout, 1);
      head.load(HeadFixtures.withPadding(p, P_OFF), P_OFF);
      float[] h = HeadFixtures.uniform(H_OFF + ROWS * LDH, 2, 1.5);
      PolicyHead.Pass pass = head.newPass(ROWS);
      pass.forward(h, H_OFF, LDH);
      for (int r = 0; r < ROWS; r++) {
        double[] z = HeadFixtures.referenceMlp(layout, toDouble(p), row(h, r));
        assertClose(z, dense(pass.logits(), r * pass.logitsLd(), 0, 1, A), 1e-5, ops.name() + " logits of row " + r);
        assertClose(logSoftmax(z), dense(pass.logProbs(), r * A, 0, 1, A), 1e-5, ops.name() + " log pi of row " + r);
      }
    }
  }

  /** The same products over fewer rows: equal up to the products' row tiling (an ulp or so), not bitwise. */
  @ParameterizedTest
  @MethodSource("hiddenSizes")
  void actingFormMatchesTheTrainingPass(List<Integer> hidden) {
    PolicyHead head = new PolicyHead(BatchOps.best(), H, hidden, A);
    head.load(HeadFixtures.withPadding(HeadFixtures.params(head.layout("pi"), 3), P_OFF), P_OFF);
    float[] h = HeadFixtures.uniform(H_OFF + ROWS * LDH, 4, 1.5);
    PolicyHead.Pass pass = head.newPass(ROWS);
    pass.forward(h, H_OFF, LDH);
    PolicyHead.Acting acting = head.newActing(8);
    int rows = 5; // fewer than maxRows, starting at row 3 of the pass
    acting.forward(rows, h, H_OFF + 3 * LDH, LDH);
    for (int r = 0; r < rows; r++) {
      assertClose(toDouble(dense(pass.logits(), (3 + r) * pass.logitsLd(), 0, 1, A)),
          dense(acting.logits(), r * acting.logitsLd(), 0, 1, A), 1e-6, "logits of row " + r);
      assertClose(toDouble(dense(pass.logProbs(), (3 + r) * A, 0, 1, A)), dense(acting.logProbs(), r * A, 0, 1, A),
          1e-6, "log pi of row " + r);
    }
  }

  @ParameterizedTest
  @MethodSource("hiddenSizes")
  void gradientsMatchSameDiffAutodiff(List<Integer> hidden) {
    Case c = new Case(hidden, 5);
    SameDiff sd = SameDiff.create();
    Map<String, SDVariable> w = HeadFixtures.sameDiffParams(sd, c.layout, c.p);
    SDVariable h = sd.var("h", Nd4j.create(c.hWindow, new long[] {NW, H}, 'c'));
    SDVariable z = HeadFixtures.sameDiffMlp(sd, w, c.layout, h);
    // log pi = z - log sum exp z, H = -sum pi log pi: primitive ops only.
    SDVariable logp = z.sub(sd.math().log(sd.math().exp(z).sum(true, 1)));
    SDVariable entropy = sd.math().exp(logp).mul(logp).sum().neg();
    SDVariable g = sd.constant("G", Nd4j.create(c.g, new long[] {NW, A}, 'c'));
    SDVariable q = sd.constant("Q", Nd4j.create(c.q, new long[] {NW, A}, 'c'));
    SDVariable loss = z.mul(g).sum().add(logp.mul(q).sum()).add(entropy.mul(BETA));
    sd.setLossVariables(loss);
    List<String> names = new java.util.ArrayList<>();
    for (ParamTensor t : c.layout) {
      names.add(t.name());
    }
    names.add("h");
    Map<String, INDArray> sdGrad = QuietSameDiff.calculateGradients(sd, new HashMap<>(), names);
    for (ParamTensor t : c.layout) {
      assertClose(toDouble(sdGrad.get(t.name()).dup('c').data().asFloat()),
          java.util.Arrays.copyOfRange(c.grad, t.offset(), t.end()), 1e-4, "dLoss/d" + t.name() + " vs SameDiff");
    }
    assertClose(toDouble(sdGrad.get("h").dup('c').data().asFloat()), c.dh, 1e-4, "dLoss/dh vs SameDiff");
  }

  @ParameterizedTest
  @MethodSource("hiddenSizes")
  void gradientsMatchCentralFiniteDifferencesInDoublePrecision(List<Integer> hidden) {
    Case c = new Case(hidden, 6);
    double[] fd = HeadFixtures.finiteDifferences(toDouble(c.p), toDouble(c.hWindow), c::referenceLoss);
    float[] got = new float[fd.length];
    System.arraycopy(c.grad, 0, got, 0, c.grad.length);
    System.arraycopy(c.dh, 0, got, c.grad.length, c.dh.length);
    double scale = 0;
    for (float v : got) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < fd.length; i++) {
      if (Math.abs(fd[i] - got[i]) > 1e-5 * scale) {
        String what = i < c.grad.length ? HeadFixtures.name(c.layout, i) : "h[" + (i - c.grad.length) + "]";
        fail(what + ": head " + got[i] + ", finite differences " + fd[i] + " (scale " + scale + ")");
      }
    }
  }

  @Test
  void initialPolicyIsNearUniformAndSeeded() {
    PolicyHead head = new PolicyHead(BatchOps.best(), H, List.of(16), A);
    float[] a = new float[head.paramCount() + 6];
    float[] b = new float[head.paramCount() + 6];
    java.util.Arrays.fill(a, 42f);
    java.util.Arrays.fill(b, 42f);
    head.initialize(a, 3, new SplittableRandom(8));
    head.initialize(b, 3, new SplittableRandom(8));
    assertArrayEquals(a, b, "same seed, same parameters");
    for (int i : new int[] {0, 1, 2, a.length - 3, a.length - 2, a.length - 1}) {
      assertEquals(42f, a[i], "wrote outside its block at " + i);
    }
    head.load(a, 3);
    PolicyHead.Pass pass = head.newPass(ROWS);
    pass.forward(HeadFixtures.uniform(ROWS * H, 9, 1.0), 0, H);
    for (int k = 0; k < ROWS * A; k++) {
      float lp = pass.logProbs()[k];
      assertTrue(Math.abs(lp + Math.log(A)) < 0.05, "initial log pi " + lp + " far from log(1/A)");
    }
  }

  @Test
  void layoutIsContiguousAndNamed() {
    PolicyHead head = new PolicyHead(BatchOps.best(), H, List.of(11, 6), A);
    List<ParamTensor> l = head.layout("pi");
    assertEquals(List.of("pi.W0", "pi.b0", "pi.W1", "pi.b1", "pi.W2", "pi.b2"),
        l.stream().map(ParamTensor::name).toList());
    int off = 0;
    for (ParamTensor t : l) {
      assertEquals(off, t.offset(), t.name() + " follows the previous tensor");
      off = t.end();
    }
    assertEquals(off, head.paramCount());
    assertEquals(6, l.get(4).rows(), "the output layer reads the last hidden layer");
    assertEquals(A, l.get(4).cols());
  }

  // ---------------------------------------------------------------------------------------------------------

  /** A forward over {@link #ROWS} rows and the backward of the loss over window rows {@code [R0, R0 + NW)}. */
  static final class Case {
    final List<ParamTensor> layout;
    final float[] p;
    final float[] hWindow;
    final float[] g;
    final float[] q;
    final float[] grad;
    final float[] dh;

    Case(List<Integer> hidden, long seed) {
      PolicyHead head = new PolicyHead(BatchOps.best(), H, hidden, A);
      layout = head.layout("pi");
      p = HeadFixtures.params(layout, seed);
      head.load(HeadFixtures.withPadding(p, P_OFF), P_OFF);
      float[] h = HeadFixtures.uniform(H_OFF + ROWS * LDH, seed + 1, 1.5);
      hWindow = dense(h, H_OFF + R0 * LDH, LDH, NW, H);
      g = HeadFixtures.uniform(NW * A, seed + 2, 1.0);
      q = HeadFixtures.uniform(NW * A, seed + 3, 1.0);
      PolicyHead.Pass pass = head.newPass(ROWS);
      pass.forward(h, H_OFF, LDH);
      float[] dz = new float[NW * A];
      float[] logp = pass.logProbs();
      for (int r = 0; r < NW; r++) {
        int lo = (R0 + r) * A;
        Softmax.logSoftmaxBackward(logp, lo, A, q, r * A, dz, r * A);
        Softmax.addEntropyGradient(logp, lo, A, BETA, dz, r * A);
        for (int j = 0; j < A; j++) {
          dz[r * A + j] += g[r * A + j];
        }
      }
      float[] gradPadded = new float[head.paramCount() + 2];
      java.util.Arrays.fill(gradPadded, Float.NaN); // the backward must overwrite every entry of its block
      pass.backward(R0, NW, dz, 0, gradPadded, 1);
      grad = java.util.Arrays.copyOfRange(gradPadded, 1, 1 + head.paramCount());
      dh = dense(pass.inputGradient(), 0, pass.inputGradientLd(), NW, H);
    }

    /** The loss in double from the reference network. */
    double referenceLoss(double[] pd, double[] hd) {
      double loss = 0;
      for (int r = 0; r < NW; r++) {
        double[] z = HeadFixtures.referenceMlp(layout, pd, java.util.Arrays.copyOfRange(hd, r * H, (r + 1) * H));
        double[] lp = logSoftmax(z);
        for (int j = 0; j < A; j++) {
          loss += g[r * A + j] * z[j] + q[r * A + j] * lp[j] - BETA * Math.exp(lp[j]) * lp[j];
        }
      }
      return loss;
    }
  }

  static double[] logSoftmax(double[] z) {
    double s = 0;
    for (double v : z) {
      s += Math.exp(v);
    }
    double[] out = new double[z.length];
    for (int j = 0; j < z.length; j++) {
      out[j] = z[j] - Math.log(s);
    }
    return out;
  }

  private static double[] row(float[] h, int r) {
    return toDouble(dense(h, H_OFF + r * LDH, 0, 1, H));
  }
}
