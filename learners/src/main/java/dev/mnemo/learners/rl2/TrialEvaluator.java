package dev.mnemo.learners.rl2;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.acting.CategoricalPolicy;
import dev.mnemo.agents.rl2.ActorCriticPolicy;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.stats.MeanCi;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.learners.agent.Evaluator;
import java.util.function.IntFunction;

/**
 * Evaluates an RL² policy afresh, as the paper's RL² column does: {@code trials} trials, each on a task of its
 * own drawn from {@code seed} (apart from training's), the policy acting from the zero state at each trial's
 * start; the figure is the mean undiscounted trial return with its 95% confidence half-width (Student t).
 * The evaluation also reports the mean return of each inner episode of a trial by its index (how far the
 * policy improves within a trial, which is what meta-learning buys). Every evaluation uses the same tasks and the
 * same sampling stream, so evaluations of different parameters differ by the parameters only. Trials run in chunks
 * of at most {@code chunk} envs. Not thread-safe.
 */
public final class TrialEvaluator implements Evaluator {

  /** Makes the acting policy a chunk of the evaluation runs (loaded with the evaluated parameters afterwards). */
  @FunctionalInterface
  public interface Policies {
    /**
     * @param envs envs stepped together
     * @param seed the policy's sampling stream
     * @param greedy act with the most probable action
     */
    CategoricalPolicy make(int envs, long seed, boolean greedy);
  }

  private final Policies policies;
  private final IntFunction<Env> envFactory;
  private final EnvSpec envSpec;
  private final int trials;
  private final long seed;
  private final boolean greedy;
  private final int chunk;

  /**
   * @param envFactory makes the env of trial {@code i} (0 .. trials - 1, the order of {@link #returns}), so a
   *     factory can pin each trial's task ({@code MetaTrial.pinTask})
   * @param greedy act with the most probable action instead of sampling (the policy's own behaviour is to
   *     sample, which is what the paper evaluates)
   */
  public TrialEvaluator(ActorCriticSpec spec, IntFunction<Env> envFactory, EnvSpec envSpec, int trials, long seed,
      boolean greedy) {
    this((n, s, g) -> new ActorCriticPolicy(spec, n, s, g), envFactory, envSpec, trials, seed, greedy);
  }

  /** As above, for any categorical acting policy {@code policies} makes (a Transformer's, for one). */
  public TrialEvaluator(Policies policies, IntFunction<Env> envFactory, EnvSpec envSpec, int trials, long seed,
      boolean greedy) {
    if (trials < 2) {
      throw new IllegalArgumentException("an evaluation needs >= 2 trials for its interval, got " + trials);
    }
    this.policies = policies;
    this.envFactory = envFactory;
    this.envSpec = envSpec;
    this.trials = trials;
    this.seed = seed;
    this.greedy = greedy;
    this.chunk = Math.min(trials, 1000);
  }

  @Override
  public int episodes() {
    return trials;
  }

  @Override
  public Evaluation evaluate(ParamSnapshot params) {
    double[] returns = new double[trials];
    double[][] byEpisode = new double[trials][];
    collect(params, returns, byEpisode);
    MeanCi m = MeanCi.studentT(returns);
    return new Evaluation(m.mean(), m.ci95(), trials, episodeMeans(byEpisode));
  }

  /** Every trial's return, in task order. */
  public double[] returns(ParamSnapshot params) {
    double[] out = new double[trials];
    collect(params, out, null);
    return out;
  }

  /**
   * Trial returns into {@code returns}, and (unless null) each trial's return per inner episode into
   * {@code byEpisode[trial]} (empty where the trial env does not number its inner episodes).
   */
  private void collect(ParamSnapshot params, double[] returns, double[][] byEpisode) {
    int done = 0;
    int part = 0;
    while (done < trials) {
      int n = Math.min(chunk, trials - done);
      int first = done;
      // Trial first + i runs in copy i of this chunk: the factory is told the trial's index in the evaluation.
      TrialCollector c = new TrialCollector(i -> envFactory.apply(first + i), envSpec, n);
      CategoricalPolicy policy = policies.make(n, dev.mnemo.envs.Seeds.combine(seed, 1000 + part), greedy);
      policy.load(params);
      TrialBatch b = c.newBatch();
      c.collect(policy, dev.mnemo.envs.Seeds.combine(seed, part), b);
      for (int i = 0; i < n; i++) {
        returns[done + i] = b.trialReturn(i);
        if (byEpisode != null) {
          byEpisode[done + i] = episodeReturns(b, i);
        }
      }
      done += n;
      part++;
    }
  }

  /** Trial i's undiscounted return of each of its inner episodes, in order (empty if they are not numbered). */
  static double[] episodeReturns(TrialBatch b, int i) {
    // Inner episodes only move forward within a trial: its last step is in its last episode.
    int episodes = b.episodeInTrial(b.length(i) - 1, i) + 1;
    double[] out = new double[episodes];
    for (int t = 0; t < b.length(i) && episodes > 0; t++) {
      out[b.episodeInTrial(t, i)] += b.reward(t, i);
    }
    return out;
  }

  /**
   * The mean over trials of the return of each inner episode index (a trial that ended before index e, which the
   * fixed-length trials here never do, counts in the mean of e only if it reached it); empty if no trial numbered
   * its episodes.
   */
  static double[] episodeMeans(double[][] byEpisode) {
    int episodes = 0;
    for (double[] r : byEpisode) {
      episodes = Math.max(episodes, r.length);
    }
    double[] sum = new double[episodes];
    int[] count = new int[episodes];
    for (double[] r : byEpisode) {
      for (int e = 0; e < r.length; e++) {
        sum[e] += r[e];
        count[e]++;
      }
    }
    for (int e = 0; e < episodes; e++) {
      sum[e] /= count[e];
    }
    return sum;
  }
}
