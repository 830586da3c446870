package dev.mnemo.learners.r2d2;

/**
 * What a {@link SynchronousTrainer} run achieved.
 *
 * @param envSteps env steps taken
 * @param updates learner updates done
 * @param episodes training episodes completed
 * @param evalMeanReturn mean return of the last greedy evaluation
 * @param evalCi95 half-width of its 95% confidence interval (1.96 s / sqrt(n))
 * @param evalEpisodes episodes in the last evaluation
 * @param solved whether an evaluation reached the config's solved threshold
 * @param solvedAtEnvStep env steps at the first evaluation that reached it ({@link dev.mnemo.learners.agent.Solved#NEVER} if none)
 * @param seconds wall time
 */
public record TrainResult(long envSteps, long updates, long episodes, double evalMeanReturn, double evalCi95,
    int evalEpisodes, boolean solved, long solvedAtEnvStep, double seconds) {}
