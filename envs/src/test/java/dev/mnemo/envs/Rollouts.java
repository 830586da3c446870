package dev.mnemo.envs;

import java.util.ArrayList;
import java.util.List;

/** Test helpers: run episodes with a policy and collect what happened. */
public final class Rollouts {
  private Rollouts() {}

  /** A policy that sees every observation of the episode so far (index 0 = reset observation). */
  public interface HistoryPolicy {
    int act(List<float[]> observations, List<Float> rewards);
  }

  /** What one episode produced. */
  public record Episode(List<float[]> observations, List<Float> rewards, List<Integer> actions,
      boolean terminated, boolean truncated) {
    public double ret() {
      double r = 0;
      for (float x : rewards) {
        r += x;
      }
      return r;
    }

    public int length() {
      return rewards.size();
    }
  }

  public static Episode episode(Env env, long seed, HistoryPolicy policy) {
    return episode(env, seed, policy, 1_000_000);
  }

  public static Episode episode(Env env, long seed, HistoryPolicy policy, int maxSteps) {
    List<float[]> obs = new ArrayList<>();
    List<Float> rewards = new ArrayList<>();
    List<Integer> actions = new ArrayList<>();
    Step s = env.reset(seed);
    obs.add(s.obs.clone());
    for (int i = 0; i < maxSteps; i++) {
      int a = policy.act(obs, rewards);
      s = env.step(a);
      actions.add(a);
      obs.add(s.obs.clone());
      rewards.add(s.reward);
      if (s.done()) {
        return new Episode(obs, rewards, actions, s.terminated, s.truncated);
      }
    }
    throw new AssertionError(env.spec().id() + ": episode did not end within " + maxSteps + " steps");
  }

  /** Uniformly random actions from a seeded stream. */
  public static HistoryPolicy random(int numActions, long seed) {
    Rng rng = new Rng(seed);
    return (o, r) -> rng.nextInt(numActions);
  }

  /** Mean return over {@code n} episodes with seeds {@code 0..n-1}. */
  public static double meanReturn(Env env, int n, HistoryPolicy policy) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += episode(env, 1000 + i, policy).ret();
    }
    return sum / n;
  }

  /** Index of the largest entry (first on ties). */
  public static int argmax(float[] v, int from, int to) {
    int best = from;
    for (int i = from + 1; i < to; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best - from;
  }
}
