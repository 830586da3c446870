package dev.mnemo.envs.classic;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.CopiesStepper;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;
import java.util.Arrays;

/**
 * Gym's Pendulum-v1 swing-up (g = 10, m = l = 1, dt = 0.05, |θ̇| ≤ 8, |u| ≤ 2; θ = 0 is upright; start
 * θ ~ U(−π, π), θ̇ ~ U(−1, 1)) as POPGym's PositionOnlyPendulum: the observation is
 * {@code [cos θ, sin θ]} without θ̇, and Gym's cost {@code θ² + 0.1 θ̇² + 0.001 u²} (in [0, 16.27]) is
 * mapped linearly to a reward in {@code [−1/L, 1/L]} for episodes of L steps, so returns lie in
 * [−1, 1]. Our action space is a discrete set of {@code torques} evenly spaced torques from −2 to 2
 * (POPGym's is continuous). Episodes are truncated after L steps (POPGym levels: 200, 150, 100). Sine and cosine
 * are {@link QuarterTurnTrig}'s, within 2 ulps of {@code Math}'s: the observations, floats, kept their bits on the
 * random-action trajectories {@code TrajectoryFingerprintTest} pins, but a learning run's episodes part from what
 * {@code Math}'s gave once a last-bit difference grows into a float's (a training run's curve after ~60k steps).
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
   * {@code sin(theta)}, computed once per step by {@link #observe} and read by the next step's dynamics (the same
   * bits as computing it again: trigonometry is a third of this env's step).
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
    double cost = cost(normalizeAngle(theta), thetaDot, u);
    thetaDot = nextThetaDot(thetaDot, sinTheta, u);
    theta += thetaDot * DT;
    out.reward = reward(cost, maxSteps);
    out.truncated = t >= maxSteps;
    observe(obs, off);
  }

  // Gym's dynamics and cost, one pure function per quantity: the single step above and the copies' stepper below
  // both call them, so the two paths give the same bits.

  /** Gym's cost {@code θ² + 0.1 θ̇² + 0.001 u²}, θ normalised into [−π, π). */
  private static double cost(double normalizedTheta, double thetaDot, double u) {
    return normalizedTheta * normalizedTheta + 0.1 * thetaDot * thetaDot + 0.001 * u * u;
  }

  /** {@code clip(θ̇ + (3g/(2l) sin θ + 3/(m l²) u) dt, ±8)}. */
  private static double nextThetaDot(double thetaDot, double sinTheta, double u) {
    double next = thetaDot + (3 * G / (2 * L) * sinTheta + 3.0 / (M * L * L) * u) * DT;
    return Math.max(-MAX_SPEED, Math.min(MAX_SPEED, next));
  }

  /** The cost mapped linearly onto {@code [−1/L, 1/L]} for episodes of L steps: {@code (c_max/2 − c)/(c_max/2)/L}. */
  private static float reward(double cost, int maxSteps) {
    double half = MAX_COST / 2;
    return (float) ((half - cost) / half / maxSteps);
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
    double th = theta;
    double sin;
    double cos;
    if (QuarterTurnTrig.reduces(th)) { // QuarterTurnTrig.sin and cos, sharing one reduction
      double k = QuarterTurnTrig.quarterTurns(th);
      double r = QuarterTurnTrig.remainder(th, k);
      double sinR = SmallAngleTrig.sinSeries(r);
      double cosR = SmallAngleTrig.cosSeries(r);
      sin = QuarterTurnTrig.sinOf(sinR, cosR, (long) k);
      cos = QuarterTurnTrig.cosOf(sinR, cosR, (long) k);
    } else {
      sin = Math.sin(th);
      cos = Math.cos(th);
    }
    sinTheta = sin;
    obs[off] = (float) cos;
    obs[off + 1] = (float) sin;
  }

  /** A stepper for copies that are all pendulums of this one's length and torques (else null: one by one). */
  @Override
  public CopiesStepper copiesStepper(Env[] copies) {
    Pendulum[] pendulums = CopiesStepper.ofOneShape(copies, Pendulum.class,
        c -> c.maxSteps == maxSteps && Arrays.equals(c.torque, torque));
    return pendulums == null ? null : new Copies(pendulums);
  }


  /**
   * Steps many pendulums at once: states gathered into arrays, the dynamics in one loop, the angles' sines and
   * cosines (reduction and series) in another, the states written back; the loops are straight-line over arrays,
   * which the JIT vectorises and overlaps across copies.
   */
  private static final class Copies implements CopiesStepper {
    private final Pendulum[] pendulums;
    private final double[] theta;
    private final double[] thetaDot;
    private final double[] sin;
    private final double[] cos;
    private final float[] reward;

    Copies(Pendulum[] pendulums) {
      this.pendulums = pendulums;
      int n = pendulums.length;
      this.theta = new double[n];
      this.thetaDot = new double[n];
      this.sin = new double[n];
      this.cos = new double[n];
      this.reward = new float[n];
    }

    @Override
    public boolean stepAll(int[] actions, float[] obs, float[] rewards, boolean[] terminated,
        boolean[] truncated) {
      Pendulum[] ps = pendulums;
      int n = ps.length;
      checkSteps(ps, actions);
      double[] torque = ps[0].torque;
      int maxSteps = ps[0].maxSteps;
      for (int i = 0; i < n; i++) {
        Pendulum p = ps[i];
        double u = torque[actions[i]];
        double th = p.theta;
        double cost = cost(normalizeAngle(th), p.thetaDot, u);
        double td = nextThetaDot(p.thetaDot, p.sinTheta, u);
        double next = th + td * DT;
        thetaDot[i] = td;
        theta[i] = next;
        reward[i] = reward(cost, maxSteps);
      }
      QuarterTurnTrig.sinCos(theta, sin, cos, n);
      boolean anyDone = false;
      for (int i = 0; i < n; i++) {
        Pendulum p = ps[i];
        p.theta = theta[i];
        p.thetaDot = thetaDot[i];
        p.sinTheta = sin[i];
        obs[2 * i] = (float) cos[i];
        obs[2 * i + 1] = (float) sin[i];
        rewards[i] = reward[i];
        boolean trunc = ++p.t >= p.maxSteps;
        terminated[i] = false;
        truncated[i] = trunc;
        p.endStep(trunc);
        anyDone |= trunc;
      }
      return anyDone;
    }
  }
}
