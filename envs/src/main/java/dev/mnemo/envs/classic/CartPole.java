package dev.mnemo.envs.classic;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * The cart-pole of Barto, Sutton and Anderson (1983) with Gym CartPole-v1's constants and explicit
 * Euler integration, in double precision like Gym. Actions: 0 pushes left, 1 pushes right (10 N).
 * The episode terminates when |x| > 2.4 or |θ| > 12°; the start state is U(−0.05, 0.05)⁴.
 *
 * <p>Views: {@link View#FULL} observes {@code [x, ẋ, θ, θ̇]}; POPGym's partially observed variants see
 * {@code [x, θ]} ({@link View#POSITION}) or {@code [ẋ, θ̇]} ({@link View#VELOCITY}; POPGym's reset
 * returns positions there by mistake, we return velocities at reset too), optionally with Gaussian noise
 * clipped to ±(4.8, 24°) as POPGym's noisy variant does.
 *
 * <p>Reward: Gym pays 1 per step including the terminating one; POPGym scales that to
 * {@code 1/maxSteps} so returns lie in [0, 1]. Reaching {@code maxSteps} truncates.
 */
public final class CartPole extends BaseEnv {
  public static final double GRAVITY = 9.8;
  public static final double MASS_CART = 1.0;
  public static final double MASS_POLE = 0.1;
  public static final double TOTAL_MASS = MASS_CART + MASS_POLE;
  /** Half the pole's length. */
  public static final double LENGTH = 0.5;
  public static final double POLE_MASS_LENGTH = MASS_POLE * LENGTH;
  public static final double FORCE_MAG = 10.0;
  public static final double TAU = 0.02;
  public static final double THETA_THRESHOLD = 12 * 2 * Math.PI / 360;
  public static final double X_THRESHOLD = 2.4;

  /** Which state components are observed. */
  public enum View { FULL, POSITION, VELOCITY }

  private final View view;
  private final int maxSteps;
  private final double noiseSigma;
  private final float stepReward;
  private double x;
  private double xDot;
  private double theta;
  private double thetaDot;

  /**
   * @param maxSteps truncation length (positive)
   * @param noiseSigma std of observation noise, 0 for none
   * @param popgymReward {@code true}: reward 1/maxSteps per step; {@code false}: Gym's 1 per step
   */
  public CartPole(String id, View view, int maxSteps, double noiseSigma, boolean popgymReward) {
    super(EnvSpec.flat(id, view == View.FULL ? 4 : 2, 2, requirePositive("maxSteps", maxSteps)));
    if (!(noiseSigma >= 0) || Double.isInfinite(noiseSigma)) {
      throw new IllegalArgumentException("cartpole noise sigma must be finite and >= 0, got " + noiseSigma);
    }
    this.view = view;
    this.maxSteps = maxSteps;
    this.noiseSigma = noiseSigma;
    this.stepReward = popgymReward ? 1f / maxSteps : 1f;
  }

  /** Gym CartPole-v1: full observation, reward 1 per step, 500 steps. */
  public static CartPole gymV1(int maxSteps) {
    return new CartPole("cartpole", View.FULL, maxSteps, 0, false);
  }

  public View view() {
    return view;
  }

  /** The hidden state {@code [x, ẋ, θ, θ̇]} (a copy; for tests and oracle controllers). */
  public double[] state() {
    return new double[] {x, xDot, theta, thetaDot};
  }

  /** Overwrites the hidden state (tests and demonstrations; call after a reset). */
  public void setState(double x, double xDot, double theta, double thetaDot) {
    this.x = x;
    this.xDot = xDot;
    this.theta = theta;
    this.thetaDot = thetaDot;
  }

  @Override
  protected void onReset(float[] obs) {
    x = rng.uniform(-0.05, 0.05);
    xDot = rng.uniform(-0.05, 0.05);
    theta = rng.uniform(-0.05, 0.05);
    thetaDot = rng.uniform(-0.05, 0.05);
    observe(obs, 0);
  }

  @Override
  protected void onStep(int action, Step out) {
    onStepInto(action, out, out.obs, 0);
  }

  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    // Barto et al. (1983) with a frictionless track and pole, as in Gym. The force's sign by arithmetic, not a
    // select on the action (a branch the predictor cannot guess; exact, as a product with +-1 is).
    double force = FORCE_MAG * (2 * action - 1);
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    double temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
    double thetaAcc = (GRAVITY * sin - cos * temp)
        / (LENGTH * (4.0 / 3.0 - MASS_POLE * cos * cos / TOTAL_MASS));
    double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
    x += TAU * xDot;
    xDot += TAU * xAcc;
    theta += TAU * thetaDot;
    thetaDot += TAU * thetaAcc;
    out.terminated = x < -X_THRESHOLD || x > X_THRESHOLD
        || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
    out.truncated = !out.terminated && t >= maxSteps;
    out.reward = stepReward;
    observe(obs, off);
  }

  private void observe(float[] obs, int off) {
    switch (view) {
      case FULL -> {
        obs[off] = (float) x;
        obs[off + 1] = (float) xDot;
        obs[off + 2] = (float) theta;
        obs[off + 3] = (float) thetaDot;
      }
      case POSITION -> {
        obs[off] = noisy(x, 2 * X_THRESHOLD);
        obs[off + 1] = noisy(theta, 2 * THETA_THRESHOLD);
      }
      case VELOCITY -> {
        obs[off] = noisy(xDot, Double.POSITIVE_INFINITY);
        obs[off + 1] = noisy(thetaDot, Double.POSITIVE_INFINITY);
      }
    }
  }

  private float noisy(double v, double bound) {
    if (noiseSigma == 0) {
      return (float) v;
    }
    double n = v + noiseSigma * rng.nextGaussian();
    return (float) Math.max(-bound, Math.min(bound, n));
  }
}
