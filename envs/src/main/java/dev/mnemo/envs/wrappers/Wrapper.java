package dev.mnemo.envs.wrappers;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * Base of the wrappers: owns its own {@link Step} (so the inner env's result is never mutated) and its
 * own end-of-episode guard, because a wrapper can end an episode the inner env would continue (time
 * limit) and must then refuse further steps itself.
 */
public abstract class Wrapper implements Env {
  protected final Env inner;
  protected final EnvSpec spec;
  protected final Step step;
  private boolean needsReset = true;

  protected Wrapper(Env inner, EnvSpec spec) {
    if (inner == null) {
      throw new IllegalArgumentException("inner env must not be null");
    }
    this.inner = inner;
    this.spec = spec;
    this.step = new Step(spec.obsSize());
  }

  /** Closes the wrapped environment. */
  @Override
  public void close() {
    inner.close();
  }

  /** The wrapped environment. */
  public Env inner() {
    return inner;
  }

  @Override
  public final EnvSpec spec() {
    return spec;
  }

  @Override
  public final Step reset(long seed) {
    needsReset = false;
    step.set(0f, false, false);
    onReset(seed, step);
    return step;
  }

  @Override
  public final Step step(int action) {
    BaseEnv.checkStepAllowed(spec, needsReset, action);
    step.set(0f, false, false);
    onStep(action, step);
    if (step.done()) {
      needsReset = true;
    }
    return step;
  }

  /**
   * {@link #step} with the observation written straight into row {@code row} of the caller's batch (what a {@link
   * dev.mnemo.envs.VectorEnv} calls): the same checks and end-of-episode guard, through {@link #onStepInto}.
   */
  @Override
  public final boolean stepInto(int action, int row, float[] obs, float[] rewards, boolean[] terminated,
      boolean[] truncated) {
    BaseEnv.checkStepAllowed(spec, needsReset, action);
    Step s = step;
    s.set(0f, false, false);
    onStepInto(action, s, obs, row * s.obs.length);
    boolean done = s.writeScalars(row, rewards, terminated, truncated);
    needsReset = done;
    return done;
  }

  /**
   * {@link #stepInto}'s checks alone (the standard errors for a step that needs a reset or an action out of range):
   * a {@link dev.mnemo.envs.CopiesStepper} of a subclass checks every copy before it moves any.
   */
  protected final void checkStep(int action) {
    BaseEnv.checkStepAllowed(spec, needsReset, action);
  }

  /**
   * {@link #checkStep} of every copy with its action, before a {@link dev.mnemo.envs.CopiesStepper} moves any: the
   * first copy that cannot step throws, and none has moved. One OR per copy and one branch per call, as
   * {@code BaseEnv.checkSteps}.
   */
  protected static void checkSteps(Wrapper[] copies, int[] actions) {
    int bad = 0;
    for (int i = 0; i < copies.length; i++) {
      Wrapper c = copies[i];
      int a = actions[i];
      bad |= a | (c.spec.numActions() - 1 - a) | (c.needsReset ? -1 : 0);
    }
    if (bad < 0) {
      for (int i = 0; i < copies.length; i++) {
        copies[i].checkStep(actions[i]); // throws the standard error
      }
    }
  }

  /** What a step does after the transition: an ended episode needs a reset before the next step. */
  protected final void endStep(boolean done) {
    needsReset = done;
  }

  /**
   * {@link #onStep} with the observation written into {@code obs[off .. off+obsSize)} instead of {@code out.obs}
   * (reward and flags still go into {@code out}). This default runs {@link #onStep} and copies; a wrapper on a hot
   * path overrides it to write the row directly (and implements {@code onStep} as
   * {@code onStepInto(action, out, out.obs, 0)}, so the two paths cannot drift apart).
   */
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    onStep(action, out);
    System.arraycopy(out.obs, 0, obs, off, out.obs.length);
  }

  /** Resets the inner env and writes the wrapped first observation into {@code out}. */
  protected abstract void onReset(long seed, Step out);

  /** Steps the inner env and writes the wrapped result into {@code out}. */
  protected abstract void onStep(int action, Step out);

  /** Copies reward and flags of {@code from} into {@code to}. */
  protected static void copyScalars(Step from, Step to) {
    to.set(from.reward, from.terminated, from.truncated);
  }

  /** Appends a suffix to the inner id, e.g. {@code tmaze?length=5} + {@code |timeLimit=20}. */
  protected static String wrappedId(Env inner, String suffix) {
    return inner.spec().id() + "|" + suffix;
  }
}
