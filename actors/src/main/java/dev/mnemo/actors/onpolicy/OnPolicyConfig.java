package dev.mnemo.actors.onpolicy;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the on-policy runtime runs (the learning hyperparameters stay behind the algorithm's builder).
 *
 * @param workers trial workers, each with its own envs and acting policy
 * @param credits collections a worker may have sent that the learner has not yet received: with 1 a worker
 *     collects its next batch while the learner holds its last one, never further ahead, so memory is bounded by
 *     {@code workers x credits} collections plus one update's trials whatever the speed ratio
 * @param maxParamLag a collection is used only if the learner has made at most this many updates since the
 *     parameters that collected it; older ones are dropped (and counted). 0 is strictly on-policy: every collection
 *     that overlapped an update is thrown away. The default 1 lets workers collect while the learner updates (the
 *     point of running them apart) and keeps what they bring; PPO's ratio against the behaviour probabilities
 *     stored with the trials, clipped, is the importance correction for that one update of lag
 * @param trialsPerCollection trials per worker collection; 0 picks the largest divisor of the update's trials that
 *     is at most their share per worker ({@code trials_per_update / workers}, rounded up) and that the builder
 *     accepts, so every update is made of whole collections and each worker contributes about one per update
 * @param restartMinBackoff first restart delay of a failed worker
 * @param restartMaxBackoff largest restart delay of a worker that keeps failing
 * @param maxRestarts restarts one worker may take within {@code restartWindow}; its next failure in that window
 *     ends the run as failed
 * @param restartWindow the sliding window {@code maxRestarts} counts in
 * @param learnerFile where the learner writes its state when the run stops ({@code OnPolicyLearner.save}), or null
 */
public record OnPolicyConfig(int workers, int credits, int maxParamLag, int trialsPerCollection,
    Duration restartMinBackoff, Duration restartMaxBackoff, int maxRestarts, Duration restartWindow, Path learnerFile) {

  /** {@code max_param_lag} unless a config says otherwise. */
  public static final int DEFAULT_MAX_PARAM_LAG = 1;

  public OnPolicyConfig {
    if (workers < 1 || credits < 1 || maxParamLag < 0 || trialsPerCollection < 0 || maxRestarts < 0) {
      throw new IllegalArgumentException("need workers >= 1, credits >= 1, max_param_lag >= 0, trials per collection "
          + ">= 0 and max_restarts >= 0; got " + workers + ", " + credits + ", " + maxParamLag + ", "
          + trialsPerCollection + ", " + maxRestarts);
    }
    if (restartWindow == null || restartWindow.toMillis() < 1) {
      throw new IllegalArgumentException("restart_window must be >= 1 ms, got " + restartWindow);
    }
    if (restartMinBackoff == null || restartMaxBackoff == null || restartMinBackoff.isNegative()
        || restartMaxBackoff.compareTo(restartMinBackoff) < 0) {
      throw new IllegalArgumentException("restart backoff needs 0 <= min <= max, got min=" + restartMinBackoff
          + ", max=" + restartMaxBackoff);
    }
  }

  /** 2 workers, 1 credit, lag 1, automatic collection size, the Pekko runtime's restart budget (10 per 60 s). */
  public static OnPolicyConfig defaults() {
    return new OnPolicyConfig(2, 1, DEFAULT_MAX_PARAM_LAG, 0, Duration.ofMillis(200), Duration.ofSeconds(2), 10,
        Duration.ofSeconds(60), null);
  }

  public OnPolicyConfig withWorkers(int w) {
    return new OnPolicyConfig(w, credits, maxParamLag, trialsPerCollection, restartMinBackoff, restartMaxBackoff,
        maxRestarts, restartWindow, learnerFile);
  }

  public OnPolicyConfig withCredits(int c) {
    return new OnPolicyConfig(workers, c, maxParamLag, trialsPerCollection, restartMinBackoff, restartMaxBackoff,
        maxRestarts, restartWindow, learnerFile);
  }

  public OnPolicyConfig withMaxParamLag(int lag) {
    return new OnPolicyConfig(workers, credits, lag, trialsPerCollection, restartMinBackoff, restartMaxBackoff,
        maxRestarts, restartWindow, learnerFile);
  }

  public OnPolicyConfig withTrialsPerCollection(int trials) {
    return new OnPolicyConfig(workers, credits, maxParamLag, trials, restartMinBackoff, restartMaxBackoff,
        maxRestarts, restartWindow, learnerFile);
  }

  /** At most {@code max} restarts per worker within any {@code window}, after {@code minBackoff} doubling to 10x. */
  public OnPolicyConfig withRestarts(int max, Duration window, Duration minBackoff) {
    return new OnPolicyConfig(workers, credits, maxParamLag, trialsPerCollection, minBackoff,
        minBackoff.multipliedBy(10), max, window, learnerFile);
  }

  public OnPolicyConfig withLearnerFile(Path file) {
    return new OnPolicyConfig(workers, credits, maxParamLag, trialsPerCollection, restartMinBackoff, restartMaxBackoff,
        maxRestarts, restartWindow, file);
  }
}
