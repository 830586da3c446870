package dev.mnemo.learners.rl2;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.rl2.ActorCriticPolicy;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Seeds;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import dev.mnemo.learners.checkpoint.CheckpointFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * RL²'s synchronous loop on one thread, deterministic from the seed: collect {@code trialsPerUpdate} whole
 * trials on fresh tasks with the current parameters (on-policy: parameter lag 0), one PPO update, and every
 * {@code evalInterval} updates an evaluation on fixed held-out tasks. At the end the final parameters and the
 * peak ones (best periodic evaluation) are each evaluated on {@code finalEvalTrials} tasks drawn apart from both
 * training's and the periodic evaluation's, so final and peak figures are reported separately and neither is
 * selected on the tasks that measure it.
 *
 * <p>Checkpoints ({@link #saveCheckpoint}, {@link #restoreCheckpoint}) are taken between updates and continue
 * bit-identically: the same collections, updates, metrics rows and final and peak figures as an uninterrupted run.
 */
public final class Rl2Trainer implements AutoCloseable {
  static final long TRAIN_SALT = 0x7472616EL;
  static final long EVAL_SALT = 0x6576616CL;
  static final long FINAL_SALT = 0x66696E61L;

  private final Rl2Config cfg;
  private final IntFunction<Env> envFactory;
  private final EnvSpec envSpec;
  private final ActorCriticSpec spec;
  private final PpoLearner learner;
  private final TrialCollector collector;
  private final TrialBatch batch;
  /** Acts for training; its sampling stream runs on across updates (a checkpoint saves it). */
  private final ActorCriticPolicy policy;
  /** Evaluates on the same held-out tasks every time (no state to save). */
  private final TrialEvaluator periodic;
  private final LoopState loop = new LoopState();

  /** Checkpoint files ({@link #saveCheckpoint}). */
  public static final String LEARNER_FILE = "learner.ppo";
  public static final String TRAINER_FILE = "trainer.ckpt";
  private static final String TRAINER_MAGIC = "mnemo-rl2-trainer";
  private static final int TRAINER_FORMAT = 1;

  public Rl2Trainer(Rl2Config cfg) {
    this.cfg = cfg;
    this.envFactory = i -> EnvRegistry.make(cfg.env());
    this.envSpec = EnvRegistry.spec(cfg.env());
    this.spec = cfg.spec(envSpec.obsSize(), envSpec.numActions());
    this.learner = new PpoLearner(spec, cfg.ppo(), cfg.initialParams(spec),
        cfg.learnerThreads());
    this.collector = new TrialCollector(envFactory, envSpec, cfg.trialsPerUpdate());
    this.batch = collector.newBatch();
    this.policy = new ActorCriticPolicy(spec, cfg.trialsPerUpdate(), Seeds.combine(cfg.seed(), 2), false);
    this.periodic = new TrialEvaluator(spec, envFactory, envSpec, cfg.evalTrials(),
        Seeds.combine(cfg.seed(), EVAL_SALT), cfg.evalGreedy());
  }

  /** Stops the learner's threads. */
  @Override
  public void close() {
    learner.close();
  }

  public ActorCriticSpec spec() {
    return spec;
  }

  public EnvSpec envSpec() {
    return envSpec;
  }

  public PpoLearner learner() {
    return learner;
  }

  /** The evaluator of {@code trials} trials on the final evaluation's tasks. */
  public TrialEvaluator finalEvaluator(int trials) {
    return evaluator(trials, Seeds.combine(cfg.seed(), FINAL_SALT));
  }

  /** An evaluator of {@code trials} trials on tasks drawn from {@code seed} ({@code mnemo eval}'s fresh tasks). */
  public TrialEvaluator evaluator(int trials, long seed) {
    return evaluator(envFactory, trials, seed);
  }

  /**
   * As {@link #evaluator(int, long)}, with trial {@code i}'s env made by {@code trialEnvs} (e.g. one whose task is
   * pinned to a baseline table's task {@code i}); the envs must share the run's env spec.
   */
  public TrialEvaluator evaluator(IntFunction<Env> trialEnvs, int trials, long seed) {
    return new TrialEvaluator(spec, trialEnvs, envSpec, trials, seed, cfg.evalGreedy());
  }

  /**
   * Trains until the budget or {@code stop}, calling {@code listener} after every update.
   */
  public Rl2Result run(Consumer<Rl2Metrics> listener, BooleanSupplier stop) {
    return run(listener, stop, envSteps -> { });
  }

  /** Called after every update, the point where {@link #saveCheckpoint} captures a state that continues exactly. */
  @FunctionalInterface
  public interface CheckpointHook {
    void afterUpdate(long envSteps) throws IOException;
  }

  /**
   * As {@link #run(Consumer, BooleanSupplier)}, calling {@code checkpoints} after every update; after
   * {@link #restoreCheckpoint} it continues the restored run.
   */
  public Rl2Result run(Consumer<Rl2Metrics> listener, BooleanSupplier stop, CheckpointHook checkpoints) {
    long start = System.nanoTime();
    if (loop.peak == null) {
      loop.peak = learner.snapshot();
    }
    while (loop.envSteps < cfg.totalEnvSteps() && !stop.getAsBoolean()) {
      long c0 = System.nanoTime();
      policy.load(learner.snapshot());
      collector.collect(policy, Seeds.combine(Seeds.combine(cfg.seed(), TRAIN_SALT), learner.updates()), batch);
      loop.envSteps += batch.validSteps();
      long c1 = System.nanoTime();
      PpoStats s = learner.update(batch, cfg.lrScale(loop.envSteps), cfg.entropyCoef(loop.envSteps));
      long c2 = System.nanoTime();
      loop.learnSeconds += (c2 - c1) / 1e9;
      double evalReturn = Double.NaN;
      double evalCi = Double.NaN;
      boolean last = loop.envSteps >= cfg.totalEnvSteps();
      if (s.updates() % cfg.evalInterval() == 0 || last) {
        ParamSnapshot now = learner.snapshot();
        Evaluation e = periodic.evaluate(now);
        evalReturn = e.meanReturn();
        evalCi = e.ci95();
        if (evalReturn > loop.bestEval) {
          loop.bestEval = evalReturn;
          loop.peak = now;
          loop.peakUpdate = s.updates();
        }
        loop.evalSeconds += (System.nanoTime() - c2) / 1e9;
      }
      listener.accept(new Rl2Metrics(loop.envSteps, batch.meanReturn(), evalReturn, evalCi, s, (c1 - c0) / 1e9,
          (c2 - c1) / 1e9, (System.nanoTime() - start) / 1e9));
      try {
        checkpoints.afterUpdate(loop.envSteps);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write a checkpoint: " + e.getMessage(), e);
      }
    }
    long f0 = System.nanoTime();
    ParamSnapshot last = learner.snapshot();
    TrialEvaluator fin = finalEvaluator(cfg.finalEvalTrials());
    Evaluation finalEval = fin.evaluate(last);
    Evaluation peakEval = loop.peak.version() == last.version() ? finalEval : fin.evaluate(loop.peak);
    loop.evalSeconds += (System.nanoTime() - f0) / 1e9;
    return new Rl2Result(loop.envSteps, learner.updates(), finalEval, peakEval, loop.peakUpdate, last, loop.peak,
        collector.envNanos() / 1e9, collector.actNanos() / 1e9, loop.learnSeconds, loop.evalSeconds);
  }

  /** Env steps so far (a checkpoint's counter). */
  public long envSteps() {
    return loop.envSteps;
  }

  /**
   * Writes {@link #LEARNER_FILE} (the PPO learner) and {@link #TRAINER_FILE} (the loop's counters, the peak so far
   * and its parameters, the acting policy's sampling stream) into {@code dir}, each atomically. Valid between
   * updates: from a {@link CheckpointHook} or after {@link #run} returned. Every collection starts fresh trials
   * from zero states, so between updates nothing else is in flight.
   */
  public void saveCheckpoint(Path dir) throws IOException {
    java.nio.file.Files.createDirectories(dir);
    learner.save(dir.resolve(LEARNER_FILE));
    CheckpointFile.write(dir.resolve(TRAINER_FILE), TRAINER_MAGIC, TRAINER_FORMAT, out -> {
      out.writeLong(loop.envSteps);
      out.writeDouble(loop.bestEval);
      out.writeLong(loop.peakUpdate);
      out.writeDouble(loop.learnSeconds);
      out.writeDouble(loop.evalSeconds);
      ParamSnapshot peak = loop.peak == null ? learner.snapshot() : loop.peak;
      out.writeLong(peak.version());
      CheckpointFile.writeFloats(out, peak.params());
      policy.writeState(out);
    });
  }

  /**
   * Restores a {@link #saveCheckpoint} into this (not yet run) trainer of the same config: the next {@link #run}
   * continues the saved run as if it had never stopped.
   *
   * @throws IllegalStateException naming the file and what does not match
   */
  public void restoreCheckpoint(Path dir) {
    Path l = dir.resolve(LEARNER_FILE);
    try {
      learner.restore(l);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot resume the learner from " + l + ": " + e.getMessage(), e);
    }
    Path t = dir.resolve(TRAINER_FILE);
    try {
      CheckpointFile.read(t, TRAINER_MAGIC, TRAINER_FORMAT, in -> {
        loop.envSteps = in.readLong();
        loop.bestEval = in.readDouble();
        loop.peakUpdate = in.readLong();
        loop.learnSeconds = in.readDouble();
        loop.evalSeconds = in.readDouble();
        long version = in.readLong();
        loop.peak = new ParamSnapshot(CheckpointFile.readFloats(in, spec.paramCount(), "peak params"), version);
        policy.readState(in);
        return null;
      });
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot resume the trainer from " + t + ": " + e.getMessage(), e);
    }
  }

  /** What the loop carries from one update to the next besides the learner and the policy's stream. */
  private static final class LoopState {
    long envSteps;
    double learnSeconds;
    double evalSeconds;
    double bestEval = Double.NEGATIVE_INFINITY;
    ParamSnapshot peak;
    long peakUpdate;
  }
}
