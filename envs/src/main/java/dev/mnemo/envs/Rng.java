package dev.mnemo.envs;

/**
 * A small reseedable SplitMix64 generator for environments.
 *
 * <p>Why not {@link java.util.SplittableRandom}: an environment reseeds at every episode, and with a
 * vectorised env of one-step episodes (bandits) that is once per step. {@code SplittableRandom} cannot
 * be reseeded in place, so each episode would allocate; this class reseeds by overwriting one long.
 * Not thread-safe: one instance per environment.
 */
public final class Rng {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private long state;
  private double spareGaussian;
  private boolean hasSpare;

  public Rng(long seed) {
    setSeed(seed);
  }

  /** Restarts the stream: the values drawn afterwards depend on {@code seed} only. */
  public void setSeed(long seed) {
    state = seed;
    hasSpare = false;
  }

  public long nextLong() {
    state += GOLDEN;
    return Seeds.mix64(state);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [lo, hi). */
  public double uniform(double lo, double hi) {
    return lo + (hi - lo) * nextDouble();
  }

  /**
   * Uniform integer in [0, bound), unbiased: Lemire's multiply-shift with rejection, which needs a
   * division only in the rare rejection branch (shuffling a 4-deck shoe calls this 200 times).
   */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    long m = (nextLong() >>> 32) * bound;
    long low = m & 0xFFFFFFFFL;
    if (low < bound) {
      long threshold = (0x1_0000_0000L - bound) % bound; // 2^32 mod bound
      while (low < threshold) {
        m = (nextLong() >>> 32) * bound;
        low = m & 0xFFFFFFFFL;
      }
    }
    return (int) (m >>> 32);
  }

  /** Standard normal by the Marsaglia polar method (the second value of each pair is kept). */
  public double nextGaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spareGaussian;
    }
    double u;
    double v;
    double s;
    do {
      u = 2 * nextDouble() - 1;
      v = 2 * nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double f = Math.sqrt(-2 * Math.log(s) / s);
    spareGaussian = v * f;
    hasSpare = true;
    return u * f;
  }

  /**
   * Standard normal by the ziggurat ({@link NormalZiggurat}): several times cheaper than {@link #nextGaussian}, and a
   * different sequence (what draws with {@code nextGaussian} keeps drawing with it, so its results keep their bits).
   */
  public double nextNormal() {
    return NormalZiggurat.next(this);
  }

  /** Exponential(1), used for Dirichlet draws. */
  public double nextExponential() {
    return -Math.log(1 - nextDouble());
  }

  /** Fisher-Yates shuffle of {@code a} in place. */
  public void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /**
   * {@link #shuffle(int[])} of {@code a[from .. from+len)}: the same draws as shuffling an int array of that length,
   * so the same permutation of positions.
   */
  public void shuffle(byte[] a, int from, int len) {
    for (int i = len - 1; i > 0; i--) {
      int j = from + nextInt(i + 1);
      byte t = a[from + i];
      a[from + i] = a[j];
      a[j] = t;
    }
  }
}
