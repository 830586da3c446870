package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mnemo run --resume} of {@code kind = r2d2} through the real CLI: a resume that cannot continue is
 * refused before it touches the run's records, and one that can continues its budget and its counters.
 */
class ResumeTest {

  @TempDir
  Path tmp;

  private final StandardCli cli = new StandardCli();

  private Path config(String body) throws IOException {
    Path f = tmp.resolve("tiny.conf");
    Files.writeString(f, StandardCli.TINY_R2D2 + "env = \"tmaze?length=3\"\ntotal_env_steps = 400\n"
        + "eval_interval = 200\neval_episodes = 4\nconfirm_episodes = 10\n" + body);
    return f;
  }

  private Path completedLocalRun() throws IOException {
    Path out = tmp.resolve("local");
    int code = cli.mnemo("run", config("runtime = local\nactors { workers = 2, envs_per_worker = 1, chunk_rows = 4,"
        + " status_interval = 50ms }\n").toString(), "--out", out.toString());
    assertEquals(0, code, cli.err());
    return out;
  }

  /** Every file of the run directory with its bytes (checkpoints included). */
  private static Map<String, byte[]> snapshot(Path dir) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return m;
  }

  private void assertUntouched(Map<String, byte[]> before, Path dir) throws IOException {
    Map<String, byte[]> after = snapshot(dir);
    assertEquals(before.keySet(), after.keySet(), "a refused resume adds or removes no file");
    for (String f : before.keySet()) {
      assertArrayEquals(before.get(f), after.get(f), f + " changed on a refused resume");
    }
  }

  @Test
  void aDeletedCheckpointIsRefusedNamingTheFileAndTheRunIsUntouched() throws IOException {
    Path run = completedLocalRun();
    Files.delete(run.resolve("checkpoints/learner.ckpt"));
    Map<String, byte[]> before = snapshot(run);
    int code = cli.mnemo("run", "--resume", run.toString(), "--set", "total_env_steps=800");
    String err = cli.err();
    assertEquals(2, code, err);
    assertTrue(err.contains("learner.ckpt") && err.contains("missing"), "names the missing file: " + err);
    assertUntouched(before, run);
  }

  @Test
  void aCorruptCheckpointIsRefusedNamingTheFileAndTheRunIsUntouched() throws IOException {
    Path run = completedLocalRun();
    Path replay = run.resolve("checkpoints/replay.ckpt");
    byte[] b = Files.readAllBytes(replay);
    b[b.length / 2] ^= 0x5a;
    Files.write(replay, b);
    Map<String, byte[]> before = snapshot(run);
    int code = cli.mnemo("run", "--resume", run.toString(), "--set", "total_env_steps=800");
    String err = cli.err();
    assertEquals(2, code, err);
    assertTrue(err.contains("replay.ckpt"), "names the corrupt file: " + err);
    assertUntouched(before, run);
  }

  /**
   * {@code runtime = sync}: a run killed forcibly (a child JVM destroyed: no final checkpoint, no summary) and
   * resumed from its newest periodic checkpoint ends with the metrics of a run that never stopped, row for row
   * (timing columns aside), and the same final evaluation.
   */
  @Test
  void aKilledSynchronousRunResumesBitIdentically() throws Exception {
    Path run = tmp.resolve("sync-killed");
    String body = "eval_interval = 100\nactors { checkpoint_interval = 100ms, checkpoint_keep = 2 }\n";
    Path conf = config(body + "total_env_steps = 1000000000\n");
    List<Path> kept = killAfterTwoCheckpoints(conf, run);
    long steps = Long.parseLong(kept.get(kept.size() - 1).getFileName().toString().split("-")[1]);
    long budget = steps + 1000;
    assertEquals(0, cli.mnemo("run", "--resume", run.toString(), "--set", "total_env_steps=" + budget), cli.err());

    Path whole = tmp.resolve("sync-whole");
    Files.writeString(conf, Files.readString(conf).replace("total_env_steps = 1000000000", "total_env_steps = "
        + budget));
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", whole.toString()), cli.err());
    List<String> resumed = withoutTimings(run.resolve("metrics.csv"));
    List<String> uninterrupted = withoutTimings(whole.resolve("metrics.csv"));
    assertTrue(uninterrupted.size() > 10, "evaluations every 100 env steps: " + uninterrupted);
    assertEquals(uninterrupted, resumed, "metrics of the killed-and-resumed run vs the uninterrupted one");
    ObjectMapper json = new ObjectMapper();
    JsonNode a = json.readTree(whole.resolve("summary.json").toFile());
    JsonNode b = json.readTree(run.resolve("summary.json").toFile());
    for (String key : List.of("env_steps", "learner_updates", "episodes", "eval")) {
      assertEquals(a.get(key), b.get(key), key + " in summary.json: " + a + " vs " + b);
    }
    assertEquals("completed", b.get("status").asText(), b.toString());
  }

  /**
   * {@code kind = rl2}, {@code runtime = sync}: a run resumed from its final checkpoint with a larger budget ends
   * with the metrics and final and peak figures of a run made with that budget from the start (constant step size:
   * the budget changes nothing else); with {@code runtime = local} a resume is refused and the run untouched.
   */
  @Test
  void anRl2RunResumedWithALargerBudgetMatchesOneRunToItFromTheStart() throws IOException {
    String body = "kind = rl2\nenv = \"bandit?arms=3&pulls=4\"\ncore_size = 8\ntrials_per_update = 16\n"
        + "minibatches = 2\neval_interval = 2\neval_trials = 8\nfinal_eval_trials = 8\nlr_schedule = constant\n";
    Path conf = tmp.resolve("rl2.conf");
    Files.writeString(conf, body + "total_env_steps = 256\n");
    Path run = tmp.resolve("rl2-legs");
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", run.toString()), cli.err());
    assertEquals(0, cli.mnemo("run", "--resume", run.toString(), "--set", "total_env_steps=640"), cli.err());
    Files.writeString(conf, body + "total_env_steps = 640\n");
    Path whole = tmp.resolve("rl2-whole");
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", whole.toString()), cli.err());
    List<String> legs = withoutLast(run.resolve("metrics.csv"), 3);
    assertEquals(withoutLast(whole.resolve("metrics.csv"), 3), legs, "metrics (collect_s, learn_s, wall_s aside)");
    assertEquals(11, legs.size(), "a header and ten updates of 64 steps: " + legs);
    JsonNode a = new ObjectMapper().readTree(whole.resolve("summary.json").toFile());
    JsonNode b = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    for (String key : List.of("env_steps", "learner_updates", "final_eval_return", "peak_eval_return", "peak_update")) {
      assertEquals(a.get(key), b.get(key), key + ": " + a + " vs " + b);
    }

    Path local = tmp.resolve("rl2-local");
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", local.toString(), "--set", "runtime=local",
        "--set", "total_env_steps=64"), cli.err());
    Map<String, byte[]> before = snapshot(local);
    assertEquals(2, cli.mnemo("run", "--resume", local.toString()));
    assertTrue(cli.err().contains("runtime = local keeps no checkpoint"), cli.err());
    assertUntouched(before, local);
  }

  /**
   * An annealing phase added on resume: a run stopped at 256 steps with a constant step size and entropy bonus,
   * resumed to 640 with both schedules starting where it stopped ({@code schedule_start_env_steps = 256}, linear
   * step size, entropy bonus to 0), writes the metrics and final figures of one run of that config from the start.
   */
  @Test
  void anRl2RunResumedIntoAnAnnealingPhaseMatchesOneRunOfThatScheduleFromTheStart() throws IOException {
    Path conf = tmp.resolve("rl2-anneal.conf");
    Files.writeString(conf, "kind = rl2\nenv = \"bandit?arms=3&pulls=4\"\ncore_size = 8\ntrials_per_update = 16\n"
        + "minibatches = 2\neval_interval = 2\neval_trials = 8\nfinal_eval_trials = 8\nlr_schedule = constant\n"
        + "learning_rate = 1e-3\nentropy_coef = 0.05\ntotal_env_steps = 256\n");
    String[] anneal = {"--set", "total_env_steps=640", "--set", "schedule_start_env_steps=256", "--set",
        "lr_schedule=linear", "--set", "entropy_coef_final=0"};
    Path run = tmp.resolve("rl2-anneal-legs");
    assertEquals(0, cli.mnemo("run", conf.toString(), "--out", run.toString()), cli.err());
    List<String> resume = new ArrayList<>(List.of("run", "--resume", run.toString()));
    resume.addAll(List.of(anneal));
    assertEquals(0, cli.mnemo(resume.toArray(String[]::new)), cli.err());
    List<String> fresh = new ArrayList<>(List.of("run", conf.toString(), "--out", tmp.resolve("rl2-anneal").toString()));
    fresh.addAll(List.of(anneal));
    assertEquals(0, cli.mnemo(fresh.toArray(String[]::new)), cli.err());
    Path whole = tmp.resolve("rl2-anneal");
    List<String> legs = withoutLast(run.resolve("metrics.csv"), 3);
    assertEquals(withoutLast(whole.resolve("metrics.csv"), 3), legs, "metrics (collect_s, learn_s, wall_s aside)");
    List<String> header = List.of(legs.get(0).split(","));
    int steps = header.indexOf("env_steps");
    int lr = header.indexOf("learning_rate");
    for (String row : legs.subList(1, legs.size())) {
      String[] c = row.split(",");
      double expected = 1e-3 * Math.min(1, Math.max(0, 1 - (Long.parseLong(c[steps]) - 256) / 384.0));
      assertEquals(expected, Double.parseDouble(c[lr]), 1e-12, "step size after " + c[steps] + " steps: " + row);
    }
    JsonNode a = new ObjectMapper().readTree(whole.resolve("summary.json").toFile());
    JsonNode b = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    for (String key : List.of("env_steps", "learner_updates", "final_eval_return", "peak_eval_return", "peak_update")) {
      assertEquals(a.get(key), b.get(key), key + ": " + a + " vs " + b);
    }

    assertEquals(2, cli.mnemo("run", conf.toString(), "--check", "--set", "schedule_start_env_steps=256"));
    assertTrue(cli.err().contains("schedule_start_env_steps"), cli.err());
  }

  private static List<String> withoutLast(Path csv, int columns) throws IOException {
    return Files.readAllLines(csv).stream().map(l -> {
      String[] c = l.split(",", -1);
      return String.join(",", java.util.Arrays.copyOf(c, c.length - columns));
    }).toList();
  }

  /** metrics.csv without its last two columns (updates_per_s, env_steps_per_s: wall-clock rates). */
  private static List<String> withoutTimings(Path csv) throws IOException {
    return withoutLast(csv, 2);
  }

  /**
   * Runs {@code conf} in a child JVM, destroys it forcibly once it wrote two periodic checkpoints (so no final
   * checkpoint, no summary), and returns the periodic checkpoints left, oldest first.
   */
  private List<Path> killAfterTwoCheckpoints(Path conf, Path run) throws Exception {
    Process child = childRun(conf, run);
    Path ckpts = run.resolve("checkpoints");
    try {
      long deadline = System.nanoTime() + 90_000_000_000L;
      while (intervals(ckpts).size() < 2 && System.nanoTime() < deadline && child.isAlive()) {
        Thread.sleep(20);
      }
      assertTrue(intervals(ckpts).size() >= 2, "two periodic checkpoints within 90 s:\n"
          + Files.readString(tmp.resolve("child.log")));
    } finally {
      child.destroyForcibly().waitFor();
    }
    assertTrue(!Files.exists(ckpts.resolve("runtime.ckpt")), "killed: no final checkpoint");
    return intervals(ckpts);
  }

  private Process childRun(Path conf, Path run) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "--add-modules", "jdk.incubator.vector", "-cp",
        System.getProperty("java.class.path"), dev.mnemo.experiments.cli.MnemoCli.class.getName(), "run",
        conf.toString(), "--out", run.toString());
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.redirectErrorStream(true);
    pb.redirectOutput(tmp.resolve("child.log").toFile());
    return pb.start();
  }

  /**
   * A run stopped at its budget and resumed with a larger one continues: env steps, episodes and updates go
   * on from the checkpoint, metrics.csv's env_steps never go back, and the summary reports the total.
   */
  @Test
  void resumeContinuesTheBudgetTheCountersAndTheMetrics() throws IOException {
    Path run = completedLocalRun();
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(run.resolve("summary.json").toFile());
    long steps1 = first.get("env_steps").asLong();
    long updates1 = first.get("learner_updates").asLong();
    long episodes1 = first.get("episodes").asLong();
    assertTrue(updates1 > 0, first.toString());
    int code = cli.mnemo("run", "--resume", run.toString(), "--set", "total_env_steps=800");
    assertEquals(0, code, cli.err());
    JsonNode second = json.readTree(run.resolve("summary.json").toFile());
    long steps2 = second.get("env_steps").asLong();
    assertTrue(steps2 >= 800 && steps2 <= 800 + 2, "the summary counts both legs, up to the new budget: " + second);
    assertTrue(second.get("learner_updates").asLong() > updates1, "updates continue: " + first + " -> " + second);
    assertTrue(second.get("episodes").asLong() > episodes1, "episodes continue: " + first + " -> " + second);
    assertEquals("tiny", second.get("config_name").asText(), "the run keeps its name: " + second);
    String events = Files.readString(run.resolve("events.jsonl"));
    assertTrue(events.contains("\"type\":\"resumed\"") && events.contains("\"env_steps\":" + steps1 + ","),
        "the second leg starts at the first one's " + steps1 + " env steps: " + events);
    assertMonotonic(run.resolve("metrics.csv"));
    List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
    long last = Long.parseLong(rows.get(rows.size() - 1).split(",")[0]);
    assertTrue(last > steps1, "the second leg's rows are there: " + rows);
  }

  /**
   * {@code actors.checkpoint_interval}: a local run killed forcibly (a child JVM destroyed, no final
   * checkpoint, no summary) resumes from its newest periodic checkpoint and continues from its counts.
   */
  @Test
  void aKilledRunResumesFromItsNewestPeriodicCheckpoint() throws Exception {
    Path run = tmp.resolve("killed");
    Path conf = config("runtime = local\ntotal_env_steps = 1000000000\neval_interval = 1000000000\n"
        + "actors { workers = 1, envs_per_worker = 2, chunk_rows = 4, status_interval = 50ms,"
        + " checkpoint_interval = 150ms, checkpoint_keep = 2 }\n");
    List<Path> kept = killAfterTwoCheckpoints(conf, run);
    Path ckpts = run.resolve("checkpoints");
    assertTrue(kept.size() <= 3, "checkpoint_keep = 2 (one more if it was killed between a rename and the pruning): "
        + kept);
    String newest = kept.get(kept.size() - 1).getFileName().toString(); // interval-<env steps>-<updates>
    long steps = Long.parseLong(newest.split("-")[1]);
    long updates = Long.parseLong(newest.split("-")[2]);
    assertTrue(steps > 0 && updates > 0, newest);

    int code = cli.mnemo("run", "--resume", run.toString(), "--set", "total_env_steps=" + (steps + 200));
    assertEquals(0, code, cli.err());
    JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    assertEquals("completed", s.get("status").asText(), s.toString());
    assertTrue(s.get("env_steps").asLong() >= steps + 200 && s.get("env_steps").asLong() <= steps + 202,
        "continues from the checkpoint's " + steps + " env steps to the budget: " + s);
    assertTrue(s.get("learner_updates").asLong() > updates, "and from its " + updates + " updates: " + s);
    String events = Files.readString(run.resolve("events.jsonl"));
    assertTrue(events.contains("\"dir\":\"" + ckpts.resolve(newest) + "\""), "resumed from " + newest + ": " + events);
    assertMonotonic(run.resolve("metrics.csv"));
  }

  /** metrics.csv's env_steps and updates never go back (rows of a killed leg past its checkpoint are dropped). */
  private static void assertMonotonic(Path csv) throws IOException {
    List<String> rows = Files.readAllLines(csv);
    long prev = -1;
    long prevUpdates = -1;
    for (String row : rows.subList(1, rows.size())) {
      String[] c = row.split(",", -1);
      long s = Long.parseLong(c[0]);
      long u = (long) Double.parseDouble(c[1]);
      assertTrue(s >= prev && u >= prevUpdates, "metrics.csv goes back at " + row + " (after " + prev + ", "
          + prevUpdates + " updates):\n" + String.join("\n", rows));
      prev = s;
      prevUpdates = u;
    }
  }

  private static List<Path> intervals(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("interval-")).sorted().toList();
    }
  }
}
