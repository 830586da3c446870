package dev.mnemo.experiments.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Checks a resolved config against a {@link ConfigSchema}, collecting every problem rather than the first. */
final class ConfigValidator {

  /** The longest duration Typesafe Config reads: a long of nanoseconds, where larger values saturate. */
  private static final java.time.Duration LONGEST = java.time.Duration.ofNanos(Long.MAX_VALUE);

  private static final Set<String> BOOLEAN_WORDS = Set.of("true", "false", "yes", "no", "on", "off");

  /** File order, then line number as a number (":10" after ":9"), then key. */
  static final Comparator<ConfigProblem> BY_FILE_AND_LINE = Comparator
      .comparing((ConfigProblem p) -> p.location().replaceFirst(":\\d+$", ""))
      .thenComparingInt(p -> {
        var m = java.util.regex.Pattern.compile(":(\\d+)$").matcher(p.location());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
      })
      .thenComparing(ConfigProblem::path);

  private final ConfigSchema schema;
  /** Strict prefixes of rule paths: the objects a config may (must) contain on the way to its keys. */
  private final Set<String> objectPaths = new LinkedHashSet<>();
  /** The schema's defaults, resolved: what a key returns to when the validator asks whether it is to blame. */
  private final Config defaults;

  ConfigValidator(ConfigSchema schema) {
    this.schema = schema;
    Config d;
    try {
      d = schema.defaults().resolve();
    } catch (ConfigException e) {
      d = ConfigFactory.empty(); // build() reports defaults that do not resolve
    }
    this.defaults = d;
    for (String p : schema.rules().keySet()) {
      List<String> segments = ConfigUtil.splitPath(p);
      for (int i = 1; i < segments.size(); i++) {
        objectPaths.add(ConfigUtil.joinPath(segments.subList(0, i)));
      }
    }
  }

  List<ConfigProblem> validate(Config config, String mainLocation) {
    return check(config, mainLocation, true);
  }

  /** Defaults may leave required keys unset, and cross-key constraints wait for the user's values. */
  List<ConfigProblem> validateDefaults(Config defaults) {
    return check(defaults, "defaults of " + schema.name(), false);
  }

  private List<ConfigProblem> check(Config config, String mainLocation, boolean complete) {
    List<ConfigProblem> problems = new ArrayList<>();
    walk(config.root(), List.of(), problems);
    for (KeyRule rule : schema.rules().values()) {
      // A key set to null is reported by the walk ("got null"), not again as missing.
      if (!rule.mayBeAbsent() && complete && !presentOrNull(config, rule.path())
          && !underAScalar(config, rule.path())) {
        problems.add(new ConfigProblem(mainLocation, rule.path(),
            "missing required key: expected " + rule.expectation()
                + (rule.doc().isEmpty() ? "" : " (" + rule.doc() + ")")));
      }
    }
    if (problems.isEmpty() && complete) {
      for (Constraint c : schema.constraints()) {
        Failure f = failure(c, config);
        if (f != null) {
          problems.add(blame(c, config, f, mainLocation));
        }
      }
    }
    problems.sort(BY_FILE_AND_LINE);
    return problems;
  }

  /** A constraint that does not hold: its message, and whether a check threw it (rather than a predicate). */
  private record Failure(String message, boolean thrown) {}

  private static Failure failure(Constraint c, Config config) {
    try {
      return c.holds().test(config) ? null : new Failure("must satisfy: " + c.requirement(), false);
    } catch (RuntimeException e) {
      return new Failure("failed check '" + c.requirement() + "': " + e.getMessage(), true);
    }
  }

