package dev.mnemo.agents.r2d2;

import static dev.mnemo.agents.r2d2.RecurrentQNetworkTest.random;
import static dev.mnemo.agents.r2d2.RecurrentQNetworkTest.randomPrevActions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamTensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gemm implementation computes the same Q, states and gradients as the SameDiff reference. */
class RecurrentQGemmTest {

  static RecurrentQSpec spec(int encoderLayers) {
    return new RecurrentQSpec(3, 4, encoderLayers == 0 ? List.of() : encoderLayers == 1 ? List.of(6)
        : List.of(6, 5), 5, 7);
  }

  @ParameterizedTest(name = "encoder layers = {0}")
  @ValueSource(ints = {0, 1, 2})
  void forwardAndStatesMatchTheSameDiffNetwork(int layers) {
    RecurrentQSpec spec = spec(layers);
    Random r = new Random(31 + layers);
    int batch = 3;
    int len = 11;
    float[] p = RecurrentQNetwork.initialParams(spec, 9);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (r.nextGaussian() * 0.3);
    }
    RecurrentQNetwork ref = new RecurrentQNetwork(spec, p);
    RecurrentQGemm gemm = new RecurrentQGemm(spec, p);
    float[] obs = random(r, batch * len * spec.obsSize(), 1);
    int[] pa = randomPrevActions(r, batch * len, spec.numActions());
    float[] pr = random(r, batch * len, 1);
    float[] state0 = random(r, batch * spec.stateSize(), 0.5);
    QUnroll a = ref.unroll(batch, len, 2, 7, obs, pa, pr, state0);
    QUnroll b = gemm.unroll(batch, len, 2, 7, obs, pa, pr, state0);
    assertClose(a.q(), b.q(), 1e-5, "Q");
    assertLstmStatesClose(a, b, spec.coreSize(), 1e-5);
  }

  @ParameterizedTest(name = "encoder layers = {0}")
  @ValueSource(ints = {0, 1, 2})
  void gradientMatchesTheSameDiffNetwork(int layers) {
    RecurrentQSpec spec = spec(layers);
    Random r = new Random(77 + layers);
    int batch = 4;
    int len = 9;
    float[] p = RecurrentQNetwork.initialParams(spec, 3);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (r.nextGaussian() * 0.2);
    }
    RecurrentQNetwork ref = new RecurrentQNetwork(spec, p);
    RecurrentQGemm gemm = new RecurrentQGemm(spec, p);
    float[] obs = random(r, batch * len * spec.obsSize(), 1);
    int[] pa = randomPrevActions(r, batch * len, spec.numActions());
    float[] pr = random(r, batch * len, 1);
    float[] state0 = random(r, batch * spec.stateSize(), 0.5);
    float[] dq = random(r, batch * 6 * spec.numActions(), 1);
    float[] ga = new float[p.length];
    float[] gb = new float[p.length];
    ref.gradient(batch, len, 3, 6, obs, pa, pr, state0, dq, ga);
    gemm.gradient(batch, len, 3, 6, obs, pa, pr, state0, dq, gb);
    for (ParamTensor t : spec.layout()) {
      for (int k = 0; k < t.size(); k++) {
        int i = t.offset() + k;
        assertEquals(ga[i], gb[i], 1e-4 * Math.max(1, Math.abs(ga[i])), "gradient of " + t.name() + "[" + k + "]");
      }
    }
  }

  /**
   * LSTM 32 with 9 encoder units: the Vector API gate loop and the register-tiled step product run full
   * vectors (the small specs above exercise only their scalar tails and padded panels).
   */
  @Test
  void wideLstmMatchesTheSameDiffNetworkInQStatesAndGradients() {
    RecurrentQSpec spec = new RecurrentQSpec(3, 4, List.of(9), 32, 7);
    Random r = new Random(123);
    int batch = 9;
    int len = 8;
    float[] p = RecurrentQNetwork.initialParams(spec, 12);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (r.nextGaussian() * 0.1);
    }
    RecurrentQNetwork ref = new RecurrentQNetwork(spec, p);
    RecurrentQGemm gemm = new RecurrentQGemm(spec, p);
    float[] obs = random(r, batch * len * spec.obsSize(), 1);
    int[] pa = randomPrevActions(r, batch * len, spec.numActions());
    float[] pr = random(r, batch * len, 1);
    float[] state0 = random(r, batch * spec.stateSize(), 0.5);
    QUnroll a = ref.unroll(batch, len, 0, len, obs, pa, pr, state0);
    QUnroll b = gemm.unroll(batch, len, 0, len, obs, pa, pr, state0);
    assertClose(a.q(), b.q(), 1e-5, "Q");
    assertLstmStatesClose(a, b, spec.coreSize(), 1e-5);
    float[] dq = random(r, batch * 5 * spec.numActions(), 1);
    float[] ga = new float[p.length];
    float[] gb = new float[p.length];
    ref.gradient(batch, len, 2, 5, obs, pa, pr, state0, dq, ga);
    gemm.gradient(batch, len, 2, 5, obs, pa, pr, state0, dq, gb);
    for (ParamTensor t : spec.layout()) {
      for (int k = 0; k < t.size(); k++) {
        int i = t.offset() + k;
        assertEquals(ga[i], gb[i], 1e-4 * Math.max(1, Math.abs(ga[i])), "gradient of " + t.name() + "[" + k + "]");
      }
    }
  }

  @ParameterizedTest(name = "encoder layers = {0}")
  @ValueSource(ints = {0, 1, 2})
  void gradientOfLastUnrollEqualsAGradientFromTheStateBeforeTheWindow(int layers) {
    RecurrentQSpec spec = spec(layers);
    Random r = new Random(5 + layers);
    int batch = 3;
    int len = 10;
    int t0 = 4;
    int tw = 5;
    float[] p = RecurrentQNetwork.initialParams(spec, 4);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (r.nextGaussian() * 0.2);
    }
    RecurrentQGemm gemm = new RecurrentQGemm(spec, p);
    float[] obs = random(r, batch * len * spec.obsSize(), 1);
    int[] pa = randomPrevActions(r, batch * len, spec.numActions());
    float[] pr = random(r, batch * len, 1);
    float[] state0 = random(r, batch * spec.stateSize(), 0.5);
    float[] dq = random(r, batch * tw * spec.numActions(), 1);
    QUnroll whole = gemm.unroll(batch, len, 0, len, obs, pa, pr, state0);
    float[] before = new float[batch * spec.stateSize()];
    whole.stateAfter(t0 - 1, before);
    float[] reused = new float[p.length];
    gemm.gradientOfLastUnroll(batch, len, t0, tw, dq, reused);
    float[] fresh = new float[p.length];
    gemm.gradient(batch, len, t0, tw, obs, pa, pr, before, dq, fresh);
    double maxAbs = 0;
    for (ParamTensor t : spec.layout()) {
      for (int k = 0; k < t.size(); k++) {
        int i = t.offset() + k;
        maxAbs = Math.max(maxAbs, Math.abs(fresh[i]));
        assertEquals(fresh[i], reused[i], 1e-5 * Math.max(1, Math.abs(fresh[i])),
            "gradient of " + t.name() + "[" + k + "]");
      }
    }
    assertTrue(maxAbs > 1e-3, "the gradient must not be trivially zero, max |g| = " + maxAbs);
  }

  @Test
  void gradientOfLastUnrollRefusesActivationsOfOlderParameters() {
    RecurrentQSpec spec = spec(1);
    Random r = new Random(2);
    int batch = 2;
    int len = 6;
    RecurrentQGemm gemm = new RecurrentQGemm(spec, 1);
    float[] dq = new float[batch * 3 * spec.numActions()];
    float[] g = new float[spec.paramCount()];
    IllegalStateException none = assertThrows(IllegalStateException.class,
        () -> gemm.gradientOfLastUnroll(batch, len, 2, 3, dq, g));
    assertTrue(none.getMessage().contains("unroll"), none.getMessage());
    gemm.unroll(batch, len, 0, len, random(r, batch * len * spec.obsSize(), 1),
        randomPrevActions(r, batch * len, spec.numActions()), random(r, batch * len, 1),
        new float[batch * spec.stateSize()]);
    gemm.gradientOfLastUnroll(batch, len, 2, 3, dq, g);
    gemm.setParams(gemm.params());
    assertThrows(IllegalStateException.class, () -> gemm.gradientOfLastUnroll(batch, len, 2, 3, dq, g));
  }

  /**
   * The state rows {@code [h | c]} of two unrolls of an LSTM spec agree within {@code tol}; a failure names
   * the half, the sequence, the step and the unit.
   */
  static void assertLstmStatesClose(QUnroll want, QUnroll got, int hs, double tol) {
    int ss = want.stateSize();
    assertEquals(2 * hs, ss, "the LSTM core's state row is [h | c]");
    assertEquals(ss, got.stateSize(), "state width");
    assertEquals(want.states().length, got.states().length, "states length");
    for (int i = 0; i < want.states().length; i++) {
      int row = i / ss;
      int k = i % ss;
      int flat = i;
      assertEquals(want.states()[i], got.states()[i], tol, () -> (k < hs ? "h" : "c") + " differs at sequence "
          + row / want.time() + ", step " + row % want.time() + ", unit " + k % hs + " (flat index " + flat + ")");
    }
  }

  static void assertClose(float[] a, float[] b, double tol, String what) {
    assertEquals(a.length, b.length, what + " length");
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], tol, what + " differs at flat index " + i);
    }
  }
}
