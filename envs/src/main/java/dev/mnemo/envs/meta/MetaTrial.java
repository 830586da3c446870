package dev.mnemo.envs.meta;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.CopiesStepper;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.Step;
import dev.mnemo.envs.wrappers.Wrapper;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An RL² trial (Duan et al. 2016): {@code episodes} consecutive episodes of ONE task drawn from the
 * inner env's task distribution, presented as a single episode of this env. Its reset draws a new task
 * and starts a trial; its episode (the trial) ends when the last inner episode ends. A recurrent policy
 * therefore resets its hidden state exactly at this env's resets ({@link #trialStarted()}), i.e. at the
 * episode boundaries a {@code VectorEnv} reports, and keeps it across the inner episodes.
 *
 * <p>Observation: {@code [inner obs, one-hot previous action, previous reward, done]}. {@code done} is
 * 1 when the observation is the first of an inner episode (including the trial's first, as in the
 * authors' code), i.e. the previous step ended an inner episode. When an inner episode ends inside the
 * trial, the observation returned is already the next inner episode's first one (the final inner
 * observation carries no information the policy could still act on). At reset the previous action is
 * all zeros and the previous reward 0.
 *
 * <p>Seeds: the trial seed fixes the task ({@code combine(seed, TASK)}) and inner episode {@code e}'s
 * randomness ({@code combine(seed, e)}).
 */
public final class MetaTrial extends Wrapper {
  private static final long TASK_SALT = 0x7461736BL; // "task"
  private final MultiTaskEnv task;
  private final int episodes;
  private final int innerSize;
  private final int numActions;
  /** The first observation of the inner episode {@link #advance} last started (the inner env's own array). */
  private float[] restartObs;
  /** {@link Seeds#combinePrefix} of the trial seed: inner episode seeds are one mix each, not two. */
  private long trialPrefix;
  private int episode;
  private boolean trialStarted;
  /** Puts the task of every trial into the inner env instead of a draw from the trial seed; null: draw. */
  private Consumer<? super MultiTaskEnv> pinnedTask;

  public MetaTrial(String id, MultiTaskEnv inner, int episodes) {
    super(inner, spec(id, inner, episodes));
    this.task = inner;
    this.episodes = episodes;
    this.innerSize = inner.spec().obsSize();
    this.numActions = inner.spec().numActions();
  }

  private static EnvSpec spec(String id, MultiTaskEnv inner, int episodes) {
    BaseEnv.requirePositive("episodes per trial", episodes);
    EnvSpec s = inner.spec();
    long max = (long) s.maxEpisodeSteps() * episodes;
    return EnvSpec.flat(id, s.obsSize() + s.numActions() + 2, s.numActions(),
        max > Integer.MAX_VALUE ? 0 : (int) max);
  }

  /** True right after a reset (a new task, a new trial), false after every step. */
  public boolean trialStarted() {
    return trialStarted;
  }

  /** Index of the inner episode in progress within the trial, from 0. */
  public int episodeInTrial() {
    return episode;
  }

  public int episodesPerTrial() {
    return episodes;
  }

  /** The inner task env (e.g. to read the hidden task in a test or an oracle baseline). */
  public MultiTaskEnv taskEnv() {
    return task;
  }

  /**
   * Every trial from now on runs the task {@code setTask} puts into the inner env, instead of one drawn from the
   * trial seed; the inner episodes' own randomness still comes from the trial seed. What a paired comparison needs:
   * a policy evaluated on exactly the tasks another evaluation drew (a baseline table's), task by task.
   */
  public void pinTask(Consumer<? super MultiTaskEnv> setTask) {
    this.pinnedTask = Objects.requireNonNull(setTask, "setTask");
  }

  @Override
  protected void onReset(long seed, Step out) {
    trialPrefix = Seeds.combinePrefix(seed);
    episode = 0;
    trialStarted = true;
    if (pinnedTask != null) {
      pinnedTask.accept(task);
    } else {
      task.sampleTask(Seeds.combineWith(trialPrefix, TASK_SALT));
    }
    Step s = task.reset(Seeds.combineWith(trialPrefix, 0));
    write(out.obs, 0, s.obs, 0, -1, 0f, true);
  }

  @Override
  protected void onStep(int action, Step out) {
    onStepInto(action, out, out.obs, 0);
  }