  /**
   * The problem of a failed constraint, placed where the offending value was set: a cross-key check (e.g. a
   * record's own validation run over every key) declares a few keys but may fail on any other, so the
   * problem goes to the key whose value makes it fail, found by putting each key the failure names or the
   * constraint declares back to its default: first a key whose default makes the constraint hold, else a
   * named key, else a declared key, whose default changes the failure. Values from {@code --set} come first,
   * since they are what changed a file that held before; the other keys named keep their own locations.
   */
  private ConfigProblem blame(Constraint c, Config config, Failure f, String mainLocation) {
    List<String> named = new ArrayList<>();
    for (String key : schema.rules().keySet()) {
      if (namedAt(f.message(), key) >= 0 && present(config, key)) {
        named.add(key);
      }
    }
    named.sort(Comparator.comparingInt(k -> namedAt(f.message(), k)));
    Set<String> candidates = new LinkedHashSet<>(named);
    for (String p : c.paths()) {
      if (present(config, p)) {
        candidates.add(p);
      }
    }
    List<String> holdWithDefault = new ArrayList<>();
    List<String> changeNamed = new ArrayList<>();
    List<String> changeDeclared = new ArrayList<>();
    for (String p : candidates) {
      Config reverted = revert(config, p);
      if (reverted == null) {
        continue;
      }
      Failure after = failure(c, reverted);
      if (after == null) {
        holdWithDefault.add(p);
      } else if (!after.message().equals(f.message())) {
        (named.contains(p) ? changeNamed : changeDeclared).add(p);
      }
    }
    List<String> culprits = !holdWithDefault.isEmpty() ? holdWithDefault
        : !changeNamed.isEmpty() ? changeNamed : changeDeclared;
    List<String> bySource = new ArrayList<>(culprits);
    bySource.sort(Comparator.comparing(p -> !fromOverride(config, p)));
    String where;
    if (!bySource.isEmpty()) {
      where = location(config.getValue(bySource.get(0)).origin());
    } else {
      String first = c.paths().get(0);
      // (present() is false for null values, whose getValue would throw.)
      where = present(config, first) && revert(config, first) != null
          ? location(config.getValue(first).origin()) : mainLocation;
    }
    List<String> paths = !f.thrown() ? c.paths() : !named.isEmpty() ? named
        : !culprits.isEmpty() ? culprits : c.paths();
    List<String> elsewhere = new ArrayList<>();
    Set<String> involved = new LinkedHashSet<>(paths);
    involved.addAll(culprits);
    for (String p : involved) {
      if (present(config, p) && revert(config, p) != null) {
        String at = location(config.getValue(p).origin());
        if (!at.equals(where)) {
          elsewhere.add(p + " at " + at);
        }
      }
    }
    return new ConfigProblem(where, String.join(", ", paths), f.message()
        + (elsewhere.isEmpty() ? "" : " (" + String.join(", ", elsewhere) + ")"));
  }

  /**
   * Where {@code text} first names {@code key} as a whole word ({@code core} is not named by {@code core_size}),
   * or -1.
   */
  private static int namedAt(String text, String key) {
    for (int i = text.indexOf(key); i >= 0; i = text.indexOf(key, i + 1)) {
      int end = i + key.length();
      boolean before = i == 0 || !keyChar(text.charAt(i - 1)) && text.charAt(i - 1) != '.';
      boolean after = end == text.length() || !keyChar(text.charAt(end));
      if (before && after) {
        return i;
      }
    }
    return -1;
  }

  private static boolean keyChar(char ch) {
    return Character.isLetterOrDigit(ch) || ch == '_' || ch == '-';
  }

  /** {@code config} with {@code path} back at its default (absent when it has none), or null when it is there. */
  private Config revert(Config config, String path) {
    ConfigValue current = config.getValue(path);
    if (defaults.hasPath(path)) {
      ConfigValue d = defaults.getValue(path);
      return d.equals(current) ? null : config.withValue(path, d);
    }
    return config.withoutPath(path);
  }

  private static boolean fromOverride(Config config, String path) {
    return location(config.getValue(path).origin()).startsWith(Overrides.origin(""));
  }

  private static boolean present(Config config, String path) {
    try {
      return config.hasPath(path);
    } catch (ConfigException e) {
      // An ancestor is not an object; the tree walk reports that.
      return false;
    }
  }

  private static boolean presentOrNull(Config config, String path) {
    try {
      return config.hasPathOrNull(path);
    } catch (ConfigException e) {
      return false;
    }
  }

  /** A key below a value that should have been an object: the tree walk already reported the object. */
  private static boolean underAScalar(Config config, String path) {
    List<String> segments = ConfigUtil.splitPath(path);
    for (int i = 1; i < segments.size(); i++) {
      String prefix = ConfigUtil.joinPath(segments.subList(0, i));
      if (present(config, prefix) && !(config.getValue(prefix) instanceof ConfigObject)) {
        return true;
      }
    }
    return false;
  }

  private void walk(ConfigObject obj, List<String> prefix, List<ConfigProblem> problems) {
    for (var e : new TreeSet<>(obj.keySet())) {
      List<String> segments = new ArrayList<>(prefix);
      segments.add(e);
      String path = ConfigUtil.joinPath(segments);
      ConfigValue v = obj.get(e);
      KeyRule rule = schema.rules().get(path);
      if (rule != null) {
        checkValue(rule, v, path, problems);
      } else if (objectPaths.contains(path)) {
        if (v instanceof ConfigObject child) {
          walk(child, segments, problems);
        } else {
          problems.add(new ConfigProblem(location(v.origin()), path,
              "expected an object with keys " + childrenOf(path) + ", got " + describe(v)));
        }
      } else {
        Set<String> candidates = new LinkedHashSet<>(schema.rules().keySet());
        candidates.addAll(objectPaths);
        String hint = EditDistance.closest(path, candidates).map(c -> "; did you mean '" + c + "'?")
            .orElse("; this schema has no keys");
        problems.add(new ConfigProblem(location(v.origin()), path, "unknown key" + hint));
      }
    }
  }

