package dev.mnemo.envs;

/**
 * The random stream of {@link java.util.SplittableRandom#SplittableRandom(long)} (SplitMix64 with the golden
 * gamma) for {@code nextLong}, {@code nextInt}, {@code nextInt(bound)} and {@code nextDouble}, with its one
 * word of state readable and settable.
 *
 * <p>Why: a synchronous run resumes bit-identically only if every random stream it draws from is saved in its
 * checkpoint, and {@code SplittableRandom} hides its state. Drawing the very same numbers keeps every run made
 * before this class existed reproducible (the test compares the two streams draw by draw). Not thread-safe.
 *
 * <pre>
 *   seed_{t+1} = seed_t + 0x9E3779B97F4A7C15
 *   nextLong   = mix64(seed_{t+1})                 (Stafford's variant 13, {@link Seeds#mix64})
 *   nextInt    = mix32(seed_{t+1})
 *   nextDouble = (nextLong >>> 11) * 2^-53
 *   nextInt(b) = nextInt &amp; (b-1) for b a power of two, else (u = nextInt >>> 1) % b with rejection of the
 *                u whose u - u % b + b - 1 overflows
 * </pre>
 */
public final class SplitMixRandom {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private long seed;

  public SplitMixRandom(long seed) {
    this.seed = seed;
  }

  /** The whole state: a generator set to it continues this stream exactly. */
  public long state() {
    return seed;
  }

  /** Continues the stream a generator had when its {@link #state()} was {@code state}. */
  public void setState(long state) {
    this.seed = state;
  }

  public long nextLong() {
    return Seeds.mix64(seed += GOLDEN_GAMMA);
  }

  public int nextInt() {
    long z = seed += GOLDEN_GAMMA;
    z = (z ^ (z >>> 33)) * 0x62A9D9ED799705F5L;
    return (int) (((z ^ (z >>> 28)) * 0xCB24D0A5C88C35B3L) >>> 32);
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    int r = nextInt();
    int m = bound - 1;
    if ((bound & m) == 0) {
      return r & m;
    }
    for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = nextInt() >>> 1) {
      // rejected: u fell in the last, incomplete block of size bound
    }
    return r;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }
}
