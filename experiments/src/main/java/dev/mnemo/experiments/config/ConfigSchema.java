package dev.mnemo.experiments.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
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

  /** Type and description of a default, for {@link Builder#inferRules}. */
  static KeyRule inferred(String path, ConfigValue v) {
    String doc = String.join(" ", v.origin().comments()).strip();
    KeyRule r = switch (v.valueType()) {
      case BOOLEAN -> KeyRule.ofBoolean(path);
      case NUMBER -> {
        Object n = v.unwrapped();
        if (n instanceof Integer) {
          yield KeyRule.ofInt(path);
        }
        yield n instanceof Long ? KeyRule.ofLong(path) : KeyRule.ofDouble(path);
      }
      case LIST -> {
        ConfigList list = (ConfigList) v;
        boolean numbers = !list.isEmpty()
            && list.stream().allMatch(x -> x.valueType() == ConfigValueType.NUMBER);
        boolean ints = numbers && list.stream().allMatch(x -> x.unwrapped() instanceof Integer);
        yield ints ? KeyRule.ofIntList(path) : numbers ? KeyRule.ofDoubleList(path) : KeyRule.ofStringList(path);
      }
      case OBJECT -> KeyRule.ofObject(path);
      case NULL -> KeyRule.ofString(path).optional();
      default -> KeyRule.ofString(path);
    };
    return r.doc(doc);
  }

  /** Declares a schema; {@link #build()} checks the defaults against the rules. */
  public static final class Builder {
    private final String name;
    private Config defaults = ConfigFactory.empty();
    private final Map<String, KeyRule> rules = new LinkedHashMap<>();
    private final List<Constraint> constraints = new ArrayList<>();
    private final List<String> inferUnder = new ArrayList<>();

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

    /**
     * Defaults from the subtree at {@code path} of every classpath resource named {@code resource}, e.g.
     * {@code ("reference.conf", "mnemo.replay")}: a module's own defaults, without the rest of the classpath's
     * reference.conf files (Pekko's among them).
     *
     * @throws IllegalArgumentException when no such resource holds {@code path}
     */
    public Builder defaultsFromClasspath(String resource, String path) {
      Config all = ConfigFactory.parseResourcesAnySyntax(resource);
      if (!all.hasPath(path)) {
        throw new IllegalArgumentException("schema " + name + ": no classpath resource '" + resource
            + "' defines '" + path + "'");
      }
      defaults = all.withOnlyPath(path).withFallback(defaults);
      return this;
    }

    /**
     * Declares a rule for every default below {@code path} that has none when {@link #build()} runs: its type
     * is the default's type, its description the default's comment. Ranges and allowed values still need
     * explicit rules, which take precedence, and so do types a default cannot show: Typesafe Config reads a
     * whole number such as {@code 7.0} as an integer, and an empty list says nothing of its elements.
     */
    public Builder inferRules(String path) {
      inferUnder.add(path);
      return this;
    }

    /**
     * A check that parses or validates values the way a module does (e.g. its Settings class): when
     * {@code check} throws, the exception's message becomes the problem, reported with the other problems
     * before anything starts.
     */
    public Builder check(String what, java.util.function.Consumer<Config> check, String... paths) {
      constraints.add(new Constraint(List.of(paths), what, c -> {
        check.accept(c);
        return true;
      }));
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

    private void inferRulesUnder(String under) {
      List<String> segments = ConfigUtil.splitPath(under);
      ConfigValue node = defaults.root();
      for (String seg : segments) {
        node = node instanceof ConfigObject o ? o.get(seg) : null;
        if (node == null) {
          throw new IllegalStateException("schema " + name + ": inferRules(" + under + "): no defaults there");
        }
      }
      if (node instanceof ConfigObject o) {
        inferBelow(segments, o);
      } else if (!covered(under)) {
        rules.put(under, inferred(under, node));
      }
    }

    /** Walks the defaults' tree itself, because entrySet() would skip keys whose default is null. */
    private void inferBelow(List<String> prefix, ConfigObject node) {
      for (String k : new TreeSet<>(node.keySet())) {
        List<String> segments = new ArrayList<>(prefix);
        segments.add(k);
        String path = ConfigUtil.joinPath(segments);
        ConfigValue v = node.get(k);
        if (covered(path)) {
          continue;
        }
        if (v instanceof ConfigObject o && !o.isEmpty()) {
          inferBelow(segments, o);
        } else {
          rules.put(path, inferred(path, v));
        }
      }
    }

    /** An explicit rule for this key or for an object above it wins over inference. */
    private boolean covered(String path) {
      return rules.containsKey(path) || rules.keySet().stream().anyMatch(p -> path.startsWith(p + "."));
    }

    /**
     * @throws IllegalStateException when a default has no rule, breaks its rule, or a rule is malformed
     */
    public ConfigSchema build() {
      for (String under : inferUnder) {
        inferRulesUnder(under);
      }
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
