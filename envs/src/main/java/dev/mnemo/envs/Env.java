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

  /** Releases what the env holds outside this JVM; idempotent. In-process envs hold nothing. */
  @Override
  default void close() {
  }
}
