package dev.mnemo.agents.baselines;

import java.util.random.RandomGenerator;

/**
 * A policy for one Bernoulli k-armed bandit task of a known horizon. The caller resets it for each
 * task, then alternates {@link #selectArm()} and {@link #observe(int, float)} {@code horizon} times.
 * Implementations allocate only in {@link #reset} (and only when the number of arms grows), never per
 * pull.
 */
public interface BanditPolicy {

  /** Short algorithm name as used in result tables, e.g. {@code ucb1}. */
  String name();

  /** The hyperparameter this instance runs with, e.g. {@code c=0.2}, or {@code -} when it has none. */
  String hyperparameter();

  /**
   * Starts a new task.
   *
   * @param arms number of arms, at least 1
   * @param horizon number of pulls in this task, at least 1
   * @param rng the policy's own randomness for this task (tie-breaking, exploration, posterior samples)
   */
  void reset(int arms, int horizon, RandomGenerator rng);

  /** The arm to pull next, in {@code [0, arms)}. */
  int selectArm();

  /** Feeds back the reward (0 or 1) of pulling {@code arm}. */
  void observe(int arm, float reward);
}
