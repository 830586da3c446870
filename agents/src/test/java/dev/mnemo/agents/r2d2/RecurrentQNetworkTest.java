package dev.mnemo.agents.r2d2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamTensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SameDiff network computes RecurrentQSpec's documented math with its flat layout. */
class RecurrentQNetworkTest {

  private static final RecurrentQSpec SPEC = new RecurrentQSpec(3, 4, List.of(6), 5, 7);

  /**
   * Plain double-precision reference of the spec's equations with an LSTM core, written from the javadoc
   * ({@link RecurrentQSpec}, {@link dev.mnemo.agents.core.LstmCore}); {@code state0} holds one row
   * {@code [h | c]} per sequence.
   */
  static double[] referenceQ(RecurrentQSpec s, float[] p, int batch, int time, float[] obs, int[] pa,
      float[] pr, float[] state0) {
    var l = s.layoutByName();
    int hs = s.coreSize();
    int ss = s.stateSize();
    assertEquals(2 * hs, ss, "the LSTM core's state row is [h | c]");
    int na = s.numActions();
    double[] q = new double[batch * time * na];
    for (int b = 0; b < batch; b++) {
      double[] h = new double[hs];
      double[] c = new double[hs];
      for (int j = 0; j < hs; j++) {
        h[j] = state0[b * ss + j];
        c[j] = state0[b * ss + hs + j];
      }
      for (int t = 0; t < time; t++) {
        int idx = b * time + t;
        double[] x = new double[s.inputSize()];
        for (int k = 0; k < s.obsSize(); k++) {
          x[k] = obs[idx * s.obsSize() + k];
        }
        if (pa[idx] >= 0) {
          x[s.obsSize() + pa[idx]] = 1;
        }
        x[s.obsSize() + na] = pr[idx];
        for (int k = 0; k < s.encoderSizes().size(); k++) {
          x = relu(dense(x, p, l.get("enc" + k + ".W"), l.get("enc" + k + ".b")));
        }
        double[] z = dense(x, p, l.get("lstm.Wx"), l.get("lstm.b"));
        double[] zh = dense(h, p, l.get("lstm.Wh"), null);
        for (int j = 0; j < hs; j++) {
          double i = sig(z[j] + zh[j]);
          double f = sig(z[hs + j] + zh[hs + j]);
          double g = Math.tanh(z[2 * hs + j] + zh[2 * hs + j]);
          double o = sig(z[3 * hs + j] + zh[3 * hs + j]);
          c[j] = f * c[j] + i * g;
          h[j] = o * Math.tanh(c[j]);
        }
        double v = dense(relu(dense(h, p, l.get("v1.W"), l.get("v1.b"))), p, l.get("v2.W"), l.get("v2.b"))[0];
        double[] a = dense(relu(dense(h, p, l.get("a1.W"), l.get("a1.b"))), p, l.get("a2.W"), l.get("a2.b"));
        double mean = 0;
        for (double ai : a) {
          mean += ai / na;
        }
        for (int k = 0; k < na; k++) {
          q[idx * na + k] = v + a[k] - mean;
        }
      }
    }
    return q;
  }

  private static double[] dense(double[] x, float[] p, ParamTensor w, ParamTensor bias) {
    double[] y = new double[w.cols()];
    for (int o = 0; o < w.cols(); o++) {
      double acc = bias == null ? 0 : p[bias.offset() + o];
      for (int i = 0; i < w.rows(); i++) {
        acc += x[i] * p[w.offset() + i * w.cols() + o];
      }
      y[o] = acc;
    }
    return y;
  }

