package dev.mnemo.learners.agent;

import dev.mnemo.agents.ParamSnapshot;

/** Evaluates a parameter snapshot on episodes of its own (seeded apart from training). Not thread-safe. */
public interface Evaluator {

  /** Episodes per evaluation. */
  int episodes();

  /** The mean return and its 95% confidence half-width over one evaluation's episodes. */
  Evaluation evaluate(ParamSnapshot params);

  /**
   * Evaluations run so far, for an evaluator whose every evaluation draws episodes of its own from this count
   * (0 for one that draws the same episodes each time): what a checkpoint saves.
   */
  default long round() {
    return 0;
  }

  /**
   * Continues from a saved {@link #round()}, so that a resumed run evaluates on the episodes it would have.
   *
   * @throws UnsupportedOperationException for a non-zero round on an evaluator that keeps none
   */
  default void setRound(long round) {
    if (round != 0) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no evaluation round");
    }
  }

  /**
   * One evaluation's figures.
   *
   * @param meanReturn mean undiscounted return
   * @param ci95 half-width of the 95% confidence interval of the mean
   * @param episodes episodes evaluated
   * @param episodeInTrialMeans for an evaluation in trials of several inner episodes (RL²): the mean return of
   *     each inner episode by its index in the trial; empty otherwise
   */
  record Evaluation(double meanReturn, double ci95, int episodes, double[] episodeInTrialMeans) {

    /** An evaluation of plain episodes (no trials). */
    public Evaluation(double meanReturn, double ci95, int episodes) {
      this(meanReturn, ci95, episodes, new double[0]);
    }

    // Equal by value, the per-episode means included (a record compares arrays by reference).
    @Override
    public boolean equals(Object o) {
      return o instanceof Evaluation e && Double.compare(meanReturn, e.meanReturn) == 0
          && Double.compare(ci95, e.ci95) == 0 && episodes == e.episodes
          && java.util.Arrays.equals(episodeInTrialMeans, e.episodeInTrialMeans);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(meanReturn, ci95, episodes) * 31 + java.util.Arrays.hashCode(episodeInTrialMeans);
    }

    @Override
    public String toString() {
      return "Evaluation[meanReturn=" + meanReturn + ", ci95=" + ci95 + ", episodes=" + episodes
          + ", episodeInTrialMeans=" + java.util.Arrays.toString(episodeInTrialMeans) + "]";
    }
  }
}
