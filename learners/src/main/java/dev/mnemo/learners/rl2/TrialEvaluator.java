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
 * Every evaluation uses the same tasks and the same sampling stream, so evaluations of different parameters
 * differ by the parameters only. Trials run in chunks of at most {@code chunk} envs. Not thread-safe.
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
    double[] returns = returns(params);
    MeanCi m = MeanCi.studentT(returns);
    return new Evaluation(m.mean(), m.ci95(), trials);
  }

  /** Every trial's return, in task order. */
  public double[] returns(ParamSnapshot params) {
    double[] out = new double[trials];
    int done = 0;
    int part = 0;
    while (done < trials) {
      int n = Math.min(chunk, trials - done);
      TrialCollector c = new TrialCollector(envFactory, envSpec, n);
      CategoricalPolicy policy = policies.make(n, dev.mnemo.envs.Seeds.combine(seed, 1000 + part), greedy);
      policy.load(params);
      TrialBatch b = c.newBatch();
      c.collect(policy, dev.mnemo.envs.Seeds.combine(seed, part), b);
      for (int i = 0; i < n; i++) {
        out[done + i] = b.trialReturn(i);
      }
      done += n;
      part++;
    }
    return out;
  }
}
