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

  ConfigValidator(ConfigSchema schema) {
    this.schema = schema;
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
        String first = c.paths().get(0);
        String where = present(config, first) ? location(config.getValue(first).origin()) : mainLocation;
        // (present() is false for null values, whose getValue would throw.)
        try {
          if (!c.holds().test(config)) {
            problems.add(new ConfigProblem(where, String.join(", ", c.paths()), "must satisfy: " + c.requirement()));
          }
        } catch (RuntimeException e) {
          problems.add(new ConfigProblem(where, String.join(", ", c.paths()),
              "failed check '" + c.requirement() + "': " + e.getMessage()));
        }
      }
    }
    problems.sort(BY_FILE_AND_LINE);
    return problems;
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
        double lim = type == ValueType.INT ? Integer.MAX_VALUE : Long.MAX_VALUE;
        if (Math.abs(d) > lim) {
          return got + " (too large for " + (type == ValueType.INT ? "a 32-bit" : "a 64-bit") + " integer)";
        }
        if (rule.range() != null && !rule.range().contains(d)) {
          return got;
        }
      }
      case DOUBLE -> {
        Double d = numeric(v);
        if (d == null || (rule.range() != null && !rule.range().contains(d))) {
          return got;
        }
      }
      case STRING -> {
        if (v.valueType() != ConfigValueType.STRING && v.valueType() != ConfigValueType.NUMBER
            && v.valueType() != ConfigValueType.BOOLEAN) {
          return got;
        }
      }
      case DURATION -> {
        try {
          ConfigFactory.empty().withValue("x", v).getDuration("x");
        } catch (ConfigException e) {
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
