package dev.mnemo.learners.ald;

import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Seeds;
import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.learners.agent.OnPolicyBuilder;
import dev.mnemo.learners.agent.OnPolicyLearner;
import dev.mnemo.learners.agent.TrialSource;
import dev.mnemo.learners.rl2.PolicyTrialSource;
import dev.mnemo.learners.rl2.TrialBatch;
import dev.mnemo.learners.rl2.TrialCollector;
import dev.mnemo.learners.rl2.TrialEvaluator;

/**
 * ALD (and its Transformer-only and asymmetric baselines) as an on-policy algorithm for a runtime
 * ({@link OnPolicyBuilder}): the {@link AldLearner} the synchronous trainer builds (same initial parameters from the
 * seed), per worker a {@link TrialCollector} with its own copy of the policy that acts in the mode (the LSTM in ALD
 * and asymmetric, so workers only ever receive the distilled LSTM's parameters; the Transformer with its key/value
 * cache in Transformer-only), and {@link AldTrainer}'s evaluation episodes (periodic and final), so runs of either
 * runtime are evaluated alike.
 *
 * @param envId the episodic env's id
 * @param envSpec its spec
 * @param transformer the learner's shape
 * @param actor the LSTM's shape, null in Transformer-only
 * @param config the learner's settings (mode included)
 * @param trialsPerUpdate episodes per update
 * @param seed the run's master seed
 * @param totalEnvSteps the budget
 * @param evalInterval updates between periodic evaluations
 * @param evalTrials episodes per periodic evaluation
 * @param finalEvalTrials episodes of the final evaluations
 */
public record AldBuilder(String envId, EnvSpec envSpec, TransformerActorCritic transformer, ActorCriticSpec actor,
    AldLearner.Config config, int trialsPerUpdate, long seed, long totalEnvSteps, int evalInterval, int evalTrials,
    int finalEvalTrials) implements OnPolicyBuilder<TrialBatch, AldLearner.Stats> {

  public AldBuilder {
    if ((actor == null) != config.mode().actsWithTransformer()) {
      throw new IllegalArgumentException(config.mode().configName() + (actor == null ? " needs" : " has no")
          + " LSTM actor");
    }
  }

  @Override
  public String algorithm() {
    return "ald";
  }

  @Override
  public OnPolicyLearner<TrialBatch, AldLearner.Stats> newLearner() {
    return new AldOnPolicyLearner(newAldLearner(), trialsPerUpdate, envSpec.maxEpisodeSteps(), envSpec.obsSize(),
        envSpec.numActions());
  }

  /**
   * A fresh {@link AldLearner}, initial parameters from the seed: what the runtime's learner wraps and what the
   * synchronous loop ({@link AldTrainer}) trains, so both runtimes start from the same networks.
   */
  public AldLearner newAldLearner() {
    return new AldLearner(transformer, transformer.initialParams(Seeds.combine(seed, 1)), actor,
        actor == null ? null : actor.initialParams(Seeds.combine(seed, 2)), config, trialsPerUpdate,
        envSpec.maxEpisodeSteps());
  }

  @Override
  public TrialSource<TrialBatch> newSource(int worker, int trials, long sourceSeed) {
    return new PolicyTrialSource(new TrialCollector(i -> EnvRegistry.make(envId), envSpec, trials),
        policies().make(trials, Seeds.combine(sourceSeed, -1), false), sourceSeed);
  }

  @Override
  public Evaluator newEvaluator() {
    return new TrialEvaluator(policies(), i -> EnvRegistry.make(envId), envSpec, evalTrials,
        Seeds.combine(seed, AldTrainer.EVAL_SALT), false);
  }

  @Override
  public Evaluator newFinalEvaluator() {
    return new TrialEvaluator(policies(), i -> EnvRegistry.make(envId), envSpec, finalEvalTrials,
        Seeds.combine(seed, AldTrainer.FINAL_SALT), false);
  }

  private TrialEvaluator.Policies policies() {
    return AldTrainer.actingPolicies(config.mode(), transformer, actor);
  }
}
