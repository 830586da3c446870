package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link RecurrentCore#setKeepGateBias}: what the gate then keeps of the state, and where the bias is written. */
class KeepGateBiasTest {

  /**
   * With every weight 0 the candidate is tanh(0) = 0 and the GRU's step is h' = z h with z = sigmoid(bias): the
   * core keeps exactly sigmoid(bias) of its state (a half with the cores' own zero bias).
   */
  @Test
  void aZeroWeightGruKeepsSigmoidOfTheBiasOfItsState() {
    int in = 3;
    int h = 4;
    for (RecurrentCore c : List.<RecurrentCore>of(new GruCore(in, h), new LayerNormGruCore(in, h))) {
      for (double bias : new double[] {0, 1, -2}) {
        float[] p = new float[c.paramCount()];
        c.initialize(p, 0, new SplittableRandom(5));
        for (ParamTensor t : c.layout()) {
          if (t.name().endsWith(".Wx") || t.name().endsWith(".Wh")) {
            java.util.Arrays.fill(p, t.offset(), t.end(), 0f);
          }
        }
        if (bias != 0) {
          c.setKeepGateBias(p, 0, (float) bias);
        }
        CoreKernel k = c.kernel(BatchOps.best(), 1);
        k.load(p, 0);
        float[] state = {0.5f, -1f, 2f, 0.25f};
        float[] next = new float[h];
        k.step(1, new float[] {0.3f, -0.7f, 1.1f}, 0, in, state, next);
        double keep = 1 / (1 + Math.exp(-bias));
        for (int i = 0; i < h; i++) {
          assertEquals(keep * state[i], next[i], 1e-6, c.name() + " bias " + bias + ", unit " + i);
        }
      }
    }
  }

  /** The spec's overload changes the z block of each tower's bias and nothing else, and 0 changes nothing. */
  @Test
  void initialParamsWithAKeepBiasDifferOnlyInTheKeepGatesBiases() {
    ActorCriticSpec spec = new ActorCriticSpec(7, 3, List.of(), "ln_gru", 8, List.of(), true);
    float[] plain = spec.initialParams(11);
    assertArrayEquals(plain, spec.initialParams(11, 0));
    float[] biased = spec.initialParams(11, 1.0);
    int changed = 0;
    for (ParamTensor t : spec.layout()) {
      boolean zBias = t.name().endsWith("ln_gru.bx");
      for (int i = t.offset(); i < t.end(); i++) {
        int col = i - t.offset();
        if (zBias && col >= 8 && col < 16) {
          assertEquals(1f, biased[i], t.name() + " column " + col);
          changed++;
        } else {
          assertEquals(plain[i], biased[i], t.name() + " element " + col);
        }
      }
    }
    assertEquals(16, changed, "8 keep-gate biases in each of the policy's and the value's cores");
  }

  @Test
  void aCoreWithoutAKeepGateRefusesNamingItself() {
    RecurrentCore elman = new ElmanCore(2, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> elman.setKeepGateBias(new float[elman.paramCount()], 0, 1f));
    assertTrue(e.getMessage().contains("elman"), e.getMessage());
  }
}