  private static double[] relu(double[] x) {
    double[] y = x.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.max(0, y[i]);
    }
    return y;
  }

  private static double sig(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  static float[] random(Random r, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * scale);
    }
    return a;
  }

  static int[] randomPrevActions(Random r, int n, int na) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextInt(na + 1) - 1;
    }
    return a;
  }

  @Test
  void forwardMatchesTheSpecEquationsFromAGivenState() {
    Random r = new Random(7);
    int batch = 3;
    int time = 9;
    RecurrentQNetwork net = new RecurrentQNetwork(SPEC, 11L);
    float[] p = net.params();
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (r.nextGaussian() * 0.3); // non-zero biases too, so each bias is exercised
    }
    net.setParams(p);
    float[] obs = random(r, batch * time * SPEC.obsSize(), 1);
    int[] pa = randomPrevActions(r, batch * time, SPEC.numActions());
    float[] pr = random(r, batch * time, 1);
    float[] state0 = random(r, batch * SPEC.stateSize(), 0.5);
    QUnroll u = net.unroll(batch, time, obs, pa, pr, state0);
    double[] ref = referenceQ(SPEC, p, batch, time, obs, pa, pr, state0);
    for (int i = 0; i < ref.length; i++) {
      assertEquals(ref[i], u.q()[i], 1e-5, "Q differs from the spec's equations at flat index " + i);
    }
  }

  @Test
  void windowUnrollContinuesFromTheStateAfterThePrefix() {
    Random r = new Random(3);
    int batch = 2;
    int len = 8;
    RecurrentQNetwork net = new RecurrentQNetwork(SPEC, 5L);
    float[] obs = random(r, batch * len * SPEC.obsSize(), 1);
    int[] pa = randomPrevActions(r, batch * len, SPEC.numActions());
    float[] pr = random(r, batch * len, 1);
    float[] zeros = new float[batch * SPEC.stateSize()];
    QUnroll whole = net.unroll(batch, len, obs, pa, pr, zeros);
    QUnroll prefix = net.unroll(batch, len, 0, 3, obs, pa, pr, zeros);
    float[] s = prefix.finalState();
    QUnroll rest = net.unroll(batch, len, 3, 5, obs, pa, pr, s);
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < 5; t++) {
        for (int a = 0; a < SPEC.numActions(); a++) {
          assertEquals(whole.q(b, t + 3, a), rest.q(b, t, a), 1e-5, "b=" + b + " t=" + t + " a=" + a);
        }
      }
    }
  }

  @Test
  void gradientMatchesFiniteDifferencesOfTheSurrogate() {
    Random r = new Random(19);
    int batch = 2;
    int time = 4;
    RecurrentQNetwork net = new RecurrentQNetwork(SPEC, 23L);
    float[] p = net.params();
    float[] obs = random(r, batch * time * SPEC.obsSize(), 1);
    int[] pa = randomPrevActions(r, batch * time, SPEC.numActions());
    float[] pr = random(r, batch * time, 1);
    float[] state0 = random(r, batch * SPEC.stateSize(), 0.5);
    float[] dq = random(r, batch * time * SPEC.numActions(), 1);
    float[] grad = new float[p.length];
    net.gradient(batch, time, 0, time, obs, pa, pr, state0, dq, grad);
    // Check a spread of parameters of every tensor against central differences of the double reference.
    int checked = 0;
    for (ParamTensor t : SPEC.layout()) {
      for (int k = 0; k < t.size(); k += Math.max(1, t.size() / 5)) {
        int i = t.offset() + k;
        double eps = 1e-3;
        float[] plus = p.clone();
        plus[i] += (float) eps;
        float[] minus = p.clone();
        minus[i] -= (float) eps;
        double fd = (dot(referenceQ(SPEC, plus, batch, time, obs, pa, pr, state0), dq)
            - dot(referenceQ(SPEC, minus, batch, time, obs, pa, pr, state0), dq)) / (plus[i] - minus[i]);
        assertEquals(fd, grad[i], 2e-3 + 2e-3 * Math.abs(fd), "gradient of " + t.name() + "[" + k + "]");
        checked++;
      }
    }
    assertTrue(checked > 30, "checked " + checked + " parameters");
  }

  private static double dot(double[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void initialisationIsSeededWithForgetBiasOne() {
    float[] a = RecurrentQNetwork.initialParams(SPEC, 1L);
    float[] b = RecurrentQNetwork.initialParams(SPEC, 1L);
    float[] c = RecurrentQNetwork.initialParams(SPEC, 2L);
    assertArrayEquals(a, b, "same seed must give the same parameters");
    assertNotEquals(a[0], c[0], "another seed must give other parameters");
    ParamTensor bias = SPEC.layoutByName().get("lstm.b");
    int hs = SPEC.coreSize();
    for (int j = 0; j < 4 * hs; j++) {
      float expected = (j >= hs && j < 2 * hs) ? 1f : 0f;
      assertEquals(expected, a[bias.offset() + j], "lstm.b[" + j + "] (gate order i, f, g, o)");
    }
  }

  @Test
  void snapshotRoundTripsTheFlatParameters() {
    RecurrentQNetwork a = new RecurrentQNetwork(SPEC, 1L);
    RecurrentQNetwork b = new RecurrentQNetwork(SPEC, 2L);
    b.load(a.snapshot(7));
    assertArrayEquals(a.params(), b.params());
    assertEquals(7, a.snapshot(7).version());
  }

  @Test
  void badInputIsRefusedWithItsName() {
    RecurrentQNetwork net = new RecurrentQNetwork(SPEC, 1L);
    float[] s = new float[SPEC.stateSize()];
    var e = assertThrows(IllegalArgumentException.class, () -> net.unroll(1, 2, new float[5], new int[2],
        new float[2], s));
    assertTrue(e.getMessage().contains("obs"), e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> net.setParams(new float[3]));
    assertTrue(e2.getMessage().contains("params"), e2.getMessage());
  }
}
