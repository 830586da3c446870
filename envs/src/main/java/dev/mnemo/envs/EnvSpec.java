package dev.mnemo.envs;

import java.util.Arrays;

/**
 * What an environment observes and accepts.
 *
 * @param id registry id with parameters, e.g. {@code tmaze?length=50}
 * @param obsShape observation shape; observations are flat arrays of {@code product(obsShape)} floats
 * @param numActions size of the discrete action space
 * @param maxEpisodeSteps episode length bound, or 0 when unbounded
 */
public record EnvSpec(String id, int[] obsShape, int numActions, int maxEpisodeSteps) {

  public EnvSpec {
    if (numActions <= 0) {
      throw new IllegalArgumentException(id + ": numActions must be positive, got " + numActions);
    }
    if (maxEpisodeSteps < 0) {
      throw new IllegalArgumentException(id + ": maxEpisodeSteps must be >= 0, got " + maxEpisodeSteps);
    }
    obsShape = obsShape.clone();
    for (int d : obsShape) {
      if (d <= 0) {
        throw new IllegalArgumentException(id + ": observation dimensions must be positive, got "
            + Arrays.toString(obsShape));
      }
    }
  }

  public static EnvSpec flat(String id, int obsSize, int numActions, int maxEpisodeSteps) {
    return new EnvSpec(id, new int[] {obsSize}, numActions, maxEpisodeSteps);
  }

  /** Number of floats in one observation. */
  public int obsSize() {
    int n = 1;
    for (int d : obsShape) {
      n *= d;
    }
    return n;
  }

  @Override
  public int[] obsShape() {
    return obsShape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnvSpec s && id.equals(s.id) && Arrays.equals(obsShape, s.obsShape)
        && numActions == s.numActions && maxEpisodeSteps == s.maxEpisodeSteps;
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + Arrays.hashCode(obsShape) * 7 + numActions * 3 + maxEpisodeSteps;
  }

  @Override
  public String toString() {
    return "EnvSpec[" + id + ", obs=" + Arrays.toString(obsShape) + ", actions=" + numActions
        + ", maxSteps=" + maxEpisodeSteps + "]";
  }
}
