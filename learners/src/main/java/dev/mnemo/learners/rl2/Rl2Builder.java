package dev.mnemo.learners.rl2;

import dev.mnemo.agents.rl2.ActorCriticPolicy;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Seeds;
import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.learners.agent.OnPolicyBuilder;
import dev.mnemo.learners.agent.OnPolicyLearner;
import dev.mnemo.learners.agent.TrialSource;
import java.util.function.IntFunction;

/**
 * RL² as an on-policy algorithm for a runtime ({@link OnPolicyBuilder}): the PPO learner the synchronous trainer
 * uses (same initial parameters from the seed), per worker a {@link TrialCollector} with its own
 * {@link dev.mnemo.agents.rl2.ActorCriticPolicy}, and the synchronous trainer's evaluators (the same held-out
 * tasks for the periodic evaluations, the same final tasks for final and peak parameters), so runs of either
 * runtime are evaluated alike.
 */
public final class Rl2Builder implements OnPolicyBuilder<TrialBatch, PpoStats> {
  private final Rl2Config cfg;
  private final EnvSpec envSpec;
  private final ActorCriticSpec spec;
  private final IntFunction<Env> envFactory;

  public Rl2Builder(Rl2Config cfg) {
    this.cfg = cfg;
    this.envFactory = i -> EnvRegistry.make(cfg.env());
    this.envSpec = EnvRegistry.spec(cfg.env());
    this.spec = cfg.spec(envSpec.obsSize(), envSpec.numActions());
  }

  public Rl2Config config() {
    return cfg;
  }

  public ActorCriticSpec spec() {
    return spec;
  }

  public EnvSpec envSpec() {
    return envSpec;
  }

  @Override
  public String algorithm() {
    return "rl2";
  }

  @Override
  public String envId() {
    return cfg.env();
  }

  @Override
  public long seed() {
    return cfg.seed();
  }

  @Override
  public long totalEnvSteps() {
    return cfg.totalEnvSteps();
  }

  @Override
  public int trialsPerUpdate() {
    return cfg.trialsPerUpdate();
  }

  @Override
  public int evalInterval() {
    return cfg.evalInterval();
  }

  @Override
  public OnPolicyLearner<TrialBatch, PpoStats> newLearner() {
    return new Rl2OnPolicyLearner(cfg, new PpoLearner(spec, cfg.ppo(), cfg.initialParams(spec),
        cfg.learnerThreads()), envSpec);
  }

  @Override
  public TrialSource<TrialBatch> newSource(int worker, int trials, long seed) {
    return new PolicyTrialSource(new TrialCollector(envFactory, envSpec, trials),
        new ActorCriticPolicy(spec, trials, Seeds.combine(seed, -1), false), seed);
  }

  @Override
  public Evaluator newEvaluator() {
    return new TrialEvaluator(spec, envFactory, envSpec, cfg.evalTrials(),
        Seeds.combine(cfg.seed(), Rl2Trainer.EVAL_SALT), cfg.evalGreedy());
  }

  @Override
  public Evaluator newFinalEvaluator() {
    return new TrialEvaluator(spec, envFactory, envSpec, cfg.finalEvalTrials(),
        Seeds.combine(cfg.seed(), Rl2Trainer.FINAL_SALT), cfg.evalGreedy());
  }
}
