package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.ScalarOps;
import org.junit.jupiter.api.Test;

/**
 * {@code ln_gru_relu}: every test of {@link LayerNormGruCoreTest} (the contract against SameDiff, finite differences
 * and the double reference, and the per-block norm) with the candidate {@code max(pre, 0)}.
 */
class LayerNormGruReluCoreTest extends LayerNormGruCoreTest {

  @Override
  protected RecurrentCore core(int inputSize, int hiddenSize) {
    return new LayerNormGruCore(inputSize, hiddenSize, true);
  }

  @Override
  protected double candidate(double pre) {
    return Math.max(pre, 0);
  }

  @Test
  void isNamedForItsCandidateAndBuiltByThatName() {
    RecurrentCore c = RecurrentCores.create(LayerNormGruCore.NAME_RELU, 3, 4);
    assertEquals("ln_gru_relu", c.name());
    assertEquals("ln_gru_relu.Wx", c.layout().get(0).name());
    assertEquals(new LayerNormGruCore(3, 4, true), c);
  }

  /**
   * From a zero state every state is a convex mix of the old state and a ReLU's output, so it never goes negative,
   * on both kernels (which agree to float rounding: their products differ in fused multiply-adds; the cells alone
   * agree to the bit, {@link GruCellTest}); the tanh core on the same weights does go negative (so the check can
   * fail).
   */
  @Test
  void stateStaysNonNegativeOnBothKernels() {
    int rows = 3;
    int steps = 20;
    RecurrentCore relu = core(IN, HIDDEN);
    float[] p = params(relu, 71);
    float[] x = uniform(steps * rows * IN, 72, 2.0);
    float[] vec = unroll(relu, BatchOps.best(), p, x, rows, steps, new float[rows * HIDDEN]);
    float[] scalar = unroll(relu, new ScalarOps(), p, x, rows, steps, new float[rows * HIDDEN]);
    for (int i = 0; i < vec.length; i++) {
      assertTrue(vec[i] >= 0f && scalar[i] >= 0f, "state " + i + " = " + vec[i] + " / " + scalar[i]);
      assertEquals(scalar[i], vec[i], 1e-5, "state " + i);
    }
    float[] tanh = unroll(new LayerNormGruCore(IN, HIDDEN), BatchOps.best(), p, x, rows, steps,
        new float[rows * HIDDEN]);
    float min = Float.MAX_VALUE;
    for (float v : tanh) {
      min = Math.min(min, v);
    }
    assertTrue(min < 0f, "the tanh core's states should go negative on these weights, min " + min);
  }
}
