package dev.mnemo.replay;

/**
 * A samples-per-insert rate limiter with Reverb's semantics.
 *
 * <p>Sampling needs at least {@code minSize} sequences in the replay. Past that, with {@code I} inserts
 * and {@code S} sampled sequences so far, the limiter keeps {@code diff = I·samplesPerInsert − S} inside
 * {@code [minDiff, maxDiff]}: a sample of {@code k} sequences waits while {@code diff − k < minDiff} (the
 * learner is ahead: wait for data) and an insert waits while {@code diff + samplesPerInsert > maxDiff}
 * (actors are ahead: wait for the learner). Inserts that keep the replay at or below {@code minSize}
 * never wait, so the replay can always fill up to the point where sampling starts.
 *
 * @param minSize sequences the replay must hold before the first sample
 * @param samplesPerInsert target number of times each inserted sequence is sampled
 * @param minDiff lower bound of {@code I·spi − S}
 * @param maxDiff upper bound of {@code I·spi − S}
 */
public record RateLimiterConfig(int minSize, double samplesPerInsert, double minDiff, double maxDiff) {

  public RateLimiterConfig {
    if (minSize < 1) {
      throw new IllegalArgumentException("minSize must be >= 1, got " + minSize);
    }
    if (!(samplesPerInsert > 0) || Double.isInfinite(samplesPerInsert)) {
      throw new IllegalArgumentException("samplesPerInsert must be positive and finite, got "
          + samplesPerInsert);
    }
    if (Double.isNaN(minDiff) || Double.isNaN(maxDiff) || !(minDiff < maxDiff)) {
      throw new IllegalArgumentException("need minDiff < maxDiff, got minDiff=" + minDiff
          + ", maxDiff=" + maxDiff);
    }
  }

  /**
   * Reverb's {@code SampleToInsertRatio}: the band {@code minSize·spi ± errorBuffer}. Acme's R2D2 sets
   * {@code errorBuffer = minSize · tolerance · spi} (tolerance 0.1).
   */
  public static RateLimiterConfig sampleToInsertRatio(int minSize, double samplesPerInsert,
      double errorBuffer) {
    if (!(errorBuffer > 0)) {
      throw new IllegalArgumentException("errorBuffer must be positive, got " + errorBuffer);
    }
    double offset = samplesPerInsert * minSize;
    return new RateLimiterConfig(minSize, samplesPerInsert, offset - errorBuffer, offset + errorBuffer);
  }

  /**
   * Acme's construction from a tolerance rate: {@code errorBuffer = minSize · tolerance · spi}, raised
   * to at least {@code spi + batchSize} so that a whole batch and one insert always fit in the band
   * (a narrower band can block the learner and the actors at the same time).
   */
  public static RateLimiterConfig withTolerance(int minSize, double samplesPerInsert, double tolerance,
      int batchSize) {
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
    }
    double buffer = Math.max(minSize * tolerance * samplesPerInsert, samplesPerInsert + batchSize);
    return sampleToInsertRatio(minSize, samplesPerInsert, buffer);
  }

  /** Only a minimum size: neither side ever waits once {@code minSize} sequences are in. */
  public static RateLimiterConfig minSize(int minSize) {
    return new RateLimiterConfig(minSize, 1.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /** May {@code n} more sequences be sampled, given the replay's size and counters? */
  public boolean canSample(int n, long size, long inserts, long samples) {
    if (size < minSize) {
      return false;
    }
    return inserts * samplesPerInsert - samples - n >= minDiff;
  }

  /** May one more sequence be inserted? */
  public boolean canInsert(long size, long inserts, long samples) {
    if (size + 1 <= minSize) {
      return true;
    }
    return (inserts + 1) * samplesPerInsert - samples <= maxDiff;
  }

  /** Fails loudly when a batch of {@code n} can never fit the band (both sides would wait forever). */
  public void checkBatchFits(int n) {
    if (maxDiff - minDiff < samplesPerInsert + n) {
      throw new IllegalArgumentException("rate limiter band [" + minDiff + ", " + maxDiff
          + "] is narrower than samplesPerInsert + batchSize = " + (samplesPerInsert + n)
          + ": sampling and inserting could block each other forever; widen the error buffer");
    }
  }
}