  /** Writes the trial's observation straight into {@code obs} at {@code off} (a VectorEnv's batch row). */
  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    trialStarted = false;
    Step s = task.step(action);
    float reward = s.reward; // read before advance: restarting the inner env may rewrite its Step
    int end = advance(s.terminated, s.truncated);
    write(obs, off, (end & RESTARTED) != 0 ? restartObs : s.obs, 0, action, reward, (end & INNER_ENDED) != 0);
    out.reward = reward;
    out.terminated = (end & TERMINATED) != 0;
    out.truncated = (end & TRUNCATED) != 0;
  }

  private static final int TERMINATED = 1;
  private static final int TRUNCATED = 2;
  /** The inner episode ended with this step: the observation's {@code done} is 1. */
  private static final int INNER_ENDED = 4;
  /** The inner episode ended inside the trial and the next began: its first observation is {@link #restartObs}. */
  private static final int RESTARTED = 8;

  /**
   * What the trial does with its inner env's transition: {@link #INNER_ENDED} when the inner episode ended, with
   * {@link #TERMINATED} or {@link #TRUNCATED} when the trial ended with it, or with {@link #RESTARTED} when the next
   * inner episode started (its first observation is then {@link #restartObs}); 0 when the inner episode goes on. The
   * step and the copies' stepper both call it; each writes the trial's observation its own way.
   */
  private int advance(boolean innerTerminated, boolean innerTruncated) {
    if (!(innerTerminated | innerTruncated)) {
      return 0;
    }
    episode++;
    if (episode == episodes) {
      episode = episodes - 1; // stays on the last index until the next reset
      return INNER_ENDED | (innerTerminated ? TERMINATED : TRUNCATED);
    }
    restartObs = task.reset(Seeds.combineWith(trialPrefix, episode)).obs;
    return INNER_ENDED | RESTARTED;
  }

  /**
   * A stepper for copies that are all trials of this one's length over inner envs that have a stepper of their own
   * (else null: one by one): the inner envs step together, then each trial does what {@link #onStepInto} does with
   * its inner transition.
   */
  @Override
  public CopiesStepper copiesStepper(Env[] copies) {
    MetaTrial[] trials = CopiesStepper.ofOneShape(copies, MetaTrial.class,
        c -> c.episodes == episodes && c.spec.equals(spec));
    if (trials == null) {
      return null;
    }
    Env[] tasks = new Env[trials.length];
    for (int i = 0; i < trials.length; i++) {
      tasks[i] = trials[i].task;
    }
    CopiesStepper inner = task.copiesStepper(tasks);
    return inner == null ? null : new Copies(trials, inner);
  }

  /** Many trials stepped at once over their inner envs' own stepper. */
  private static final class Copies implements CopiesStepper {
    private final MetaTrial[] trials;
    private final CopiesStepper inner;
    private final int obsSize;
    private final int innerSize;
    private final float[] innerObs;
    private final float[] innerRewards;
    private final boolean[] innerTerminated;
    private final boolean[] innerTruncated;
    /** 1 where the copy's inner episode ended with this step (the observation's {@code done}), else 0. */
    private final float[] innerEnded;
    private final int numActions;

    Copies(MetaTrial[] trials, CopiesStepper inner) {
      this.trials = trials;
      this.inner = inner;
      int n = trials.length;
      this.obsSize = trials[0].spec.obsSize();
      this.innerSize = trials[0].innerSize;
      this.innerObs = new float[n * innerSize];
      this.innerRewards = new float[n];
      this.innerTerminated = new boolean[n];
      this.innerTruncated = new boolean[n];
      this.innerEnded = new float[n];
      this.numActions = trials[0].numActions;
    }

    @Override
    public boolean stepAll(int[] actions, float[] obs, float[] rewards, boolean[] terminated,
        boolean[] truncated) {
      MetaTrial[] ms = trials;
      int n = ms.length;
      checkSteps(ms, actions); // every copy's checks before any copy (or inner env) moves
      inner.stepAll(actions, innerObs, innerRewards, innerTerminated, innerTruncated);
      int is = innerSize;
      boolean anyDone = false;
      for (int i = 0; i < n; i++) {
        MetaTrial m = ms[i];
        m.trialStarted = false;
        int end = m.advance(innerTerminated[i], innerTruncated[i]);
        if ((end & RESTARTED) != 0) {
          float[] first = m.restartObs;
          for (int k = 0, at = i * is; k < is; k++) {
            innerObs[at + k] = first[k];
          }
        }
        boolean term = (end & TERMINATED) != 0;
        boolean trunc = (end & TRUNCATED) != 0;
        rewards[i] = innerRewards[i];
        terminated[i] = term;
        truncated[i] = trunc;
        innerEnded[i] = (end & INNER_ENDED) != 0 ? 1f : 0f;
        boolean done = term | trunc;
        m.endStep(done);
        anyDone |= done;
      }
      writeRows(actions, obs);
      return anyDone;
    }

    /**
     * Every copy's observation row, as {@link #write} makes it: zeros in one fill, then the few entries that are not
     * zero, with the sizes the copies share read once. Rows written per copy by {@code write} inside the loop of
     * {@link #advance}, with each copy's sizes, held a VectorEnv of 64 RL² bandit trials at 44-48M steps per
     * CPU-second where one trial stepped alone ran at ~50M; written here, 56-63M
     * ({@code experiments/envs-bench/host-probe/ab-2026-12-06-metatrial-rows-bandit.txt}). The inner observations are
     * copied a column at a time: in Meta-Fetch a short loop run once per copy cost more than its work; here the A/Bs
     * could not tell the two forms apart ({@code experiments/envs-bench/NOTES.md}, session 18), and this one is the
     * simpler loop.
     */
    private void writeRows(int[] actions, float[] obs) {
      int n = trials.length;
      int os = obsSize;
      int is = innerSize;
      int rewardAt = is + numActions;
      Arrays.fill(obs, 0, n * os, 0f);
      for (int k = 0; k < is; k++) { // a column at a time: no loop over a float or few per copy
        for (int i = 0, row = k, from = k; i < n; i++, row += os, from += is) {
          obs[row] = innerObs[from];
        }
      }
      for (int i = 0; i < n; i++) {
        int row = i * os;
        obs[row + is + actions[i]] = 1f;
        obs[row + rewardAt] = innerRewards[i];
        obs[row + rewardAt + 1] = innerEnded[i];
      }
    }
  }

  private void write(float[] dst, int off, float[] innerObs, int innerOff, int prevAction, float prevReward,
      boolean done) {
    for (int k = 0; k < innerSize; k++) { // a loop, not arraycopy's call: the inner observation is a float or few
      dst[off + k] = innerObs[innerOff + k];
    }
    BaseEnv.oneHot(dst, off + innerSize, numActions, prevAction);
    dst[off + innerSize + numActions] = prevReward;
    dst[off + innerSize + numActions + 1] = done ? 1f : 0f;
  }
}
