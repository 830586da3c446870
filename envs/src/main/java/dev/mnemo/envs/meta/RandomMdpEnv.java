package dev.mnemo.envs.meta;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.CopiesStepper;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Rng;
import dev.mnemo.envs.Step;

/**
 * One task of the RL² random tabular MDP distribution (Duan et al. 2016, after Osband et al.): reward
 * means {@code mu(s, a) ~ N(1, 1)}, transition rows {@code P(·|s, a) ~ Dirichlet(1, ..., 1)} (flat);
 * a step in {@code s} with {@code a} pays {@code N(mu(s, a), 1)} and moves to {@code s' ~ P(·|s, a)}.
 * Every episode starts in state 0 (as in the authors' code) and terminates after {@code horizon}
 * steps: the fixed horizon is part of the task, not a time limit. Observation: state one-hot.
 */
public final class RandomMdpEnv extends BaseEnv implements MultiTaskEnv {
  private final int states;
  private final int actions;
  private final int horizon;
  private final double[] mu;
  /** Cumulative transition probabilities: row (s, a) at {@code (s*actions + a) * states}. */
  private final double[] cumP;
  private final Rng taskRng = new Rng(0);
  private boolean hasTask;
  private int state;

  public RandomMdpEnv(String id, int states, int actions, int horizon) {
    super(EnvSpec.flat(id, requirePositive("mdp states", states), requirePositive("mdp actions", actions),
        requirePositive("mdp horizon", horizon)));
    this.states = states;
    this.actions = actions;
    this.horizon = horizon;
    this.mu = new double[states * actions];
    this.cumP = new double[states * actions * states];
  }

  @Override
  public void sampleTask(long seed) {
    taskRng.setSeed(seed);
    for (int sa = 0; sa < states * actions; sa++) {
      mu[sa] = 1 + taskRng.nextGaussian();
      // Flat Dirichlet = normalised i.i.d. Exponential(1) draws.
      int row = sa * states;
      double sum = 0;
      for (int s2 = 0; s2 < states; s2++) {
        double g = taskRng.nextExponential();
        sum += g;
        cumP[row + s2] = sum;
      }
      for (int s2 = 0; s2 < states; s2++) {
        cumP[row + s2] /= sum;
      }
      cumP[row + states - 1] = 1.0; // guard the search against rounding
    }
    hasTask = true;
  }

  /** Mean reward of action {@code a} in state {@code s} for the current task. */
  public double rewardMean(int s, int a) {
    return mu[s * actions + a];
  }

  /** Probability of moving from {@code s} to {@code s2} with action {@code a} in the current task. */
  public double transitionProbability(int s, int a, int s2) {
    int row = (s * actions + a) * states;
    return cumP[row + s2] - (s2 == 0 ? 0 : cumP[row + s2 - 1]);
  }

  /** The current state. */
  public int state() {
    return state;
  }

  public int horizon() {
    return horizon;
  }

  @Override
  protected void onReset(float[] obs) {
    if (!hasTask) {
      throw new IllegalStateException(spec.id() + ": reset before sampleTask(seed)");
    }
    state = 0;
    oneHot(obs, 0, states, state);
  }

  @Override
  protected void onStep(int action, Step out) {
    int sa = state * actions + action;
    out.reward = reward(sa);
    state = nextState(sa);
    out.terminated = t >= horizon;
    oneHot(out.obs, 0, states, state);
  }

  /** The reward of {@code (s, a)}: {@code N(mu(s, a), 1)}, from the episode's stream (drawn before the move). */
  private float reward(int sa) {
    return (float) (mu[sa] + rng.nextGaussian());
  }

  /** The next state: {@code s' ~ P(·|s, a)} by a uniform from the episode's stream and the cumulative row. */
  private int nextState(int sa) {
    double u = rng.nextDouble();
    int row = sa * states;
    int next = 0;
    while (next < states - 1 && cumP[row + next] <= u) {
      next++;
    }
    return next;
  }

  /** A stepper for copies that are all MDPs of this one's sizes and horizon (else null: one by one). */
  @Override
  public CopiesStepper copiesStepper(Env[] copies) {
    RandomMdpEnv[] mdps = CopiesStepper.ofOneShape(copies, RandomMdpEnv.class,
        c -> c.states == states && c.actions == actions && c.horizon == horizon);
    return mdps == null ? null : new Copies(mdps);
  }


  /** Steps of many MDPs in one loop ({@link #onStep}'s draws in its order), the copies' work overlapping. */
  private static final class Copies implements CopiesStepper {
    private final RandomMdpEnv[] mdps;

    Copies(RandomMdpEnv[] mdps) {
      this.mdps = mdps;
    }

    @Override
    public boolean stepAll(int[] actions, float[] obs, float[] rewards, boolean[] terminated,
        boolean[] truncated) {
      RandomMdpEnv[] ms = mdps;
      int n = ms.length;
      checkSteps(ms, actions);
      int states = ms[0].states;
      int horizon = ms[0].horizon;
      boolean anyDone = false;
      for (int i = 0; i < n; i++) {
        RandomMdpEnv m = ms[i];
        int sa = m.state * m.actions + actions[i];
        rewards[i] = m.reward(sa);
        int next = m.nextState(sa);
        m.state = next;
        boolean term = ++m.t >= horizon;
        terminated[i] = term;
        truncated[i] = false;
        oneHot(obs, i * states, states, next);
        m.endStep(term);
        anyDone |= term;
      }
      return anyDone;
    }
  }
}
