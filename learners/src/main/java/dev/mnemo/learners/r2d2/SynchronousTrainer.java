package dev.mnemo.learners.r2d2;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.acting.ActingLoop;
import dev.mnemo.envs.VectorEnv;
import dev.mnemo.learners.agent.AgentShapes;
import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.learners.agent.Solved;
import dev.mnemo.learners.agent.SolvedRule;
import dev.mnemo.learners.checkpoint.CheckpointFile;
import dev.mnemo.replay.PrioritizedSequenceReplay;
import dev.mnemo.replay.RateLimiterConfig;
import dev.mnemo.replay.ReplayConfig;
import dev.mnemo.replay.SequenceBatch;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * R2D2 in one thread: N vectorised envs acted on by the pure-Java kernel with per-actor epsilon
 * (epsilon_i = base^(1 + alpha i/(N-1))), one {@link SequenceAdder} per env feeding a
 * {@link PrioritizedSequenceReplay} (each sequence at the actor-side priority or the replay's maximum, as
 * {@code initial_priority} says), and the {@link R2d2Learner} updating at the configured
 * samples-per-insert ratio. The kernel gets the learner's parameters every {@code actorRefreshSteps}
 * steps of each env; greedy evaluation episodes run every {@code evalInterval} env steps on separate
 * env copies, and "solved" follows {@link SolvedRule}: an evaluation that reaches the threshold is confirmed
 * on the same parameters by a larger one ({@code confirmEpisodes}), and the run's result is the parameters
 * it stopped on when solved, else its final ones, with that larger evaluation of them. Metrics rows go out
 * at every evaluation; a {@link Progress} hears the running totals after every vector step. Everything random
 * derives from the config's seed, so a run is deterministic.
 *
 * <p>Checkpoints ({@link #saveCheckpoint}, {@link #restoreCheckpoint}) hold the learner, the replay, and the rest:
 * the acting loop (envs re-played from their episode seeds, recurrent states, exploration stream, every adder's
 * episode under way), the parameters the actors act with, the evaluators' rounds and the loop's counters. A run
 * restored from one continues bit-identically: the same updates, parameters and metrics rows as a run that never
 * stopped (the timing columns aside).
 *
 * <p>In one thread the replay ratio is kept by the loop itself (after every env step: update while
 * {@code updates * batch <= samplesPerInsert * inserted}), so the replay's blocking rate limiter is
 * configured wide open and never waits.
 */
public final class SynchronousTrainer {

  private final R2d2Config config;
  /** The acting envs; closed when the run ends (a trainer runs once). */
  private final VectorEnv envs;
  private final R2d2Learner learner;
  private final PrioritizedSequenceReplay replay;
  private final ActingLoop acting;
  private final SequenceBatch batch;
  private final Evaluator evaluator;
  private final SolvedRule rule;
  private final LoopState loop = new LoopState();
  /** The parameters the actors act with (the learner's at the last refresh): a checkpoint saves them. */
  private ParamSnapshot actingParams;
  private boolean restored;

  /** Checkpoint files ({@link #saveCheckpoint}). */
  public static final String LEARNER_FILE = "learner.ckpt";
  public static final String REPLAY_FILE = "replay.ckpt";
  public static final String TRAINER_FILE = "trainer.ckpt";
  private static final String TRAINER_MAGIC = "mnemo-sync-trainer";
  private static final int TRAINER_FORMAT = 1;

  /** With {@link SolvedRule#CONFIRM_EPISODES} confirming episodes. */
  public SynchronousTrainer(R2d2Config config) {
    this(config, SolvedRule.CONFIRM_EPISODES);
  }

  /**
   * @param confirmEpisodes episodes of the evaluation that confirms "solved" and gives the final figures
   */
  public SynchronousTrainer(R2d2Config config, int confirmEpisodes) {
    this.config = config;
    int n = config.numEnvs();
    this.envs = new VectorEnv(config.env(), n, config.seed());
    R2d2Builder builder = new R2d2Builder(config);
    AgentShapes shapes = builder.shapes(envs.spec());
    this.learner = new R2d2Learner(builder.networkSpec(envs.spec()), config);
    // One thread keeps the replay ratio itself (see the class comment): the replay's limiter is wide open.
    RateLimiterConfig open = new RateLimiterConfig(1, config.samplesPerInsert(), -Double.MAX_VALUE,
        Double.MAX_VALUE);
    this.replay = new PrioritizedSequenceReplay(new ReplayConfig(config.replayCapacity(), shapes.sequence(),
        config.priorityExponent(), config.importanceExponent(), 1.0, 1e-6, open, config.seed() ^ 0x5EEDL));
    // The same acting step the Pekko env workers run: the builder's policy, one adder per env.
    this.acting = new ActingLoop(envs, builder.newPolicy(shapes, 0, n, n, config.seed() * 0x9E3779B97F4A7C15L + 17),
        shapes.sequence(), replay, 0, builder.newSequencePriority(shapes));
    this.batch = replay.newBatch(config.batchSize());
    this.evaluator = builder.newEvaluator(shapes);
    this.rule = new SolvedRule(builder.newEvaluator(shapes, confirmEpisodes), config.solvedThreshold());
  }

  public R2d2Learner learner() {
    return learner;
  }

  public PrioritizedSequenceReplay replay() {
    return replay;
  }

  /**
   * Trains until {@code totalEnvSteps} (or until an evaluation reaches {@code solvedThreshold} when
   * {@code stopWhenSolved}), reporting after every evaluation.
   */
  public TrainResult run(Consumer<TrainMetrics> metrics, boolean stopWhenSolved) {
    return run(metrics, stopWhenSolved, () -> false);
  }

  /**
   * As {@link #run(Consumer, boolean)}, and also ends (with a final report) at the first env step after
   * {@code stop} turns true, e.g. on SIGINT.
   */
  public TrainResult run(Consumer<TrainMetrics> metrics, boolean stopWhenSolved, BooleanSupplier stop) {
    return run(metrics, stopWhenSolved, stop, (steps, updates, loss) -> { });
  }

  /** The running totals, after every vector step. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Called on the training thread after every vector step: keep it cheap (e.g. a status line that paces
     * itself, such as the CLI's {@code progress_interval}).
     *
     * @param loss the last update's loss (NaN before the first)
     */
    void at(long envSteps, long updates, double loss);
  }

  /** As {@link #run(Consumer, boolean, BooleanSupplier)}, telling {@code progress} after every vector step. */
  public TrainResult run(Consumer<TrainMetrics> metrics, boolean stopWhenSolved, BooleanSupplier stop,
      Progress progress) {
    return run(metrics, stopWhenSolved, stop, progress, envSteps -> { });
  }

  /**
   * Called at the end of every iteration of the training loop, the one point where {@link #saveCheckpoint}
   * captures a state that continues exactly.
   */
  @FunctionalInterface
  public interface CheckpointHook {
    /** @param envSteps env steps so far (a hook paces itself, e.g. by wall time) */
    void afterStep(long envSteps) throws IOException;
  }

  /**
   * As {@link #run(Consumer, boolean, BooleanSupplier, Progress)}, calling {@code checkpoints} at the end of every
   * loop iteration. After {@link #restoreCheckpoint} it continues the restored run.
   */
  public TrainResult run(Consumer<TrainMetrics> metrics, boolean stopWhenSolved, BooleanSupplier stop,
      Progress progress, CheckpointHook checkpoints) {
    long start = System.nanoTime();
    int n = acting.size();
    if (!restored) {
      refreshActors();
      loop.nextEval = config.evalInterval();
    }
    long lastReportTime = start;
    ParamSnapshot resultParams = null;
    Evaluator.Evaluation result = null;
    try {
      while (loop.envSteps < config.totalEnvSteps()) {
        acting.step();
        loop.envSteps += n;
        long envSteps = loop.envSteps;
        // learn at the replay ratio
        long inserted = replay.stats().inserts();
        if (replay.size() >= config.minReplaySize()) {
          while ((double) (learner.updates() + 1) * config.batchSize()
              <= config.samplesPerInsert() * (inserted - config.minReplaySize() + config.batchSize())) {
            if (!replay.sample(batch, 1, TimeUnit.SECONDS)) {
              throw new IllegalStateException("replay refused a sample with " + replay.size() + " sequences");
            }
            UpdateStats u = learner.update(batch);
            replay.updatePriorities(batch, u.priorities());
            loop.last(u);
          }
        }
        if (acting.vectorSteps() % config.actorRefreshSteps() == 0) {
          refreshActors();
        }
        progress.at(envSteps, learner.updates(), loop.loss);
        boolean stopping = stop.getAsBoolean();
        if (envSteps >= loop.nextEval || envSteps >= config.totalEnvSteps() || stopping) {
          // A stop evaluates off schedule without moving the schedule: a resumed run evaluates where an
          // uninterrupted one would have.
          if (envSteps >= loop.nextEval) {
            loop.nextEval += config.evalInterval();
          }
          if (evaluator != null) {
            ParamSnapshot params = learner.snapshot();
            Evaluator.Evaluation e = evaluator.evaluate(params);
            loop.evalMean = e.meanReturn();
            loop.evalCi = e.ci95();
            if (!loop.solved && rule.nominates(e)) {
              Evaluator.Evaluation confirmation = rule.evaluate(params);
              if (rule.solved(confirmation)) {
                loop.solved = true;
                loop.solvedAt = envSteps;
                if (stopWhenSolved) {
                  resultParams = params;
                  result = confirmation;
                }
              }
            }
          }
          long now = System.nanoTime();
          double dt = (now - lastReportTime) / 1e9;
          long newEpisodes = acting.episodes() - loop.lastEpisodes;
          metrics.accept(new TrainMetrics(envSteps, learner.updates(), acting.episodes(),
              newEpisodes > 0 ? (acting.returnSum() - loop.lastReturnSum) / newEpisodes : Double.NaN, loop.evalMean,
              loop.evalCi, loop.loss, loop.meanAbsTd, loop.meanQ, loop.gradNorm,
              (learner.updates() - loop.lastReportUpdates) / dt, (envSteps - loop.lastReportSteps) / dt,
              (now - start) / 1e9));
          loop.lastEpisodes = acting.episodes();
          loop.lastReturnSum = acting.returnSum();
          lastReportTime = now;
          loop.lastReportSteps = envSteps;
          loop.lastReportUpdates = learner.updates();
          if ((loop.solved && stopWhenSolved) || stopping) {
            break;
          }
        }
        checkpoints.afterStep(envSteps);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("trainer interrupted", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a checkpoint: " + e.getMessage(), e);
    } finally {
      envs.close(); // a Gym HTTP env holds an instance on its server until closed
    }
    if (resultParams == null) {
      // Not stopped as solved: the result is the final parameters, evaluated as a confirmation would be.
      resultParams = learner.snapshot();
      result = rule.evaluate(resultParams);
    }
    return new TrainResult(loop.envSteps, learner.updates(), acting.episodes(), loop.evalMean, loop.evalCi,
        config.evalEpisodes(), loop.solved, loop.solvedAt, (System.nanoTime() - start) / 1e9, resultParams, result);
  }

  /** Env steps, episodes and their return sum, sequences and updates so far: a checkpoint's counters. */
  public record Totals(long envSteps, long episodes, double returnSum, long sequencesEmitted, long sequencesInserted,
      long updates) {
  }

  public Totals totals() {
    return new Totals(loop.envSteps, acting.episodes(), acting.returnSum(), acting.emittedSequences(),
        replay.stats().inserts(), learner.updates());
  }

  /**
   * Writes {@link #LEARNER_FILE}, {@link #REPLAY_FILE} and {@link #TRAINER_FILE} into {@code dir} (each atomically),
   * from which {@link #restoreCheckpoint} continues this run exactly. Valid between loop iterations only: from a
   * {@link CheckpointHook}, or after {@link #run} returned.
   */
  public void saveCheckpoint(Path dir) throws IOException {
    java.nio.file.Files.createDirectories(dir);
    learner.save(dir.resolve(LEARNER_FILE));
    replay.checkpoint(dir.resolve(REPLAY_FILE));
    CheckpointFile.write(dir.resolve(TRAINER_FILE), TRAINER_MAGIC, TRAINER_FORMAT, out -> {
      loop.write(out);
      out.writeLong(evaluator == null ? 0 : evaluator.round());
      out.writeLong(rule.evaluator().round());
      out.writeLong(actingParams.version());
      CheckpointFile.writeFloats(out, actingParams.params());
      acting.writeState(out);
    });
  }

  /**
   * Restores a {@link #saveCheckpoint} into this (not yet run) trainer, built from the same config: the next
   * {@link #run} continues the saved run as if it had never stopped.
   *
   * @throws IllegalStateException naming the file and what does not match
   */
  public void restoreCheckpoint(Path dir) {
    if (restored) {
      throw new IllegalStateException("this trainer was already restored");
    }
    Path l = dir.resolve(LEARNER_FILE);
    try {
      learner.restore(l);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot resume the learner from " + l + ": " + e.getMessage(), e);
    }
    Path r = dir.resolve(REPLAY_FILE);
    try {
      replay.restore(r);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot resume the replay from " + r + ": " + e.getMessage(), e);
    }
    Path t = dir.resolve(TRAINER_FILE);
    try {
      CheckpointFile.read(t, TRAINER_MAGIC, TRAINER_FORMAT, in -> {
        loop.read(in);
        long evalRound = in.readLong();
        if (evaluator != null) {
          evaluator.setRound(evalRound);
        }
        rule.evaluator().setRound(in.readLong());
        long version = in.readLong();
        float[] p = CheckpointFile.readFloats(in, learner.snapshot().params().length, "acting params");
        actingParams = new ParamSnapshot(p, version);
        acting.load(actingParams);
        acting.readState(in);
        return null;
      });
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot resume the acting state from " + t + ": " + e.getMessage(), e);
    }
    restored = true;
  }

  /** Releases the envs of a trainer that will not {@link #run} (e.g. one built to check a checkpoint). */
  public void close() {
    envs.close();
  }

  /**
   * What the loop carries from one vector step to the next besides its components' state: counters, the
   * evaluation schedule, the last figures a metrics row repeats, and whether (and where) the run was solved.
   */
  private static final class LoopState {
    long envSteps;
    long nextEval;
    long lastEpisodes;
    double lastReturnSum;
    long lastReportSteps;
    long lastReportUpdates;
    double evalMean = Double.NaN;
    double evalCi = Double.NaN;
    boolean solved;
    long solvedAt = Solved.NEVER;
    double loss = Double.NaN;
    double meanAbsTd = Double.NaN;
    double meanQ = Double.NaN;
    double gradNorm = Double.NaN;

    void last(UpdateStats u) {
      loss = u.loss();
      meanAbsTd = u.meanAbsTd();
      meanQ = u.meanQ();
      gradNorm = u.gradNorm();
    }

    void write(DataOutput out) throws IOException {
      for (long v : new long[] {envSteps, nextEval, lastEpisodes, lastReportSteps, lastReportUpdates, solvedAt}) {
        out.writeLong(v);
      }
      for (double v : new double[] {lastReturnSum, evalMean, evalCi, loss, meanAbsTd, meanQ, gradNorm}) {
        out.writeDouble(v);
      }
      out.writeBoolean(solved);
    }

    void read(DataInput in) throws IOException {
      envSteps = in.readLong();
      nextEval = in.readLong();
      lastEpisodes = in.readLong();
      lastReportSteps = in.readLong();
      lastReportUpdates = in.readLong();
      solvedAt = in.readLong();
      lastReturnSum = in.readDouble();
      evalMean = in.readDouble();
      evalCi = in.readDouble();
      loss = in.readDouble();
      meanAbsTd = in.readDouble();
      meanQ = in.readDouble();
      gradNorm = in.readDouble();
      solved = in.readBoolean();
    }
  }

  private void refreshActors() {
    actingParams = learner.snapshot();
    acting.load(actingParams);
  }
}
