package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.actors.RuntimeConfig;
import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.KeyRule;
import dev.mnemo.experiments.config.ValueType;
import dev.mnemo.learners.r2d2.R2d2Config;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link R2d2Config} is the single source of R2D2's defaults and ranges: the CLI's key schema takes its
 * defaults from the same reference.conf, has a rule for every field, and never accepts a value the record
 * refuses (each explicit range's bounds are accepted by the record). The runtime's defaults come from the
 * actors module's reference.conf only.
 */
class R2d2SchemaMatchesConfigTest {

  private final ConfigSchema schema = new R2d2RunKind().schema();

  @Test
  void everyFieldHasARuleAndEveryRuleIsAFieldOrARuntimeKey() {
    Set<String> fields = new TreeSet<>(R2d2Config.paper().toMap().keySet());
    fields.remove("seed"); // every kind's key, ruled by the run framework (CommonKeys)
    Set<String> rules = new TreeSet<>();
    for (String k : schema.rules().keySet()) {
      if (!k.startsWith("actors.")) {
        rules.add(k);
      }
    }
    Set<String> missing = new TreeSet<>(fields);
    missing.removeAll(rules);
    assertTrue(missing.isEmpty(), "R2d2Config fields without a CLI rule: " + missing);
    Set<String> extra = new TreeSet<>(rules);
    extra.removeAll(fields);
    extra.removeAll(R2d2Config.NON_R2D2_KEYS);
    extra.remove(R2d2Config.DEPRECATED_LSTM_SIZE);
    assertTrue(extra.isEmpty(), "CLI rules that are no R2d2Config field: " + extra);
  }

  @Test
  void everyRuleHasItsFieldsType() {
    // A rule inferred from a default can get the type wrong: epsilon_alpha = 7.0 reads back as the integer 7,
    // and then the valid 0.5 would be refused.
    for (var c : R2d2Config.class.getRecordComponents()) {
      String key = c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
      if (key.equals("seed")) {
        continue;
      }
      ValueType want = c.getType() == double.class ? ValueType.DOUBLE : c.getType() == int.class ? ValueType.INT
          : c.getType() == long.class ? ValueType.LONG : c.getType() == boolean.class ? ValueType.BOOLEAN
          : c.getType() == String.class ? ValueType.STRING : ValueType.INT_LIST;
      assertEquals(want, schema.rule(key).orElseThrow().type(), "type of the rule of " + key);
    }
  }

  @Test
  void theSchemasDefaultsAreThePapersAndTheRuntimes() {
    Map<String, Object> paper = R2d2Config.paper().toMap();
    for (String k : paper.keySet()) {
      if (k.equals("seed") || k.equals("solved_threshold")) {
        continue; // the run's seed is its own key; "never solved" is the sentinel 1e300 in reference.conf
      }
      Object d = schema.defaults().getValue(k).unwrapped();
      Object want = paper.get(k);
      if (d instanceof Number n && want instanceof Number w) {
        assertEquals(w.doubleValue(), n.doubleValue(), 0.0, "default of " + k);
      } else {
        assertEquals(String.valueOf(want), String.valueOf(d), "default of " + k);
      }
    }
    RuntimeConfig rt = RuntimeConfig.defaults();
    assertEquals(rt.statusInterval(), schema.defaults().getDuration("actors.status_interval"));
    assertEquals(rt.workers(), schema.defaults().getInt("actors.workers"));
    assertEquals(rt.envsPerWorker(), schema.defaults().getInt("actors.envs_per_worker"));
    assertEquals(rt.maxRestarts(), schema.defaults().getInt("actors.max_restarts"));
    assertEquals(rt.restartWindow(), schema.defaults().getDuration("actors.restart_window"));
  }

  @Test
  void everyExplicitRangeBoundIsAcceptedByTheRecord() {
    int checked = 0;
    for (KeyRule rule : schema.rules().values()) {
      String k = rule.path();
      if (rule.range() == null || k.startsWith("actors.") || !R2d2Config.paper().toMap().containsKey(k)) {
        continue;
      }
      for (double bound : new double[] {rule.range().min(), rule.range().max()}) {
        if (Double.isInfinite(bound) || !rule.range().contains(bound)) {
          continue; // an open bound is refused by the schema itself
        }
        Map<String, Object> m = new LinkedHashMap<>(R2d2Config.paper().toMap());
        Object v = rule.type() == ValueType.DOUBLE ? (Object) bound : (Object) (long) bound;
        m.put(k, v);
        if (k.equals("min_replay_size") || k.equals("replay_capacity")) {
          m.put("min_replay_size", 1);
          m.put("replay_capacity", 100_000_000);
        }
        checked++;
        try {
          R2d2Config.fromMap(m);
        } catch (IllegalArgumentException e) {
          fail("the CLI accepts " + k + " = " + v + " but R2d2Config refuses it: " + e.getMessage());
        }
      }
    }
    assertTrue(checked > 30, "bounds checked: " + checked);
  }
}
