package dev.mnemo.envs.wrappers;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * Appends the previous action (one-hot) and the previous reward to each observation, the R2D2 input
 * (Kapturowski et al. 2019). Layout: {@code [obs..., onehot(prevAction)..., prevReward]}. After a reset
 * the one-hot part and the reward are zero: there was no previous action in this episode.
 */
public final class PrevActionReward extends Wrapper {
  private final int innerSize;
  private final int numActions;

  public PrevActionReward(Env inner) {
    super(inner, spec(inner));
    this.innerSize = inner.spec().obsSize();
    this.numActions = inner.spec().numActions();
  }

  private static EnvSpec spec(Env inner) {
    EnvSpec s = inner.spec();
    return EnvSpec.flat(wrappedId(inner, "prevActionReward"), s.obsSize() + s.numActions() + 1,
        s.numActions(), s.maxEpisodeSteps());
  }

  @Override
  protected void onReset(long seed, Step out) {
    Step s = inner.reset(seed);
    System.arraycopy(s.obs, 0, out.obs, 0, innerSize);
    BaseEnv.oneHot(out.obs, innerSize, numActions, -1);
    out.obs[innerSize + numActions] = 0f;
    copyScalars(s, out);
  }

  @Override
  protected void onStep(int action, Step out) {
    Step s = inner.step(action);
    System.arraycopy(s.obs, 0, out.obs, 0, innerSize);
    BaseEnv.oneHot(out.obs, innerSize, numActions, action);
    out.obs[innerSize + numActions] = s.reward;
    copyScalars(s, out);
  }
}
