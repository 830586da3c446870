package dev.mnemo.experiments.run;

import com.typesafe.config.Config;
import java.util.List;

/**
 * A loaded, validated run config.
 *
 * @param name the config's name (file name without {@code .conf}): the run directory's parent
 * @param source the file it came from
 * @param kind the run kind its {@code kind} key selects
 * @param config every key, user values over the kind's defaults, substitutions resolved
 * @param overrides the {@code --set} assignments applied, in order
 */
public record RunConfig(String name, String source, RunKind kind, Config config, List<String> overrides) {

  public RunConfig {
    overrides = List.copyOf(overrides);
  }

  public long seed() {
    return config.getLong(CommonKeys.SEED);
  }
}
