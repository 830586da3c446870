package dev.mnemo.experiments.config;

/**
 * A numeric interval with open or closed ends; infinite ends are written as {@code ±Infinity}.
 *
 * @param min lower bound
 * @param minInclusive whether {@code min} itself is allowed
 * @param max upper bound
 * @param maxInclusive whether {@code max} itself is allowed
 */
public record Range(double min, boolean minInclusive, double max, boolean maxInclusive) {

  public Range {
    if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
      throw new IllegalArgumentException("range: need min <= max, got [" + min + ", " + max + "]");
    }
  }

  public static Range closed(double min, double max) {
    return new Range(min, true, max, true);
  }

  public static Range open(double min, double max) {
    return new Range(min, false, max, false);
  }

  /** (min, max]: e.g. a learning rate that must be positive. */
  public static Range openClosed(double min, double max) {
    return new Range(min, false, max, true);
  }

  /** [min, max): e.g. a probability that must stay below 1. */
  public static Range closedOpen(double min, double max) {
    return new Range(min, true, max, false);
  }

  public static Range atLeast(double min) {
    return new Range(min, true, Double.POSITIVE_INFINITY, false);
  }

  public static Range greaterThan(double min) {
    return new Range(min, false, Double.POSITIVE_INFINITY, false);
  }

  public static Range atMost(double max) {
    return new Range(Double.NEGATIVE_INFINITY, false, max, true);
  }

  public boolean contains(double v) {
    if (Double.isNaN(v)) {
      return false;
    }
    boolean aboveMin = minInclusive ? v >= min : v > min;
    boolean belowMax = maxInclusive ? v <= max : v < max;
    return aboveMin && belowMax;
  }

  /** Reads as in an error message: "in [1, 1000]", "> 0", ">= 0", "<= 1". */
  public String describe() {
    return describe(Range::fmt);
  }

  /** As {@link #describe()}, with the bounds written by {@code format} (e.g. nanoseconds as durations). */
  public String describe(java.util.function.DoubleFunction<String> format) {
    boolean noMin = min == Double.NEGATIVE_INFINITY;
    boolean noMax = max == Double.POSITIVE_INFINITY;
    if (noMin && noMax) {
      return "any value";
    }
    if (noMax) {
      return (minInclusive ? ">= " : "> ") + format.apply(min);
    }
    if (noMin) {
      return (maxInclusive ? "<= " : "< ") + format.apply(max);
    }
    return "in " + (minInclusive ? "[" : "(") + format.apply(min) + ", " + format.apply(max)
        + (maxInclusive ? "]" : ")");
  }

  /** Nanoseconds as HOCON writes a duration, in the largest unit that divides them: "0s", "1ms", "90s". */
  static String duration(double nanos) {
    if (nanos == 0) {
      return "0s";
    }
    long n = (long) nanos;
    String[] units = {"d", "h", "m", "s", "ms", "us", "ns"};
    long[] sizes = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
    for (int i = 0; i < units.length; i++) {
      if (n % sizes[i] == 0) {
        return (n / sizes[i]) + units[i];
      }
    }
    return n + "ns";
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
