package dev.mnemo.experiments.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.mnemo.experiments.config.ConfigProblem;
import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.InvalidConfigException;
import dev.mnemo.experiments.config.KeyRule;
import dev.mnemo.experiments.config.Range;
import dev.mnemo.experiments.run.RunConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sweep file expanded: every combination of the grid's values, once per seed. The file reads
 * <pre>
 * sweep {
 *   base = "quickstart.conf"                 # the run config, relative to this file
 *   grid { learner.burn_in = [0, 20], replay.zero_state = [true, false] }
 *   seeds = [1, 2, 3]                        # default [0]
 *   parallel = 1                             # runs at a time (default 1)
 * }
 * </pre>
 * Each point is the base config with {@code --set} overrides for its grid values and its seed.
 *
 * @param name the sweep's name (file name without {@code .conf})
 * @param source the sweep file
 * @param base the run config every point starts from
 * @param axes grid keys (sorted) with their values as override text
 * @param seeds seeds every setting runs with
 * @param parallel how many runs at a time
 */
public record SweepPlan(String name, Path source, Path base, Map<String, List<String>> axes, List<Long> seeds,
    int parallel) {

  /**
   * One run of the sweep.
   *
   * @param setting the grid values as a directory name, e.g. {@code learner.burn_in=0,replay.zero_state=true}
   * @param seed its seed
   * @param sets the overrides that make it ({@code key=value}, the seed last)
   */
  public record Point(String setting, long seed, List<String> sets) {
    public Point {
      sets = List.copyOf(sets);
    }

    /** {@code <setting>/seed-<seed>} under the sweep directory. */
    public Path relativeDir() {
      return Path.of(setting, "seed-" + seed);
    }
  }

  public SweepPlan {
    axes = java.util.Collections.unmodifiableMap(new TreeMap<>(axes));
    seeds = List.copyOf(seeds);
  }

  static ConfigSchema schema() {
    return ConfigSchema.builder("sweep")
        .defaults("sweep { grid {}, seeds = [0], parallel = 1 }")
        .key(KeyRule.ofString("sweep.base").doc("run config every point starts from, relative to the sweep file"))
        .key(KeyRule.ofObject("sweep.grid").doc("key path = [values...]; every combination runs"))
        .key(KeyRule.ofIntList("sweep.seeds").range(Range.atLeast(0)).doc("seeds each setting runs with"))
        .key(KeyRule.ofInt("sweep.parallel").between(1, 64).doc("runs at a time"))
        .build();
  }

  /**
   * @throws InvalidConfigException naming the file, key and expectation for every problem
   */
  public static SweepPlan load(Path file) {
    String source = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigException(source, List.of(new ConfigProblem(source, "(file)", "no such sweep file")));
    }
    ConfigSchema schema = schema();
    Config c;
    try {
      c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
          .withFallback(schema.defaults()).resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException(source, List.of(new ConfigProblem(
          e.origin() == null ? source : ConfigProblem.where(e.origin()), "(syntax)", e.getMessage())));
    }
    List<ConfigProblem> problems = new ArrayList<>(schema.validate(c, source));
    Map<String, List<String>> axes = new TreeMap<>();
    if (problems.isEmpty()) {
      for (var e : c.getConfig("sweep.grid").entrySet()) {
        ConfigValue v = e.getValue();
        String key = "sweep.grid." + e.getKey();
        if (!(v instanceof ConfigList list) || list.isEmpty()) {
          problems.add(new ConfigProblem(ConfigProblem.where(v.origin()), key,
              "expected a non-empty list of values for " + e.getKey() + ", got " + v.valueType().name().toLowerCase()));
          continue;
        }
        List<String> values = new ArrayList<>();
        for (ConfigValue item : list) {
          values.add(item.valueType() == ConfigValueType.STRING ? (String) item.unwrapped()
              : item.render(ConfigRenderOptions.concise()));
        }
        axes.put(e.getKey(), values);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(source, problems);
    }
    Path dir = file.toAbsolutePath().getParent();
    Path base = dir.resolve(c.getString("sweep.base")).normalize();
    List<Long> seeds = c.getLongList("sweep.seeds");
    return new SweepPlan(RunConfigLoader.nameOf(file), file, base, axes, seeds, c.getInt("sweep.parallel"));
  }

  /** Every point: settings in grid order (last key fastest), each with every seed. */
  public List<Point> points() {
    List<List<String>> combos = new ArrayList<>();
    combos.add(List.of());
    for (var axis : axes.entrySet()) {
      List<List<String>> next = new ArrayList<>();
      for (List<String> prefix : combos) {
        for (String v : axis.getValue()) {
          List<String> c = new ArrayList<>(prefix);
          c.add(axis.getKey() + "=" + v);
          next.add(c);
        }
      }
      combos = next;
    }
    List<Point> out = new ArrayList<>();
    for (List<String> sets : combos) {
      String setting = sets.isEmpty() ? "base" : directoryName(String.join(",", sets));
      for (long seed : seeds) {
        List<String> withSeed = new ArrayList<>(sets);
        withSeed.add("seed=" + seed);
        out.add(new Point(setting, seed, withSeed));
      }
    }
    return out;
  }

  /** Keeps the setting readable as a directory name; anything unusual becomes '_'. */
  static String directoryName(String s) {
    String d = s.replaceAll("[^A-Za-z0-9._=,+-]", "_");
    return d.length() > 200 ? d.substring(0, 200) : d;
  }
}
