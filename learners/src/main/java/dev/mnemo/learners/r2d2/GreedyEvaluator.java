package dev.mnemo.learners.r2d2;

import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.kernel.EpsilonGreedy;
import dev.mnemo.agents.kernel.RecurrentQKernel;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import dev.mnemo.agents.stats.MeanCi;
import dev.mnemo.envs.VectorEnv;
import java.util.Arrays;

/**
 * Greedy evaluation of a parameter snapshot: one episode on each of {@code episodes} env copies of their
 * own (seeded apart from training, a new seed each round), acted on by the pure-Java kernel with argmax.
 * Used by every runtime, so "eval return" means the same thing in all of them.
 */
public final class GreedyEvaluator implements Evaluator {
  private final String envId;
  private final int episodes;
  private final long seed;
  private final RecurrentQKernel kernel;
  private long round;

  public GreedyEvaluator(String envId, int episodes, long seed, RecurrentQSpec spec) {
    if (episodes < 1) {
      throw new IllegalArgumentException("evaluation needs at least one episode, got " + episodes);
    }
    this.envId = envId;
    this.episodes = episodes;
    this.seed = seed;
    this.kernel = new RecurrentQKernel(spec, episodes);
  }

  @Override
  public int episodes() {
    return episodes;
  }

  @Override
  public long round() {
    return round;
  }

  @Override
  public void setRound(long round) {
    this.round = round;
  }

  /** Mean return and 95% CI half-width (1.96 s / sqrt(n)) of one greedy episode per copy. */
  @Override
  public Evaluation evaluate(ParamSnapshot params) {
    double[] returns;
    try (VectorEnv env = new VectorEnv(envId, episodes, seed + 7919L * round++)) {
      returns = play(env, params);
    }
    MeanCi m = MeanCi.normal(returns);
    return new Evaluation(m.mean(), m.ci95(), episodes);
  }

  /** One greedy episode on each copy of {@code env}; their returns. */
  private double[] play(VectorEnv env, ParamSnapshot params) {
    int os = env.spec().obsSize();
    int na = env.spec().numActions();
    float[] obs = new float[episodes * os];
    float[] rewards = new float[episodes];
    boolean[] term = new boolean[episodes];
    boolean[] trunc = new boolean[episodes];
    int[] actions = new int[episodes];
    int[] prevA = new int[episodes];
    float[] prevR = new float[episodes];
    boolean[] done = new boolean[episodes];
    double[] returns = new double[episodes];
    Arrays.fill(prevA, -1);
    env.reset(obs);
    kernel.load(params);
    kernel.resetAllStates();
    int remaining = episodes;
    while (remaining > 0) {
      kernel.step(obs, prevA, prevR);
      for (int i = 0; i < episodes; i++) {
        actions[i] = EpsilonGreedy.argmax(kernel.qValues(), i * na, na);
      }
      env.step(actions, obs, rewards, term, trunc);
      for (int i = 0; i < episodes; i++) {
        prevA[i] = actions[i];
        prevR[i] = rewards[i];
        if ((term[i] || trunc[i]) && !done[i]) {
          done[i] = true;
          returns[i] = env.lastEpisodeReturn(i);
          remaining--;
        }
      }
    }
    return returns;
  }
}
