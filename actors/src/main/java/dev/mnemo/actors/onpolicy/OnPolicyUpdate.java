package dev.mnemo.actors.onpolicy;

import dev.mnemo.learners.agent.Evaluator.Evaluation;

/**
 * One learner update of an on-policy run.
 *
 * @param updates updates done, this one included
 * @param envSteps env steps the workers have delivered so far (kept and dropped)
 * @param trials trials this update used
 * @param trainReturn their mean undiscounted return
 * @param report the algorithm's own report of the update
 * @param lagMean mean parameter lag of this update's collections
 * @param lagMax largest parameter lag among them
 * @param droppedCollections collections dropped as too old so far
 * @param evaluation the periodic evaluation of this update's parameters, or null when none was due
 * @param collectSeconds mean wall time of one of this update's collections (on its worker)
 * @param learnSeconds wall time of the update
 * @param waitSeconds wall time the learner waited for this update's trials after its previous update
 * @param wallSeconds since the run started
 * @param actingCpuUsPerStep CPU microseconds the workers' acting policies spent per env step acted (padding
 *     included) in this update's collections; NaN when a worker had no thread CPU clock
 * @param <R> the report's type
 */
public record OnPolicyUpdate<R>(long updates, long envSteps, int trials, double trainReturn, R report,
    double lagMean, long lagMax, long droppedCollections, Evaluation evaluation, double collectSeconds,
    double learnSeconds, double waitSeconds, double wallSeconds, double actingCpuUsPerStep) {
}
