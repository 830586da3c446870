package dev.mnemo.gymhttp;

import java.time.Duration;

/**
 * Client settings beyond the server and env id.
 *
 * @param timeout bound on each request, connection included
 * @param maxEpisodeSteps the env's episode bound for {@code EnvSpec.maxEpisodeSteps()}, 0 when unknown
 *     (the protocol does not report it)
 */
public record GymHttpOptions(Duration timeout, int maxEpisodeSteps) {

  /** 30 s per request, episode bound unknown. */
  public static final GymHttpOptions DEFAULTS = new GymHttpOptions(Duration.ofSeconds(30), 0);

  public GymHttpOptions {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("gym-http timeout must be positive, got " + timeout);
    }
    if (maxEpisodeSteps < 0) {
      throw new IllegalArgumentException("gym-http maxSteps must be >= 0 (0 = unknown), got "
          + maxEpisodeSteps);
    }
  }
}
