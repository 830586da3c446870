package dev.mnemo.learners.r2d2;

/**
 * One progress report of the {@link SynchronousTrainer} (the CLI writes these to metrics.csv).
 *
 * @param envSteps env steps so far (all envs)
 * @param updates learner updates so far
 * @param episodes training episodes completed
 * @param trainReturn mean return of the training episodes completed since the last report (NaN if none)
 * @param evalReturn mean greedy evaluation return at this report (NaN if no evaluation ran)
 * @param evalCi95 half-width of its 95% confidence interval (NaN if none)
 * @param loss last update's loss (NaN before learning starts)
 * @param meanAbsTd last update's mean |delta|
 * @param meanQ last update's mean Q of taken actions
 * @param gradNorm last update's gradient norm before clipping
 * @param updatesPerSecond learner updates per second of wall time since the last report
 * @param envStepsPerSecond env steps per second of wall time since the last report
 * @param seconds wall time since the start
 */
public record TrainMetrics(long envSteps, long updates, long episodes, double trainReturn, double evalReturn,
    double evalCi95, double loss, double meanAbsTd, double meanQ, double gradNorm, double updatesPerSecond,
    double envStepsPerSecond, double seconds) {}
