package dev.mnemo.agents.baselines.mdp;


/**
 * UCRL2 (Jaksch, Ortner and Auer 2010) re-planned at every episode start: the empirical MDP, the paper's
 * confidence radii (scaled by a tuned constant c) and {@link ExtendedValueIteration} over the episode's H steps.
 * With t the steps taken so far plus one and n(s, a) the visits (at least 1),
 *
 * <pre>
 *   c_r(s, a) = c sqrt( 7 ln(2 S A t / δ) / (2 n) )          reward radius
 *   c_p(s, a) = c sqrt( 14 S ln(2 A t / δ) / n )             L1 radius of the transition row
 * </pre>
 *
 * The paper's radii assume rewards in [0, 1]; these rewards are Gaussian with unit noise, so only the scaled
 * radii are meaningful and c is tuned. (TabulaRL, which the RL² authors ran, uses 4 ln(2 S A (k+1) / δ) for both
 * radii with k the episode index; the scale absorbs most of that difference.)
 */
public final class Ucrl2Agent extends ModelBasedAgent {
  private final double scale;
  private final double delta;
  private ExtendedValueIteration evi;
  private double[] rewardSlack;
  private double[] transitionSlack;
  private long steps;

  public Ucrl2Agent(double scale, double delta) {
    // The prior is unused: UCRL2 plans on the empirical MDP.
    super(MdpPrior.tabulaRl());
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("ucrl2 scale must be >= 0 and finite, got " + scale);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("ucrl2 delta must be in (0, 1), got " + delta);
    }
    this.scale = scale;
    this.delta = delta;
  }

  @Override
  public String name() {
    return "ucrl2";
  }

  @Override
  public String hyperparameter() {
    return "c=" + Numbers.compact(scale);
  }

  @Override
  public void reset(int states, int actions, int horizon, java.util.random.RandomGenerator rng) {
    super.reset(states, actions, horizon, rng);
    steps = 0;
  }

  @Override
  void allocate() {
    evi = new ExtendedValueIteration(states);
    rewardSlack = new double[states * actions];
    transitionSlack = new double[states * actions];
  }

  @Override
  void plan() {
    posterior.empiricalMdp(model);
    long t = steps + 1;
    for (int s = 0; s < states; s++) {
      for (int a = 0; a < actions; a++) {
        int n = posterior.visits(s, a);
        rewardSlack[s * actions + a] = scale * rewardRadius(n, t, states, actions, delta);
        transitionSlack[s * actions + a] = scale * transitionRadius(n, t, states, actions, delta);
      }
    }
    evi.solve(model, rewardSlack, transitionSlack, q);
  }

  @Override
  public void observe(int state, int action, double reward, int next) {
    super.observe(state, action, reward, next);
    steps++;
  }

  /** Jaksch et al.'s unscaled reward radius sqrt(7 ln(2 S A t / δ) / (2 max(1, n))). */
  static double rewardRadius(int n, long t, int states, int actions, double delta) {
    return Math.sqrt(7.0 * Math.log(2.0 * states * actions * t / delta) / (2.0 * Math.max(1, n)));
  }

  /** Jaksch et al.'s unscaled L1 transition radius sqrt(14 S ln(2 A t / δ) / max(1, n)). */
  static double transitionRadius(int n, long t, int states, int actions, double delta) {
    return Math.sqrt(14.0 * states * Math.log(2.0 * actions * t / delta) / Math.max(1, n));
  }
}
