package dev.mnemo.envs;

import java.util.function.Function;

/**
 * Builds an {@link EnvConfig} from string settings named as in this module's {@code reference.conf}
 * (relative to {@code mnemo.envs}), so a caller holding a Typesafe {@code Config} passes
 * {@code key -> config.getString("mnemo.envs." + key)} without this module depending on a config
 * library.
 */
public final class EnvSettings {
  /** Every key this class reads, relative to {@code mnemo.envs}. */
  public static final String[] KEYS = {
    "id", "num-envs", "seed", "time-limit", "observation-noise", "prev-action-reward"
  };

  private EnvSettings() {}

  /** @param setting value of a key of {@link #KEYS} (null when missing, which fails loudly) */
  public static EnvConfig from(Function<String, String> setting) {
    return new EnvConfig(
        require(setting, "id"),
        (int) integer(setting, "num-envs"),
        integer(setting, "seed"),
        (int) integer(setting, "time-limit"),
        real(setting, "observation-noise"),
        bool(setting, "prev-action-reward"));
  }

  private static String require(Function<String, String> setting, String key) {
    String v = setting.apply(key);
    if (v == null) {
      throw new IllegalArgumentException("mnemo.envs." + key + " is missing");
    }
    return v.strip();
  }

  private static long integer(Function<String, String> setting, String key) {
    String v = require(setting, key);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("mnemo.envs." + key + " must be an integer, got '" + v + "'", e);
    }
  }

  private static double real(Function<String, String> setting, String key) {
    String v = require(setting, key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("mnemo.envs." + key + " must be a number, got '" + v + "'", e);
    }
  }

  private static boolean bool(Function<String, String> setting, String key) {
    String v = require(setting, key);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException("mnemo.envs." + key + " must be true or false, got '" + v + "'");
  }
}
