package dev.mnemo.learners.r2d2;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.agent.Solved;
import dev.mnemo.learners.agent.SolvedRule;
import dev.mnemo.agents.acting.ActingLoop;
import dev.mnemo.envs.VectorEnv;
import dev.mnemo.learners.agent.AgentShapes;
import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.replay.PrioritizedSequenceReplay;
import dev.mnemo.replay.RateLimiterConfig;
import dev.mnemo.replay.ReplayConfig;
import dev.mnemo.replay.SequenceBatch;
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
    long start = System.nanoTime();
    int n = acting.size();
    refreshActors();
    long envSteps = 0;
    long lastEpisodes = 0;
    double lastReturnSum = 0;
    UpdateStats last = null;
    long nextEval = config.evalInterval();
    long lastReportSteps = 0;
    long lastReportUpdates = 0;
    long lastReportTime = start;
    double evalMean = Double.NaN;
    double evalCi = Double.NaN;
    boolean solved = false;
    long solvedAt = Solved.NEVER;
    ParamSnapshot resultParams = null;
    Evaluator.Evaluation result = null;
    try {
      while (envSteps < config.totalEnvSteps()) {
        acting.step();
        envSteps += n;
        // learn at the replay ratio
        long inserted = replay.stats().inserts();
        if (replay.size() >= config.minReplaySize()) {
          while ((double) (learner.updates() + 1) * config.batchSize()
              <= config.samplesPerInsert() * (inserted - config.minReplaySize() + config.batchSize())) {
            if (!replay.sample(batch, 1, TimeUnit.SECONDS)) {
              throw new IllegalStateException("replay refused a sample with " + replay.size() + " sequences");
            }
            last = learner.update(batch);
            replay.updatePriorities(batch, last.priorities());
          }
        }
        if (acting.vectorSteps() % config.actorRefreshSteps() == 0) {
          refreshActors();
        }
        progress.at(envSteps, learner.updates(), last == null ? Double.NaN : last.loss());
        boolean stopping = stop.getAsBoolean();
        if (envSteps >= nextEval || envSteps >= config.totalEnvSteps() || stopping) {
          nextEval += config.evalInterval();
          if (evaluator != null) {
            ParamSnapshot params = learner.snapshot();
            Evaluator.Evaluation e = evaluator.evaluate(params);
            evalMean = e.meanReturn();
            evalCi = e.ci95();
            if (!solved && rule.nominates(e)) {
              Evaluator.Evaluation confirmation = rule.evaluate(params);
              if (rule.solved(confirmation)) {
                solved = true;
                solvedAt = envSteps;
                if (stopWhenSolved) {
                  resultParams = params;
                  result = confirmation;
                }
              }
            }
          }
          long now = System.nanoTime();
          double dt = (now - lastReportTime) / 1e9;
          long newEpisodes = acting.episodes() - lastEpisodes;
          metrics.accept(new TrainMetrics(envSteps, learner.updates(), acting.episodes(),
              newEpisodes > 0 ? (acting.returnSum() - lastReturnSum) / newEpisodes : Double.NaN, evalMean,
              evalCi, last == null ? Double.NaN : last.loss(), last == null ? Double.NaN : last.meanAbsTd(),
              last == null ? Double.NaN : last.meanQ(), last == null ? Double.NaN : last.gradNorm(),
              (learner.updates() - lastReportUpdates) / dt, (envSteps - lastReportSteps) / dt,
              (now - start) / 1e9));
          lastEpisodes = acting.episodes();
          lastReturnSum = acting.returnSum();
          lastReportTime = now;
          lastReportSteps = envSteps;
          lastReportUpdates = learner.updates();
          if ((solved && stopWhenSolved) || stopping) {
            break;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("trainer interrupted", e);
    } finally {
      envs.close(); // a Gym HTTP env holds an instance on its server until closed
    }
    if (resultParams == null) {
      // Not stopped as solved: the result is the final parameters, evaluated as a confirmation would be.
      resultParams = learner.snapshot();
      result = rule.evaluate(resultParams);
    }
    return new TrainResult(envSteps, learner.updates(), acting.episodes(), evalMean, evalCi,
        config.evalEpisodes(), solved, solvedAt, (System.nanoTime() - start) / 1e9, resultParams, result);
  }

  private void refreshActors() {
    acting.load(learner.snapshot());
  }
}
