package dev.mnemo.actors.onpolicy;

import java.util.Map;
import java.util.TreeMap;

/**
 * The learner's parameter-lag rule and its record. A collection's lag is the learner's update count when the
 * collection reaches it minus the version of the parameters that collected it: 0 when no update happened in
 * between. A collection whose lag exceeds {@code maxLag} is dropped; every lag, kept or dropped, is counted in a
 * histogram. Plain Java, called by the learner's thread only.
 */
public final class LagRule {
  private final int maxLag;
  private final TreeMap<Long, Long> kept = new TreeMap<>();
  private final TreeMap<Long, Long> dropped = new TreeMap<>();
  private long droppedCollections;
  private long droppedTrials;
  private long droppedEnvSteps;
  private long keptCollections;
  private long keptLagSum;

  public LagRule(int maxLag) {
    if (maxLag < 0) {
      throw new IllegalArgumentException("max_param_lag must be >= 0, got " + maxLag);
    }
    this.maxLag = maxLag;
  }

  public int maxLag() {
    return maxLag;
  }

  /** The lag of a collection by parameters {@code version} arriving when the learner has made {@code updates}. */
  public static long lag(long updates, long version) {
    return updates - version;
  }

  /**
   * Records a collection of {@code trials} trials and {@code envSteps} steps by parameters {@code version} at
   * {@code updates} learner updates: true to use it, false when it is too old (dropped).
   */
  public boolean admit(long updates, long version, int trials, long envSteps) {
    long lag = lag(updates, version);
    if (lag < 0) {
      throw new IllegalStateException("a collection by parameters " + version + " reached a learner of only "
          + updates + " updates");
    }
    if (lag > maxLag) {
      dropped.merge(lag, 1L, Long::sum);
      droppedCollections++;
      droppedTrials += trials;
      droppedEnvSteps += envSteps;
      return false;
    }
    kept.merge(lag, 1L, Long::sum);
    keptCollections++;
    keptLagSum += lag;
    return true;
  }

  public long droppedCollections() {
    return droppedCollections;
  }

  /** The record so far. */
  public Stats stats() {
    return new Stats(maxLag, Map.copyOf(kept), Map.copyOf(dropped), keptCollections, droppedCollections, droppedTrials,
        droppedEnvSteps, keptCollections == 0 ? Double.NaN : (double) keptLagSum / keptCollections);
  }

  /**
   * What the rule saw over a run.
   *
   * @param maxLag the limit
   * @param kept collections used, by lag
   * @param dropped collections dropped, by lag (every key above {@code maxLag})
   * @param keptCollections collections used
   * @param droppedCollections collections dropped as too old
   * @param droppedTrials their trials
   * @param droppedEnvSteps their env steps (counted in the run's budget all the same)
   * @param meanKeptLag mean lag of the collections used (NaN before the first)
   */
  public record Stats(int maxLag, Map<Long, Long> kept, Map<Long, Long> dropped, long keptCollections,
      long droppedCollections, long droppedTrials, long droppedEnvSteps, double meanKeptLag) {

    /** A histogram as {@code "lag:count,..."} in lag order (events and summaries). */
    public static String format(Map<Long, Long> histogram) {
      StringBuilder b = new StringBuilder();
      new TreeMap<>(histogram).forEach((lag, n) -> b.append(b.length() == 0 ? "" : ",").append(lag).append(':')
          .append(n));
      return b.toString();
    }
  }
}
