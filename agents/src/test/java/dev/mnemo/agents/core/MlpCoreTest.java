package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mnemo.agents.kernel.BatchOps;
import org.junit.jupiter.api.Test;

/** The {@code mlp} control (a one-frame {@link FrameStackCore}) against {@link RecurrentCoreContract}. */
class MlpCoreTest extends RecurrentCoreContract {

  @Override
  protected RecurrentCore core(int inputSize, int hiddenSize) {
    return FrameStackCore.mlp(inputSize, hiddenSize);
  }

  /** y = ReLU(x W + b); the state is [y] and is never read. */
  @Override
  protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
    return FrameStackCoreTest.step((FrameStackCore) core, p, x, state);
  }

  @Test
  void theOutputDependsOnThePresentObservationOnly() {
    FrameStackCore c = FrameStackCore.mlp(3, 5);
    assertEquals(5, c.stateSize());
    float[] p = new float[c.paramCount()];
    c.initialize(p, 0, new java.util.SplittableRandom(5));
    CoreKernel k = c.kernel(BatchOps.best(), 2);
    k.load(p, 0);
    float[] x = {0.5f, -1f, 2f, 0.5f, -1f, 2f};
    float[] states = new float[10];
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < states.length; i++) {
      states[i] = (float) r.nextGaussian() * 10;
    }
    float[] out = new float[10];
    k.step(2, x, 0, 3, states, out);
    float[] fromZero = new float[10];
    k.step(2, x, 0, 3, new float[10], fromZero);
    assertArrayEquals(fromZero, out, "two different pasts, one present: the same output");
  }
}
