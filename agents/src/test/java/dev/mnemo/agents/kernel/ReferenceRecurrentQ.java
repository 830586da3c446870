package dev.mnemo.agents.kernel;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.core.LstmCore;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import java.util.Map;

/**
 * The recurrent Q-network with an LSTM core written the slow, obvious way in double precision, straight
 * from the equations in {@link RecurrentQSpec}'s and {@link LstmCore}'s documentation: one env at a time,
 * weights read by name from the flat array on every use. The kernel tests trust this and nothing of the kernel's packing.
 */
final class ReferenceRecurrentQ {

  private final RecurrentQSpec spec;
  private final Map<String, ParamTensor> lay;
  private final float[] p;

  ReferenceRecurrentQ(RecurrentQSpec spec, float[] params) {
    if (!LstmCore.NAME.equals(spec.coreName())) {
      throw new IllegalArgumentException("the reference writes out the LSTM core only, not " + spec.coreName());
    }
    this.spec = spec;
    this.lay = spec.layoutByName();
    this.p = params;
  }

  /** W[row, col] of the named [in, out] row-major tensor. */
  private double w(String name, int row, int col) {
    ParamTensor t = lay.get(name);
    return p[t.offset() + row * t.cols() + col];
  }

  /** y = x W + b for the named pair (b may be null). */
  private double[] affine(double[] x, String wName, String bName) {
    ParamTensor w = lay.get(wName);
    int out = w.cols();
    double[] y = new double[out];
    for (int j = 0; j < out; j++) {
      double s = bName == null ? 0.0 : w(bName, 0, j);
      for (int i = 0; i < x.length; i++) {
        s += x[i] * p[w.offset() + i * out + j]; // W[i, j], row-major [in, out]
      }
      y[j] = s;
    }
    return y;
  }

  private static double[] relu(double[] v) {
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.max(0.0, v[i]);
    }
    return v;
  }

  private static double sigmoid(double v) {
    return 1.0 / (1.0 + Math.exp(-v));
  }

  /**
   * One step for one env; updates {@code state} ({@code [h | c]}, the LSTM core's state row of
   * {@code 2 * coreSize} doubles) in place and returns Q.
   */
  double[] step(float[] obs, int prevAction, float prevReward, double[] state) {
    int a = spec.numActions();
    double[] x = new double[spec.inputSize()];
    for (int i = 0; i < spec.obsSize(); i++) {
      x[i] = obs[i];
    }
    if (prevAction >= 0) {
      x[spec.obsSize() + prevAction] = 1.0;
    }
    x[spec.obsSize() + a] = prevReward;
    double[] e = x;
    for (int k = 0; k < spec.encoderSizes().size(); k++) {
      e = relu(affine(e, "enc" + k + ".W", "enc" + k + ".b"));
    }
    int hs = spec.coreSize();
    double[] h = java.util.Arrays.copyOfRange(state, 0, hs);
    double[] zx = affine(e, "lstm.Wx", "lstm.b");
    double[] zh = affine(h, "lstm.Wh", null);
    double[] z = new double[4 * hs];
    for (int j = 0; j < 4 * hs; j++) {
      z[j] = zx[j] + zh[j];
    }
    for (int j = 0; j < hs; j++) {
      double ig = sigmoid(z[j]);
      double fg = sigmoid(z[hs + j]);
      double gg = Math.tanh(z[2 * hs + j]);
      double og = sigmoid(z[3 * hs + j]);
      double c = fg * state[hs + j] + ig * gg;
      state[hs + j] = c;
      h[j] = og * Math.tanh(c);
      state[j] = h[j];
    }
    double v = affine(relu(affine(h, "v1.W", "v1.b")), "v2.W", "v2.b")[0];
    double[] adv = affine(relu(affine(h, "a1.W", "a1.b")), "a2.W", "a2.b");
    double mean = 0;
    for (double x1 : adv) {
      mean += x1;
    }
    mean /= a;
    double[] q = new double[a];
    for (int j = 0; j < a; j++) {
      q[j] = v + adv[j] - mean;
    }
    return q;
  }
}
