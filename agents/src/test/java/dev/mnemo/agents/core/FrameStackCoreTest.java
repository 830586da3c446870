package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mnemo.agents.kernel.BatchOps;
import org.junit.jupiter.api.Test;

/** {@link FrameStackCore} with 4 frames against {@link RecurrentCoreContract}, the step once more in double. */
class FrameStackCoreTest extends RecurrentCoreContract {

  @Override
  protected RecurrentCore core(int inputSize, int hiddenSize) {
    return FrameStackCore.frameStack(inputSize, hiddenSize);
  }

  /** w = [x | frames of the state]; y = ReLU(w W + b); next state [y | x | all frames but the oldest]. */
  @Override
  protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
    return step((FrameStackCore) core, p, x, state);
  }

  static double[] step(FrameStackCore c, double[] p, double[] x, double[] state) {
    int in = c.inputSize();
    int h = c.hiddenSize();
    int k = c.frames();
    double[] w = new double[k * in];
    System.arraycopy(x, 0, w, 0, in);
    System.arraycopy(state, h, w, in, (k - 1) * in);
    int bOff = k * in * h;
    double[] next = new double[h + (k - 1) * in];
    for (int j = 0; j < h; j++) {
      double acc = p[bOff + j];
      for (int i = 0; i < k * in; i++) {
        acc += w[i] * p[i * h + j];
      }
      next[j] = Math.max(0, acc);
    }
    System.arraycopy(w, 0, next, h, (k - 1) * in);
    return next;
  }

  @Test
  void anObservationLeavesTheStateAfterExactlyFourSteps() {
    FrameStackCore c = FrameStackCore.frameStack(2, 3);
    float[] p = new float[c.paramCount()];
    c.initialize(p, 0, new java.util.SplittableRandom(3));
    CoreKernel k = c.kernel(BatchOps.best(), 1);
    k.load(p, 0);
    float[] s = new float[c.stateSize()];
    float[] next = new float[c.stateSize()];
    float[][] xs = {{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}};
    for (float[] x : xs) {
      k.step(1, x, 0, 2, s, next);
      float[] tmp = s;
      s = next;
      next = tmp;
    }
    // After x_5: frames x_5, x_4, x_3 are kept (with x_5 the window saw x_2 too); x_1 and x_2 are gone.
    assertEquals(3 + 3 * 2, c.stateSize());
    assertArrayEquals(new float[] {9, 10, 7, 8, 5, 6}, java.util.Arrays.copyOfRange(s, 3, 9));
  }
}
