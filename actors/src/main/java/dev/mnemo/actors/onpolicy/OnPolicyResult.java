package dev.mnemo.actors.onpolicy;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.agent.Evaluator.Evaluation;

/**
 * A finished on-policy run.
 *
 * @param envSteps env steps the workers delivered (kept and dropped: every one counts in the budget)
 * @param updates learner updates
 * @param collections collections delivered
 * @param trials trials delivered
 * @param trialsUnusedAtStop trials kept but not enough for one more update when the run stopped
 * @param lag the parameter-lag record (histograms, dropped collections)
 * @param restarts worker restarts
 * @param workers trial workers
 * @param trialsPerCollection trials per worker collection
 * @param wallSeconds the run's wall time
 * @param envSeconds wall time in envs, summed over workers
 * @param actSeconds wall time in the acting step, summed over workers
 * @param learnSeconds wall time of the updates
 * @param evalSeconds wall time of the periodic evaluations
 * @param finalParams the learner's parameters at the end
 * @param peakParams the parameters of the best periodic evaluation (the initial ones when none ran)
 * @param peakUpdate the update after which the peak parameters were taken
 * @param peakEvaluation the periodic evaluation that chose them, or null
 */
public record OnPolicyResult(long envSteps, long updates, long collections, long trials, long trialsUnusedAtStop,
    LagRule.Stats lag, long restarts, int workers, int trialsPerCollection, double wallSeconds, double envSeconds,
    double actSeconds, double learnSeconds, double evalSeconds, ParamSnapshot finalParams, ParamSnapshot peakParams,
    long peakUpdate, Evaluation peakEvaluation) {

  /** This result with the coordinator's figures. */
  OnPolicyResult withRuntime(long restartCount, int workerCount, double wall) {
    return new OnPolicyResult(envSteps, updates, collections, trials, trialsUnusedAtStop, lag, restartCount,
        workerCount, trialsPerCollection, wall, envSeconds, actSeconds, learnSeconds, evalSeconds, finalParams,
        peakParams, peakUpdate, peakEvaluation);
  }
}
