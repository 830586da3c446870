package dev.mnemo.actors;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the runtime runs (the learning hyperparameters stay in the algorithm's config, behind its builder).
 *
 * @param workers env workers (local runtime; per node in cluster mode)
 * @param envsPerWorker envs in each worker's vector env (each is one actor with its own epsilon)
 * @param chunkRows finished sequences per message from a worker to the replay
 * @param credits chunks a worker may have sent but not yet acknowledged: with the replay's bounded
 *     pending queue this bounds memory whatever the actor/learner speed ratio
 * @param stepsPerTick vector steps a worker takes per mailbox turn (between turns it reads acks, params)
 * @param rateLimited apply the algorithm's samples-per-insert limiter (false: only the
 *     minimum replay size, so the learner keeps training on what replay holds when actors are gone)
 * @param publishEvery learner updates between parameter publications
 * @param statusInterval period of status callbacks
 * @param restartMinBackoff first restart delay of a failed worker
 * @param restartMaxBackoff largest restart delay of a worker that keeps failing
 * @param maxRestarts restarts one worker may take within {@code restartWindow}; its next failure in that
 *     window ends the run as failed (0: the first failure does)
 * @param restartWindow the sliding window {@code maxRestarts} counts in
 * @param learnerIdle no learner updates (benchmarks of the acting side)
 * @param checkpointDir where the checkpoints go ({@link RuntimeCheckpoint}: the final one at its top, the
 *     periodic ones in subdirectories), or null for none
 * @param checkpointInterval wall time between periodic checkpoints while the run goes on (zero: only the final
 *     one); a run killed without its final checkpoint loses at most this much
 * @param checkpointKeep periodic checkpoints kept (the newest)
 * @param resumeDir a checkpoint directory to continue from, or null
 * @param learnerWait cluster actor nodes: how long a node without a learner (not yet found, or lost) keeps
 *     trying to join one before it stops (exit 0, {@code actor_node_stopped})
 * @param envFactory makes the envs; null means {@code EnvRegistry.make(agent.envId())}
 */
