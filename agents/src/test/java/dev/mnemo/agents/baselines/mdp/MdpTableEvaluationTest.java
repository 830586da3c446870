package dev.mnemo.agents.baselines.mdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.baselines.mdp.MdpTableEvaluation.Result;
import dev.mnemo.agents.baselines.mdp.MdpTableEvaluation.Settings;
import dev.mnemo.agents.baselines.mdp.MdpTableEvaluation.TuningRow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MdpTableEvaluationTest {
  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @TempDir
  Path tmp;

  /** A small table: n = 10, 120 evaluation and 30 tuning tasks, short grids. */
  static Settings small() {
    return Settings.paper().withEpisodes(List.of(10)).withInstances(120, 30).withSeeds(77, 78)
        .withGrids(List.of(1, 3), List.of(0.01, 0.1), List.of(0.5, 2.0), List.of(0.1, 0.5))
        .withTabulaRlVariants(false);
  }

  @Test
  void learnersBeatRandomAndTheOracleBeatsThemAll() {
    Result r = MdpTableEvaluation.evaluate(small(), QUIET);
    double random = r.row(10, "random").mean();
    double oracle = r.row(10, "oracle").mean();
    assertEquals(100.0, random, 3 * r.row(10, "random").ci95() + 1, "random earns n H E[mu] = 100");
    for (String a : List.of("psrl", "opsrl", "ucrl2", "beb", "eps_greedy", "greedy")) {
      double m = r.row(10, a).mean();
      assertTrue(m > random + 15, a + " " + m + " vs random " + random);
      assertTrue(m < oracle, a + " " + m + " vs oracle " + oracle);
    }
    assertEquals(138.1, r.row(10, "psrl").paper(), 0.0, "paper figure beside ours");
    assertTrue(Double.isNaN(r.row(10, "oracle").paper()));
  }

  @Test
  void everyTunedAlgorithmHasExactlyOneChosenValueAndItIsTheBestOnTheTuningTasks() {
    Result r = MdpTableEvaluation.evaluate(small(), QUIET);
    for (String a : List.of("opsrl", "ucrl2", "beb", "eps_greedy")) {
      List<TuningRow> rows = r.tuning().stream().filter(t -> t.algorithm().equals(a)).toList();
      assertEquals(2, rows.size(), a);
      List<TuningRow> chosen = rows.stream().filter(TuningRow::chosen).toList();
      assertEquals(1, chosen.size(), a);
      for (TuningRow t : rows) {
        assertTrue(chosen.get(0).mean() >= t.mean(), a + ": chose " + chosen.get(0) + " over " + t);
      }
      assertEquals(chosen.get(0).hyperparameter(), r.row(10, a).hyperparameter(), a + " evaluated at its choice");
    }
  }

  @Test
  void figuresDoNotDependOnTheThreadCount() {
    Result one = MdpTableEvaluation.evaluate(small().withThreads(1), QUIET);
    Result three = MdpTableEvaluation.evaluate(small().withThreads(3), QUIET);
    assertEquals(one.rows(), three.rows());
    assertEquals(one.tuning(), three.tuning());
  }

  @Test
  void tuningTasksAreNotEvaluationTasks() {
    Settings s = Settings.paper();
    Set<Long> evaluation = new HashSet<>();
    for (int i = 0; i < s.instances(); i++) {
      evaluation.add(MdpTableEvaluation.taskSeed(s.seed(), i));
    }
    for (int i = 0; i < s.tuneInstances(); i++) {
      assertFalse(evaluation.contains(MdpTableEvaluation.taskSeed(s.tuneSeed(), i)), "tuning task " + i);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.withSeeds(5, 5));
    assertTrue(e.getMessage().contains("tune_seed"), e.getMessage());
  }

  @Test
  void writesResultsTuningAndTable() throws Exception {
    Settings s = small().withInstances(20, 10);
    MdpTableEvaluation.run(s, tmp, QUIET);
    List<String> csv = Files.readAllLines(tmp.resolve("results.csv"));
    assertEquals("n,algorithm,hyperparameter,mean,ci95,paper", csv.get(0));
    assertEquals(9, csv.size(), "header + 8 algorithms: " + csv);
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("10,greedy,,") && l.endsWith(",134.8")), csv.toString());
    assertTrue(Files.readString(tmp.resolve("table.md")).contains("| 10 | psrl | – |"));
    assertEquals(1 + 8, Files.readAllLines(tmp.resolve("tuning.csv")).size());
  }

  @Test
  void tabulaRlVariantsAreComparedWithTheSamePaperColumn() {
    Result r = MdpTableEvaluation.evaluate(small().withInstances(40, 10).withTabulaRlVariants(true), QUIET);
    for (String a : List.of("beb", "eps_greedy", "greedy")) {
      assertEquals(r.row(10, a).paper(), r.row(10, a + "_tabularl").paper(), 0.0, a);
    }
    assertEquals(21, r.tuning().stream().filter(t -> t.algorithm().equals("beb_tabularl")).count(),
        "the authors' 21 scalings");
  }

  @Test
  void badGridValuesAreRefusedNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> small().withGrids(List.of(0), List.of(0.1), List.of(1.0), List.of(0.1)));
    assertTrue(e.getMessage().contains("samples"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> small().withGrids(List.of(1), List.of(0.1), List.of(1.0), List.of()));
    assertTrue(e.getMessage().contains("epsilons"), e.getMessage());
  }
}
