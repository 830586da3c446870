package dev.mnemo.learners.agent;

/**
 * An on-policy algorithm's wiring, the counterpart of {@link AgentBuilder} for algorithms that learn from fresh
 * whole trials instead of a replay (RL² by PPO). A runtime makes one {@link OnPolicyLearner} and, per worker, a
 * {@link TrialSource}; each worker collects whole trials with the newest parameters it can get, and the learner
 * consumes {@link #trialsPerUpdate()} trials per update. The runtime calls nothing else of the algorithm, so it
 * names none. Implementations are immutable values.
 *
 * @param <B> the algorithm's batch of whole trials (what a source fills and the learner consumes)
 * @param <R> what one update reports (losses, KL, ...), passed through to the run's listener untouched
 */
public interface OnPolicyBuilder<B, R> {

  /** The algorithm's name, for events and logs ({@code rl2}). */
  String algorithm();

  /** The env id the sources make their envs from (EnvRegistry syntax). */
  String envId();

  /** The master seed every random stream of the run derives from. */
  long seed();

  /** Env steps of the run's budget (every step a source takes counts, kept or dropped). */
  long totalEnvSteps();

  /** Whole trials per learner update. */
  int trialsPerUpdate();

  /**
   * Whether {@code trials} trials per collection fit the learner: an update must be made of whole collections
   * (true for any divisor of {@link #trialsPerUpdate()} unless the algorithm needs more, e.g. whole minibatches).
   */
  default boolean acceptsCollectionSize(int trials) {
    return trials >= 1 && trialsPerUpdate() % trials == 0;
  }

  /** Learner updates between two periodic evaluations (the runtime evaluates exactly that update's parameters). */
  int evalInterval();

  /** A fresh learner (initial parameters from the seed). */
  OnPolicyLearner<B, R> newLearner();

  /**
   * The trial source of one worker: its own envs and acting policy, {@code trials} whole trials per collection,
   * tasks and action sampling drawn from {@code seed} (a runtime gives every worker, and every restart of one,
   * a seed of its own).
   */
  TrialSource<B> newSource(int worker, int trials, long seed);

  /** The periodic evaluator (fixed held-out tasks, so evaluations differ by the parameters only), or null. */
  Evaluator newEvaluator();

  /**
   * The evaluator of a run's final and peak parameters, on tasks apart from training's and the periodic ones
   * (so the peak, selected by periodic evaluations, is not measured on the tasks that selected it).
   */
  Evaluator newFinalEvaluator();
}
