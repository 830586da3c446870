package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnemo.experiments.run.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mnemo eval RUN_DIR}: re-evaluates a finished run's saved policy on fresh tasks (RL²) or episodes (R2D2)
 * through the real CLI, writes the figures beside the run, is deterministic given its seed, differs between
 * seeds, and refuses what it cannot evaluate with exit 2 and a message naming the problem.
 */
class EvalCommandTest {

  @TempDir
  Path tmp;

  private final StandardCli cli = new StandardCli();

  /** A finished RL² run on 4 pulls of 3 arms, its config in {@code rl2.conf}. */
  private Path finishedBanditRun() throws IOException {
    Path conf = tmp.resolve("rl2.conf");
    Files.writeString(conf, "kind = rl2\nenv = \"bandit?arms=3&pulls=4\"\ncore_size = 8\ntrials_per_update = 16\n"
        + "minibatches = 2\ntotal_env_steps = 256\neval_interval = 2\neval_trials = 8\nfinal_eval_trials = 8\n");
    Path run = tmp.resolve("run");
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", run.toString()), cli.err());
    return run;
  }

  /** Runs a baselines table from {@code conf} text and returns its results.csv lines. */
  private java.util.List<String> tableResults(String conf) throws IOException {
    Path tableConf = tmp.resolve("table.conf");
    Files.writeString(tableConf, conf);
    Path table = tmp.resolve("table");
    assertEquals(0, cli.mnemo("run", tableConf.toString(), "--out", table.toString()), cli.err());
    return Files.readAllLines(table.resolve("results.csv"));
  }

  /**
   * A paired row's baseline figure is the table's own (its results.csv line starting {@code prefix + algorithm}),
   * and the mean of the per-task differences is the difference of the means, with an interval of its own.
   */
  private static void assertIsTheTablesRowPaired(JsonNode b, java.util.List<String> csv, String prefix,
      double policyMean) {
    String algorithm = b.path("algorithm").asText();
    String line = csv.stream().filter(l -> l.startsWith(prefix + algorithm + ",")).findFirst().orElseThrow();
    // Column 3 is the mean in both tables (n,k,algorithm,mean,... and n,algorithm,hyperparameter,mean,...).
    assertEquals(Double.parseDouble(line.split(",")[3]), b.path("mean").asDouble(), 5e-4, algorithm);
    assertEquals(policyMean - b.path("mean").asDouble(), b.path("policy_minus_baseline").asDouble(), 1e-9, algorithm);
    assertTrue(b.path("policy_minus_baseline_ci95").asDouble() > 0, algorithm);
  }

  @Test
  void rl2RunIsReEvaluatedOnFreshTasksForResultAndPeakParameters() throws IOException {
    Path run = finishedBanditRun();
    assertEquals(0, cli.mnemo("eval", run.toString(), "--tasks", "50", "--seed", "3"), cli.err());
    JsonNode first = Json.read(run.resolve("eval/result-seed3-n50.json"));
    assertEquals(50, first.path("tasks").asInt());
    assertEquals("rl2", first.path("kind").asText());
    double mean = first.path("mean_return").asDouble();
    assertTrue(mean >= 0 && mean <= 4, "a return of 4 pulls of 0/1 rewards: " + mean);
    assertTrue(first.path("ci95").asDouble() > 0);
    // One mean per pull (each pull an inner episode of the trial), adding up to the trial's mean; the summary keeps
    // the final evaluation's, and the console prints them.
    JsonNode byEpisode = first.path("by_episode_in_trial");
    assertEquals(4, byEpisode.size(), first.toString());
    double sum = 0;
    for (JsonNode m : byEpisode) {
      sum += m.asDouble();
    }
    assertEquals(mean, sum, 4 * 1e-4);
    assertTrue(cli.out().contains("mean return by episode in the trial: 1: "), cli.out());
    assertEquals(4, Json.read(run.resolve("summary.json")).path("final_eval_by_episode_in_trial").size());
    // Same seed, same tasks and draws: the same figure; another seed: other tasks.
    assertEquals(0, cli.mnemo("eval", run.toString(), "--tasks", "50", "--seed", "3"), cli.err());
    assertEquals(mean, Json.read(run.resolve("eval/result-seed3-n50.json")).path("mean_return").asDouble());
    assertEquals(0, cli.mnemo("eval", run.toString(), "--tasks", "50", "--seed", "4"), cli.err());
    assertNotEquals(first.path("ci95").asDouble(),
        Json.read(run.resolve("eval/result-seed4-n50.json")).path("ci95").asDouble());
    assertEquals(0, cli.mnemo("eval", run.toString(), "--tasks", "20", "--params", "peak"), cli.err());
    assertTrue(Files.exists(run.resolve("eval/peak-seed1-n20.json")));
  }

