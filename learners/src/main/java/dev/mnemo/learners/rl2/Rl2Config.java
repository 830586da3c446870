package dev.mnemo.learners.rl2;

import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.envs.Seeds;
import java.util.List;

/**
 * One RL² run: the trial env, the network, the PPO learner and the schedule. Built from the validated config
 * ({@code kind = rl2}; defaults in the learners' {@code reference.conf}, subtree {@code mnemo.rl2}).
 *
 * @param env trial env id ({@code bandit?arms=5&pulls=10}, {@code mdp?episodes=10}, ...)
 * @param seed master seed
 * @param core recurrent core name
 * @param coreSize its hidden size
 * @param encoderSizes Dense+ReLU widths before the core
 * @param headSizes hidden widths of each head
 * @param separateValueNetwork the value has its own encoder and core
 * @param trialsPerUpdate trials collected per update (the batch)
 * @param ppo the learner's hyperparameters
 * @param lrSchedule {@code constant}, or {@code linear}: decay to 0 at {@code totalEnvSteps} (from {@code
 *     scheduleStartEnvSteps})
 * @param totalEnvSteps the budget
 * @param evalInterval updates between evaluations
 * @param evalTrials trials (fresh tasks) per periodic evaluation
 * @param finalEvalTrials trials of the final evaluations (final and peak parameters), on tasks apart from the
 *     periodic ones
 * @param evalGreedy evaluate the most probable action instead of sampling
 * @param learnerThreads threads of the PPO update (each minibatch's trials split between them)
 * @param coreKeepBias initial bias of each core's keep gate ({@link
 *     dev.mnemo.agents.core.RecurrentCore#setKeepGateBias}); 0: the core's own initialisation
 * @param entropyCoefFinal the entropy bonus at {@code totalEnvSteps}: the bonus moves linearly from the loss's
 *     {@code entropyCoef} to it (equal: constant)
 * @param scheduleStartEnvSteps the linear schedules (learning rate, entropy bonus) hold their start values up to
 *     this many env steps and move over the rest of the budget: a run resumed with a longer budget and this set
 *     to where it stopped anneals from there, as a fresh run of the same config would
 */
