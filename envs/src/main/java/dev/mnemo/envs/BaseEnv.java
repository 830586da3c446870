package dev.mnemo.envs;

/**
 * Common machinery for the concrete environments: the reused {@link Step}, a reseedable {@link Rng},
 * the step counter, and the checks every env needs (step before reset or after the end, action out of
 * range). Subclasses implement {@link #onReset} and {@link #onStep} only.
 */
public abstract class BaseEnv implements Env {
  protected final EnvSpec spec;
  protected final Step step;
  /** {@code spec.obsSize()} and {@code spec.numActions()}, read on every step without going through the spec. */
  private final int obsSize;
  private final int numActions;
  /** Reseeded at every {@link #reset}: all randomness of an episode comes from here. */
  protected final Rng rng = new Rng(0);
  /** Steps taken in the current episode. */
  protected int t;
  private boolean needsReset = true;

  protected BaseEnv(EnvSpec spec) {
    this.spec = spec;
    this.step = new Step(spec.obsSize());
    this.obsSize = spec.obsSize();
    this.numActions = spec.numActions();
  }

  @Override
  public final EnvSpec spec() {
    return spec;
  }

  @Override
  public final Step reset(long seed) {
    rng.setSeed(seed);
    t = 0;
    needsReset = false;
    step.set(0f, false, false);
    onReset(step.obs);
    return step;
  }

  @Override
  public final Step step(int action) {
    checkStepAllowed(spec, needsReset, action);
    t++;
    step.set(0f, false, false);
    onStep(action, step);
    if (step.done()) {
      needsReset = true;
    }
    return step;
  }

  @Override
  public final boolean stepInto(int action, int row, float[] obs, float[] rewards, boolean[] terminated,
      boolean[] truncated) {
    beginStep(action);
    Step s = step;
    s.set(0f, false, false);
    onStepInto(action, s, obs, row * obsSize);
    boolean done = s.writeScalars(row, rewards, terminated, truncated);
    endStep(done);
    return done;
  }

  /**
   * What every step does before the env's own transition: the standard errors for a step that needs a reset or an
   * action out of range, then the step count. Protected for a {@link CopiesStepper} of a subclass, which steps its
   * copies without their {@link #stepInto}.
   *
   * @return {@link #t} after the step
   */
  protected final int beginStep(int action) {
    checkStep(action);
    return ++t;
  }

  /** {@link #beginStep}'s checks alone: a stepper checks every copy before it moves any. */
  protected final void checkStep(int action) {
    if (needsReset || action < 0 || action >= numActions) {
      checkStepAllowed(spec, needsReset, action); // throws the standard error
    }
  }

  /**
   * {@link #checkStep} of every copy with its action, before a {@link CopiesStepper} moves any: the first copy that
   * cannot step throws, and none has moved (the rule {@link VectorEnv} keeps for a bad action).
   */
  protected static void checkSteps(BaseEnv[] copies, int[] actions) {
    // One OR per copy and one branch per call: with the cheapest envs a branch per copy is a tenth of their step.
    int bad = 0;
    for (int i = 0; i < copies.length; i++) {
      BaseEnv c = copies[i];
      int a = actions[i];
      bad |= a | (c.numActions - 1 - a) | (c.needsReset ? -1 : 0);
    }
    if (bad < 0) {
      for (int i = 0; i < copies.length; i++) {
        copies[i].checkStep(actions[i]); // the first copy that cannot step throws its standard error
      }
    }
  }

  /** What every step does after the transition: an ended episode needs a reset before the next step. */
  protected final void endStep(boolean done) {
    needsReset = done; // false before the step (checked in beginStep): a store, not a branch
  }

  /** Writes the first observation of the episode into {@code obs}; {@link #rng} is already seeded. */
  protected abstract void onReset(float[] obs);

  /** Applies a validated action; writes obs, reward and flags into {@code out} ({@link #t} counts it). */
  protected abstract void onStep(int action, Step out);

  /**
   * {@link #onStep} with the observation written into {@code obs[off .. off+obsSize)} instead of {@code out.obs}
   * (reward and flags still go into {@code out}): what {@link #stepInto} calls. This default runs {@link #onStep}
   * and copies; a cheap env overrides it to write the batch row directly (and implements {@code onStep} as
   * {@code onStepInto(action, out, out.obs, 0)}, so the two paths cannot drift apart).
   */
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    onStep(action, out);
    float[] src = out.obs;
    for (int k = 0; k < src.length; k++) {
      obs[off + k] = src[k];
    }
  }

  /**
   * The checks before every {@code step}: the standard errors for a step before the first reset or after
   * the episode ended ({@code needsReset}), and for an action outside {@code [0, numActions)}. Envs that
   * cannot extend this class (wrappers, interop adapters) call it too, so every env fails the same way.
   */
  public static void checkStepAllowed(EnvSpec spec, boolean needsReset, int action) {
    if (needsReset) {
      throw new IllegalStateException(spec.id() + ": step() called after the episode ended (or before"
          + " the first reset); call reset(seed) first");
    }
    checkAction(spec, action);
  }

  /** Throws the standard error for an action outside {@code [0, numActions)}. */
  public static void checkAction(EnvSpec spec, int action) {
    if (action < 0 || action >= spec.numActions()) {
      throw new IllegalArgumentException(spec.id() + ": action " + action + " out of range [0, "
          + spec.numActions() + ")");
    }
  }

  /** Throws the standard error for a non-positive size parameter. */
  public static int requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }

  /**
   * {@code reward} when {@code a == b}, {@code -reward} otherwise (the same bits as the select), without a
   * branch: POPGym's tasks pay {@code action == answer ? scale : -scale}, a comparison with the policy's action
   * the branch predictor cannot guess, and the JIT compiles a float select to a branch on x86. Stepping one env
   * hides the mispredictions; a {@link VectorEnv} stepping 64 pays each in full.
   */
  public static float matchReward(int a, int b, float reward) {
    int x = a ^ b; // sign bit of x | -x: set iff a != b
    return Float.intBitsToFloat(Float.floatToRawIntBits(reward) ^ ((x | -x) & 0x8000_0000));
  }

  /** Sets {@code obs[offset .. offset+n)} to the one-hot encoding of {@code index}. */
  public static void oneHot(float[] obs, int offset, int n, int index) {
    for (int i = 0; i < n; i++) {
      obs[offset + i] = 0f;
    }
    if (index >= 0) {
      obs[offset + index] = 1f;
    }
  }
}
