package dev.mnemo.agents.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.r2d2.QUnroll;
import dev.mnemo.agents.r2d2.RecurrentQNetwork;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The actor kernel and the learner's SameDiff {@link RecurrentQNetwork} compute the same function: Q and
 * the recurrent state agree to 1e-5 at every step of a 120-step unroll from random states and inputs,
 * with parameters handed over the way the runtime does it (the network's {@link ParamSnapshot}).
 */
class KernelMatchesSameDiffTest {

  private static final double TOL = 1e-5;
  private static final int STEPS = 120;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(new RecurrentQSpec(16, 4, List.of(64), 128, 64), 9, BatchOps.best()),
        // Odd sizes: every SIMD column tail and the single-row path of the matrix products.
        Arguments.of(new RecurrentQSpec(5, 3, List.of(19, 11), 21, 7), 3, BatchOps.best()));
  }

  @ParameterizedTest(name = "{0} batch {1} {2}")
  @MethodSource("cases")
  void kernelQAndStateMatchSameDiffOver120Steps(RecurrentQSpec spec, int batch, BatchOps ops) {
    // Random biases too (the network's own initialiser zeroes most of them, which would hide bias bugs).
    RecurrentQNetwork net = new RecurrentQNetwork(spec,
        KernelFixtures.randomSnapshot(spec, 99 + batch, 1.5, 0).params());
    ParamSnapshot snap = net.snapshot(17);
    Random rng = new Random(1234 + spec.coreSize());
    int os = spec.obsSize();
    int hs = spec.coreSize();
    int ss = spec.stateSize(); // the LSTM core's state row [h | c]
    int na = spec.numActions();
    float[] obs = new float[batch * STEPS * os];
    int[] prevA = new int[batch * STEPS];
    float[] prevR = new float[batch * STEPS];
    for (int i = 0; i < obs.length; i++) {
      obs[i] = (float) rng.nextGaussian();
    }
    for (int i = 0; i < prevA.length; i++) {
      prevA[i] = rng.nextInt(10) == 0 ? -1 : rng.nextInt(na);
      prevR[i] = (float) (rng.nextGaussian() * 2);
    }
    float[] state0 = new float[batch * ss];
    for (int i = 0; i < batch * hs; i++) {
      int row = (i / hs) * ss;
      state0[row + i % hs] = (float) Math.tanh(rng.nextGaussian()); // h
      state0[row + hs + i % hs] = (float) (rng.nextGaussian() * 2); // c
    }
    QUnroll sd = net.unroll(batch, STEPS, obs, prevA, prevR, state0);
    assertEquals(2 * hs, sd.stateSize(), "the LSTM core's state row is [h | c]: both halves are checked");

    RecurrentQKernel kernel = new RecurrentQKernel(spec, batch, ops);
    kernel.load(snap);
    for (int b = 0; b < batch; b++) {
      kernel.setState(b, state0, b * ss);
    }
    float[] stepObs = new float[batch * os];
    int[] stepA = new int[batch];
    float[] stepR = new float[batch];
    float[] ks = new float[ss];
    for (int t = 0; t < STEPS; t++) {
      for (int b = 0; b < batch; b++) {
        int idx = b * STEPS + t; // QUnroll and the inputs are batch-major: row b * T + t
        System.arraycopy(obs, idx * os, stepObs, b * os, os);
        stepA[b] = prevA[idx];
        stepR[b] = prevR[idx];
      }
      kernel.step(stepObs, stepA, stepR);
      for (int b = 0; b < batch; b++) {
        int idx = b * STEPS + t;
        for (int a = 0; a < na; a++) {
          check(sd.q(b, t, a), kernel.q(b, a), "Q", b, a, t);
        }
        kernel.copyState(b, ks, 0);
        for (int j = 0; j < hs; j++) {
          check(sd.states()[idx * ss + j], ks[j], "h", b, j, t);
          check(sd.states()[idx * ss + hs + j], ks[hs + j], "c", b, j, t);
        }
      }
    }
  }

  /** Fails naming {@code what[env, index]} at {@code step} (message built only on failure). */
  private static void check(float sameDiff, float kernel, String what, int env, int index, int step) {
    double err = Math.abs((double) sameDiff - kernel);
    if (!(err <= TOL * Math.max(1.0, Math.abs(sameDiff)))) {
      fail(what + "[env " + env + ", " + index + "] at step " + step + ": kernel " + kernel
          + " vs SameDiff " + sameDiff + " (error " + err + ")");
    }
  }
}
