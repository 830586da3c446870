package dev.mnemo.envs;

/**
 * The result of a reset or a step: next observation, reward, and the two ways an episode ends.
 *
 * <p>Mutable and reused by its environment on purpose: a record per step would allocate on the hot
 * path. Treat it as a view valid until the next call on the same environment.
 */
public final class Step {
  /** Next observation, length {@link EnvSpec#obsSize()}. */
  public final float[] obs;
  public float reward;
  /** The episode reached a terminal state: bootstrap with value 0. */
  public boolean terminated;
  /** The episode was cut short (time limit): bootstrap from {@link #obs}. */
  public boolean truncated;

  public Step(int obsSize) {
    this.obs = new float[obsSize];
  }

  public boolean done() {
    return terminated || truncated;
  }

  /**
   * Writes reward and flags into row {@code row} of a batch's arrays (what {@link Env#stepInto} does after the env
   * wrote the row's observation); whether the episode ended.
   */
  public boolean writeScalars(int row, float[] rewards, boolean[] terminated, boolean[] truncated) {
    boolean term = this.terminated;
    boolean trunc = this.truncated;
    rewards[row] = reward;
    terminated[row] = term;
    truncated[row] = trunc;
    return term | trunc;
  }

  /** Sets reward and flags in one call (the observation is written in place by the env). */
  public Step set(float reward, boolean terminated, boolean truncated) {
    this.reward = reward;
    this.terminated = terminated;
    this.truncated = truncated;
    return this;
  }
}
