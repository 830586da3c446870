package dev.mnemo.envs.classic;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * Gym's Pendulum-v1 swing-up (g = 10, m = l = 1, dt = 0.05, |θ̇| ≤ 8, |u| ≤ 2; θ = 0 is upright; start
 * θ ~ U(−π, π), θ̇ ~ U(−1, 1)) as POPGym's PositionOnlyPendulum: the observation is
 * {@code [cos θ, sin θ]} without θ̇, and Gym's cost {@code θ² + 0.1 θ̇² + 0.001 u²} (in [0, 16.27]) is
 * mapped linearly to a reward in {@code [−1/L, 1/L]} for episodes of L steps, so returns lie in
 * [−1, 1]. Our action space is a discrete set of {@code torques} evenly spaced torques from −2 to 2
 * (POPGym's is continuous). Episodes are truncated after L steps (POPGym levels: 200, 150, 100).
 */
public final class Pendulum extends BaseEnv {
  public static final double G = 10.0;
  public static final double M = 1.0;
  public static final double L = 1.0;
  public static final double DT = 0.05;
  public static final double MAX_SPEED = 8.0;
  public static final double MAX_TORQUE = 2.0;
  /** Largest cost: π² + 0.1·8² + 0.001·2². */
  public static final double MAX_COST = 16.2736044;
  private static final double TWO_PI = 2 * Math.PI;

  private final int maxSteps;
  private final double[] torque;
  private double theta;
  private double thetaDot;
  /**
   * {@code Math.sin(theta)}, computed once per step by {@link #observe} and read by the next step's dynamics (the
   * same bits as calling it again: trigonometry is a third of this env's step, and its branches follow each
   * pendulum's angle, which a VectorEnv of 64 pendulums makes unpredictable).
   */
  private double sinTheta;

  public Pendulum(String id, int maxSteps, int torques) {
    super(EnvSpec.flat(id, 2, torques, requirePositive("maxSteps", maxSteps)));
    if (torques < 2) {
      throw new IllegalArgumentException("pendulum torques must be >= 2 (to include both extremes), got "
          + torques);
    }
    this.maxSteps = maxSteps;
    this.torque = new double[torques];
    for (int i = 0; i < torques; i++) {
      torque[i] = -MAX_TORQUE + 2 * MAX_TORQUE * i / (torques - 1);
    }
  }

  /** Torque applied by {@code action}. */
  public double torque(int action) {
    return torque[action];
  }

  /** The hidden state {@code [θ, θ̇]} (a copy; for tests and oracle controllers). */
  public double[] state() {
    return new double[] {theta, thetaDot};
  }

  @Override
  protected void onReset(float[] obs) {
    theta = rng.uniform(-Math.PI, Math.PI);
    thetaDot = rng.uniform(-1, 1);
    observe(obs, 0);
  }

  @Override
  protected void onStep(int action, Step out) {
    onStepInto(action, out, out.obs, 0);
  }

  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    double u = torque[action];
    double th = normalizeAngle(theta);
    double cost = th * th + 0.1 * thetaDot * thetaDot + 0.001 * u * u;
    double newThetaDot = thetaDot + (3 * G / (2 * L) * sinTheta + 3.0 / (M * L * L) * u) * DT;
    thetaDot = Math.max(-MAX_SPEED, Math.min(MAX_SPEED, newThetaDot));
    theta += thetaDot * DT;
    double half = MAX_COST / 2;
    out.reward = (float) ((half - cost) / half / maxSteps);
    out.truncated = t >= maxSteps;
    observe(obs, off);
  }

  /** Maps an angle into [−π, π). */
  public static double normalizeAngle(double a) {
    double x = a + Math.PI;
    // fmod returns x itself when |x| < 2π: skip its call (a slow, branchy loop) then, the usual case.
    double r = Math.abs(x) < TWO_PI ? x : x % TWO_PI;
    if (r < 0) {
      r += 2 * Math.PI;
    }
    return r - Math.PI;
  }

  private void observe(float[] obs, int off) {
    obs[off] = (float) Math.cos(theta);
    sinTheta = Math.sin(theta);
    obs[off + 1] = (float) sinTheta;
  }
}
