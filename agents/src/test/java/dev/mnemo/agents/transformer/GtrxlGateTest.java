package dev.mnemo.agents.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamTensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link GtrxlGate} against a double-precision reference written from its javadoc, SameDiff autodiff of the same
 * equations from primitive ops, and central finite differences; and its initialisation near the identity.
 * The loss is {@code L = sum G * g} with a random {@code G}, so {@code dL/dg = G}.
 */
class GtrxlGateTest {

  static final int D = 6;
  static final int ROWS = 7;
  static final double BG = GtrxlGate.DEFAULT_GATE_BIAS;

  /** Parameters at offset 3 and inputs at offset 2 of larger arrays: the offsets must be honoured. */
  static final class Case {
    final GtrxlGate gate = new GtrxlGate(D, BG);
    final float[] p;
    final float[] x;
    final float[] y;
    final float[] gUp;
    final float[] out = new float[ROWS * D + 4];
    final float[] dx = new float[ROWS * D + 1];
    final float[] dy = new float[ROWS * D + 5];
    final float[] grad;

    Case(long seed) {
      p = TransformerFixtures.uniform(3 + gate.paramCount(), seed, 0.6);
      x = TransformerFixtures.uniform(2 + ROWS * D, seed + 1, 1.5);
      y = TransformerFixtures.uniform(2 + ROWS * D, seed + 2, 1.5);
      gUp = TransformerFixtures.uniform(ROWS * D, seed + 3, 1.0);
      grad = new float[gate.paramCount() + 2];
      GtrxlGate.Pass pass = gate.newPass(ROWS + 3);
      pass.forward(ROWS, p, 3, x, 2, y, 2, out, 1);
      pass.backward(p, 3, gUp, 0, dx, 1, dy, 0, grad, 2);
    }

    double loss(double[] pp, double[] xx, double[] yy) {
      return TransformerFixtures.dot(gUp, reference(pp, xx, yy));
    }
  }

  /** The javadoc's equations in double: {@code pp} the 6 matrices, {@code xx}, {@code yy} dense rows of {@link #D}. */
  static double[] reference(double[] pp, double[] xx, double[] yy) {
    int rows = xx.length / D;
    double[] g = new double[rows * D];
    int dd = D * D;
    for (int row = 0; row < rows; row++) {
      double[] r = new double[D];
      double[] rx = new double[D];
      for (int j = 0; j < D; j++) {
        double ar = 0;
        for (int k = 0; k < D; k++) {
          ar += yy[row * D + k] * pp[k * D + j] + xx[row * D + k] * pp[dd + k * D + j];
        }
        r[j] = 1 / (1 + Math.exp(-ar));
        rx[j] = r[j] * xx[row * D + j];
      }
      for (int j = 0; j < D; j++) {
        double az = -BG;
        double ah = 0;
        for (int k = 0; k < D; k++) {
          az += yy[row * D + k] * pp[2 * dd + k * D + j] + xx[row * D + k] * pp[3 * dd + k * D + j];
          ah += yy[row * D + k] * pp[4 * dd + k * D + j] + rx[k] * pp[5 * dd + k * D + j];
        }
        double z = 1 / (1 + Math.exp(-az));
        g[row * D + j] = (1 - z) * xx[row * D + j] + z * Math.tanh(ah);
      }
    }
    return g;
  }

  @Test
  void forwardMatchesTheDoubleReference() {
    Case c = new Case(1);
    double[] want = reference(TransformerFixtures.slice(c.p, 3, c.gate.paramCount()),
        TransformerFixtures.slice(c.x, 2, ROWS * D), TransformerFixtures.slice(c.y, 2, ROWS * D));
    TransformerFixtures.assertClose(want, TransformerFixtures.slice(c.out, 1, ROWS * D), 1e-5, "g");
  }

