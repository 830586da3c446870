package dev.mnemo.agents.kernel;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import java.util.Random;

/** Random parameters of a realistic scale for kernel tests. */
final class KernelFixtures {

  private KernelFixtures() {}

  /**
   * Glorot-uniform matrices times {@code gain} and biases uniform in +-0.5, so every gate and ReLU sees
   * both signs and the recurrence neither dies out nor saturates everywhere.
   */
  static ParamSnapshot randomSnapshot(RecurrentQSpec spec, long seed, double gain, long version) {
    Random rng = new Random(seed);
    float[] p = new float[spec.paramCount()];
    for (ParamTensor t : spec.layout()) {
      double limit = t.rows() == 1 ? 0.5 : gain * Math.sqrt(6.0 / (t.rows() + t.cols()));
      for (int i = t.offset(); i < t.end(); i++) {
        p[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
      }
    }
    return new ParamSnapshot(p, version);
  }
}
