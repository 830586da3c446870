package dev.mnemo.experiments.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one config key accepts. Build with the typed factories and refine with the withers, e.g.
 * {@code KeyRule.ofDouble("learner.lr").range(Range.openClosed(0, 1)).doc("Adam learning rate")}.
 *
 * <p>Numbers are finite: NaN is never accepted, and an infinity only when the range includes it (a range
 * closed at an infinite end, e.g. {@code new Range(0, true, Double.POSITIVE_INFINITY, true)}). Durations are
 * {@code >= 0} unless the rule says otherwise ({@link #atLeast(Duration)}); their range is in nanoseconds.
 *
 * @param path full HOCON path of the key, e.g. {@code learner.lr}
 * @param type value type (for lists: of every element)
 * @param range allowed numeric interval (of every element for lists; in nanoseconds for durations), or null
 *     for any finite number
 * @param allowed allowed values (compared as strings), or empty for any
 * @param mayBeAbsent whether the key may be absent (and have no default)
 * @param doc one-line description shown by {@code mnemo kinds NAME}
 */
public record KeyRule(String path, ValueType type, Range range, List<String> allowed, boolean mayBeAbsent, String doc) {

  public KeyRule {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(type, "type");
    if (path.isBlank() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
      throw new IllegalArgumentException("key rule: malformed path '" + path + "'");
    }
    if (range != null && !type.isNumeric() && type != ValueType.DURATION) {
      throw new IllegalArgumentException("key rule " + path + ": a range needs a numeric or duration type, got "
          + type);
    }
    allowed = List.copyOf(allowed);
    doc = doc == null ? "" : doc;
  }

  private static KeyRule of(String path, ValueType type) {
    return new KeyRule(path, type, null, List.of(), false, "");
  }

  public static KeyRule ofBoolean(String path) {
    return of(path, ValueType.BOOLEAN);
  }

  public static KeyRule ofInt(String path) {
    return of(path, ValueType.INT);
  }

  public static KeyRule ofLong(String path) {
    return of(path, ValueType.LONG);
  }

  public static KeyRule ofDouble(String path) {
    return of(path, ValueType.DOUBLE);
  }

  public static KeyRule ofString(String path) {
    return of(path, ValueType.STRING);
  }

  /** A duration {@code >= 0}; {@link #atLeast(Duration)} raises the minimum. */
  public static KeyRule ofDuration(String path) {
    return of(path, ValueType.DURATION).range(Range.atLeast(0));
  }

  public static KeyRule ofIntList(String path) {
    return of(path, ValueType.INT_LIST);
  }

  public static KeyRule ofDoubleList(String path) {
    return of(path, ValueType.DOUBLE_LIST);
  }

  public static KeyRule ofStringList(String path) {
    return of(path, ValueType.STRING_LIST);
  }

  /** A free-form subtree: nothing below {@code path} is checked. */
  public static KeyRule ofObject(String path) {
    return of(path, ValueType.OBJECT);
  }

  public KeyRule range(Range r) {
    return new KeyRule(path, type, r, allowed, mayBeAbsent, doc);
  }

  public KeyRule between(double min, double max) {
    return range(Range.closed(min, max));
  }

  public KeyRule atLeast(double min) {
    return range(Range.atLeast(min));
  }

  /** The shortest duration a duration key accepts. */
  public KeyRule atLeast(Duration min) {
    if (type != ValueType.DURATION) {
      throw new IllegalArgumentException("key rule " + path + ": atLeast(Duration) needs a duration key, got " + type);
    }
    return range(Range.atLeast(min.toNanos()));
  }

  public KeyRule positive() {
    return range(Range.greaterThan(0));
  }

  public KeyRule oneOf(String... values) {
    return new KeyRule(path, type, range, List.of(values), mayBeAbsent, doc);
  }

  public KeyRule optional() {
    return new KeyRule(path, type, range, allowed, true, doc);
  }

  public KeyRule doc(String text) {
    return new KeyRule(path, type, range, allowed, mayBeAbsent, text);
  }

  /** What a valid value looks like, as an error message says it: "an integer in [1, 100]". */
  public String expectation() {
    StringBuilder sb = new StringBuilder(type.phrase());
    if (!allowed.isEmpty()) {
      sb.append(type.isList() ? " each one of " : " one of ").append(allowed);
    }
    if (range != null && type == ValueType.DURATION) {
      sb.append(", ").append(range.describe(Range::duration));
    } else if (range != null) {
      sb.append(type.isList() ? " with every element " : " ").append(range.describe());
    }
    return sb.toString();
  }
}