  private List<String> childrenOf(String objectPath) {
    Set<String> out = new LinkedHashSet<>();
    int depth = ConfigUtil.splitPath(objectPath).size();
    for (String p : schema.rules().keySet()) {
      if (p.startsWith(objectPath + ".")) {
        out.add(ConfigUtil.joinPath(ConfigUtil.splitPath(p).subList(0, depth + 1)));
      }
    }
    return List.copyOf(out);
  }

  private void checkValue(KeyRule rule, ConfigValue v, String path, List<ConfigProblem> problems) {
    if (v.valueType() == ConfigValueType.NULL) {
      if (!rule.mayBeAbsent()) {
        problems.add(new ConfigProblem(location(v.origin()), path, "expected " + rule.expectation() + ", got null"));
      }
      return;
    }
    String error;
    if (rule.type().isList()) {
      if (!(v instanceof ConfigList list)) {
        error = "got " + describe(v);
      } else {
        error = null;
        for (int i = 0; i < list.size() && error == null; i++) {
          String e = checkScalar(rule, rule.type().element(), list.get(i));
          if (e != null) {
            error = "element [" + i + "] " + e;
          }
        }
      }
    } else {
      error = checkScalar(rule, rule.type(), v);
    }
    if (error != null) {
      problems.add(new ConfigProblem(location(v.origin()), path, "expected " + rule.expectation() + ", " + error));
    }
  }

  /** Null when {@code v} is a valid {@code type} inside the rule's range and allowed values; else "got ...". */
  private static String checkScalar(KeyRule rule, ValueType type, ConfigValue v) {
    Object raw = v.unwrapped();
    String got = "got " + describe(v);
    switch (type) {
      case BOOLEAN -> {
        boolean ok = v.valueType() == ConfigValueType.BOOLEAN
            || (v.valueType() == ConfigValueType.STRING && BOOLEAN_WORDS.contains(((String) raw).toLowerCase(Locale.ROOT)));
        if (!ok) {
          return got;
        }
      }
      case INT, LONG -> {
        Double d = numeric(v);
        if (d == null || d != Math.rint(d) || Double.isInfinite(d)) {
          return got;
        }
        // 2^63 itself is already too large for a long (Long.MAX_VALUE rounds up to it as a double).
        boolean tooLarge = type == ValueType.INT ? Math.abs(d) > Integer.MAX_VALUE : d >= 0x1p63 || d < -0x1p63;
        if (tooLarge) {
          return got + " (too large for " + (type == ValueType.INT ? "a 32-bit" : "a 64-bit") + " integer)";
        }
        if (rule.range() != null && !rule.range().contains(d)) {
          return got;
        }
      }
      case DOUBLE -> {
        Double d = numeric(v);
        if (d == null) {
          return got;
        }
        if (rule.range() == null ? !Double.isFinite(d) : !rule.range().contains(d)) {
          return got + (Double.isFinite(d) ? "" : " (not a finite number)");
        }
      }
      case STRING -> {
        if (v.valueType() != ConfigValueType.STRING && v.valueType() != ConfigValueType.NUMBER
            && v.valueType() != ConfigValueType.BOOLEAN) {
          return got;
        }
      }
      case DURATION -> {
        java.time.Duration d;
        try {
          d = ConfigFactory.empty().withValue("x", v).getDuration("x");
        } catch (ConfigException e) {
          return got;
        }
        // Typesafe Config saturates what a long of nanoseconds cannot hold instead of failing.
        if (d.equals(LONGEST) || d.equals(LONGEST.negated().minusNanos(1))) {
          return got + " (too long: durations stop short of 292 years)";
        }
        if (rule.range() != null && !rule.range().contains(d.toNanos())) {
          return got;
        }
      }
      case OBJECT -> {
        if (v.valueType() != ConfigValueType.OBJECT) {
          return got;
        }
      }
      default -> throw new IllegalStateException("unexpected scalar type " + type);
    }
    if (!rule.allowed().isEmpty()) {
      String s = ConfigFactory.empty().withValue("x", v).getString("x");
      if (!rule.allowed().contains(s)) {
        return got + EditDistance.closest(s, rule.allowed()).map(c -> " (did you mean '" + c + "'?)").orElse("");
      }
    }
    return null;
  }

  /** Typesafe Config reads numeric strings as numbers; so does the validator, to agree with the kinds. */
  private static Double numeric(ConfigValue v) {
    if (v.valueType() == ConfigValueType.NUMBER) {
      return ((Number) v.unwrapped()).doubleValue();
    }
    if (v.valueType() == ConfigValueType.STRING) {
      try {
        return Double.valueOf(((String) v.unwrapped()).trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  static String describe(ConfigValue v) {
    return switch (v.valueType()) {
      case NUMBER -> "number " + v.render();
      case STRING -> "string " + v.render();
      case BOOLEAN -> "boolean " + v.render();
      case LIST -> "a list";
      case OBJECT -> "an object";
      case NULL -> "null";
    };
  }

  static String location(ConfigOrigin origin) {
    return ConfigProblem.where(origin);
  }

}