  @Test
  void gradientsMatchSameDiffAutodiff() {
    Case c = new Case(2);
    SameDiff sd = SameDiff.create();
    Map<String, SDVariable> w = new HashMap<>();
    for (ParamTensor t : c.gate.layout("gate")) {
      w.put(t.name(), sd.var(t.name(), Nd4j.create(TransformerFixtures.floats(c.p, 3 + t.offset(), t.size()),
          new long[] {D, D}, 'c')));
    }
    SDVariable x = sd.var("x", Nd4j.create(TransformerFixtures.floats(c.x, 2, ROWS * D), new long[] {ROWS, D}, 'c'));
    SDVariable y = sd.var("y", Nd4j.create(TransformerFixtures.floats(c.y, 2, ROWS * D), new long[] {ROWS, D}, 'c'));
    SDVariable r = sd.nn().sigmoid(y.mmul(w.get("gate.Wr")).add(x.mmul(w.get("gate.Ur"))));
    SDVariable z = sd.nn().sigmoid(y.mmul(w.get("gate.Wz")).add(x.mmul(w.get("gate.Uz"))).sub(BG));
    SDVariable h = sd.math().tanh(y.mmul(w.get("gate.Wg")).add(r.mul(x).mmul(w.get("gate.Ug"))));
    SDVariable g = sd.constant(1.0).castTo(DataType.FLOAT).sub(z).mul(x).add(z.mul(h));
    SDVariable up = sd.constant("G", Nd4j.create(c.gUp, new long[] {ROWS, D}, 'c'));
    sd.setLossVariables(g.mul(up).sum());
    List<String> names = new java.util.ArrayList<>(w.keySet());
    names.add("x");
    names.add("y");
    Map<String, INDArray> sdGrad = dev.mnemo.agents.QuietSameDiff.calculateGradients(sd, new HashMap<>(), names);
    for (ParamTensor t : c.gate.layout("gate")) {
      TransformerFixtures.assertClose(TransformerFixtures.toDouble(sdGrad.get(t.name()).dup('c').data().asFloat()),
          TransformerFixtures.slice(c.grad, 2 + t.offset(), t.size()), 1e-4, "dL/d" + t.name() + " vs SameDiff");
    }
    TransformerFixtures.assertClose(TransformerFixtures.toDouble(sdGrad.get("x").dup('c').data().asFloat()),
        TransformerFixtures.slice(c.dx, 1, ROWS * D), 1e-4, "dL/dx vs SameDiff");
    TransformerFixtures.assertClose(TransformerFixtures.toDouble(sdGrad.get("y").dup('c').data().asFloat()),
        TransformerFixtures.slice(c.dy, 0, ROWS * D), 1e-4, "dL/dy vs SameDiff");
  }

  @Test
  void gradientsMatchCentralFiniteDifferencesInDoublePrecision() {
    Case c = new Case(3);
    double[] pp = TransformerFixtures.slice(c.p, 3, c.gate.paramCount());
    double[] xx = TransformerFixtures.slice(c.x, 2, ROWS * D);
    double[] yy = TransformerFixtures.slice(c.y, 2, ROWS * D);
    TransformerFixtures.assertFiniteDifferences(pp, v -> c.loss(v, xx, yy),
        TransformerFixtures.slice(c.grad, 2, c.gate.paramCount()), "weights");
    TransformerFixtures.assertFiniteDifferences(xx, v -> c.loss(pp, v, yy), TransformerFixtures.slice(c.dx, 1, ROWS * D),
        "x");
    TransformerFixtures.assertFiniteDifferences(yy, v -> c.loss(pp, xx, v), TransformerFixtures.slice(c.dy, 0, ROWS * D),
        "y");
  }

  /** Freshly initialised, the update gate is nearly closed and the gate's output stays near its input. */
  @Test
  void startsNearTheIdentity() {
    int d = 64;
    GtrxlGate gate = new GtrxlGate(d, BG);
    float[] p = new float[gate.paramCount()];
    gate.initialize(p, 0, new SplittableRandom(1));
    int rows = 32;
    float[] x = TransformerFixtures.uniform(rows * d, 4, 1.0);
    float[] y = TransformerFixtures.uniform(rows * d, 5, 1.0);
    float[] out = new float[rows * d];
    GtrxlGate.Pass pass = gate.newPass(rows);
    pass.forward(rows, p, 0, x, 0, y, 0, out, 0);
    double zMean = 0;
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < rows * d; i++) {
      zMean += pass.updateGate()[i];
      diff += (out[i] - x[i]) * (out[i] - x[i]);
      norm += x[i] * x[i];
    }
    zMean /= rows * d;
    assertTrue(zMean > 0.08 && zMean < 0.2, "mean update gate " + zMean + ", sigmoid(-2) = 0.12 expected");
    assertTrue(Math.sqrt(diff / norm) < 0.25, "relative change " + Math.sqrt(diff / norm) + ": not near identity");
    GtrxlGate open = new GtrxlGate(d, 0);
    GtrxlGate.Pass openPass = open.newPass(rows);
    openPass.forward(rows, p, 0, x, 0, y, 0, out, 0);
    double openDiff = 0;
    for (int i = 0; i < rows * d; i++) {
      openDiff += (out[i] - x[i]) * (out[i] - x[i]);
    }
    assertTrue(openDiff > 3 * diff, "without the bias the gate moves the stream far more: " + openDiff + " vs "
        + diff);
  }

  @Test
  void layoutNamesSixSquareMatrices() {
    List<ParamTensor> l = new GtrxlGate(D, BG).layout("g1");
    assertEquals(List.of("g1.Wr", "g1.Ur", "g1.Wz", "g1.Uz", "g1.Wg", "g1.Ug"), l.stream().map(ParamTensor::name)
        .toList());
    assertEquals(6 * D * D, l.get(5).end());
  }
}