public record RuntimeConfig(int workers, int envsPerWorker, int chunkRows, int credits, int stepsPerTick,
    boolean rateLimited, int publishEvery, Duration statusInterval, Duration restartMinBackoff,
    Duration restartMaxBackoff, int maxRestarts, Duration restartWindow, boolean learnerIdle, Path checkpointDir,
    Duration checkpointInterval, int checkpointKeep, Path resumeDir, Duration learnerWait, EnvFactory envFactory) {

  public RuntimeConfig {
    atLeast("workers", workers, 0);
    atLeast("envs_per_worker", envsPerWorker, 1);
    atLeast("chunk_rows", chunkRows, 1);
    atLeast("credits", credits, 1);
    atLeast("steps_per_tick", stepsPerTick, 1);
    atLeast("publish_every", publishEvery, 1);
    atLeast("max_restarts", maxRestarts, 0);
    atLeast("checkpoint_keep", checkpointKeep, 1);
    if (checkpointInterval == null || checkpointInterval.isNegative()) {
      throw new IllegalArgumentException("checkpoint_interval must be >= 0, got " + checkpointInterval);
    }
    if (restartWindow == null || restartWindow.toMillis() < 1) {
      throw new IllegalArgumentException("restart_window must be >= 1 ms, got " + restartWindow);
    }
    if (learnerWait == null || learnerWait.toMillis() < 1) {
      throw new IllegalArgumentException("learner_wait must be >= 1 ms, got " + learnerWait);
    }
    if (statusInterval == null || statusInterval.toMillis() < 1) {
      throw new IllegalArgumentException("status_interval must be >= 1 ms, got " + statusInterval);
    }
    if (restartMinBackoff == null || restartMaxBackoff == null || restartMinBackoff.isNegative()
        || restartMaxBackoff.compareTo(restartMinBackoff) < 0) {
      throw new IllegalArgumentException("restart backoff needs 0 <= min <= max, got min="
          + restartMinBackoff + ", max=" + restartMaxBackoff);
    }
  }

  /** The runtime's defaults: {@code mnemo.actors} of this module's {@code reference.conf}, their one source. */
  public static RuntimeConfig defaults() {
    com.typesafe.config.Config c = defaultsConfig();
    return new RuntimeConfig(c.getInt("workers"), c.getInt("envs_per_worker"), c.getInt("chunk_rows"),
        c.getInt("credits"), c.getInt("steps_per_tick"), c.getBoolean("rate_limited"), 1,
        c.getDuration("status_interval"), Duration.ofMillis(200), Duration.ofSeconds(2), c.getInt("max_restarts"),
        c.getDuration("restart_window"), false, null, c.getDuration("checkpoint_interval"),
        c.getInt("checkpoint_keep"), null, c.getDuration("learner_wait"), null);
  }

  /** The {@code mnemo.actors} block of this module's {@code reference.conf}. */
  public static com.typesafe.config.Config defaultsConfig() {
    return com.typesafe.config.ConfigFactory.parseResources(RuntimeConfig.class.getClassLoader(), "reference.conf")
        .resolve().getConfig("mnemo.actors");
  }

  public RuntimeConfig withWorkers(int w, int envs) {
    return new RuntimeConfig(w, envs, chunkRows, credits, stepsPerTick, rateLimited, publishEvery,
        statusInterval, restartMinBackoff, restartMaxBackoff, maxRestarts, restartWindow, learnerIdle, checkpointDir,
        checkpointInterval, checkpointKeep, resumeDir, learnerWait, envFactory);
  }

  public RuntimeConfig withFlow(int rows, int credit, int steps) {
    return new RuntimeConfig(workers, envsPerWorker, rows, credit, steps, rateLimited, publishEvery,
        statusInterval, restartMinBackoff, restartMaxBackoff, maxRestarts, restartWindow, learnerIdle, checkpointDir,
        checkpointInterval, checkpointKeep, resumeDir, learnerWait, envFactory);
  }

  public RuntimeConfig withRateLimited(boolean limited) {
    return new RuntimeConfig(workers, envsPerWorker, chunkRows, credits, stepsPerTick, limited, publishEvery,
        statusInterval, restartMinBackoff, restartMaxBackoff, maxRestarts, restartWindow, learnerIdle, checkpointDir,
        checkpointInterval, checkpointKeep, resumeDir, learnerWait, envFactory);
  }

  public RuntimeConfig withStatusInterval(Duration d) {
    return new RuntimeConfig(workers, envsPerWorker, chunkRows, credits, stepsPerTick, rateLimited, publishEvery,
        d, restartMinBackoff, restartMaxBackoff, maxRestarts, restartWindow, learnerIdle, checkpointDir,
        checkpointInterval, checkpointKeep, resumeDir, learnerWait, envFactory);
  }

  /** At most {@code max} restarts per worker within any {@code window}; one more failure fails the run. */
  public RuntimeConfig withRestartBudget(int max, Duration window) {
    return new RuntimeConfig(workers, envsPerWorker, chunkRows, credits, stepsPerTick, rateLimited, publishEvery,
        statusInterval, restartMinBackoff, restartMaxBackoff, max, window, learnerIdle, checkpointDir,
        checkpointInterval, checkpointKeep, resumeDir, learnerWait, envFactory);
  }

  public RuntimeConfig withLearnerIdle(boolean idle) {
    return new RuntimeConfig(workers, envsPerWorker, chunkRows, credits, stepsPerTick, rateLimited, publishEvery,
        statusInterval, restartMinBackoff, restartMaxBackoff, maxRestarts, restartWindow, idle, checkpointDir,
        checkpointInterval, checkpointKeep, resumeDir, learnerWait, envFactory);
  }

  public RuntimeConfig withCheckpoints(Path dir, Path resume) {
    return new RuntimeConfig(workers, envsPerWorker, chunkRows, credits, stepsPerTick, rateLimited, publishEvery,
        statusInterval, restartMinBackoff, restartMaxBackoff, maxRestarts, restartWindow, learnerIdle, dir,
        checkpointInterval, checkpointKeep, resume, learnerWait, envFactory);
  }

  /** A periodic checkpoint every {@code interval} of wall time (zero: none), keeping the newest {@code keep}. */
  public RuntimeConfig withCheckpointInterval(Duration interval, int keep) {
    return new RuntimeConfig(workers, envsPerWorker, chunkRows, credits, stepsPerTick, rateLimited, publishEvery,
        statusInterval, restartMinBackoff, restartMaxBackoff, maxRestarts, restartWindow, learnerIdle, checkpointDir,
        interval, keep, resumeDir, learnerWait, envFactory);
  }

  /** How long an actor node without a learner keeps trying to join one before it stops. */
  public RuntimeConfig withLearnerWait(Duration wait) {
    return new RuntimeConfig(workers, envsPerWorker, chunkRows, credits, stepsPerTick, rateLimited, publishEvery,
        statusInterval, restartMinBackoff, restartMaxBackoff, maxRestarts, restartWindow, learnerIdle, checkpointDir,
        checkpointInterval, checkpointKeep, resumeDir, wait, envFactory);
  }

  public RuntimeConfig withEnvFactory(EnvFactory f) {
    return new RuntimeConfig(workers, envsPerWorker, chunkRows, credits, stepsPerTick, rateLimited, publishEvery,
        statusInterval, restartMinBackoff, restartMaxBackoff, maxRestarts, restartWindow, learnerIdle, checkpointDir,
        checkpointInterval, checkpointKeep, resumeDir, learnerWait, f);
  }

  private static void atLeast(String name, int v, int min) {
    if (v < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + v);
    }
  }
}