public record Rl2Config(String env, long seed, String core, int coreSize, List<Integer> encoderSizes,
    List<Integer> headSizes, boolean separateValueNetwork, int trialsPerUpdate, PpoConfig ppo, String lrSchedule,
    long totalEnvSteps, int evalInterval, int evalTrials, int finalEvalTrials, boolean evalGreedy, int learnerThreads,
    double coreKeepBias, double entropyCoefFinal, long scheduleStartEnvSteps) {

  public static final String SCHEDULE_CONSTANT = "constant";
  public static final String SCHEDULE_LINEAR = "linear";

  public Rl2Config {
    encoderSizes = List.copyOf(encoderSizes);
    headSizes = List.copyOf(headSizes);
    if (trialsPerUpdate < 1 || trialsPerUpdate % ppo.minibatches() != 0) {
      throw new IllegalArgumentException("trials_per_update = " + trialsPerUpdate + " must be a positive multiple of "
          + "minibatches = " + ppo.minibatches() + " (minibatches are whole trials)");
    }
    if (learnerThreads < 1) {
      throw new IllegalArgumentException("learner_threads must be >= 1, got " + learnerThreads);
    }
    if (!SCHEDULE_CONSTANT.equals(lrSchedule) && !SCHEDULE_LINEAR.equals(lrSchedule)) {
      throw new IllegalArgumentException("lr_schedule = " + lrSchedule + ": expected constant or linear");
    }
    if (!(entropyCoefFinal >= 0)) {
      throw new IllegalArgumentException("entropy_coef_final must be >= 0, got " + entropyCoefFinal);
    }
    if (scheduleStartEnvSteps < 0 || scheduleStartEnvSteps > 0 && scheduleStartEnvSteps >= totalEnvSteps) {
      throw new IllegalArgumentException("schedule_start_env_steps = " + scheduleStartEnvSteps + " must be 0 or "
          + "below total_env_steps = " + totalEnvSteps);
    }
    if (totalEnvSteps < 0 || evalInterval < 1 || evalTrials < 2 || finalEvalTrials < 2) {
      throw new IllegalArgumentException("need total_env_steps >= 0, eval_interval >= 1, eval_trials >= 2, "
          + "final_eval_trials >= 2; got " + totalEnvSteps + ", " + evalInterval + ", " + evalTrials + ", "
          + finalEvalTrials);
    }
  }

  /** A run with a constant entropy bonus and schedules that start at step 0. */
  public Rl2Config(String env, long seed, String core, int coreSize, List<Integer> encoderSizes,
      List<Integer> headSizes, boolean separateValueNetwork, int trialsPerUpdate, PpoConfig ppo, String lrSchedule,
      long totalEnvSteps, int evalInterval, int evalTrials, int finalEvalTrials, boolean evalGreedy,
      int learnerThreads, double coreKeepBias) {
    this(env, seed, core, coreSize, encoderSizes, headSizes, separateValueNetwork, trialsPerUpdate, ppo, lrSchedule,
        totalEnvSteps, evalInterval, evalTrials, finalEvalTrials, evalGreedy, learnerThreads, coreKeepBias,
        ppo.loss().entropyCoef(), 0);
  }

  /** A run whose cores keep their own initialisation ({@code coreKeepBias} 0). */
  public Rl2Config(String env, long seed, String core, int coreSize, List<Integer> encoderSizes,
      List<Integer> headSizes, boolean separateValueNetwork, int trialsPerUpdate, PpoConfig ppo, String lrSchedule,
      long totalEnvSteps, int evalInterval, int evalTrials, int finalEvalTrials, boolean evalGreedy,
      int learnerThreads) {
    this(env, seed, core, coreSize, encoderSizes, headSizes, separateValueNetwork, trialsPerUpdate, ppo, lrSchedule,
        totalEnvSteps, evalInterval, evalTrials, finalEvalTrials, evalGreedy, learnerThreads, 0);
  }

  /** The learner's seeded initial parameters for {@code spec} (built by {@link #spec}). */
  public float[] initialParams(ActorCriticSpec spec) {
    return spec.initialParams(Seeds.combine(seed, 1), coreKeepBias);
  }

  /** The network for an env with this observation width and action count. */
  public ActorCriticSpec spec(int obsSize, int numActions) {
    return new ActorCriticSpec(obsSize, numActions, encoderSizes, core, coreSize, headSizes, separateValueNetwork);
  }

  /**
   * How far the linear schedules have moved after {@code envSteps}: {@code p = clamp((s - s0) / (T - s0), 0, 1)}
   * with s0 = {@code scheduleStartEnvSteps}, T = {@code totalEnvSteps} (0 for a budget of 0).
   */
  public double scheduleProgress(long envSteps) {
    if (totalEnvSteps <= scheduleStartEnvSteps || envSteps <= scheduleStartEnvSteps) {
      return 0;
    }
    return Math.min(1, (double) (envSteps - scheduleStartEnvSteps) / (totalEnvSteps - scheduleStartEnvSteps));
  }

  /** The schedule's factor on the learning rate after {@code envSteps}: 1, or {@code 1 - p} when linear. */
  public double lrScale(long envSteps) {
    return SCHEDULE_CONSTANT.equals(lrSchedule) ? 1 : 1 - scheduleProgress(envSteps);
  }

  /** The entropy bonus after {@code envSteps}: {@code beta_0 + (beta_T - beta_0) p}. */
  public double entropyCoef(long envSteps) {
    double start = ppo.loss().entropyCoef();
    return entropyCoefFinal == start ? start : start + (entropyCoefFinal - start) * scheduleProgress(envSteps);
  }
}
