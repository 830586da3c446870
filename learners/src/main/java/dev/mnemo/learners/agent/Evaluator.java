package dev.mnemo.learners.agent;

import dev.mnemo.agents.ParamSnapshot;

/** Evaluates a parameter snapshot on episodes of its own (seeded apart from training). Not thread-safe. */
public interface Evaluator {

  /** Episodes per evaluation. */
  int episodes();

  /** The mean return and its 95% confidence half-width over one evaluation's episodes. */
  Evaluation evaluate(ParamSnapshot params);

  /**
   * One evaluation's figures.
   *
   * @param meanReturn mean undiscounted return
   * @param ci95 half-width of the 95% confidence interval of the mean
   * @param episodes episodes evaluated
   */
  record Evaluation(double meanReturn, double ci95, int episodes) {
  }
}
