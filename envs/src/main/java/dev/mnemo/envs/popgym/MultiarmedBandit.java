package dev.mnemo.envs.popgym;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * POPGym MultiarmedBandit: each episode draws arm success probabilities {@code p_i ~ U[0, 1]}; pulling
 * arm i pays {@code +1/L} with probability {@code p_i} and {@code −1/L} otherwise, for {@code L} steps
 * (the end is a truncation, as in POPGym). Observation: whether the last pull paid, one-hot (2; [1, 0]
 * at reset). The agent must remember its own actions and outcomes. Returns lie in [−1, 1]; the
 * best-arm oracle expects {@code 2·E[max p] − 1 = (k − 1)/(k + 1)}. Levels: (arms, L) = (10, 200),
 * (20, 400), (30, 600). POPGym marks this task as needing the previous action in the input: use
 * {@code PrevActionReward} or a policy that is fed its previous action (as R2D2's is).
 */
public final class MultiarmedBandit extends BaseEnv {
  private final double[] p;
  private final int length;
  private final float scale;

  public MultiarmedBandit(Difficulty level) {
    this("popgym/MultiarmedBandit-" + level.label(), level.pick(10, 20, 30), level.pick(200, 400, 600));
  }

  public MultiarmedBandit(String id, int arms, int episodeLength) {
    super(EnvSpec.flat(id, 2, requirePositive("arms", arms),
        requirePositive("episode length", episodeLength)));
    this.p = new double[arms];
    this.length = episodeLength;
    this.scale = 1f / episodeLength;
  }

  /** Success probability of arm {@code i} in the current episode (hidden state, for tests/oracles). */
  public double armProbability(int i) {
    return p[i];
  }

  @Override
  protected void onReset(float[] obs) {
    for (int i = 0; i < p.length; i++) {
      p[i] = rng.nextDouble();
    }
    oneHot(obs, 0, 2, 0);
  }

  @Override
  protected void onStep(int action, Step out) {
    onStepInto(action, out, out.obs, 0);
  }

  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    // paid = nextDouble() < p[action], compared as bits (both in [0, 1), where a double's bits order as it
    // does) so that the coin flip is not a branch: see matchReward
    long draw = Double.doubleToRawLongBits(rng.nextDouble());
    int paid = (int) ((draw - Double.doubleToRawLongBits(p[action])) >>> 63);
    out.reward = matchReward(paid, 1, scale);
    out.truncated = t >= length;
    obs[off] = 1 - paid;
    obs[off + 1] = paid;
  }
}
