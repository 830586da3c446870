package dev.mnemo.agents.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.kernel.BatchOps;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TransformerActorCritic}: the heads' and the trunk's gradients (each checked on its own) wired together.
 * Directional derivatives of {@code L = sum Q log pi + sum c V} along a random direction in each tensor of the
 * heads and the last gate agree with the analytic gradient's projections; and the initial policy is near uniform.
 */
class TransformerActorCriticTest {

  static final int IN = 7;
  static final int A = 4;
  static final int B = 2;
  static final int T = 5;

  private static TransformerActorCritic net() {
    GtrxlTrunk trunk = new GtrxlTrunk(IN, 8, 2, 2, 4, T, 16, GtrxlGate.DEFAULT_GATE_BIAS, BatchOps.best());
    return new TransformerActorCritic(trunk, List.of(), A, BatchOps.best());
  }

  private static double loss(TransformerActorCritic net, float[] p, float[] x, boolean[] starts, float[] q,
      float[] c) {
    TransformerActorCritic.Pass pass = net.newPass(B);
    pass.forward(B, p, x, 0, starts, net.trunk().newMemory(B));
    double l = 0;
    for (int r = 0; r < B * T; r++) {
      for (int a = 0; a < A; a++) {
        l += q[r * A + a] * pass.logProbs()[r * A + a];
      }
      l += c[r] * pass.value(r);
    }
    return l;
  }

  @Test
  void gradientMatchesADirectionalDerivative() {
    TransformerActorCritic net = net();
    float[] p = net.initialParams(3);
    // Gates opened a little and layer norms perturbed so every path carries gradient.
    Random r = new Random(4);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (r.nextGaussian() * 0.05);
    }
    float[] x = TransformerFixtures.uniform(B * T * IN, 5, 1.0);
    boolean[] starts = new boolean[B * T];
    starts[0] = true;
    starts[T] = true;
    starts[T + 3] = true;
    float[] q = TransformerFixtures.uniform(B * T * A, 6, 1.0);
    float[] c = TransformerFixtures.uniform(B * T, 7, 1.0);
    TransformerActorCritic.Pass pass = net.newPass(B);
    pass.forward(B, p, x, 0, starts, net.trunk().newMemory(B));
    float[] dz = new float[B * T * A];
    float[] dv = new float[B * T];
    for (int row = 0; row < B * T; row++) {
      // d/dz of sum_a q_a log pi_a = q - pi sum_a q_a
      double qs = 0;
      for (int a = 0; a < A; a++) {
        qs += q[row * A + a];
      }
      for (int a = 0; a < A; a++) {
        dz[row * A + a] = (float) (q[row * A + a] - Math.exp(pass.logProbs()[row * A + a]) * qs);
      }
      dv[row] = c[row];
    }
    float[] grad = new float[net.paramCount()];
    pass.backward(p, dz, dv, grad);
    // One directional derivative per tensor, in float: only for the tensors whose perturbation reaches the loss
    // without crossing a ReLU (the linear heads and the last gate), where central differences stay exact to float
    // noise; that the heads' input gradients both reach the trunk shows in the last gate's. Every piece of the
    // trunk has its own double-precision check (GtrxlTrunkTest, GtrxlBlockTest and the pieces').
    float[] dir = TransformerFixtures.uniform(p.length, 8, 1.0);
    double eps = 1e-3;
    double largest = 0;
    int checked = 0;
    for (var t : net.layout()) {
      if (!(t.name().startsWith("pi.") || t.name().startsWith("v.") || t.name().startsWith("tr.l1.gate2."))) {
        continue;
      }
      checked++;
      double projected = 0;
      float[] up = p.clone();
      float[] down = p.clone();
      for (int i = t.offset(); i < t.end(); i++) {
        projected += grad[i] * dir[i];
        up[i] += (float) (eps * dir[i]);
        down[i] -= (float) (eps * dir[i]);
      }
      double fd = (loss(net, up, x, starts, q, c) - loss(net, down, x, starts, q, c)) / (2 * eps);
      assertEquals(fd, projected, 3e-4 + 1e-3 * Math.abs(fd), t.name() + ": directional derivative vs gradient");
      largest = Math.max(largest, Math.abs(projected));
    }
    assertEquals(10, checked, "pi.W0, pi.b0, v.W0, v.b0 and the last gate's six matrices");
    assertTrue(largest > 0.1, "the loss moves along some tensor: " + largest);
  }

  @Test
  void initialPolicyIsNearUniform() {
    TransformerActorCritic net = net();
    TransformerActorCritic.Pass pass = net.newPass(B);
    pass.forward(B, net.initialParams(1), TransformerFixtures.uniform(B * T * IN, 2, 1.0), 0, new boolean[B * T],
        net.trunk().newMemory(B));
    for (int i = 0; i < B * T * A; i++) {
      assertTrue(Math.abs(pass.logProbs()[i] + Math.log(A)) < 0.1, "log pi " + pass.logProbs()[i]);
    }
  }
}
