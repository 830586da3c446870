package dev.mnemo.envs;

/**
 * A single environment with a discrete action space and flat float observations.
 *
 * <p>Gymnasium semantics: {@link Step#terminated} means the episode reached a terminal state (the value
 * after it is 0); {@link Step#truncated} means it was cut short (bootstrap from the next observation).
 *
 * <p>To keep the hot path free of allocation, {@link #reset} and {@link #step} return a {@link Step}
 * owned by the environment and overwritten by the next call: copy what you need to keep.
 * Stepping after the episode ended without a reset, or with an action out of range, throws.
 *
 * <p>An env may hold an outside resource (a Gym HTTP env holds an instance on its server): whoever makes an
 * env closes it ({@link #close}, a no-op for in-process envs).
 */
public interface Env extends AutoCloseable {

  /** What this environment observes and accepts; constant over its life. */
  EnvSpec spec();

  /** Starts a new episode whose randomness is fully determined by {@code seed}. */
  Step reset(long seed);

  /** Applies {@code action} in {@code [0, spec().numActions())}. */
  Step step(int action);

  /**
   * The same transition as {@link #step}{@code (action)}, delivered into row {@code row} of a batch laid out as
   * {@link VectorEnv}'s buffers are: the next observation into {@code obs[row*obsSize .. (row+1)*obsSize)}, the
   * reward into {@code rewards[row]}, the flags into {@code terminated[row]} and {@code truncated[row]}. The env
   * ends in the state {@code step(action)} would leave it in, but the {@link Step} it owns is not guaranteed to
   * hold this transition afterwards (an env that writes the batch row directly leaves its Step's observation
   * stale). This default steps and copies; envs override it to skip the copy and the round trip through their
   * Step, which is most of the per-copy cost a vector env adds to a cheap env.
   *
   * @return whether the episode ended (terminated or truncated)
   */
  default boolean stepInto(int action, int row, float[] obs, float[] rewards, boolean[] terminated,
      boolean[] truncated) {
    Step s = step(action);
    int n = s.obs.length;
    System.arraycopy(s.obs, 0, obs, row * n, n);
    return s.writeScalars(row, rewards, terminated, truncated);
  }

  /**
   * A stepper that steps {@code copies} together (see {@link CopiesStepper}), or null when this env type has none
   * or cannot step these copies together (another class, other parameters): {@link VectorEnv} then steps them one by
   * one. {@code copies} are this env and its siblings, made by one factory; the stepper may keep the array.
   */
  default CopiesStepper copiesStepper(Env[] copies) {
    return null;
  }

  /** Releases what the env holds outside this JVM; idempotent. In-process envs hold nothing. */
  @Override
  default void close() {
  }
}
