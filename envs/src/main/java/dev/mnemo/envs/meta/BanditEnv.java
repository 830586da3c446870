package dev.mnemo.envs.meta;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.CopiesStepper;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Rng;
import dev.mnemo.envs.Step;

/**
 * One task of the RL² Bernoulli-bandit distribution as an environment: every episode is ONE pull
 * (reward 1 with probability {@code p[arm]}, else 0; terminated). The observation is a single constant
 * 0: a bandit has no state, everything the agent learns comes from the previous action and reward that
 * {@link MetaTrial} appends.
 */
public final class BanditEnv extends BaseEnv implements MultiTaskEnv {
  private final BernoulliBandits distribution;
  private final double[] p;
  private final Rng taskRng = new Rng(0);
  private boolean hasTask;
  /** Set by {@link #setTask}: every pull's outcome uniform, {@code [arm * pullsPerArm + pull]}; null: drawn. */
  private double[] outcomes;
  private int pullsPerArm;
  private final int[] armPulls;

  public BanditEnv(String id, int arms) {
    super(EnvSpec.flat(id, 1, requirePositive("bandit arms", arms), 1));
    this.distribution = new BernoulliBandits(arms);
    this.p = new double[arms];
    this.armPulls = new int[arms];
  }

  @Override
  public void sampleTask(long seed) {
    taskRng.setSeed(seed);
    distribution.sampleTask(taskRng, p);
    outcomes = null;
    hasTask = true;
  }

  /**
   * Sets the task to {@code probabilities} (one per arm, each in [0, 1]) instead of a draw, and, unless
   * {@code outcomes} is null, the outcomes of its pulls as well: the j-th pull of arm i since this call pays 1 iff
   * {@code outcomes[i * pullsPerArm + j] < probabilities[i]} (the bandit baselines' table plays its tasks so). A policy
   * evaluated on the tasks and outcomes another evaluation drew is compared with it task by task, on common random
   * numbers: where the two pull the same arms, they see the same rewards. With {@code outcomes} null the pulls draw
   * from the episode's seed as usual.
   *
   * @param pullsPerArm the stride of {@code outcomes}: no arm may be pulled more often than this (ignored if null)
   * @throws IllegalArgumentException naming the arm whose probability is not in [0, 1], or the size that does not
   *     match the arms
   */
  public void setTask(double[] probabilities, double[] outcomes, int pullsPerArm) {
    if (probabilities.length != p.length) {
      throw new IllegalArgumentException(spec.id() + ": a task of " + probabilities.length
          + " arm probabilities for " + p.length + " arms");
    }
    for (int i = 0; i < p.length; i++) {
      if (!(probabilities[i] >= 0 && probabilities[i] <= 1)) {
        throw new IllegalArgumentException(spec.id() + ": arm " + i + "'s success probability "
            + probabilities[i] + " is not in [0, 1]");
      }
    }
    if (outcomes != null && (pullsPerArm < 1 || outcomes.length != (long) p.length * pullsPerArm)) {
      throw new IllegalArgumentException(spec.id() + ": " + outcomes.length + " outcomes for " + p.length
          + " arms of " + pullsPerArm + " pulls each");
    }
    System.arraycopy(probabilities, 0, p, 0, p.length);
    this.outcomes = outcomes;
    this.pullsPerArm = pullsPerArm;
    java.util.Arrays.fill(armPulls, 0);
    hasTask = true;
  }

  /** Success probability of arm {@code i} in the current task. */
  public double armProbability(int i) {
    return p[i];
  }

  @Override
  protected void onReset(float[] obs) {
    if (!hasTask) {
      throw new IllegalStateException(spec.id() + ": reset before sampleTask(seed)");
    }
    obs[0] = 0f;
  }

  @Override
  protected void onStep(int action, Step out) {
    out.reward = pull(action);
    out.terminated = true;
    out.obs[0] = 0f;
  }

  /** One pull of {@code arm}: 1 with probability {@code p[arm]}, else 0 (the step and the copies' stepper). */
  private float pull(int arm) {
    // u < p as the sign bit of u - p (exact for u, p in [0, 1]: the rounded difference keeps the sign, and is
    // +0.0 when u == p), not as a select: the JIT compiles the select to a branch that a random draw mispredicts
    // half the time, which one env hides and 64 copies stepped in turn pay in full.
    double u = outcomes == null ? rng.nextDouble() : givenOutcome(arm);
    return Double.doubleToRawLongBits(u - p[arm]) >>> 63;
  }

  /** A stepper for copies that are all bandits of this one's arms (else null: one by one). */
  @Override
  public CopiesStepper copiesStepper(Env[] copies) {
    BanditEnv[] bandits = CopiesStepper.ofOneShape(copies, BanditEnv.class, c -> c.p.length == p.length);
    return bandits == null ? null : new Copies(bandits);
  }


  /** Pulls of many bandits in one loop: {@link #onStep}'s draw and reward, every episode ending with its pull. */
  private static final class Copies implements CopiesStepper {
    private final BanditEnv[] bandits;

    Copies(BanditEnv[] bandits) {
      this.bandits = bandits;
    }

    @Override
    public boolean stepAll(int[] actions, float[] obs, float[] rewards, boolean[] terminated,
        boolean[] truncated) {
      BanditEnv[] bs = bandits;
      int n = bs.length;
      checkSteps(bs, actions);
      for (int i = 0; i < n; i++) {
        BanditEnv b = bs[i];
        b.t++;
        rewards[i] = b.pull(actions[i]);
        terminated[i] = true;
        truncated[i] = false;
        obs[i] = 0f;
        b.endStep(true);
      }
      return n > 0;
    }
  }

  /** The uniform of this pull of {@code arm} from the outcomes {@link #setTask} gave. */
  private double givenOutcome(int arm) {
    int j = armPulls[arm]++;
    if (j >= pullsPerArm) {
      throw new IllegalStateException(spec.id() + ": arm " + arm + " pulled more than the " + pullsPerArm
          + " times its given outcomes cover since setTask");
    }
    return outcomes[arm * pullsPerArm + j];
  }
}
