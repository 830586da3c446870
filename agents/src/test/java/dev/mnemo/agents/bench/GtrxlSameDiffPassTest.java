package dev.mnemo.agents.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamTensor;
import org.junit.jupiter.api.Test;

/**
 * The ALD benchmark's SameDiff graph computes what the Java engine computes, so the benchmark compares like with
 * like: on a small shape with a partly valid memory and an episode start inside the segment (so the hand-written
 * mask matters), the loss and every parameter's gradient agree to 1e-4 (relative to the tensor's largest value).
 */
class GtrxlSameDiffPassTest {

  static final GtrxlTrainingCase.Shape SMALL = new GtrxlTrainingCase.Shape(7, 8, 2, 2, 4, 5, 16, 4, 2);

  @Test
  void lossAndGradientsMatchTheJavaEngine() {
    int t = SMALL.segment();
    boolean[] previous = new boolean[SMALL.batch() * t];
    previous[0] = true;
    previous[t + t - 2] = true; // stream 1's memory: only its last 2 rows belong to the episode under way
    boolean[] starts = new boolean[SMALL.batch() * t];
    starts[3] = true; // stream 0: an episode starts at step 3, hiding the memory and steps 0..2 from it
    GtrxlTrainingCase c = new GtrxlTrainingCase(SMALL, 3, previous, starts);
    double javaLoss = c.javaForwardBackward();
    float[] javaGrad = c.javaGradient().clone();
    GtrxlSameDiffPass sd = c.sameDiff();
    assertEquals(javaLoss, sd.loss(), 1e-4 * Math.max(1, Math.abs(javaLoss)), "loss");
    float[] sdGrad = sd.gradient();
    assertTrue(maxRelativeDifference(c, javaGrad, sdGrad) <= 1e-4, "gradients differ");
    assertTrue(c.visibleKeys() < (long) SMALL.batch() * t * (SMALL.memory() + t), "the mask hides some keys");
  }

  /** Per tensor, the largest |java - samediff| over the larger of 1 and the tensor's largest |value|; the max. */
  static double maxRelativeDifference(GtrxlTrainingCase c, float[] java, float[] sd) {
    double worst = 0;
    for (ParamTensor p : c.net().layout()) {
      double scale = 1;
      for (int i = p.offset(); i < p.end(); i++) {
        scale = Math.max(scale, Math.abs(sd[i]));
      }
      for (int i = p.offset(); i < p.end(); i++) {
        double diff = Math.abs(java[i] - sd[i]) / scale;
        if (diff > 1e-4) {
          System.out.println(p.name() + "[" + (i - p.offset()) + "]: java " + java[i] + ", samediff " + sd[i]);
        }
        worst = Math.max(worst, diff);
      }
    }
    return worst;
  }
}
