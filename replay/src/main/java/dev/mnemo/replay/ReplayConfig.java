package dev.mnemo.replay;

/**
 * Configuration of a {@link PrioritizedSequenceReplay}.
 *
 * @param capacity sequences held; the oldest is evicted first (FIFO)
 * @param sequence shape of the stored sequences
 * @param priorityExponent α: sampling probability is proportional to priority^α (R2D2: 0.9)
 * @param importanceExponent β of the importance weights (N·P)^-β (R2D2: 0.6)
 * @param initialMaxPriority priority of the first sequences inserted without one (before any update)
 * @param minPriority floor applied to every priority, so a zero TD error never makes a sequence
 *     unreachable (or the tree empty)
 * @param rateLimiter samples-per-insert limiter
 * @param seed seed of the sampling random stream (saved in checkpoints)
 */
public record ReplayConfig(
    int capacity,
    SequenceConfig sequence,
    double priorityExponent,
    double importanceExponent,
    double initialMaxPriority,
    double minPriority,
    RateLimiterConfig rateLimiter,
    long seed) {

  public ReplayConfig {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    if (sequence == null) {
      throw new IllegalArgumentException("sequence config must not be null");
    }
    if (rateLimiter == null) {
      throw new IllegalArgumentException("rateLimiter must not be null (use RateLimiterConfig.minSize(1))");
    }
    if (!(priorityExponent >= 0) || Double.isInfinite(priorityExponent)) {
      throw new IllegalArgumentException("priorityExponent must be finite and >= 0, got " + priorityExponent);
    }
    if (!(importanceExponent >= 0) || Double.isInfinite(importanceExponent)) {
      throw new IllegalArgumentException("importanceExponent must be finite and >= 0, got "
          + importanceExponent);
    }
    if (!(initialMaxPriority > 0) || Double.isInfinite(initialMaxPriority)) {
      throw new IllegalArgumentException("initialMaxPriority must be positive and finite, got "
          + initialMaxPriority);
    }
    if (!(minPriority > 0) || minPriority > initialMaxPriority) {
      throw new IllegalArgumentException("minPriority must be in (0, initialMaxPriority], got " + minPriority);
    }
    if (rateLimiter.minSize() > capacity) {
      throw new IllegalArgumentException("rateLimiter.minSize " + rateLimiter.minSize()
          + " exceeds capacity " + capacity + ": sampling could never start");
    }
  }

  /** R2D2's exponents (α 0.9, β 0.6) with the given capacity, sequence shape and limiter. */
  public static ReplayConfig r2d2(int capacity, SequenceConfig sequence, RateLimiterConfig limiter,
      long seed) {
    return new ReplayConfig(capacity, sequence, 0.9, 0.6, 1.0, 1e-6, limiter, seed);
  }

  public ReplayConfig withExponents(double alpha, double beta) {
    return new ReplayConfig(capacity, sequence, alpha, beta, initialMaxPriority, minPriority, rateLimiter,
        seed);
  }

  public ReplayConfig withRateLimiter(RateLimiterConfig limiter) {
    return new ReplayConfig(capacity, sequence, priorityExponent, importanceExponent, initialMaxPriority,
        minPriority, limiter, seed);
  }

  public ReplayConfig withSeed(long s) {
    return new ReplayConfig(capacity, sequence, priorityExponent, importanceExponent, initialMaxPriority,
        minPriority, rateLimiter, s);
  }
}
