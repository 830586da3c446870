package dev.mnemo.experiments.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The keys a run kind accepts: their defaults (HOCON, usually a resource next to the kind) and a
 * {@link KeyRule} per key, plus cross-key {@link Constraint}s. A schema checks itself when built: every
 * default must have a rule and satisfy it, so a schema cannot silently drift from its defaults.
 */
public final class ConfigSchema {

  private final String name;
  private final Config defaults;
  private final Map<String, KeyRule> rules;
  private final List<Constraint> constraints;

  private ConfigSchema(String name, Config defaults, Map<String, KeyRule> rules, List<Constraint> constraints) {
    this.name = name;
    this.defaults = defaults;
    this.rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    this.constraints = List.copyOf(constraints);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  public Config defaults() {
    return defaults;
  }

  /** Rules by full key path, in declaration order. */
  public Map<String, KeyRule> rules() {
    return rules;
  }

  public List<Constraint> constraints() {
    return constraints;
  }

  public Optional<KeyRule> rule(String path) {
    return Optional.ofNullable(rules.get(path));
  }

  /**
   * This schema and {@code other} together (e.g. the keys every run has plus one kind's keys).
   *
   * @throws IllegalArgumentException when both declare the same key
   */
  public ConfigSchema plus(ConfigSchema other) {
    Map<String, KeyRule> merged = new LinkedHashMap<>(rules);
    for (KeyRule r : other.rules.values()) {
      if (merged.putIfAbsent(r.path(), r) != null) {
        throw new IllegalArgumentException("schemas " + name + " and " + other.name + " both declare key "
            + r.path());
      }
    }
    List<Constraint> cs = new ArrayList<>(constraints);
    cs.addAll(other.constraints);
    return new ConfigSchema(name + "+" + other.name, other.defaults.withFallback(defaults), merged, cs);
  }

  /**
   * Every problem of a resolved config (user values over defaults) against this schema.
   *
   * @param mainLocation where a missing required key should have been written (the config file)
   */
  public List<ConfigProblem> validate(Config resolved, String mainLocation) {
    return new ConfigValidator(this).validate(resolved, mainLocation);
  }

  /** Declares a schema; {@link #build()} checks the defaults against the rules. */
  public static final class Builder {
    private final String name;
    private Config defaults = ConfigFactory.empty();
    private final Map<String, KeyRule> rules = new LinkedHashMap<>();
    private final List<Constraint> constraints = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    /** Defaults from a classpath resource (relative to {@code anchor}'s package unless it starts with '/'). */
    public Builder defaultsResource(Class<?> anchor, String resource) {
      Config c = ConfigFactory.parseResources(anchor, resource, ConfigParseOptions.defaults().setAllowMissing(false));
      defaults = c.withFallback(defaults);
      return this;
    }

    /** Defaults written inline as HOCON text. */
    public Builder defaults(String hocon) {
      defaults = ConfigFactory.parseString(hocon, ConfigParseOptions.defaults()
          .setOriginDescription("defaults of " + name)).withFallback(defaults);
      return this;
    }

    public Builder key(KeyRule rule) {
      if (rules.putIfAbsent(rule.path(), rule) != null) {
        throw new IllegalArgumentException("schema " + name + ": key " + rule.path() + " declared twice");
      }
      return this;
    }

    public Builder keys(Collection<KeyRule> all) {
      all.forEach(this::key);
      return this;
    }

    public Builder constraint(String requirement, Predicate<Config> holds, String... paths) {
      constraints.add(new Constraint(List.of(paths), requirement, holds));
      return this;
    }

    /**
     * @throws IllegalStateException when a default has no rule, breaks its rule, or a rule is malformed
     */
    public ConfigSchema build() {
      for (KeyRule r : rules.values()) {
        for (KeyRule other : rules.values()) {
          if (other != r && other.path().startsWith(r.path() + ".")) {
            throw new IllegalStateException("schema " + name + ": key " + other.path()
                + " lies below key " + r.path() + ", which is a value, not an object");
          }
        }
      }
      ConfigSchema schema = new ConfigSchema(name, defaults, rules, constraints);
      Config resolvedDefaults;
      try {
        resolvedDefaults = defaults.resolve();
      } catch (ConfigException e) {
        throw new IllegalStateException("schema " + name + ": defaults do not resolve: " + e.getMessage(), e);
      }
      List<ConfigProblem> problems = new ConfigValidator(schema).validateDefaults(resolvedDefaults);
      if (!problems.isEmpty()) {
        throw new IllegalStateException("schema " + name + " contradicts its own defaults:\n  "
            + String.join("\n  ", problems.stream().map(ConfigProblem::toString).toList()));
      }
      return schema;
    }
  }
}
