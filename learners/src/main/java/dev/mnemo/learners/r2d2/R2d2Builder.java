package dev.mnemo.learners.r2d2;

import dev.mnemo.agents.acting.ActingPolicy;
import dev.mnemo.agents.kernel.EpsilonGreedy;
import dev.mnemo.agents.kernel.RecurrentQKernel;
import dev.mnemo.agents.r2d2.ActorPriority;
import dev.mnemo.agents.r2d2.EpsilonGreedyQPolicy;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.AgentShapes;
import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.learners.agent.Learner;
import dev.mnemo.replay.RateLimiterConfig;
import dev.mnemo.replay.ReplayConfig;
import dev.mnemo.replay.SequenceBoundary;
import dev.mnemo.replay.SequenceConfig;
import dev.mnemo.replay.SequencePriority;

/**
 * R2D2's wiring: its config to the network spec ({@link #networkSpec}), the sequence cut (burn-in + trace +
 * n, overlapping by {@code sequence_period}, never crossing an episode, zero states stored in the zero-state
 * ablation; with {@code initial_priority = actor} each step also stores the actor's Q-values), the prioritized
 * replay with its exponents and samples-per-insert limiter, the {@link R2d2Learner}, the acting policy (the
 * Q-network kernel with the per-actor epsilon ladder), the actors' initial priority of a new sequence
 * ({@link ActorPriority} from those Q-values, or the replay's maximum) and the greedy evaluator. Every runtime
 * derives its shapes here, so a learner node and an actor node agree.
 *
 * @param config every R2D2 hyperparameter
 */
public record R2d2Builder(R2d2Config config) implements AgentBuilder {

  @Override
  public String algorithm() {
    return "r2d2";
  }

  @Override
  public String envId() {
    return config.env();
  }

  @Override
  public long seed() {
    return config.seed();
  }

  @Override
  public R2d2Builder withSeed(long seed) {
    return new R2d2Builder(config.withRun(config.env(), seed, config.totalEnvSteps()));
  }

  @Override
  public long totalEnvSteps() {
    return config.totalEnvSteps();
  }

  @Override
  public int actorRefreshSteps() {
    return config.actorRefreshSteps();
  }

  /** The recurrent Q-network for an env with this spec. */
  public RecurrentQSpec networkSpec(EnvSpec env) {
    return R2d2Learner.specFor(config, env.obsSize(), env.numActions());
  }

  @Override
  public AgentShapes shapes(EnvSpec env) {
    RecurrentQSpec net = networkSpec(env);
    SequenceConfig seq = new SequenceConfig(config.burnIn(), config.traceLength(), config.nStep(),
        config.sequencePeriod(), env.obsSize(), net.stateSize(), env.numActions(), !config.storedState(),
        config.actorPriority(), SequenceBoundary.EPISODE);
    return new AgentShapes(env, net.paramCount(), seq);
  }

  @Override
  public ReplayConfig replayConfig(AgentShapes shapes, boolean rateLimited) {
    RateLimiterConfig limiter = rateLimited
        ? RateLimiterConfig.withTolerance(config.minReplaySize(), config.samplesPerInsert(),
            config.samplesPerInsertTolerance(), config.batchSize())
        : RateLimiterConfig.minSize(config.minReplaySize());
    return ReplayConfig.r2d2(config.replayCapacity(), shapes.sequence(), limiter, config.seed())
        .withExponents(config.priorityExponent(), config.importanceExponent());
  }

  @Override
  public Learner newLearner(AgentShapes shapes) {
    return new R2d2Learner(networkSpec(shapes.env()), config);
  }

  /** Actor {@code i} of {@code total} explores with {@code epsilon_base^(1 + epsilon_alpha i/(total-1))}. */
  @Override
  public ActingPolicy newPolicy(AgentShapes shapes, int first, int count, int total, long seed) {
    double[] eps = new double[count];
    for (int i = 0; i < count; i++) {
      eps[i] = R2d2Config.actorEpsilon(first + i, total, config.epsilonBase(), config.epsilonAlpha());
    }
    return new EpsilonGreedyQPolicy(new RecurrentQKernel(networkSpec(shapes.env()), count),
        new EpsilonGreedy(eps, shapes.env().numActions(), seed));
  }

  /**
   * {@code initial_priority = actor}: the TD-error priority of {@link ActorPriority} from the Q-values the
   * sequences store (n-step targets with this config's gamma, eta-mix with its {@code priority_eta});
   * {@code max}: null, the replay's maximum.
   */
  @Override
  public SequencePriority newSequencePriority(AgentShapes shapes) {
    return config.actorPriority() ? new ActorPriority(shapes.sequence(), config.gamma(), config.priorityEta()) : null;
  }

  /** Greedy episodes on env copies of their own, seeded apart from training; null when eval_episodes = 0. */
  @Override
  public Evaluator newEvaluator(AgentShapes shapes) {
    return config.evalEpisodes() < 1 ? null : new GreedyEvaluator(config.env(), config.evalEpisodes(),
        config.seed() + 1_000_003L, networkSpec(shapes.env()));
  }

  /** Greedy episodes as {@link #newEvaluator(AgentShapes)}, on episodes of their own. */
  @Override
  public Evaluator newEvaluator(AgentShapes shapes, int episodes) {
    return new GreedyEvaluator(config.env(), episodes, config.seed() + 2_000_029L, networkSpec(shapes.env()));
  }
}
