package dev.mnemo.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnemo.experiments.bench.BenchRegistry;
import dev.mnemo.experiments.run.CountingKind;
import dev.mnemo.experiments.run.Json;
import dev.mnemo.experiments.run.RunKindRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnemoCliTest {

  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<String> benchCalls = new ArrayList<>();

  private Registries registries() {
    BenchRegistry benches = new BenchRegistry()
        .register("envs", "env steps per second", (o, args) -> {
          benchCalls.add(String.join(" ", args));
          o.println("envs: 123 steps/s");
        })
        .register("broken", "always throws", (o, args) -> {
          throw new IllegalStateException("bench exploded");
        });
    EnvCatalog envs = () -> List.of(new dev.mnemo.envs.EnvInfo("tmaze",
        List.of(new dev.mnemo.envs.EnvParam("length", "10", "corridor length")), "T-Maze (Bakker 2002)"));
    return new Registries(new RunKindRegistry().register(new CountingKind()), benches, envs);
  }

  private int mnemo(String... args) {
    return MnemoCli.execute(registries(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path config(String name, String text) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void helpExitsZeroAndListsTheSubcommands() {
    assertEquals(0, mnemo("--help"));
    for (String c : List.of("run", "sweep", "kinds", "envs", "bench", "report", "reproduce")) {
      assertTrue(stdout().contains(c), "--help lacks " + c + ": " + stdout());
    }
  }

  @Test
  void everySubcommandHasHelp() {
    for (String c : List.of("run", "sweep", "kinds", "envs", "bench", "report", "reproduce", "eval", "node",
        "serve-gym")) {
      out.reset();
      assertEquals(0, mnemo(c, "--help"), c);
      assertTrue(stdout().startsWith("Usage: mnemo " + c), c + " --help printed: " + stdout());
    }
  }

  /**
   * picocli formats descriptions as format strings and, when one does not parse (a bare {@code %}), prints a warning
   * on the JVM's standard error (not on the stream handed to {@link MnemoCli}): every help text must format.
   */
  @Test
  void everyHelpTextFormatsWithoutAPicocliWarning() {
    PrintStream jvmErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, mnemo("--help"));
      for (String c : List.of("run", "sweep", "kinds", "envs", "bench", "report", "reproduce", "eval", "node",
          "serve-gym")) {
        assertEquals(0, mnemo(c, "--help"), c);
      }
    } finally {
      System.setErr(jvmErr);
    }
    String warnings = captured.toString(StandardCharsets.UTF_8) + stderr();
    assertFalse(warnings.contains("picocli WARN"), warnings);
    assertTrue(stdout().contains("95% confidence interval"), "eval's description, % rendered: " + stdout());
  }

  @Test
  void noSubcommandOrUnknownOneIsBadUsage() {
    assertEquals(2, mnemo());
    assertEquals(2, mnemo("frobnicate"));
    assertEquals(2, mnemo("run", "--no-such-option", "x.conf"));
  }

  @Test
  void runWritesItsDirectoryUnderRunsRootAndPrintsIt() throws IOException {
    Path f = config("quick.conf", "kind = counting\nsteps = 30\nseed = 5\n");
    Path root = tmp.resolve("runs");
    assertEquals(0, mnemo("run", f.toString(), "--runs-root", root.toString(), "--set", "eval.episodes=2"), stderr());
    Path dir = Path.of(stdout().strip());
    assertEquals(root.resolve("quick"), dir.getParent(), "runs/<config name>/<UTC timestamp>/");
    assertTrue(dir.getFileName().toString().matches("\\d{8}T\\d{6}Z"), dir.toString());
    for (String file : List.of("config.conf", "provenance.json", "metrics.csv", "events.jsonl", "summary.json")) {
      assertTrue(Files.isRegularFile(dir.resolve(file)), "missing " + file);
    }
    JsonNode s = Json.read(dir.resolve("summary.json"));
    assertEquals("completed", s.get("status").asText());
    assertEquals(2, s.get("eval").get("episodes").asInt());
    JsonNode prov = Json.read(dir.resolve("provenance.json"));
    assertEquals("run", prov.get("command_line").get(0).asText(), "argv recorded: " + prov);
  }

  @Test
  void failedRunExitsOneAndItsSummarySaysWhy() throws IOException {
    Path f = config("bad.conf", "kind = counting\nsteps = 30\nfail_at = 12\n");
    Path dir = tmp.resolve("out");
    assertEquals(1, mnemo("run", f.toString(), "--out", dir.toString()));
    JsonNode s = Json.read(dir.resolve("summary.json"));
    assertEquals("failed", s.get("status").asText());
    assertTrue(s.get("error").asText().contains("boom at step 12"), s.toString());
  }

  @Test
  void invalidConfigExitsTwoListsEveryProblemAndCreatesNoRunDirectory() throws IOException {
    Path f = config("typos.conf", "kind = counting\nstepz = 3\nlearner.lr = 7\n");
    Path root = tmp.resolve("runs");
    assertEquals(2, mnemo("run", f.toString(), "--runs-root", root.toString(), "--set", "seed=-1"));
    String e = stderr();
    assertTrue(e.contains(f + ":2: stepz: unknown key; did you mean 'steps'?"), e);
    assertTrue(e.contains(f + ":3: learner.lr: expected a number in (0, 1], got number 7"), e);
    assertTrue(e.contains("--set seed=-1: seed: expected an integer >= 0, got number -1"), e);
    assertTrue(e.contains("3 problems"), e);
    assertFalse(Files.exists(root), "nothing may start before the config is valid");
  }

  @Test
  void checkValidatesAndPrintsTheResolvedConfigWithoutRunning() throws IOException {
    Path f = config("ok.conf", "kind = counting\n");
    Path root = tmp.resolve("runs");
    assertEquals(0, mnemo("run", "--check", f.toString(), "--runs-root", root.toString()));
    assertTrue(stdout().contains("updates_per_step"), stdout());
    assertFalse(Files.exists(root));
  }

  @Test
  void outIntoANonEmptyDirectoryIsRefused() throws IOException {
    Path f = config("ok.conf", "kind = counting\n");
    Path dir = Files.createDirectories(tmp.resolve("used"));
    Files.writeString(dir.resolve("summary.json"), "{}");
    assertEquals(2, mnemo("run", f.toString(), "--out", dir.toString()));
    assertTrue(stderr().contains("not empty"), stderr());
    assertEquals("{}", Files.readString(dir.resolve("summary.json")));
  }

  @Test
  void resumeContinuesTheRunInItsDirectory() throws IOException {
    Path f = config("res.conf", "kind = counting\nsteps = 20\n");
    Path dir = tmp.resolve("runs/res/one");
    assertEquals(0, mnemo("run", f.toString(), "--out", dir.toString()));
    assertEquals(0, mnemo("run", "--resume", dir.toString(), "--set", "steps=50"), stderr());
    JsonNode s = Json.read(dir.resolve("summary.json"));
    assertEquals(50, s.get("env_steps").asLong());
    assertTrue(s.get("resumed").asBoolean());
    assertEquals("res", s.get("config_name").asText(), "name from the run's parent directory");
  }

  @Test
  void runWithoutConfigIsBadUsage() {
    assertEquals(2, mnemo("run"));
    assertEquals(2, mnemo("run", "--resume", tmp.resolve("nothing").toString()));
  }

  @Test
  void benchDispatchesByNameAndPassesItsArguments() {
    assertEquals(0, mnemo("bench", "envs", "--batch=64", "quick"));
    assertEquals(List.of("--batch=64 quick"), benchCalls);
    assertTrue(stdout().contains("envs: 123 steps/s"), stdout());
  }

  @Test
  void optionsAfterTheBenchmarkNameBelongToTheBenchmark() {
    assertEquals(0, mnemo("bench", "envs", "--help", "-x"));
    assertEquals(List.of("--help -x"), benchCalls, "--help went to the benchmark, not to picocli");
  }

  @Test
  void standardWiringListsTheRealEnvironmentsAndBenchmarks() {
    assertEquals(0, MnemoCli.execute(Wiring.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), "envs"));
    assertTrue(stdout().contains("tmaze") && stdout().contains("popgym/RepeatPrevious"), stdout());
    assertTrue(stdout().contains("gym-http://"), "the interop providers' ids are listed too: " + stdout());
    out.reset();
    assertEquals(0, MnemoCli.execute(Wiring.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), "bench"));
    assertTrue(stdout().contains("envs") && stdout().contains("replay") && stdout().contains("actor-kernel")
        && stdout().contains("r2d2"),
        stdout());
  }

  @Test
  void unknownBenchmarkListsTheValidOnes() {
    assertEquals(2, mnemo("bench", "env"));
    assertTrue(stderr().contains("unknown benchmark 'env'") && stderr().contains("did you mean 'envs'"), stderr());
    assertTrue(stderr().contains("broken") && stderr().contains("env steps per second"), stderr());
  }

  @Test
  void failingBenchmarkExitsOne() {
    assertEquals(1, mnemo("bench", "broken"));
    assertTrue(stderr().contains("bench exploded"), stderr());
  }

  @Test
  void envsListsIdsWithTheirParameters() {
    assertEquals(0, mnemo("envs"));
    assertTrue(stdout().contains("tmaze") && stdout().contains("T-Maze (Bakker 2002)"), stdout());
    assertTrue(stdout().matches("(?s).*length\\s+default 10\\s+corridor length.*"), stdout());
  }

  @Test
  void kindsListsKindsAndShowsOneKindsKeys() {
    assertEquals(0, mnemo("kinds"));
    assertTrue(stdout().contains("counting") && stdout().contains("counts steps"), stdout());
    out.reset();
    assertEquals(0, mnemo("kinds", "counting"));
    assertTrue(stdout().matches("(?s).*learner\\.lr\\s+0\\.001\\s+a number in \\(0, 1\\].*"), stdout());
    assertTrue(stdout().contains("seed"), "common keys are shown too: " + stdout());
    assertEquals(2, mnemo("kinds", "countin"));
  }

  @Test
  void reportOverTwoRunsWritesMarkdownAndDecodablePlots() throws IOException {
    Path f = config("rep.conf", "kind = counting\nsteps = 40\n");
    Path root = tmp.resolve("runs");
    assertEquals(0, mnemo("run", f.toString(), "--out", root.resolve("rep/a").toString()));
    assertEquals(0, mnemo("run", f.toString(), "--out", root.resolve("rep/b").toString(), "--set", "steps=60"));
    out.reset();
    assertEquals(0, mnemo("report", root.resolve("rep").toString(), "--width", "500", "--height", "300"), stderr());
    Path md = Path.of(stdout().strip());
    assertEquals(root.resolve("rep/report/report.md").toAbsolutePath(), md.toAbsolutePath());
    String text = Files.readString(md);
    assertTrue(text.contains("| rep/a | counting | completed |") && text.contains("| rep/b | counting | completed |"),
        text);
    // Only the key that differs between the two runs is tabulated.
    assertTrue(text.contains("## Config differences\n\n| run | steps |\n| --- | --- |\n| rep/a | 40 |\n| rep/b | 60 |"),
        text);
    try (Stream<Path> pngs = Files.list(md.getParent().resolve("plots"))) {
      List<Path> list = pngs.sorted().toList();
      assertEquals(2, list.size(), list.toString());
      for (Path p : list) {
        var img = ImageIO.read(p.toFile());
        assertEquals(500, img.getWidth());
        assertEquals(300, img.getHeight());
      }
    }
  }

  @Test
  void sweepChecksRunsAndPrintsItsDirectory() throws IOException {
    config("base.conf", "kind = counting\nsteps = 20\n");
    Path sweep = config("grid.conf", "sweep { base = base.conf, grid { learner.lr = [0.1, 0.2] } }\n");
    assertEquals(0, mnemo("sweep", "--check", sweep.toString()));
    assertTrue(stdout().contains("learner.lr=0.2,") || stdout().contains("learner.lr=0.2"), stdout());
    out.reset();
    Path dir = tmp.resolve("sweep-out");
    assertEquals(0, mnemo("sweep", sweep.toString(), "--out", dir.toString(), "--parallel", "1"), stderr());
    assertEquals(dir.toString(), stdout().strip());
    assertTrue(Files.isRegularFile(dir.resolve("learner.lr=0.2/seed-0/summary.json")));
    assertTrue(Files.isRegularFile(dir.resolve("sweep-summary.json")));
  }

  @Test
  void invalidSweepIsBadUsage() throws IOException {
    config("base.conf", "kind = counting\n");
    Path sweep = config("grid.conf", "sweep { base = base.conf, grid { learner.lr = [2] } }\n");
    assertEquals(2, mnemo("sweep", sweep.toString(), "--out", tmp.resolve("x").toString()));
    assertTrue(stderr().contains("--set learner.lr=2: learner.lr: expected a number in (0, 1]"), stderr());
    assertFalse(Files.exists(tmp.resolve("x")));
  }

  @Test
  void reportOnANonRunDirectoryIsBadUsage() throws IOException {
    Files.createDirectories(tmp.resolve("empty"));
    assertEquals(2, mnemo("report", tmp.resolve("empty").toString()));
    assertTrue(stderr().contains("neither a run directory"), stderr());
  }
}
