package dev.mnemo.learners.rl2;

/**
 * One update's row of metrics.
 *
 * @param envSteps env steps collected so far (valid trial steps)
 * @param trainReturn mean trial return of the batch this update trained on
 * @param evalReturn mean trial return of this update's evaluation, NaN when none ran
 * @param evalCi95 its 95% half-width, NaN when none ran
 * @param ppo the learner's report
 * @param collectSeconds wall time of this batch's collection
 * @param learnSeconds wall time of this update
 * @param wallSeconds since the run started
 */
public record Rl2Metrics(long envSteps, double trainReturn, double evalReturn, double evalCi95, PpoStats ppo,
    double collectSeconds, double learnSeconds, double wallSeconds) {
}
