package dev.mnemo.learners.ald;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.rl2.ActorCriticPolicy;
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
 * ALD's synchronous loop on one thread, deterministic from the seed: the LSTM actor collects {@code trials} whole
 * episodes with its current parameters (the only ones it ever gets: the distilled ones), the {@link AldLearner}
 * updates the Transformer and distils it into the actor, and every {@code evalInterval} updates the actor is
 * evaluated on held-out episodes (sampling as it acts).
 */
public final class AldTrainer {

  private static final long TRAIN_SALT = 0x616C6474L;
  private static final long EVAL_SALT = 0x616C6465L;

  /** One update's figures, with the actor's last evaluation (NaN between evaluations). */
  public record Metrics(long envSteps, double trainReturn, double evalReturn, double evalCi95,
      AldLearner.Stats stats) {
  }

  private final AldLearner learner;
  private final TrialCollector collector;
  private final TrialBatch batch;
  private final ActorCriticPolicy policy;
  private final TrialEvaluator evaluator;
  private final long seed;
  private final int evalInterval;

  public AldTrainer(AldLearner learner, IntFunction<Env> envFactory, EnvSpec envSpec, int trials, int evalTrials,
      int evalInterval, long seed) {
    this.learner = learner;
    this.collector = new TrialCollector(envFactory, envSpec, trials);
    this.batch = collector.newBatch();
    this.policy = new ActorCriticPolicy(learner.actorSpec(), trials, Seeds.combine(seed, 2), false);
    this.evaluator = new TrialEvaluator(learner.actorSpec(), envFactory, envSpec, evalTrials,
        Seeds.combine(seed, EVAL_SALT), false);
    this.seed = seed;
    this.evalInterval = evalInterval;
  }

  /** Runs until {@code totalEnvSteps} or until the actor's evaluation reaches {@code target}; the last evaluation. */
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
      ParamSnapshot actor = learner.actorSnapshot();
      policy.load(actor);
      collector.collect(policy, Seeds.combine(Seeds.combine(seed, TRAIN_SALT), learner.updates()), batch);
      envSteps += batch.validSteps();
      AldLearner.Stats s = learner.update(batch);
      double evalReturn = Double.NaN;
      double evalCi = Double.NaN;
      if (s.updates() % evalInterval == 0 || envSteps >= totalEnvSteps || stopping) {
        last = evaluator.evaluate(learner.actorSnapshot());
        evalReturn = last.meanReturn();
        evalCi = last.ci95();
      }
      listener.accept(new Metrics(envSteps, batch.meanReturn(), evalReturn, evalCi, s));
      if ((!Double.isNaN(evalReturn) && evalReturn >= target) || stopping) {
        break;
      }
    }
    return last;
  }

  /** An evaluator of the actor on {@code trials} episodes drawn from {@code seed} (the final, larger evaluation). */
  public TrialEvaluator evaluator(IntFunction<Env> envFactory, EnvSpec envSpec, int trials, long seed) {
    return new TrialEvaluator(learner.actorSpec(), envFactory, envSpec, trials, seed, false);
  }
}
