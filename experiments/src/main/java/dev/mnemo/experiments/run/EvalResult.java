package dev.mnemo.experiments.run;

import dev.mnemo.agents.stats.MeanCi;
import com.typesafe.config.Config;

/**
 * The evaluation of a policy: mean episode return with the half-width of its 95% confidence interval
 * (normal approximation, 1.96 standard errors), and whether it reached the config's success threshold.
 *
 * @param meanReturn mean return over {@code episodes}
 * @param ci95 half-width of the 95% confidence interval of the mean
 * @param episodes number of evaluation episodes
 * @param solved whether {@code meanReturn >= threshold}, or null when the config sets no threshold
 */
public record EvalResult(double meanReturn, double ci95, int episodes, Boolean solved) {

  public EvalResult {
    if (episodes <= 0) {
      throw new IllegalArgumentException("eval: episodes must be positive, got " + episodes);
    }
    if (!(ci95 >= 0)) {
      throw new IllegalArgumentException("eval: ci95 must be >= 0, got " + ci95);
    }
  }

  /** The success threshold at {@code path} (e.g. {@code eval.success_threshold}), or NaN when unset or null. */
  public static double threshold(Config config, String path) {
    return config.hasPath(path) ? config.getDouble(path) : Double.NaN;
  }

  /**
   * @param returns one return per evaluation episode (at least one)
   * @param threshold success threshold on the mean return, or NaN when the config sets none
   */
  public static EvalResult of(double[] returns, double threshold) {
    int n = returns.length;
    if (n == 0) {
      throw new IllegalArgumentException("eval: need at least one episode return");
    }
    MeanCi m = MeanCi.normal(returns);
    double mean = m.mean();
    double ci = m.ci95();
    Boolean solved = Double.isNaN(threshold) ? null : mean >= threshold;
    return new EvalResult(mean, ci, n, solved);
  }
}
