package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.experiments.cli.Wiring;
import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.KeyRule;
import dev.mnemo.experiments.config.Range;
import dev.mnemo.experiments.config.ValueType;
import dev.mnemo.experiments.run.CommonKeys;
import dev.mnemo.experiments.run.RunKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every key of every run kind wired into the CLI (the keys every run has and, for r2d2, the runtime's
 * {@code actors.} keys included), given through {@code --set} a value of the wrong type, NaN, a negative and an
 * out-of-range value: {@code mnemo run --check} must exit 2 with a message that names the key and the
 * {@code --set} that gave the value. A value a key legitimately takes is listed in {@link #ALLOWED} with the
 * reason, and must then be accepted: nothing is skipped silently, and a list entry that no longer holds fails.
 */
class EveryKeyRefusesBadValuesTest {

  /** The four kinds of bad value, each written for a key's type. */
  enum Bad {
    WRONG_TYPE, NAN, NEGATIVE, OUT_OF_RANGE;

    /** The {@code --set} value of this kind for {@code rule}. */
    String valueFor(KeyRule rule) {
      ValueType t = rule.type();
      return switch (this) {
        case WRONG_TYPE -> switch (t) {
          case BOOLEAN -> "maybe";
          case INT, LONG, DOUBLE -> "abc";
          case DURATION -> "soon";
          case STRING -> "[1, 2]";
          case INT_LIST, DOUBLE_LIST, STRING_LIST -> "abc";
          case OBJECT -> "5";
        };
        case NAN -> t.isList() ? "[NaN]" : "NaN";
        case NEGATIVE -> t == ValueType.DURATION ? "-1s" : t.isList() ? "[-1]" : "-1";
        case OUT_OF_RANGE -> outOfRange(rule);
      };
    }

    /**
     * Just above a finite maximum; without one, beyond what the type holds (a 32- or 64-bit integer, a finite
     * double, a duration Typesafe Config can represent); for strings a value outside any allowed set.
     */
    private static String outOfRange(KeyRule rule) {
      ValueType t = rule.type();
      Range r = rule.range();
      if (r != null && t.isNumeric() && Double.isFinite(r.max())) {
        double above = r.max() + Math.max(1, Math.abs(r.max()));
        String v = t.element() == ValueType.DOUBLE ? Double.toString(above) : Long.toString((long) above);
        return t.isList() ? "[" + v + "]" : v;
      }
      return switch (t) {
        case INT -> "3000000000";
        case INT_LIST -> "[3000000000]";
        case LONG -> "1e19";
        case DOUBLE -> "1e400";
        case DOUBLE_LIST -> "[1e400]";
        case DURATION -> "1000000000d";
        case BOOLEAN -> "2";
        case STRING -> "zzz";
        case STRING_LIST -> "[zzz]";
        case OBJECT -> "[]";
      };
    }
  }

  /** A valid config of each kind that --check accepts as it is; a kind wired without one here fails the test. */
  private static final Map<String, String> BASES = Map.of(
      "r2d2", StandardCli.TINY_R2D2 + "env = \"tmaze?length=3\"\ntotal_env_steps = 400\neval_interval = 200\n"
          + "eval_episodes = 4\nsolved_threshold = 3.5\n",
      "bandit-baselines", "kind = bandit-baselines\ninstances = 10\nthreads = 1\n",
      "rl2", "kind = rl2\nenv = \"bandit?arms=3&pulls=4\"\ncore_size = 8\ntrials_per_update = 8\nminibatches = 2\n"
          + "total_env_steps = 64\neval_trials = 4\nfinal_eval_trials = 4\n",
      "mdp-baselines", "kind = mdp-baselines\ninstances = 10\ntune_instances = 2\nthreads = 1\n",
      "ald", "kind = ald\nenv = \"imaze?length=2\"\ntrials_per_update = 8\nminibatches = 2\nd_model = 8\n"
          + "ff_size = 8\ncore_size = 8\ntotal_env_steps = 64\neval_trials = 4\nfinal_eval_trials = 4\n");

  /** {@code kind:key:bad value} a key accepts, and why. */
  private static final Map<String, String> ALLOWED = Map.ofEntries(
      Map.entry("*:description:NAN", "free text: 'NaN' describes a run as well as any other words"),
      Map.entry("*:description:NEGATIVE", "free text: '-1' is a description"),
      Map.entry("*:description:OUT_OF_RANGE", "free text: any string is a description"),
      Map.entry("r2d2:actors.checkpoint_dir:NAN",
          "a path (mnemo node's learner): 'NaN' is a valid relative directory"),
      Map.entry("r2d2:actors.checkpoint_dir:NEGATIVE", "a path: '-1' is a valid relative directory"),
      Map.entry("r2d2:actors.checkpoint_dir:OUT_OF_RANGE", "a path: any name is a valid relative directory"),
      Map.entry("mdp-baselines:prior_mu0:NEGATIVE",
          "a prior mean of the mean rewards may be negative (rewards are Gaussian)"),
      Map.entry("ald:gate_bias:NEGATIVE",
          "GTrXL's b_g may be negative: a gate that starts open (the paper's ablations)"),
      Map.entry("rl2:core_keep_bias:NEGATIVE", "a keep gate may start below a half (a core that forgets faster)"),
      Map.entry("ald:stop_at_return:NEGATIVE",
          "returns may be negative (I-Maze's -1 at the wrong end), so may a target"),
      Map.entry("r2d2:solved_threshold:NEGATIVE", "returns may be negative (Pendulum, T-Maze's -0.1 penalties), so "
          + "may a threshold on them; only NaN is meaningless, and 1e300 means none"));

  @TempDir
  Path tmp;

  @Test
  void everyKeyOfEveryKindRefusesAWrongTypeNanANegativeAndAnOutOfRangeValueNamingKeyAndSet() throws IOException {
    List<String> failures = new ArrayList<>();
    Set<String> allowedUsed = new TreeSet<>();
    int cases = 0;
    for (RunKind kind : Wiring.standard().kinds().all()) {
      String base = BASES.get(kind.name());
      assertTrue(base != null, "run kind '" + kind.name() + "' has no base config in this test: add one to BASES");
      Path file = tmp.resolve(kind.name() + ".conf");
      Files.writeString(file, base);
      StandardCli ok = new StandardCli();
      assertEquals(0, ok.mnemo("run", file.toString(), "--check"), "the base config must be valid: " + ok.err());
      ConfigSchema schema = CommonKeys.schema().plus(kind.schema());
      for (KeyRule rule : schema.rules().values()) {
        for (Bad bad : Bad.values()) {
          cases++;
          String set = rule.path() + "=" + bad.valueFor(rule);
          String why = allowedReason(kind.name(), rule.path(), bad, allowedUsed);
          StandardCli cli = new StandardCli();
          int code = cli.mnemo("run", file.toString(), "--check", "--set", set);
          String what = kind.name() + " --set " + set + " (" + bad + ")";
          if (why != null) {
            if (code != 0) {
              failures.add(what + ": listed as allowed (" + why + ") but exit " + code + ": " + cli.err());
            }
          } else if (code != 2) {
            failures.add(what + ": expected exit 2, got " + code + (code == 0 ? " (accepted)" : ": " + cli.err()));
          } else if (!cli.err().contains("--set " + set + ": ")) {
            failures.add(what + ": the message does not point at the --set: " + cli.err());
          } else if (!namesKey(cli.err(), set, rule.path())) {
            failures.add(what + ": the message does not name the key: " + cli.err());
          }
        }
      }
    }
    assertTrue(cases > 200, "cases: " + cases);
    assertTrue(failures.isEmpty(), failures.size() + " of " + cases + " cases failed:\n  "
        + String.join("\n  ", failures));
    Set<String> unused = new TreeSet<>(ALLOWED.keySet());
    unused.removeAll(allowedUsed);
    assertTrue(unused.isEmpty(), "ALLOWED entries that match no key any more: " + unused);
  }

  private static String allowedReason(String kind, String key, Bad bad, Set<String> used) {
    for (String k : new String[] {kind + ":" + key + ":" + bad, "*:" + key + ":" + bad}) {
      if (ALLOWED.containsKey(k)) {
        used.add(k);
        return ALLOWED.get(k);
      }
    }
    return null;
  }

  /** The problem line that starts at the --set names the key right after it: "--set k=v: k: ...". */
  private static boolean namesKey(String err, String set, String key) {
    for (String line : err.split("\\R")) {
      int at = line.indexOf("--set " + set + ": ");
      if (at >= 0) {
        String rest = line.substring(at + ("--set " + set + ": ").length());
        for (String path : rest.substring(0, Math.max(rest.indexOf(": "), 0)).split(", ")) {
          if (path.equals(key)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
