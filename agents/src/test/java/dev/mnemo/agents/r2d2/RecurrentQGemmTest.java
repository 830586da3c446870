package dev.mnemo.agents.r2d2;

import static dev.mnemo.agents.r2d2.RecurrentQNetworkTest.random;
import static dev.mnemo.agents.r2d2.RecurrentQNetworkTest.randomPrevActions;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mnemo.agents.ParamTensor;
import java.util.List;
import java.util.Random;
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
    float[] h0 = random(r, batch * spec.lstmSize(), 0.5);
    float[] c0 = random(r, batch * spec.lstmSize(), 0.5);
    QUnroll a = ref.unroll(batch, len, 2, 7, obs, pa, pr, h0, c0);
    QUnroll b = gemm.unroll(batch, len, 2, 7, obs, pa, pr, h0, c0);
    assertClose(a.q(), b.q(), 1e-5, "Q");
    assertClose(a.h(), b.h(), 1e-5, "h");
    assertClose(a.c(), b.c(), 1e-5, "c");
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
    float[] h0 = random(r, batch * spec.lstmSize(), 0.5);
    float[] c0 = random(r, batch * spec.lstmSize(), 0.5);
    float[] dq = random(r, batch * 6 * spec.numActions(), 1);
    float[] ga = new float[p.length];
    float[] gb = new float[p.length];
    ref.gradient(batch, len, 3, 6, obs, pa, pr, h0, c0, dq, ga);
    gemm.gradient(batch, len, 3, 6, obs, pa, pr, h0, c0, dq, gb);
    for (ParamTensor t : spec.layout()) {
      for (int k = 0; k < t.size(); k++) {
        int i = t.offset() + k;
        assertEquals(ga[i], gb[i], 1e-4 * Math.max(1, Math.abs(ga[i])), "gradient of " + t.name() + "[" + k + "]");
      }
    }
  }

  static void assertClose(float[] a, float[] b, double tol, String what) {
    assertEquals(a.length, b.length, what + " length");
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], tol, what + " differs at flat index " + i);
    }
  }
}
