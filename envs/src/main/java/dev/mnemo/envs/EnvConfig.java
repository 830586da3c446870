package dev.mnemo.envs;

import dev.mnemo.envs.wrappers.ObservationNoise;
import dev.mnemo.envs.wrappers.PrevActionReward;
import dev.mnemo.envs.wrappers.TimeLimit;

/**
 * Which environment a run steps and how: the {@code mnemo.envs} block of a config.
 *
 * @param id registry id with parameters
 * @param numEnvs copies in a {@link VectorEnv}, >= 1
 * @param seed master seed
 * @param timeLimit truncation after this many steps, 0 for none
 * @param observationNoise std of Gaussian observation noise, 0 for none
 * @param prevActionReward append the one-hot previous action and previous reward to observations
 */
public record EnvConfig(String id, int numEnvs, long seed, int timeLimit, double observationNoise,
    boolean prevActionReward) {

  public EnvConfig {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("envs.id must name a registered env; valid ids: "
          + EnvRegistry.list().stream().map(EnvInfo::id).toList());
    }
    EnvRegistry.make(id).close(); // fails now, naming the valid ids/parameters, rather than in a worker later
    if (numEnvs < 1) {
      throw new IllegalArgumentException("envs.num-envs must be >= 1, got " + numEnvs);
    }
    if (timeLimit < 0) {
      throw new IllegalArgumentException("envs.time-limit must be >= 0 (0 = none), got " + timeLimit);
    }
    if (!(observationNoise >= 0) || Double.isInfinite(observationNoise)) {
      throw new IllegalArgumentException("envs.observation-noise must be finite and >= 0, got "
          + observationNoise);
    }
  }

  /** A new single env: the registry env with the configured wrappers. */
  public Env newEnv() {
    Env env = EnvRegistry.make(id);
    if (timeLimit > 0) {
      env = new TimeLimit(env, timeLimit);
    }
    if (observationNoise > 0) {
      env = new ObservationNoise(env, observationNoise);
    }
    if (prevActionReward) {
      env = new PrevActionReward(env);
    }
    return env;
  }

  /** A new VectorEnv of {@link #numEnvs} wrapped copies seeded from {@link #seed}. */
  public VectorEnv newVectorEnv() {
    return new VectorEnv(i -> newEnv(), numEnvs, seed);
  }
}
