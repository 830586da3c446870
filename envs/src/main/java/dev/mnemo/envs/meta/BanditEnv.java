package dev.mnemo.envs.meta;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Rng;
import dev.mnemo.envs.Step;

/**
 * One task of the RL² Bernoulli-bandit distribution as an environment: every episode is ONE pull
 * (reward 1 with probability {@code p[arm]}, else 0; terminated). The observation is a single constant
 * 0: a bandit has no state, everything the agent learns comes from the previous action and reward that
 * {@link MetaTrial} appends.
 */
public final class BanditEnv extends BaseEnv implements MultiTaskEnv {
  private final BernoulliBandits distribution;
  private final double[] p;
  private final Rng taskRng = new Rng(0);
  private boolean hasTask;

  public BanditEnv(String id, int arms) {
    super(EnvSpec.flat(id, 1, requirePositive("bandit arms", arms), 1));
    this.distribution = new BernoulliBandits(arms);
    this.p = new double[arms];
  }

  @Override
  public void sampleTask(long seed) {
    taskRng.setSeed(seed);
    distribution.sampleTask(taskRng, p);
    hasTask = true;
  }

  /** Success probability of arm {@code i} in the current task. */
  public double armProbability(int i) {
    return p[i];
  }

  @Override
  protected void onReset(float[] obs) {
    if (!hasTask) {
      throw new IllegalStateException(spec.id() + ": reset before sampleTask(seed)");
    }
    obs[0] = 0f;
  }

  @Override
  protected void onStep(int action, Step out) {
    // u < p as the sign bit of u - p (exact for u, p in [0, 1]: the rounded difference keeps the sign, and is
    // +0.0 when u == p), not as a select: the JIT compiles the select to a branch that a random draw mispredicts
    // half the time, which one env hides and 64 copies stepped in turn pay in full.
    out.reward = Double.doubleToRawLongBits(rng.nextDouble() - p[action]) >>> 63;
    out.terminated = true;
    out.obs[0] = 0f;
  }
}
