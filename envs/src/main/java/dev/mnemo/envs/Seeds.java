package dev.mnemo.envs;

/**
 * Deterministic seed derivation, so that every episode of every copy of an environment has its own
 * reproducible stream without any shared generator.
 */
public final class Seeds {
  private Seeds() {}

  /** The SplitMix64 finaliser: a bijective avalanche of 64 bits. */
  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Combines two values into a well-mixed seed; order matters ({@code combine(a,b) != combine(b,a)}). */
  public static long combine(long a, long b) {
    return combineWith(combinePrefix(a), b);
  }

  /**
   * The half of {@link #combine}{@code (a, b)} that depends on {@code a} only: a caller that combines one
   * {@code a} with many {@code b} (a vector env's copy with its episode numbers) computes it once and then
   * {@link #combineWith}{@code (prefix, b) == combine(a, b)}, one {@link #mix64} per value instead of two.
   */
  public static long combinePrefix(long a) {
    return mix64(a + 0x9E3779B97F4A7C15L);
  }

  /** {@link #combine}{@code (a, b)} from {@code prefix = }{@link #combinePrefix}{@code (a)}. */
  public static long combineWith(long prefix, long b) {
    return mix64(prefix ^ (b * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L));
  }

  /** Seed of episode {@code episode} of copy {@code index} in a vector env with master seed {@code seed}. */
  public static long episodeSeed(long seed, int index, long episode) {
    return combine(combine(seed, index), episode);
  }
}
