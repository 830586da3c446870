package dev.mnemo.envs.wrappers;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * Cuts episodes after {@code limit} steps with {@code truncated = true} (bootstrap from the last
 * observation). An episode that terminates on the limit step stays terminated and is not flagged
 * truncated: termination is the stronger fact for the value target.
 */
public final class TimeLimit extends Wrapper {
  private final int limit;
  private int t;

  public TimeLimit(Env inner, int limit) {
    super(inner, spec(inner, BaseEnv.requirePositive("time limit", limit)));
    this.limit = limit;
  }

  private static EnvSpec spec(Env inner, int limit) {
    EnvSpec s = inner.spec();
    int max = s.maxEpisodeSteps() == 0 ? limit : Math.min(limit, s.maxEpisodeSteps());
    return new EnvSpec(wrappedId(inner, "timeLimit=" + limit), s.obsShape(), s.numActions(), max);
  }

  public int limit() {
    return limit;
  }

  @Override
  protected void onReset(long seed, Step out) {
    t = 0;
    Step s = inner.reset(seed);
    System.arraycopy(s.obs, 0, out.obs, 0, out.obs.length);
    copyScalars(s, out);
  }

  @Override
  protected void onStep(int action, Step out) {
    Step s = inner.step(action);
    t++;
    System.arraycopy(s.obs, 0, out.obs, 0, out.obs.length);
    copyScalars(s, out);
    if (t >= limit && !s.terminated) {
      out.truncated = true;
    }
  }
}
