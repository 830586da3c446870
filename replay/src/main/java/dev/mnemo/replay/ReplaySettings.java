package dev.mnemo.replay;

import java.util.Locale;
import java.util.function.Function;

/**
 * Builds a {@link ReplayConfig} from string settings named as in the module's {@code reference.conf}
 * (relative to {@code mnemo.replay}, e.g. {@code sequence.burn-in}), so a caller holding a Typesafe
 * {@code Config} passes {@code key -> config.getString("mnemo.replay." + key)} without this module
 * depending on a config library. The environment's shape and the learner's batch size come from
 * elsewhere and are passed in.
 */
public final class ReplaySettings {
  /** Every key this class reads, relative to {@code mnemo.replay}. */
  public static final String[] KEYS = {
    "capacity", "priority-exponent", "importance-exponent", "initial-max-priority", "min-priority", "seed",
    "sequence.burn-in", "sequence.train-length", "sequence.n-step", "sequence.period",
    "sequence.store-zero-state", "sequence.store-logits", "sequence.boundary",
    "rate-limiter.min-size", "rate-limiter.samples-per-insert", "rate-limiter.tolerance"
  };

  private ReplaySettings() {}

  /**
   * @param setting value of a key of {@link #KEYS} (null when missing, which fails loudly)
   * @param batchSize the learner's batch size (sizes the rate limiter's minimal error buffer)
   */
  public static ReplayConfig from(Function<String, String> setting, int obsSize, int stateSize,
      int numActions, int batchSize) {
    SequenceConfig seq = new SequenceConfig(
        integer(setting, "sequence.burn-in"),
        integer(setting, "sequence.train-length"),
        integer(setting, "sequence.n-step"),
        integer(setting, "sequence.period"),
        obsSize, stateSize, numActions,
        bool(setting, "sequence.store-zero-state"),
        bool(setting, "sequence.store-logits"),
        boundary(setting));
    RateLimiterConfig limiter = RateLimiterConfig.withTolerance(
        integer(setting, "rate-limiter.min-size"),
        real(setting, "rate-limiter.samples-per-insert"),
        real(setting, "rate-limiter.tolerance"),
        batchSize);
    return new ReplayConfig(
        integer(setting, "capacity"),
        seq,
        real(setting, "priority-exponent"),
        real(setting, "importance-exponent"),
        real(setting, "initial-max-priority"),
        real(setting, "min-priority"),
        limiter,
        Long.parseLong(require(setting, "seed")));
  }

  private static String require(Function<String, String> setting, String key) {
    String v = setting.apply(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing setting mnemo.replay." + key);
    }
    return v.trim();
  }

  private static int integer(Function<String, String> setting, String key) {
    String v = require(setting, key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("mnemo.replay." + key + " must be an integer, got '" + v + "'", e);
    }
  }

  private static double real(Function<String, String> setting, String key) {
    String v = require(setting, key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("mnemo.replay." + key + " must be a number, got '" + v + "'", e);
    }
  }

  private static boolean bool(Function<String, String> setting, String key) {
    String v = require(setting, key).toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("mnemo.replay." + key + " must be true or false, got '" + v + "'");
    }
    return v.equals("true");
  }

  private static SequenceBoundary boundary(Function<String, String> setting) {
    String v = require(setting, "sequence.boundary");
    try {
      return SequenceBoundary.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mnemo.replay.sequence.boundary must be EPISODE or TRIAL, got '" + v
          + "'", e);
    }
  }
}
