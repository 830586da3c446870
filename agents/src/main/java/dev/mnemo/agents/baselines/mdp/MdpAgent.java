package dev.mnemo.agents.baselines.mdp;

import java.util.random.RandomGenerator;

/**
 * A baseline that acts in one task for a trial of n episodes of H steps, learning across the trial's episodes.
 * The runner calls {@link #reset} once per trial, {@link #beginEpisode} at every episode start (where model-based
 * agents re-plan), then {@link #act} and {@link #observe} once per step.
 */
public interface MdpAgent {

  /** Column name in the table, e.g. {@code psrl}. */
  String name();

  /** The tuned constant as shown in the table, e.g. {@code S=5}; empty when there is none. */
  String hyperparameter();

  /** Forgets everything: a new task of {@code states} x {@code actions}, episodes of {@code horizon} steps. */
  void reset(int states, int actions, int horizon, RandomGenerator rng);

  /** An episode starts (in the task's start state). */
  void beginEpisode();

  /** The action at step {@code step} (0-based within the episode) in {@code state}. */
  int act(int step, int state);

  /** The outcome of the last action. */
  void observe(int state, int action, double reward, int next);
}
