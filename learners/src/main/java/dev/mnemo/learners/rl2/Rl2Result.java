package dev.mnemo.learners.rl2;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.agent.Evaluator.Evaluation;

/**
 * A finished RL² run.
 *
 * @param envSteps env steps collected
 * @param updates PPO updates
 * @param finalEval the final parameters on the final evaluation's fresh tasks
 * @param peakEval the peak parameters (best periodic evaluation) re-evaluated on those same fresh tasks, so the
 *     peak figure is not biased up by its own selection
 * @param peakUpdate the update after which the peak parameters were taken
 * @param finalParams parameters at the end
 * @param peakParams parameters of the best periodic evaluation
 * @param envSeconds wall time in envs
 * @param actSeconds wall time in the acting step
 * @param learnSeconds wall time in updates
 * @param evalSeconds wall time in evaluations
 */
public record Rl2Result(long envSteps, long updates, Evaluation finalEval, Evaluation peakEval, long peakUpdate,
    ParamSnapshot finalParams, ParamSnapshot peakParams, double envSeconds, double actSeconds, double learnSeconds,
    double evalSeconds) {
}