  /**
   * {@code --greedy} evaluates as the run would with {@code eval_greedy = true} in its config (a copy of the run so
   * configured gives the same figure on the same tasks), writes {@code result-greedy-*} files marked greedy, leaves
   * the sampled figure's file alone, and is refused for a kind without the key.
   */
  @Test
  void rl2RunIsReEvaluatedGreedilyAsItsConfigWithEvalGreedyWould() throws IOException {
    Path run = finishedBanditRun();
    assertEquals(0, cli.mnemo("eval", run.toString(), "--tasks", "50", "--seed", "3"), cli.err());
    assertEquals(0, cli.mnemo("eval", run.toString(), "--tasks", "50", "--seed", "3", "--greedy"), cli.err());
    assertTrue(cli.out().contains("rl2 result-greedy: "), cli.out());
    JsonNode sampled = Json.read(run.resolve("eval/result-seed3-n50.json"));
    JsonNode greedy = Json.read(run.resolve("eval/result-greedy-seed3-n50.json"));
    assertTrue(greedy.path("greedy").asBoolean(), greedy.toString());
    assertTrue(sampled.path("greedy").isMissingNode(), sampled.toString());
    assertNotEquals(sampled.path("mean_return").asDouble(), greedy.path("mean_return").asDouble(),
        "the most probable action is not a sample: " + sampled + " / " + greedy);

    Path configured = tmp.resolve("configured");
    try (var files = Files.walk(run)) {
      for (Path f : files.toList()) {
        Path to = configured.resolve(run.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    Files.writeString(configured.resolve("config.conf"), "\neval_greedy = true\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertEquals(0, cli.mnemo("eval", configured.toString(), "--tasks", "50", "--seed", "3"), cli.err());
    JsonNode byConfig = Json.read(configured.resolve("eval/result-seed3-n50.json"));
    assertEquals(greedy.path("mean_return").asDouble(), byConfig.path("mean_return").asDouble());
    assertEquals(greedy.path("ci95").asDouble(), byConfig.path("ci95").asDouble());

    Path baselines = tmp.resolve("bandit-baselines.conf");
    Files.writeString(baselines, "kind = bandit-baselines\nseed = 77\nsettings = [\"4x3\"]\ninstances = 20\n"
        + "threads = 1\ngittins_exact_up_to = 10\n");
    assertEquals(0, cli.mnemo("eval", run.toString(), "--baseline-tasks", baselines.toString(), "--greedy"),
        cli.err());
    assertEquals(0, cli.mnemo("eval", configured.toString(), "--baseline-tasks", baselines.toString()), cli.err());
    JsonNode paired = Json.read(run.resolve("eval/result-greedy-baseline-tasks-seed1.json"));
    assertTrue(paired.path("greedy").asBoolean(), paired.toString());
    assertEquals(Json.read(configured.resolve("eval/result-baseline-tasks-seed1.json")).path("mean_return").asDouble(),
        paired.path("mean_return").asDouble());

    Path conf = tmp.resolve("r2d2.conf");
    Files.writeString(conf, StandardCli.TINY_R2D2 + "env = \"tmaze?length=3\"\ntotal_env_steps = 300\n"
        + "eval_interval = 300\neval_episodes = 4\n");
    Path r2d2 = tmp.resolve("r2d2run");
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", r2d2.toString()), cli.err());
    assertEquals(2, cli.mnemo("eval", r2d2.toString(), "--greedy"));
    assertTrue(cli.err().contains("--greedy: kind r2d2 has no eval_greedy key"), cli.err());
  }

  @Test
  void r2d2RunIsReEvaluatedOnGreedyEpisodes() throws IOException {
    Path conf = tmp.resolve("r2d2.conf");
    Files.writeString(conf, StandardCli.TINY_R2D2 + "env = \"tmaze?length=3\"\ntotal_env_steps = 300\n"
        + "eval_interval = 300\neval_episodes = 4\n");
    Path run = tmp.resolve("run");
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", run.toString()), cli.err());
    assertEquals(0, cli.mnemo("eval", run.toString(), "--tasks", "10"), cli.err());
    JsonNode e = Json.read(run.resolve("eval/result-seed1-n10.json"));
    assertEquals(10, e.path("tasks").asInt());
    assertEquals("r2d2", e.path("kind").asText());
    assertTrue(e.path("by_episode_in_trial").isMissingNode(), "plain episodes have no trial: " + e);
  }

  @Test
  void whatCannotBeEvaluatedIsRefusedNamingTheProblem() throws IOException {
    assertEquals(2, cli.mnemo("eval", tmp.resolve("nowhere").toString()));
    assertTrue(cli.err().contains("config.conf: no such file"), cli.err());

    Path conf = tmp.resolve("bandits.conf");
    Files.writeString(conf, "kind = bandit-baselines\nsettings = [\"4x2\"]\ninstances = 10\nthreads = 1\n"
        + "gittins_exact_up_to = 10\n");
    Path run = tmp.resolve("baselines");
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", run.toString()), cli.err());
    assertEquals(2, cli.mnemo("eval", run.toString()));
    assertTrue(cli.err().contains("keep no policy"), cli.err());

    Path rl2 = tmp.resolve("rl2.conf");
    Files.writeString(rl2, "kind = rl2\nenv = \"bandit?arms=3&pulls=4\"\ncore_size = 8\ntrials_per_update = 8\n"
        + "minibatches = 2\ntotal_env_steps = 32\neval_trials = 4\nfinal_eval_trials = 4\n");
    Path rl2Run = tmp.resolve("rl2run");
    assertEquals(0, cli.mnemo("run", rl2.toString(), "--out", rl2Run.toString()), cli.err());
    assertEquals(2, cli.mnemo("eval", rl2Run.toString(), "--params", "best"));
    assertTrue(cli.err().contains("--params best"), cli.err());
    assertEquals(2, cli.mnemo("eval", rl2Run.toString(), "--tasks", "1"));
    assertTrue(cli.err().contains("--tasks 1"), cli.err());
    Files.delete(rl2Run.resolve("checkpoints/result.params"));
    assertEquals(2, cli.mnemo("eval", rl2Run.toString()));
    assertTrue(cli.err().contains("result.params: no such file"), cli.err());
  }

  @Test
  void banditRunIsComparedWithEveryBaselineOnTheTablesOwnTasks() throws IOException {
    Path run = finishedBanditRun();
    Path baselines = tmp.resolve("bandit-baselines.conf");
    // The table's cells do not matter: the pairing evaluates the run's own (n = 4, k = 3).
    Files.writeString(baselines, "kind = bandit-baselines\nseed = 77\nsettings = [\"10x5\"]\ninstances = 40\n"
        + "threads = 1\ngittins_exact_up_to = 10\n");
    assertEquals(0, cli.mnemo("eval", run.toString(), "--baseline-tasks", baselines.toString()), cli.err());
    JsonNode e = Json.read(run.resolve("eval/result-baseline-tasks-seed1.json"));
    assertEquals(40, e.path("tasks").asInt());
    assertEquals(4, e.path("pulls").asInt());
    assertEquals(3, e.path("arms").asInt());
    assertEquals(77, e.path("baseline_seed").asLong());
    double mean = e.path("mean_return").asDouble();
    assertTrue(mean >= 0 && mean <= 4, e.toString());
    // Each baseline's figure is the bandit table's own for that cell, seed and instances ...
    java.util.List<String> csv = tableResults("kind = bandit-baselines\nseed = 77\nsettings = [\"4x3\"]\n"
        + "instances = 40\nthreads = 1\ngittins_exact_up_to = 10\n");
    int checked = 0;
    for (JsonNode b : e.path("baselines")) {
      String algorithm = b.path("algorithm").asText();
      assertIsTheTablesRowPaired(b, csv, "4,3,", mean);
      // Four quarters of the tasks by best-arm margin, in rising order, whose differences average to the whole's.
      JsonNode quarters = b.path("by_best_arm_margin_quarter");
      assertEquals(4, quarters.size(), algorithm);
      double weighted = 0;
      for (int q = 0; q < 4; q++) {
        assertEquals(10, quarters.get(q).path("tasks").asInt());
        weighted += quarters.get(q).path("policy_minus_baseline").asDouble() / 4;
        assertTrue(q == 0 || quarters.get(q).path("best_arm_margin_from").asDouble()
            >= quarters.get(q - 1).path("best_arm_margin_to").asDouble());
      }
      assertEquals(b.path("policy_minus_baseline").asDouble(), weighted, 1e-9, algorithm);
      checked++;
    }
    assertTrue(checked >= 8, "every baseline of the table: " + e.path("baselines"));
    assertTrue(cli.out().contains("policy − baseline (paired)") && cli.out().contains("gittins"), cli.out());
    // The policy plays the tasks it is given: sure losers pay 0 on every pull, sure winners 1 on each of 4.
    com.typesafe.config.Config runConfig = com.typesafe.config.ConfigFactory.parseFile(run.resolve("config.conf")
        .toFile()).resolve().withFallback(new Rl2RunKind().schema().defaults()).resolve();
    java.util.List<java.util.function.Consumer<dev.mnemo.envs.meta.MultiTaskEnv>> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      double p = i % 2;
      tasks.add(t -> ((dev.mnemo.envs.meta.BanditEnv) t).setTask(new double[] {p, p, p}, null, 0));
    }
    double[] returns = new Rl2RunKind().returnsOnTasks(runConfig, run, "result", tasks, 5);
    org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 4, 0, 4, 0, 4}, returns);
    // The same seed plays the same tasks, outcomes and draws again.
    assertEquals(0, cli.mnemo("eval", run.toString(), "--baseline-tasks", baselines.toString()), cli.err());
    assertEquals(mean, Json.read(run.resolve("eval/result-baseline-tasks-seed1.json")).path("mean_return").asDouble());

    assertEquals(2, cli.mnemo("eval", run.toString(), "--baseline-tasks", tmp.resolve("none.conf").toString()));
    assertTrue(cli.err().contains("none.conf: no such file"), cli.err());
    assertEquals(2, cli.mnemo("eval", run.toString(), "--baseline-tasks", tmp.resolve("rl2.conf").toString()));
    assertTrue(cli.err().contains("kind = 'rl2', expected bandit-baselines or mdp-baselines"), cli.err());
    Path mdp = tmp.resolve("mdp.conf");
    Files.writeString(mdp, "kind = rl2\nenv = \"mdp?episodes=2&horizon=3\"\ncore_size = 8\ntrials_per_update = 8\n"
        + "minibatches = 2\ntotal_env_steps = 48\neval_trials = 4\nfinal_eval_trials = 4\n");
    Path mdpRun = tmp.resolve("mdprun");
    assertEquals(0, cli.mnemo("run", mdp.toString(), "--out", mdpRun.toString()), cli.err());
    assertEquals(2, cli.mnemo("eval", mdpRun.toString(), "--baseline-tasks", baselines.toString()));
    assertTrue(cli.err().contains("is not a bandit trial"), cli.err());
  }

  @Test
  void mdpRunIsComparedWithEveryMdpBaselineOnTheTablesOwnTasks() throws IOException {
    Path conf = tmp.resolve("mdp.conf");
    Files.writeString(conf, "kind = rl2\nenv = \"mdp?episodes=2\"\ncore_size = 8\ntrials_per_update = 8\n"
        + "minibatches = 2\ntotal_env_steps = 320\neval_trials = 4\nfinal_eval_trials = 4\n");
    Path run = tmp.resolve("mdprun");
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", run.toString()), cli.err());
    String table = "kind = mdp-baselines\nseed = 31\ntune_seed = 32\ninstances = 24\ntune_instances = 8\nthreads = 1\n"
        + "opsrl_samples = [1, 2]\nucrl2_scales = [0.1]\nbeb_betas = [1.0]\nepsilons = [0.1]\n";
    Path baselines = tmp.resolve("mdp-baselines.conf");
    Files.writeString(baselines, table + "episodes = [10]\n"); // the pairing evaluates the run's own n = 2
    assertEquals(0, cli.mnemo("eval", run.toString(), "--baseline-tasks", baselines.toString()), cli.err());
    JsonNode e = Json.read(run.resolve("eval/result-baseline-tasks-seed1.json"));
    assertEquals(24, e.path("tasks").asInt());
    assertEquals(2, e.path("episodes").asInt());
    assertTrue(cli.out().contains("MDP table's 24 tasks of n = 2 episodes"), cli.out());
    // Each baseline's figure is the MDP table's own for n = 2 with the same seeds (its tuning included).
    java.util.List<String> csv = tableResults(table + "episodes = [2]\n");
    double mean = e.path("mean_return").asDouble();
    int checked = 0;
    for (JsonNode b : e.path("baselines")) {
      String algorithm = b.path("algorithm").asText();
      assertIsTheTablesRowPaired(b, csv, "2,", mean);
      assertEquals(0, b.path("by_best_arm_margin_quarter").size(), "no arms, no margins: " + algorithm);
      checked++;
    }
    assertTrue(checked >= 7, e.path("baselines").toString());
    // The policy runs on the table's tasks: task 0 of seed 31 is the RandomMdpEnv task of its task seed.
    com.typesafe.config.Config runConfig = com.typesafe.config.ConfigFactory.parseFile(run.resolve("config.conf")
        .toFile()).resolve().withFallback(new Rl2RunKind().schema().defaults()).resolve();
    long taskSeed = dev.mnemo.agents.baselines.mdp.MdpTableEvaluation.taskSeed(31, 0);
    dev.mnemo.envs.meta.RandomMdpEnv reference = new dev.mnemo.envs.meta.RandomMdpEnv("m", 10, 5, 10);
    reference.sampleTask(taskSeed);
    java.util.List<Double> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.function.Consumer<dev.mnemo.envs.meta.MultiTaskEnv> pin = t -> {
      t.sampleTask(taskSeed);
      seen.add(((dev.mnemo.envs.meta.RandomMdpEnv) t).rewardMean(3, 2));
    };
    double[] returns = new Rl2RunKind().returnsOnTasks(runConfig, run, "result", java.util.List.of(pin, pin), 9);
    assertEquals(2, returns.length);
    assertTrue(seen.size() >= 2 && seen.stream().allMatch(m -> m == reference.rewardMean(3, 2)),
        "every trial ran the table's task 0: " + seen);
    assertEquals(2, cli.mnemo("eval", finishedBanditRun().toString(), "--baseline-tasks", baselines.toString()));
    assertTrue(cli.err().contains("not a trial of the MDP table's random MDPs"), cli.err());
  }
}
