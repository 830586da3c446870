package dev.mnemo.agents.baselines.mdp;

/**
 * Posterior sampling for RL (Osband, Russo and Van Roy 2013): at each episode start draw one MDP from the
 * posterior ({@link TabularPosterior#sampleMdp}) and follow its optimal policy for the whole episode.
 */
public final class PsrlAgent extends ModelBasedAgent {

  public PsrlAgent(MdpPrior prior) {
    super(prior);
  }

  @Override
  public String name() {
    return "psrl";
  }

  @Override
  public String hyperparameter() {
    return "";
  }

  @Override
  void plan() {
    posterior.sampleMdp(rng, model);
    BackwardInduction.solve(model, q);
  }
}
