package dev.mnemo.learners.ald;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.acting.CategoricalPolicy;
import dev.mnemo.agents.rl2.ActorCriticPolicy;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import dev.mnemo.agents.transformer.TransformerActorCriticPolicy;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Seeds;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import dev.mnemo.learners.rl2.TrialBatch;
import dev.mnemo.learners.rl2.TrialCollector;
import dev.mnemo.learners.rl2.TrialEvaluator;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * ALD's synchronous loop on one thread, deterministic from the seed: the acting policy collects {@code trials} whole
 * episodes with the parameters the {@link AldLearner} published, the learner updates, and every {@code evalInterval}
 * updates the acting policy is evaluated on held-out episodes (sampling as it acts). Which policy acts is the
 * learner's mode's: the LSTM ({@link ActorCriticPolicy}) in ALD, which only ever gets the distilled parameters, and
 * in the asymmetric baseline; the Transformer ({@link TransformerActorCriticPolicy}, its acting kernel with a
 * key/value cache) in the Transformer-only baseline. Each update's metrics carry the acting policy's CPU time per env
 * step of that collection.
 */
public final class AldTrainer {

  private static final long TRAIN_SALT = 0x616C6474L;
  /** The periodic evaluations' episodes: {@code combine(seed, EVAL_SALT)}, whatever the runtime. */
  static final long EVAL_SALT = 0x616C6465L;
  /** The final evaluation's episodes: {@code combine(seed, FINAL_SALT)}, apart from training's and the periodic ones. */
  public static final long FINAL_SALT = 0x616C6466L;

  /**
   * One update's figures, with the acting policy's last evaluation (NaN between evaluations).
   *
   * @param actingCpuUsPerStep CPU microseconds (this thread's clock) the acting policy spent per env step of this
   *     update's collection, padding steps included ({@link TrialCollector#actCpuNanos}); NaN without a thread CPU
   *     clock
   */
  public record Metrics(long envSteps, double trainReturn, double evalReturn, double evalCi95,
      AldLearner.Stats stats, double actingCpuUsPerStep) {
  }

  private final AldLearner learner;
  private final TrialCollector collector;
  private final TrialBatch batch;
  private final CategoricalPolicy policy;
  private final TrialEvaluator evaluator;
  private final long seed;
  private final int evalInterval;
  private long learnNanos;
  private long evalNanos;

  /**
   * Where {@link #run}'s wall time went, in seconds: the training collection's env steps and acting (the collector's
   * own clocks), the learner's updates (with ALD's distillation when it runs in turn) and the periodic evaluations.
   */
  public record Timings(double envSeconds, double actSeconds, double learnSeconds, double evalSeconds) {
  }

  public AldTrainer(AldLearner learner, IntFunction<Env> envFactory, EnvSpec envSpec, int trials, int evalTrials,
      int evalInterval, long seed) {
    this.learner = learner;
    this.collector = new TrialCollector(envFactory, envSpec, trials);
    this.batch = collector.newBatch();
    TrialEvaluator.Policies policies = actingPolicies(learner.mode(), learner.transformer(), learner.actorSpec());
    this.policy = policies.make(trials, Seeds.combine(seed, 2), false);
    this.evaluator = new TrialEvaluator(policies, envFactory, envSpec, evalTrials, Seeds.combine(seed, EVAL_SALT),
        false);
    this.seed = seed;
    this.evalInterval = evalInterval;
  }

  /**
   * The policy that acts in {@code mode}: the Transformer through its key/value-cache kernel in Transformer-only, the
   * LSTM otherwise (ALD's actors never act with the Transformer).
   */
  static TrialEvaluator.Policies actingPolicies(AldLearner.Mode mode, TransformerActorCritic transformer,
      ActorCriticSpec actor) {
    return mode.actsWithTransformer()
        ? (n, s, greedy) -> new TransformerActorCriticPolicy(transformer, n, s, greedy)
        : (n, s, greedy) -> new ActorCriticPolicy(actor, n, s, greedy);
  }

  /**
   * Runs until {@code totalEnvSteps} or until the acting policy's evaluation reaches {@code target}; the last
   * evaluation.
   */
  public Evaluation run(long totalEnvSteps, double target, Consumer<Metrics> listener) {
    return run(totalEnvSteps, target, listener, () -> false);
  }

  /** As {@link #run(long, double, Consumer)}, also ending (after an evaluation) once {@code stop} turns true. */
  public Evaluation run(long totalEnvSteps, double target, Consumer<Metrics> listener,
      java.util.function.BooleanSupplier stop) {
    long envSteps = 0;
    Evaluation last = null;
    while (envSteps < totalEnvSteps) {
      boolean stopping = stop.getAsBoolean();
      ParamSnapshot acting = learner.actingSnapshot();
      policy.load(acting);
      long cpu0 = collector.actCpuNanos();
      long rows0 = collector.actedRows();
      collector.collect(policy, Seeds.combine(Seeds.combine(seed, TRAIN_SALT), learner.updates()), batch);
      double actingUs = collector.hasCpuClock()
          ? (collector.actCpuNanos() - cpu0) / 1e3 / (collector.actedRows() - rows0) : Double.NaN;
      envSteps += batch.validSteps();
      long u0 = System.nanoTime();
      AldLearner.Stats s = learner.update(batch);
      learnNanos += System.nanoTime() - u0;
      double evalReturn = Double.NaN;
      double evalCi = Double.NaN;
      if (s.updates() % evalInterval == 0 || envSteps >= totalEnvSteps || stopping) {
        long e0 = System.nanoTime();
        last = evaluator.evaluate(learner.actingSnapshot());
        evalNanos += System.nanoTime() - e0;
        evalReturn = last.meanReturn();
        evalCi = last.ci95();
      }
      listener.accept(new Metrics(envSteps, batch.meanReturn(), evalReturn, evalCi, s, actingUs));
      if ((!Double.isNaN(evalReturn) && evalReturn >= target) || stopping) {
        break;
      }
    }
    return last;
  }

  /** Wall time so far by stage (summed over every {@link #run}). */
  public Timings timings() {
    return new Timings(collector.envNanos() / 1e9, collector.actNanos() / 1e9, learnNanos / 1e9, evalNanos / 1e9);
  }

  /** The policy the actors collect with (the LSTM's or, Transformer-only, the Transformer's). */
  public CategoricalPolicy actingPolicy() {
    return policy;
  }
}
