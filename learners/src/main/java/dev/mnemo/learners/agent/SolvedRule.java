package dev.mnemo.learners.agent;

import dev.mnemo.agents.ParamSnapshot;

/**
 * "Solved", one rule for every runtime (DESIGN.md: solved is a property of saved parameters, confirmed by an
 * evaluation larger than the one that triggered the stop). A periodic evaluation that reaches the threshold
 * only nominates the parameters it evaluated; a second, larger evaluation of those same parameters, on
 * episodes of its own, confirms them or not. Only confirmed parameters are solved: a run that stops when
 * solved stops on them, keeps them as its result and reports the confirmation's figures; a run that goes on
 * to its budget reports the same larger evaluation of its final parameters.
 */
public final class SolvedRule {

  /** Episodes of the confirming (and final) evaluation unless a config says otherwise. */
  public static final int CONFIRM_EPISODES = 100;

  private final Evaluator confirmation;
  private final double threshold;

  /**
   * @param confirmation the larger evaluation (e.g. {@link AgentBuilder#newEvaluator(AgentShapes, int)} with
   *     {@link #CONFIRM_EPISODES}), seeded apart from the periodic one
   * @param threshold mean return that counts as solved; see {@link Solved#hasThreshold}
   */
  public SolvedRule(Evaluator confirmation, double threshold) {
    if (confirmation == null) {
      throw new IllegalArgumentException("a solved rule needs a confirming evaluator");
    }
    this.confirmation = confirmation;
    this.threshold = threshold;
  }

  /** Episodes of the confirming evaluation. */
  /** The confirming evaluator (a checkpoint saves its round). */
  public Evaluator evaluator() {
    return confirmation;
  }

  public int confirmEpisodes() {
    return confirmation.episodes();
  }

  /** Whether a periodic evaluation nominates its parameters (the config has a threshold and it is reached). */
  public boolean nominates(Evaluator.Evaluation periodic) {
    return reaches(periodic);
  }

  /** The larger evaluation of {@code params}: the confirmation of a nomination, or a run's final evaluation. */
  public Evaluator.Evaluation evaluate(ParamSnapshot params) {
    return confirmation.evaluate(params);
  }

  /**
   * Whether {@code larger}, an evaluation by {@link #evaluate}, makes its parameters solved; null when the
   * config sets no threshold (a summary then says neither solved nor unsolved).
   */
  public Boolean solved(Evaluator.Evaluation larger) {
    return Solved.hasThreshold(threshold) ? reaches(larger) : null;
  }

  private boolean reaches(Evaluator.Evaluation e) {
    return Solved.hasThreshold(threshold) && e.meanReturn() >= threshold;
  }
}
