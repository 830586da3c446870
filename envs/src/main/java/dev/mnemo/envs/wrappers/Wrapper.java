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
