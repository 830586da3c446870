package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mnemo.agents.kernel.BatchOps;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link LstmGateMath}'s two implementations against each other, tighter than {@link RecurrentCoreContract}
 * holds the whole core to its double reference (1e-5): saturated pre-activations (|z| up to ~200, where exp
 * implementations differ most), a hidden size of two full 16-lane vectors plus a tail, and every output of
 * the step (gates, c, tanh(c), h) within 1e-6.
 */
class LstmGateMathTest {

  /** The vector gate math (own exp) against the double-precision scalar one, saturated inputs included. */
  @Test
  void vectorGateMathMatchesTheDoublePrecisionScalarGateMath() {
    Assumptions.assumeTrue(BatchOps.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
    int bs = 5;
    int hs = 37;
    Random r = new Random(8);
    float[] z = new float[bs * 4 * hs + 3];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) (r.nextGaussian() * (i % 7 == 0 ? 60 : 3));
    }
    float[] c = random(r, 2 * bs * hs, 2);
    float[][] out = new float[2][];
    LstmGateMath[] ms = {new LstmGateMath.Scalar(), new LstmGateMath.Vector()};
    float[][] cs = new float[2][];
    float[][] tcs = new float[2][];
    float[][] hsOut = new float[2][];
    for (int m = 0; m < 2; m++) {
      out[m] = new float[bs * 4 * hs];
      cs[m] = c.clone();
      tcs[m] = new float[bs * hs];
      hsOut[m] = new float[2 * bs * hs];
      // z from offset 3, gates dense [bs, 4H]; c_{t-1} in the first half of cs, c_t into the second;
      // tanh(c_t) dense at 0; h_t into the second half of hsOut; state rows dense (H apart).
      ms[m].step(bs, hs, z, 3, 4 * hs, out[m], 0, 4 * hs, cs[m], 0, cs[m], bs * hs, tcs[m], 0, hsOut[m], bs * hs,
          hs);
    }
    assertClose(out[0], out[1], 1e-6, "activated gates");
    assertClose(cs[0], cs[1], 1e-6, "c");
    assertClose(tcs[0], tcs[1], 1e-6, "tanh(c)");
    assertClose(hsOut[0], hsOut[1], 1e-6, "h");
  }

  private static float[] random(Random r, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * scale);
    }
    return a;
  }

  private static void assertClose(float[] a, float[] b, double tol, String what) {
    assertEquals(a.length, b.length, what + " length");
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], tol, what + " differs at flat index " + i);
    }
  }
}
