package dev.mnemo.agents.blocks;

import static dev.mnemo.agents.blocks.HeadFixtures.assertClose;
import static dev.mnemo.agents.blocks.HeadFixtures.dense;
import static dev.mnemo.agents.blocks.HeadFixtures.toDouble;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.QuietSameDiff;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.ScalarOps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ValueHead} against a double-precision reference, SameDiff autodiff (1e-4) and central finite
 * differences (1e-5 of the gradient's scale), with no hidden layer and with two, for {@code L = sum g * v}
 * over a window of rows inside a larger pass.
 */
class ValueHeadTest {

  static final int H = 9;
  static final int ROWS = 12;
  static final int R0 = 4;
  static final int NW = 6;
  static final int H_OFF = 3;
  static final int LDH = 11;
  static final int P_OFF = 5;

  static Stream<List<Integer>> hiddenSizes() {
    return Stream.of(List.of(), List.of(10, 7));
  }

  @ParameterizedTest
  @MethodSource("hiddenSizes")
  void forwardMatchesTheDoubleReferenceAndTheActingForm(List<Integer> hidden) {
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      ValueHead head = new ValueHead(ops, H, hidden);
      List<ParamTensor> layout = head.layout("v");
      float[] p = HeadFixtures.params(layout, 1);
      head.load(HeadFixtures.withPadding(p, P_OFF), P_OFF);
      float[] h = HeadFixtures.uniform(H_OFF + ROWS * LDH, 2, 1.5);
      ValueHead.Pass pass = head.newPass(ROWS);
      pass.forward(h, H_OFF, LDH);
      for (int r = 0; r < ROWS; r++) {
        double[] v = HeadFixtures.referenceMlp(layout, toDouble(p), toDouble(dense(h, H_OFF + r * LDH, 0, 1, H)));
        assertClose(v, new float[] {pass.value(r)}, 1e-5, ops.name() + " value of row " + r);
      }
      // Fewer rows than maxRows, from row 2: equal up to the products' row tiling (an ulp or so).
      ValueHead.Acting acting = head.newActing(8);
      acting.forward(7, h, H_OFF + 2 * LDH, LDH);
      for (int r = 0; r < 7; r++) {
        assertClose(new double[] {pass.value(2 + r)}, new float[] {acting.value(r)}, 1e-6,
            ops.name() + " acting vs training value of row " + r);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("hiddenSizes")
  void gradientsMatchSameDiffAutodiff(List<Integer> hidden) {
    Case c = new Case(hidden, 5);
    SameDiff sd = SameDiff.create();
    Map<String, SDVariable> w = HeadFixtures.sameDiffParams(sd, c.layout, c.p);
    SDVariable h = sd.var("h", Nd4j.create(c.hWindow, new long[] {NW, H}, 'c'));
    SDVariable v = HeadFixtures.sameDiffMlp(sd, w, c.layout, h);
    SDVariable g = sd.constant("g", Nd4j.create(c.dv, new long[] {NW, 1}, 'c'));
    sd.setLossVariables(v.mul(g).sum());
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
    for (float x : got) {
      scale = Math.max(scale, Math.abs(x));
    }
    for (int i = 0; i < fd.length; i++) {
      if (Math.abs(fd[i] - got[i]) > 1e-5 * scale) {
        String what = i < c.grad.length ? HeadFixtures.name(c.layout, i) : "h[" + (i - c.grad.length) + "]";
        fail(what + ": head " + got[i] + ", finite differences " + fd[i] + " (scale " + scale + ")");
      }
    }
  }

  /** A forward over {@link #ROWS} rows and the backward of {@code sum g * v} over rows {@code [R0, R0 + NW)}. */
  static final class Case {
    final List<ParamTensor> layout;
    final float[] p;
    final float[] hWindow;
    final float[] dv;
    final float[] grad;
    final float[] dh;

    Case(List<Integer> hidden, long seed) {
      ValueHead head = new ValueHead(BatchOps.best(), H, hidden);
      layout = head.layout("v");
      p = HeadFixtures.params(layout, seed);
      head.load(HeadFixtures.withPadding(p, P_OFF), P_OFF);
      float[] h = HeadFixtures.uniform(H_OFF + ROWS * LDH, seed + 1, 1.5);
      hWindow = dense(h, H_OFF + R0 * LDH, LDH, NW, H);
      dv = HeadFixtures.uniform(NW, seed + 2, 1.0);
      ValueHead.Pass pass = head.newPass(ROWS);
      pass.forward(h, H_OFF, LDH);
      float[] gradPadded = new float[head.paramCount() + 2];
      java.util.Arrays.fill(gradPadded, Float.NaN); // the backward must overwrite every entry of its block
      pass.backward(R0, NW, dv, 0, gradPadded, 1);
      grad = java.util.Arrays.copyOfRange(gradPadded, 1, 1 + head.paramCount());
      dh = dense(pass.inputGradient(), 0, pass.inputGradientLd(), NW, H);
    }

    double referenceLoss(double[] pd, double[] hd) {
      double loss = 0;
      for (int r = 0; r < NW; r++) {
        loss += dv[r] * HeadFixtures.referenceMlp(layout, pd, java.util.Arrays.copyOfRange(hd, r * H, (r + 1) * H))[0];
      }
      return loss;
    }
  }
}
