package dev.mnemo.learners.r2d2;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.agent.Evaluator;

/**
 * What a {@link SynchronousTrainer} run achieved.
 *
 * @param envSteps env steps taken
 * @param updates learner updates done
 * @param episodes training episodes completed
 * @param evalMeanReturn mean return of the last periodic greedy evaluation
 * @param evalCi95 half-width of its 95% confidence interval (1.96 s / sqrt(n))
 * @param evalEpisodes episodes in the last periodic evaluation
 * @param solved whether the parameters of an evaluation that reached the config's solved threshold were
 *     confirmed by the larger evaluation ({@link dev.mnemo.learners.agent.SolvedRule})
 * @param solvedAtEnvStep env steps at the first such evaluation ({@link dev.mnemo.learners.agent.Solved#NEVER}
 *     if none)
 * @param seconds wall time
 * @param resultParams the run's result: the parameters it stopped on when solved, else its final ones (null
 *     when not recorded)
 * @param result the larger evaluation of {@code resultParams} (the confirmation when solved), or null
 */
public record TrainResult(long envSteps, long updates, long episodes, double evalMeanReturn, double evalCi95,
    int evalEpisodes, boolean solved, long solvedAtEnvStep, double seconds, ParamSnapshot resultParams,
    Evaluator.Evaluation result) {

  /** A result read back from a file that keeps only the figures (no result parameters or final evaluation). */
  public TrainResult(long envSteps, long updates, long episodes, double evalMeanReturn, double evalCi95,
      int evalEpisodes, boolean solved, long solvedAtEnvStep, double seconds) {
    this(envSteps, updates, episodes, evalMeanReturn, evalCi95, evalEpisodes, solved, solvedAtEnvStep, seconds,
        null, null);
  }
}
