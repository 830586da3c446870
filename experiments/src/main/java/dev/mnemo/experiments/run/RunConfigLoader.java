package dev.mnemo.experiments.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import dev.mnemo.experiments.config.ConfigProblem;
import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.EditDistance;
import dev.mnemo.experiments.config.InvalidConfigException;
import dev.mnemo.experiments.config.Overrides;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Loads a HOCON run config, applies {@code --set} overrides, selects the run kind and validates everything
 * against the kind's schema before anything starts.
 */
public final class RunConfigLoader {

  private final RunKindRegistry kinds;
  private final ConfigSchema common = CommonKeys.schema();

  public RunConfigLoader(RunKindRegistry kinds) {
    this.kinds = kinds;
  }

  /** The config's name: its file name without the {@code .conf} extension. */
  public static String nameOf(Path file) {
    String n = file.getFileName().toString();
    return n.endsWith(".conf") ? n.substring(0, n.length() - ".conf".length()) : n;
  }

  /**
   * @param name the config name recorded with the run (normally {@link #nameOf(Path)})
   * @throws InvalidConfigException listing every problem: syntax, unknown kind, unknown keys, types, ranges
   */
  public RunConfig load(Path file, String name, List<String> sets) {
    String source = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigException(source, List.of(new ConfigProblem(source, "(file)",
          "no such config file" + (Files.exists(file) ? " (it is a directory)" : ""))));
    }
    Config fileConfig;
    try {
      fileConfig = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
    } catch (ConfigException e) {
      throw new InvalidConfigException(source, List.of(new ConfigProblem(where(e.origin(), source), "(syntax)",
          e.getMessage())));
    }
    Config user = Overrides.parse(sets).withFallback(fileConfig);

    RunKind kind = selectKind(user, source);
    ConfigSchema schema = common.plus(kind.schema());
    Config resolved;
    try {
      resolved = user.withFallback(schema.defaults()).resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException(source, List.of(new ConfigProblem(where(e.origin(), source),
          "(substitution)", e.getMessage())));
    }
    List<ConfigProblem> problems = schema.validate(resolved, source);
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(source, problems);
    }
    return new RunConfig(name, source, kind, resolved, sets);
  }

  private RunKind selectKind(Config user, String source) {
    if (!user.hasPath(CommonKeys.KIND)) {
      throw new InvalidConfigException(source, List.of(new ConfigProblem(source, CommonKeys.KIND,
          "missing required key: expected one of " + kinds.names())));
    }
    ConfigValue v = user.getValue(CommonKeys.KIND);
    String name = String.valueOf(v.unwrapped());
    Optional<RunKind> kind = kinds.find(name);
    if (kind.isEmpty() && kinds.names().isEmpty()) {
      throw new InvalidConfigException(source, List.of(new ConfigProblem(where(v.origin(), source), CommonKeys.KIND,
          "no run kinds are registered in this build, so '" + name + "' cannot run (see cli.Wiring)")));
    }
    if (kind.isEmpty()) {
      String hint = EditDistance.closest(name, kinds.names()).map(c -> " (did you mean '" + c + "'?)").orElse("");
      throw new InvalidConfigException(source, List.of(new ConfigProblem(where(v.origin(), source), CommonKeys.KIND,
          "expected one of " + kinds.names() + ", got '" + name + "'" + hint)));
    }
    return kind.get();
  }

  private static String where(ConfigOrigin origin, String fallback) {
    return origin == null ? fallback : ConfigProblem.where(origin);
  }

}
