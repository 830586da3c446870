package dev.mnemo.experiments.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code --set key=value} overrides into a config whose values remember the override they came
 * from, so validation messages can say "--set learner.lr=abc".
 *
 * <p>A value is read as HOCON when that gives a number, boolean, list, object or null ({@code 1e-4},
 * {@code true}, {@code [1,2]}); anything else is taken literally as a string, so ids such as
 * {@code tmaze?length=50} or paths with {@code //} need no quoting.
 */
public final class Overrides {

  private Overrides() {}

  /** Origin text of one override, as messages show it. */
  public static String origin(String assignment) {
    return "--set " + assignment;
  }

  /**
   * @throws InvalidConfigException naming every malformed assignment
   */
  public static Config parse(List<String> assignments) {
    Config result = ConfigFactory.empty("--set overrides");
    List<ConfigProblem> problems = new ArrayList<>();
    for (String arg : assignments) {
      String where = origin(arg);
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        problems.add(new ConfigProblem(where, arg, "expected key=value, e.g. --set learner.lr=1e-4"));
        continue;
      }
      String key = arg.substring(0, eq).trim();
      String raw = arg.substring(eq + 1);
      try {
        ConfigUtil.splitPath(key);
      } catch (ConfigException e) {
        problems.add(new ConfigProblem(where, key, "malformed key path (expected dotted names such as learner.lr)"));
        continue;
      }
      result = ConfigFactory.empty(where).withValue(key, value(raw.trim(), where)).withFallback(result);
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException("--set", problems);
    }
    return result;
  }

  static ConfigValue value(String raw, String where) {
    if (!raw.isEmpty()) {
      try {
        ConfigValue v = ConfigFactory.parseString("v = " + raw,
            ConfigParseOptions.defaults().setOriginDescription(where)).getValue("v");
        if (v.valueType() != ConfigValueType.STRING) {
          return v;
        }
      } catch (ConfigException e) {
        // Not HOCON (e.g. "tmaze?length=50"): a literal string.
      }
    }
    String s = raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"") ? raw.substring(1, raw.length() - 1) : raw;
    return ConfigValueFactory.fromAnyRef(s, where);
  }
}
