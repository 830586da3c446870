package dev.mnemo.envs.meta;

import dev.mnemo.envs.Rng;
import java.util.SplittableRandom;

/**
 * The RL² bandit task distribution (Duan et al. 2016): k arms whose success probabilities are drawn
 * i.i.d. from U[0, 1]. A task is the vector of probabilities; pulling arm i pays 1 with probability p_i.
 */
public final class BernoulliBandits {
  private final int arms;

  public BernoulliBandits(int arms) {
    if (arms < 1) {
      throw new IllegalArgumentException("arms must be >= 1, got " + arms);
    }
    this.arms = arms;
  }

  public int arms() {
    return arms;
  }

  /** Draws one task: the arms' success probabilities. */
  public double[] sampleTask(SplittableRandom rng) {
    double[] p = new double[arms];
    for (int i = 0; i < arms; i++) {
      p[i] = rng.nextDouble();
    }
    return p;
  }

  /** One pull of arm {@code arm} of task {@code p}: 1 with probability p[arm], else 0. */
  public static float pull(double[] p, int arm, SplittableRandom rng) {
    if (arm < 0 || arm >= p.length) {
      throw new IllegalArgumentException("arm " + arm + " out of range [0, " + p.length + ")");
    }
    return rng.nextDouble() < p[arm] ? 1f : 0f;
  }

  /** Draws one task into {@code p} (length {@link #arms()}) without allocating. */
  public void sampleTask(Rng rng, double[] p) {
    if (p.length != arms) {
      throw new IllegalArgumentException("task array has length " + p.length + ", expected arms=" + arms);
    }
    for (int i = 0; i < arms; i++) {
      p[i] = rng.nextDouble();
    }
  }
}
