package dev.mnemo.agents.baselines.mdp;

import java.util.SplittableRandom;

/**
 * Plays one agent through one trial: n episodes of H steps on one task, every episode from the start state.
 *
 * <p>Common random numbers: the outcomes of a task come from one stream per (s, a) seeded by
 * {@code (outcomeSeed, s, a)}, so the j-th visit of (s, a) pays the same reward and leads to the same next state
 * whichever agent makes it. Differences between agents on a task are then due to their choices, not to luck.
 * The law is that of {@code RandomMdpEnv.onStep}: reward {@code r(s, a) + N(0, 1)}, next state by inverting the
 * transition row's distribution function at a uniform draw.
 */
public final class MdpTrialRunner {
  /** Every episode starts here (as in the RL² authors' environment and {@code RandomMdpEnv}). */
  public static final int START_STATE = 0;

  private MdpTrialRunner() {}

  /** Total reward of {@code agent} over {@code episodes} episodes of {@code horizon} steps on {@code task}. */
  public static double run(MdpAgent agent, TabularMdp task, int episodes, int horizon, long outcomeSeed,
      long policySeed) {
    double total = 0;
    for (double r : episodeReturns(agent, task, episodes, horizon, outcomeSeed, policySeed)) {
      total += r;
    }
    return total;
  }

  /** The return of each of the trial's episodes, in order. */
  public static double[] episodeReturns(MdpAgent agent, TabularMdp task, int episodes, int horizon,
      long outcomeSeed, long policySeed) {
    int states = task.states();
    int actions = task.actions();
    SplittableRandom[] outcomes = new SplittableRandom[states * actions];
    for (int sa = 0; sa < outcomes.length; sa++) {
      outcomes[sa] = new SplittableRandom(SeedMix.mix(outcomeSeed, sa));
    }
    agent.reset(states, actions, horizon, new SplittableRandom(policySeed));
    double[] returns = new double[episodes];
    for (int e = 0; e < episodes; e++) {
      agent.beginEpisode();
      int s = START_STATE;
      for (int h = 0; h < horizon; h++) {
        int a = agent.act(h, s);
        if (a < 0 || a >= actions) {
          throw new IllegalStateException(agent.name() + " chose action " + a + " of " + actions);
        }
        SplittableRandom stream = outcomes[s * actions + a];
        double reward = task.reward(s, a) + stream.nextGaussian();
        int next = sampleNext(task, s, a, stream.nextDouble());
        agent.observe(s, a, reward, next);
        returns[e] += reward;
        s = next;
      }
    }
    return returns;
  }

  /** The smallest s2 whose cumulative probability exceeds u (the last state if rounding leaves u above all). */
  static int sampleNext(TabularMdp task, int s, int a, double u) {
    double cum = 0;
    int last = task.states() - 1;
    for (int s2 = 0; s2 < last; s2++) {
      cum += task.transition(s, a, s2);
      if (u < cum) {
        return s2;
      }
    }
    return last;
  }
}
