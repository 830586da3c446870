package dev.mnemo.agents.baselines.mdp;

import java.util.Locale;

/**
 * Optimistic PSRL: draw {@code samples} MDPs from the posterior, solve each exactly, and act greedily on the
 * element-wise maximum of their action values,
 *
 * <pre>
 *   Q_h(s, a) = max_{k = 1..S} Q_h^(k)(s, a)        Q^(k) the optimal values of posterior draw k
 * </pre>
 *
 * This is the optimistic envelope of TabulaRL's {@code OptimisticPSRL} (Osband's reference code, which the RL²
 * authors ran for Table 2): optimism per (h, s, a), not a choice of the single draw with the highest value.
 * With {@code samples = 1} it is PSRL.
 */
public final class OptimisticPsrlAgent extends ModelBasedAgent {
  private final int samples;
  private QTable draw;

  public OptimisticPsrlAgent(MdpPrior prior, int samples) {
    super(prior);
    if (samples < 1) {
      throw new IllegalArgumentException("opsrl samples must be >= 1, got " + samples);
    }
    this.samples = samples;
  }

  @Override
  public String name() {
    return "opsrl";
  }

  @Override
  public String hyperparameter() {
    return String.format(Locale.ROOT, "S=%d", samples);
  }

  @Override
  void allocate() {
    draw = new QTable(horizon, states, actions);
  }

  @Override
  void plan() {
    posterior.sampleMdp(rng, model);
    BackwardInduction.solve(model, q);
    for (int k = 1; k < samples; k++) {
      posterior.sampleMdp(rng, model);
      BackwardInduction.solve(model, draw);
      q.maxWith(draw);
    }
  }
}
