package dev.mnemo.experiments.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sweep file expanded: every case times every combination of the grid's values, once per seed. The file
 * reads
 * <pre>
 * sweep {
 *   base = "quickstart.conf"                 # the run config, relative to this file
 *   cases {                                  # optional: named bundles of overrides (a task and its budget)
 *     RepeatFirst-Easy { env = "popgym/RepeatFirst-Easy", total_env_steps = 100000 }
 *     CountRecall-Easy { env = "popgym/CountRecall-Easy", total_env_steps = 200000 }
 *   }
 *   grid { learner.burn_in = [0, 20], replay.zero_state = [true, false] }
 *   seeds = [1, 2, 3]                        # default [0]
 *   parallel = 1                             # runs at a time (default 1)
 *   score = eval_return                      # metrics column scored by the table of cases (its max per run)
 * }
 * </pre>
 * Each point is the base config with {@code --set} overrides for its case, its grid values and its seed (in
 * that order, so a grid value wins over a case's). A case is what a grid cannot say: settings that go
 * together, such as a task with the budget documented for it.
 *
 * @param name the sweep's name (file name without {@code .conf})
 * @param source the sweep file
 * @param base the run config every point starts from
 * @param cases case name -> its overrides ({@code key=value}), in file order; empty when the file has none
 * @param axes grid keys (sorted) with their values as override text
 * @param seeds seeds every setting runs with
 * @param parallel how many runs at a time
 * @param score the metrics.csv column whose maximum over a run scores it in the table of a sweep with cases
 */
public record SweepPlan(String name, Path source, Path base, Map<String, List<String>> cases,
    Map<String, List<String>> axes, List<Long> seeds, int parallel, String score) {

  /**
   * One run of the sweep.
   *
   * @param caseName its case, or {@code ""} when the sweep has no cases
   * @param setting the grid values as a directory name, e.g. {@code learner.burn_in=0,replay.zero_state=true}
   * @param seed its seed
   * @param sets the overrides that make it ({@code key=value}: the case's, the grid's, the seed last)
   */
  public record Point(String caseName, String setting, long seed, List<String> sets) {
    public Point {
      sets = List.copyOf(sets);
    }

    /** {@code [<case>/]<setting>/seed-<seed>} under the sweep directory. */
    public Path relativeDir() {
      return caseName.isEmpty() ? Path.of(setting, "seed-" + seed) : Path.of(caseName, setting, "seed-" + seed);
    }
  }

  public SweepPlan {
    cases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cases));
    axes = java.util.Collections.unmodifiableMap(new TreeMap<>(axes));
    seeds = List.copyOf(seeds);
  }

  static ConfigSchema schema() {
    return ConfigSchema.builder("sweep")
        .defaults("sweep { grid {}, seeds = [0], parallel = 1, score = eval_return }")
        .key(KeyRule.ofString("sweep.base").doc("run config every point starts from, relative to the sweep file"))
        .key(KeyRule.ofObject("sweep.grid").doc("key path = [values...]; every combination runs"))
        .key(KeyRule.ofObject("sweep.cases").optional()
            .doc("name { key = value, ... }: named bundles of overrides, each crossed with the grid"))
        .key(KeyRule.ofIntList("sweep.seeds").range(Range.atLeast(0)).doc("seeds each setting runs with"))
        .key(KeyRule.ofInt("sweep.parallel").between(1, 64).doc("runs at a time"))
        .key(KeyRule.ofString("sweep.score")
            .doc("metrics.csv column whose maximum over a run is its score in the table of cases"))
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
    Map<String, List<String>> cases = new LinkedHashMap<>();
    if (problems.isEmpty() && c.hasPath("sweep.cases")) {
      readCases(c.getObject("sweep.cases"), cases, problems);
    }
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
          values.add(overrideText(item));
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
    return new SweepPlan(RunConfigLoader.nameOf(file), file, base, cases, axes, seeds, c.getInt("sweep.parallel"),
        c.getString("sweep.score"));
  }

  /** Each case in file order (HOCON keeps none, so the order comes from each case's line number). */
  private static void readCases(ConfigObject object, Map<String, List<String>> cases, List<ConfigProblem> problems) {
    List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(object.entrySet());
    entries.sort(java.util.Comparator.comparingInt(e -> e.getValue().origin().lineNumber()));
    for (var e : entries) {
      String key = "sweep.cases." + e.getKey();
      if (!(e.getValue() instanceof ConfigObject bundle) || bundle.isEmpty()) {
        problems.add(new ConfigProblem(ConfigProblem.where(e.getValue().origin()), key,
            "expected an object of overrides { key = value, ... }, got " + e.getValue().valueType().name().toLowerCase()));
        continue;
      }
      if (!e.getKey().equals(directoryName(e.getKey()))) {
        problems.add(new ConfigProblem(ConfigProblem.where(e.getValue().origin()), key,
            "a case name is a directory name: letters, digits and . _ = , + - only, got '" + e.getKey() + "'"));
        continue;
      }
      List<String> sets = new ArrayList<>();
      Map<String, ConfigValue> leaves = new TreeMap<>();
      for (var kv : bundle.toConfig().entrySet()) {
        leaves.put(kv.getKey(), kv.getValue());
      }
      for (var kv : leaves.entrySet()) {
        sets.add(kv.getKey() + "=" + overrideText(kv.getValue()));
      }
      cases.put(e.getKey(), sets);
    }
  }

  /** A value as {@code --set} takes it: strings bare, everything else as concise HOCON. */
  private static String overrideText(ConfigValue v) {
    return v.valueType() == ConfigValueType.STRING ? (String) v.unwrapped() : v.render(ConfigRenderOptions.concise());
  }

  /** Every point: cases in file order, then settings in grid order (last key fastest), each with every seed. */
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
    Map<String, List<String>> caseSets = cases.isEmpty() ? Map.of("", List.of()) : cases;
    List<Point> out = new ArrayList<>();
    for (var cs : caseSets.entrySet()) {
      for (List<String> sets : combos) {
        String setting = sets.isEmpty() ? "base" : directoryName(String.join(",", sets));
        for (long seed : seeds) {
          List<String> all = new ArrayList<>(cs.getValue());
          all.addAll(sets);
          all.add("seed=" + seed);
          out.add(new Point(cs.getKey(), setting, seed, all));
        }
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
