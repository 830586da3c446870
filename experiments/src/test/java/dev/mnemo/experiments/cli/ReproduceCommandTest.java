package dev.mnemo.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.experiments.bench.BenchRegistry;
import dev.mnemo.experiments.run.RunKindRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mnemo reproduce} against the repository's own experiments folder (found by walking up from the working
 * directory, as {@code ExperimentRecordsTest} does), and against a made-up repository for the real runs.
 */
class ReproduceCommandTest {

  /** The committed experiments; each must be listed with a script. */
  private static final List<String> EXPERIMENTS = List.of("bandit-baselines", "r2d2-ablation", "r2d2-configs",
      "r2d2-cores", "r2d2-initial-priority", "r2d2-soak", "mdp-baselines", "rl2", "ald", "popgym-zoo");

  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int mnemo(String... args) {
    out.reset();
    err.reset();
    Registries none = new Registries(new RunKindRegistry(), new BenchRegistry(), EnvCatalog.empty());
    return MnemoCli.execute(none, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static Path experimentsDir() {
    return ExperimentFolder.findRoot(Path.of("")).orElseThrow(
        () -> new IllegalStateException("experiments/ not found above " + Path.of("").toAbsolutePath()))
        .resolve("experiments");
  }

  /** Every file of the experiments' records (not the module's sources or build) with its size and time. */
  private static Map<String, String> snapshot(Path experiments) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(experiments)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        String rel = experiments.relativize(f).toString();
        if (!rel.startsWith("src/") && !rel.startsWith("target/")) {
          m.put(rel, Files.size(f) + " " + Files.getLastModifiedTime(f).toMillis());
        }
      }
    }
    return m;
  }

  @Test
  void listShowsEveryExperimentWithTheFirstLineOfItsRecordAndWhetherItHasAScript() throws IOException {
    assertEquals(0, mnemo("reproduce", "--list"), stderr());
    List<String> lines = stdout().lines().toList();
    int listed = 0;
    try (Stream<Path> dirs = Files.list(experimentsDir())) {
      for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
        Path readme = Files.exists(d.resolve("README.md")) ? d.resolve("README.md") : d.resolve("NOTES.md");
        if (!Files.exists(readme)) {
          continue;
        }
        listed++;
        String first = Files.readAllLines(readme).stream().filter(l -> !l.isBlank()).findFirst().orElseThrow()
            .replaceFirst("^#+\\s*", "");
        String name = d.getFileName().toString();
        String status = Files.exists(d.resolve("reproduce.sh")) ? "script" : "no script";
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+" + Pattern.quote(name) + "\\s+"
                + status + "\\s+" + Pattern.quote(first))),
            "no line '" + name + "  " + status + "  " + first + "' in:\n" + stdout());
      }
    }
    assertEquals(listed, lines.size(), "one line per experiment, nothing else (src/ is not one):\n" + stdout());
    for (String e : EXPERIMENTS) {
      assertTrue(lines.stream().anyMatch(l -> l.strip().startsWith(e + " ") && l.contains(" script ")),
          e + " is listed with its reproduce.sh:\n" + stdout());
    }
  }

  @Test
  void dryRunPrintsEachScriptsCommandsAndChangesNothing() throws IOException {
    Map<String, String> before = snapshot(experimentsDir());
    List<String> withScripts = ExperimentFolder.all(experimentsDir()).stream().filter(ExperimentFolder::hasScript)
        .map(ExperimentFolder::name).toList();
    assertTrue(withScripts.containsAll(EXPERIMENTS), withScripts.toString());
    for (String e : withScripts) {
      assertEquals(0, mnemo("reproduce", e, "--dry-run"), e + ": " + stderr());
      List<String> commands = stdout().lines().toList();
      assertFalse(commands.isEmpty(), e + " printed no commands");
      for (String c : commands) {
        assertTrue(c.startsWith("./mnemo ") || c.startsWith("java ") || c.startsWith("python3 "),
            e + ": not a command the script runs: '" + c + "'");
      }
      assertTrue(commands.stream().anyMatch(c -> c.startsWith("./mnemo run ") || c.startsWith("./mnemo bench ")
          || c.startsWith("./mnemo sweep ") || c.startsWith("java ")), e + " runs no experiment:\n" + stdout());
    }
    assertEquals(before, snapshot(experimentsDir()), "a dry run wrote under experiments/");
  }

  @Test
  void scriptsForDataMadeBeforeActorPrioritiesRunWithInitialPriorityMax() {
    // The default became the paper's actor-side priority after these folders' runs; without the override a
    // rerun would silently measure something else.
    for (String e : List.of("r2d2-cores", "r2d2-configs")) {
      assertEquals(0, mnemo("reproduce", e, "--dry-run"), e + ": " + stderr());
      List<String> runs = stdout().lines().filter(l -> l.startsWith("./mnemo run ")).toList();
      assertFalse(runs.isEmpty(), e);
      for (String r : runs) {
        assertTrue(r.contains("--set initial_priority=max"), e + ": " + r);
      }
    }
    assertEquals(0, mnemo("reproduce", "r2d2-cores", "--dry-run"));
    assertTrue(stdout().contains("./mnemo run configs/r2d2-tmaze-50.conf --set stop_when_solved=false "
        + "--set initial_priority=max --out <scratch>/r2d2-tmaze-50"), stdout());
    assertEquals(20, stdout().lines().filter(l -> l.startsWith("./mnemo run ")).count(),
        "4 core-comparison runs and 16 T-Maze 10 runs:\n" + stdout());
    assertEquals(0, mnemo("reproduce", "r2d2-initial-priority", "--dry-run"));
    assertEquals(9, stdout().lines().filter(l -> l.contains("--set initial_priority=max")).count(), stdout());
    assertEquals(9, stdout().lines().filter(l -> l.contains("--set initial_priority=actor")).count(), stdout());
    assertEquals(0, mnemo("reproduce", "r2d2-soak", "--dry-run"));
    assertTrue(stdout().lines().anyMatch(l -> l.startsWith("./mnemo bench r2d2 soak 20000 ")), stdout());
  }

  @Test
  void unknownNameExitsTwoNamingTheKnownOnes() {
    assertEquals(2, mnemo("reproduce", "r2d2-core"));
    String e = stderr();
    assertTrue(e.contains("unknown experiment 'r2d2-core' (did you mean 'r2d2-cores'?)"), e);
    for (String name : EXPERIMENTS) {
      assertTrue(e.contains(name), "known experiments not named: " + e);
    }
    assertFalse(e.contains("src"), "src/ is not an experiment: " + e);
    assertEquals("", stdout());
    assertEquals(2, mnemo("reproduce", "nope"));
    assertFalse(stderr().contains("did you mean"), "no suggestion for a name far from every experiment: " + stderr());
  }

  @Test
  void nameAndListExcludeEachOtherAndOneIsNeeded() {
    assertEquals(2, mnemo("reproduce"));
    assertEquals(2, mnemo("reproduce", "--list", "r2d2-soak"));
  }

  /** A repository with one experiment whose script writes {@code table.md} (and says whether it is dry). */
  private Path repoWith(String script) throws IOException {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve("configs"));
    Files.createDirectories(repo.resolve("experiments/src"));
    Path demo = Files.createDirectories(repo.resolve("experiments/demo"));
    Files.writeString(demo.resolve("README.md"), "\n# Demo: a table from one command\n\nmore\n");
    Files.writeString(demo.resolve("old.csv"), "kept\n");
    Files.writeString(demo.resolve("reproduce.sh"), script);
    Files.setLastModifiedTime(demo.resolve("old.csv"), FileTime.fromMillis(0));
    Files.setLastModifiedTime(demo.resolve("README.md"), FileTime.fromMillis(0));
    Files.setLastModifiedTime(demo.resolve("reproduce.sh"), FileTime.fromMillis(0));
    Path notes = Files.createDirectories(repo.resolve("experiments/notes-only"));
    Files.writeString(notes.resolve("NOTES.md"), "Notes without a heading\n");
    return repo;
  }

  @Test
  void aRunPrintsTheFilesItsScriptWroteAndPassesItsOutputToStderr() throws IOException {
    Path repo = repoWith("""
        set -e
        [ "$(pwd)" = "%s" ] || { echo "not at the repository root: $(pwd)" >&2; exit 7; }
        echo "DRY_RUN=$DRY_RUN"
        [ "$DRY_RUN" = 1 ] && { echo "./mnemo run configs/demo.conf"; exit 0; }
        mkdir -p experiments/demo/run
        echo "| a |" > experiments/demo/table.md
        echo "{}" > experiments/demo/run/summary.json
        """.formatted(tmp.toRealPath().resolve("repo")));
    assertEquals(0, mnemo("reproduce", "demo", "--root", repo.resolve("experiments/demo").toString()), stderr());
    assertEquals(List.of("experiments/demo/run/summary.json", "experiments/demo/table.md"),
        stdout().lines().toList(), "stdout: the files written, nothing else");
    assertTrue(stderr().contains("DRY_RUN=0"), stderr());
    assertTrue(stderr().contains("demo: wrote 2 file(s) under experiments/demo/"), stderr());

    assertEquals(0, mnemo("reproduce", "demo", "--dry-run", "--root", repo.toString()), stderr());
    assertEquals(List.of("DRY_RUN=1", "./mnemo run configs/demo.conf"), stdout().lines().toList());

    assertEquals(0, mnemo("reproduce", "--list", "--root", repo.toString()), stderr());
    assertEquals(List.of("  demo        script     Demo: a table from one command",
        "  notes-only  no script  Notes without a heading"), stdout().lines().toList());
    assertEquals(2, mnemo("reproduce", "notes-only", "--root", repo.toString()));
    assertTrue(stderr().contains("experiments/notes-only/ has no reproduce.sh"), stderr());
  }

  @Test
  void aFailingScriptExitsOneNamingItsExitCode() throws IOException {
    Path repo = repoWith("echo half done; exit 3\n");
    assertEquals(1, mnemo("reproduce", "demo", "--root", repo.toString()));
    assertTrue(stderr().contains("half done"), stderr());
    assertTrue(stderr().contains("experiments/demo/reproduce.sh exited with 3"), stderr());
    assertEquals("", stdout());
  }

  @Test
  void noRepositoryAboveTheRootIsBadUsage() {
    assertEquals(2, mnemo("reproduce", "--list", "--root", tmp.toString()));
    assertTrue(stderr().contains("no repository found"), stderr());
  }
}
