package dev.mnemo.envs.meta;

import dev.mnemo.envs.Env;

/**
 * An environment with a hidden task drawn from a task distribution (the meta-RL setting). The task is
 * redrawn only by {@link #sampleTask}; {@link #reset} starts a new episode of the SAME task, which is
 * what lets an RL² trial run several episodes of one task. The env owns its task storage, so drawing a
 * task allocates nothing and one interface fits bandits (a probability per arm) and MDPs (reward
 * means and transition tables) alike.
 */
public interface MultiTaskEnv extends Env {

  /** Replaces the task by a fresh draw from the distribution, fully determined by {@code seed}. */
  void sampleTask(long seed);
}
