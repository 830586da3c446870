package dev.mnemo.agents.rl2;

/**
 * Generalized advantage estimation (Schulman et al. 2016) over one trajectory of {@code length} steps:
 * <pre>
 *   delta_t = r_t + gamma V_{t+1} - V_t,       V_length = bootstrap (0 when the trajectory ended)
 *   A_t     = delta_t + gamma lambda A_{t+1},  A_length = 0
 *   R_t     = A_t + V_t                        (the value target: the lambda-return)
 * </pre>
 * RL² runs it over a whole trial: the trial is the episode, so inner episode ends are ordinary steps and are
 * NOT cut (the objective is the trial's return); the only end is the trial's. Values and rewards are read at
 * {@code off + t * stride}, which lets a caller walk one trial of a time-major batch in place. Computed in
 * double; pure and allocation-free.
 *
 * <p>{@link #lambdaReturns} gives the value function targets of their own lambda:
 * <pre>
 *   G_t = r_t + gamma ((1 - lambda_v) V_{t+1} + lambda_v G_{t+1}),   G_length = V_length = bootstrap
 * </pre>
 * which equals R_t above when lambda_v = lambda, and the discounted Monte-Carlo return when lambda_v = 1. Why a
 * second lambda: with lambda 0.3 the targets of a 100-step trial bootstrap almost every step, so a value that
 * starts at 0 needs about 1 / (1 - gamma) rounds of fitting before it learns the trial's remaining return, and
 * until then every advantage carries the same positive offset (the mean reward).
 */
public final class Gae {

  private Gae() {}

  /**
   * Writes A_t into {@code adv} and R_t into {@code ret} at the same positions.
   *
   * @param bootstrap V after the last step: 0 for a trajectory that ended (a trial), V(s_length) for one cut
   *     short
   */
  public static void compute(int length, float[] rewards, float[] values, int off, int stride, double gamma,
      double lambda, double bootstrap, float[] adv, float[] ret) {
    requireShape(length, stride);
    double nextValue = bootstrap;
    double a = 0;
    for (int t = length - 1; t >= 0; t--) {
      int i = off + t * stride;
      double v = values[i];
      double delta = rewards[i] + gamma * nextValue - v;
      a = delta + gamma * lambda * a;
      adv[i] = (float) a;
      ret[i] = (float) (a + v);
      nextValue = v;
    }
  }

  /**
   * Writes the lambda_v-returns G_t into {@code ret} (same layout as {@link #compute}).
   *
   * @param bootstrap V after the last step: 0 for a trajectory that ended
   */
  public static void lambdaReturns(int length, float[] rewards, float[] values, int off, int stride, double gamma,
      double lambda, double bootstrap, float[] ret) {
    requireShape(length, stride);
    double nextValue = bootstrap;
    double g = bootstrap;
    for (int t = length - 1; t >= 0; t--) {
      int i = off + t * stride;
      g = rewards[i] + gamma * ((1 - lambda) * nextValue + lambda * g);
      ret[i] = (float) g;
      nextValue = values[i];
    }
  }

  private static void requireShape(int length, int stride) {
    if (length < 0 || stride < 1) {
      throw new IllegalArgumentException("length must be >= 0 and stride >= 1, got " + length + ", " + stride);
    }
  }
}
