package dev.mnemo.agents.r2d2;

import static dev.mnemo.agents.r2d2.ValueRescaling.h;
import static dev.mnemo.agents.r2d2.ValueRescaling.hInverse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Targets on a hand-made batch: a running episode, a termination and a truncation with padding. */
class NStepDoubleQTest {

  static final int L = 7;
  static final int A = 2;
  static final double G = 0.5;

  @Test
  void targetsHandleRunningTerminatedAndTruncatedEpisodes() {
    int batch = 3;
    float[] r = new float[batch * L];
    float[] disc = new float[batch * L];
    float[] mask = new float[batch * L];
    float[] qo = new float[batch * L * A];
    float[] qt = new float[batch * L * A];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < L; t++) {
        int i = b * L + t;
        r[i] = 10 * b + t + 1;
        disc[i] = 1;
        mask[i] = 1;
        // online prefers action 1 on even steps, action 0 on odd steps; target values differ per action
        qo[i * A] = t % 2 == 0 ? 0 : 1;
        qo[i * A + 1] = t % 2 == 0 ? 1 : 0;
        qt[i * A] = 100 + t;
        qt[i * A + 1] = -(100 + t);
      }
    }
    // sequence 1 terminates at step 2; steps 3.. are padding
    disc[L + 2] = 0;
    for (int t = 3; t < L; t++) {
      mask[L + t] = 0;
    }
    // sequence 2 is truncated after step 3: step 4 is the padding step holding the final observation
    for (int t = 4; t < L; t++) {
      mask[2 * L + t] = 0;
    }
    int n = 2;
    int count = 5;
    float[] y = new float[batch * count];
    float[] valid = new float[batch * count];
    NStepDoubleQ.targets(batch, L, A, 0, count, n, G, r, disc, mask, qo, qt, y, valid);

    // running episode, t=0: bootstrap at step 2 (even: online argmax = action 1 -> target -(102))
    assertEquals(h(1 + G * 2 + G * G * hInverse(-102)), y[0], 1e-5, "seq 0, t=0");
    // t=1: bootstrap at step 3 (odd: argmax = action 0 -> target 103)
    assertEquals(h(2 + G * 3 + G * G * hInverse(103)), y[1], 1e-5, "seq 0, t=1 (double-Q picks online argmax)");
    // terminated at step 2: t=1 sums r1 + g r2 and stops; t=2 is r2 alone; t=3, t=4 are padding
    assertEquals(h(12 + G * 13), y[count + 1], 1e-5, "seq 1, t=1 (termination inside the window)");
    assertEquals(h(13), y[count + 2], 1e-5, "seq 1, t=2 (terminal step)");
    assertEquals(0f, valid[count + 3], "seq 1, t=3 is padding");
    assertEquals(0f, valid[count + 4], "seq 1, t=4 is padding");
    assertEquals(1f, valid[count + 2], "seq 1, t=2 is real");
    // truncated after step 3: t=3 bootstraps from the padding step 4 after one reward
    assertEquals(h(24 + G * hInverse(-104)), y[2 * count + 3], 1e-5, "seq 2, t=3 (truncation bootstrap)");
    assertEquals(h(23 + G * 24 + G * G * hInverse(-104)), y[2 * count + 2], 1e-5, "seq 2, t=2");
    assertEquals(0f, valid[2 * count + 4], "seq 2, t=4 is the padding step");
  }

  @Test
  void windowTooLongForTheBootstrapIsRefused() {
    float[] z = new float[L];
    float[] q = new float[L * A];
    var e = assertThrows(IllegalArgumentException.class,
        () -> NStepDoubleQ.targets(1, L, A, 2, 4, 2, G, z, z, z, q, q, new float[4], new float[4]));
    assertEquals(true, e.getMessage().contains("sequence length 7"), e.getMessage());
  }
}
