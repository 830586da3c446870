package dev.mnemo.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.experiments.config.ConfigProblem;
import dev.mnemo.experiments.config.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunConfigLoaderTest {

  @TempDir
  Path tmp;

  private final RunConfigLoader loader = new RunConfigLoader(new RunKindRegistry().register(new CountingKind()));

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private List<ConfigProblem> problems(Path file, String... sets) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> loader.load(file, RunConfigLoader.nameOf(file), List.of(sets)));
    return e.problems();
  }

  private static ConfigProblem only(List<ConfigProblem> ps) {
    assertEquals(1, ps.size(), "expected exactly one problem, got " + ps);
    return ps.get(0);
  }

  @Test
  void validConfigGetsDefaultsAndOverrides() throws IOException {
    Path f = write("good.conf", "kind = counting\nsteps = 30\nlearner.lr = 0.5\n");
    RunConfig rc = loader.load(f, "good", List.of("seed=7", "learner.updates_per_step=3"));
    assertEquals(30, rc.config().getInt("steps"));
    assertEquals(0.5, rc.config().getDouble("learner.lr"));
    assertEquals(3, rc.config().getInt("learner.updates_per_step"));
    assertEquals(10, rc.config().getInt("eval.episodes"), "default from the kind's resource");
    assertEquals(7, rc.seed());
    assertEquals("linear", rc.config().getString("schedule"));
  }

  @Test
  void unknownKeyNamesFileLineAndClosestValidKey() throws IOException {
    Path f = write("typo.conf", "kind = counting\n\nlearner {\n  lrr = 0.1\n}\n");
    ConfigProblem p = only(problems(f));
    assertEquals(f + ":4", p.location());
    assertEquals("learner.lrr", p.path());
    assertTrue(p.message().contains("unknown key") && p.message().contains("did you mean 'learner.lr'"),
        "message was: " + p.message());
  }

  @Test
  void unknownTopLevelObjectSuggestsTheObjectNotALeaf() throws IOException {
    Path f = write("obj.conf", "kind = counting\nlerner { lr = 0.1 }\n");
    ConfigProblem p = only(problems(f));
    assertEquals("lerner", p.path());
    assertTrue(p.message().contains("did you mean 'learner'"), p.message());
  }

  @Test
  void wrongTypeSaysWhatWasExpectedAndFound() throws IOException {
    Path f = write("type.conf", "kind = counting\nsteps = \"many\"\n");
    ConfigProblem p = only(problems(f));
    assertEquals(f + ":2", p.location());
    assertEquals("steps", p.path());
    assertTrue(p.message().contains("expected an integer in [1, 1000000]") && p.message().contains("\"many\""),
        p.message());
  }

  @Test
  void fractionalValueForIntegerKeyIsAWrongType() throws IOException {
    ConfigProblem p = only(problems(write("frac.conf", "kind = counting\nsteps = 2.5\n")));
    assertTrue(p.message().contains("expected an integer") && p.message().contains("2.5"), p.message());
  }

  @Test
  void outOfRangeValueNamesTheRange() throws IOException {
    ConfigProblem p = only(problems(write("range.conf", "kind = counting\nlearner.lr = 0\n")));
    assertEquals("learner.lr", p.path());
    assertTrue(p.message().contains("expected a number in (0, 1]") && p.message().contains("got number 0"),
        p.message());
  }

  @Test
  void valueOutsideAllowedSetListsTheChoicesAndClosest() throws IOException {
    ConfigProblem p = only(problems(write("allowed.conf", "kind = counting\nschedule = linaer\n")));
    assertTrue(p.message().contains("one of [linear, constant]") && p.message().contains("did you mean 'linear'"),
        p.message());
  }

  @Test
  void listElementOfWrongTypeIsNamedByIndex() throws IOException {
    ConfigProblem p = only(problems(write("list.conf", "kind = counting\ntags = [a, {x = 1}]\n")));
    assertEquals("tags", p.path());
    assertTrue(p.message().contains("element [1]"), p.message());
  }

  @Test
  void malformedDurationIsRejected() throws IOException {
    ConfigProblem p = only(problems(write("dur.conf", "kind = counting\ntimeout = soon\n")));
    assertTrue(p.message().contains("a duration"), p.message());
  }

  @Test
  void scalarWhereAnObjectBelongsIsNamed() throws IOException {
    ConfigProblem p = only(problems(write("scalar.conf", "kind = counting\nlearner = 5\n")));
    assertEquals("learner", p.path());
    assertTrue(p.message().contains("expected an object with keys [learner.lr, learner.updates_per_step]"),
        p.message());
  }

  @Test
  void freeFormObjectAcceptsAnyKeysBelowIt() throws IOException {
    Path f = write("free.conf", "kind = counting\nenv_params { length = 50, nested { a = 1 } }\n");
    assertEquals(50, loader.load(f, "free", List.of()).config().getInt("env_params.length"));
  }

  @Test
  void everyProblemIsReportedAtOnce() throws IOException {
    Path f = write("many.conf", "kind = counting\nsteps = 0\nlearner { lr = fast, momentum = 0.9 }\nsed = 1\n");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(f, "many", List.of()));
    List<String> paths = e.problems().stream().map(ConfigProblem::path).sorted().toList();
    assertEquals(List.of("learner.lr", "learner.momentum", "sed", "steps"), paths, e.getMessage());
    assertTrue(e.getMessage().contains("4 problems"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'seed'"), e.getMessage());
    for (ConfigProblem p : e.problems()) {
      assertTrue(p.location().startsWith(f.toString() + ":"), "problem without file:line: " + p);
    }
  }

  @Test
  void problemsAreListedInLineOrder() throws IOException {
    Path f = write("order.conf", "kind = counting\nsteps = 0\n\n\n\n\n\n\n\n\nstepz = 1\n");
    List<String> where = problems(f).stream().map(ConfigProblem::location).toList();
    assertEquals(List.of(f + ":2", f + ":11"), where);
  }

  @Test
  void setOverridesAreValidatedAndSayTheyCameFromSet() throws IOException {
    Path f = write("ok.conf", "kind = counting\n");
    List<ConfigProblem> ps = problems(f, "learner.lr=abc", "stepz=3");
    assertEquals(2, ps.size(), ps.toString());
    ConfigProblem lr = ps.stream().filter(p -> p.path().equals("learner.lr")).findFirst().orElseThrow();
    assertEquals("--set learner.lr=abc", lr.location());
    assertTrue(lr.message().contains("expected a number"), lr.message());
    ConfigProblem typo = ps.stream().filter(p -> p.path().equals("stepz")).findFirst().orElseThrow();
    assertEquals("--set stepz=3", typo.location());
    assertTrue(typo.message().contains("did you mean 'steps'"), typo.message());
  }

  @Test
  void malformedSetAssignmentIsRejected() throws IOException {
    Path f = write("ok.conf", "kind = counting\n");
    ConfigProblem p = only(problems(f, "steps"));
    assertEquals("--set steps", p.location());
    assertTrue(p.message().contains("expected key=value"), p.message());
  }

  @Test
  void setValueThatIsNotHoconIsALiteralString() throws IOException {
    Path f = write("ok.conf", "kind = counting\n");
    RunConfig rc = loader.load(f, "ok", List.of("env_params.id=tmaze?length=50", "tags=[a,b]"));
    assertEquals("tmaze?length=50", rc.config().getString("env_params.id"));
    assertEquals(List.of("a", "b"), rc.config().getStringList("tags"));
  }

  @Test
  void unknownKindListsTheKnownKindsAndClosest() throws IOException {
    ConfigProblem p = only(problems(write("kind.conf", "kind = countin\n")));
    assertEquals("kind", p.path());
    assertTrue(p.message().contains("[counting]") && p.message().contains("did you mean 'counting'"), p.message());
  }

  @Test
  void missingKindIsReported() throws IOException {
    Path f = write("nokind.conf", "steps = 3\n");
    ConfigProblem p = only(problems(f));
    assertEquals(f.toString(), p.location());
    assertTrue(p.message().contains("missing required key"), p.message());
  }

  @Test
  void crossKeyConstraintIsCheckedAfterTypes() throws IOException {
    ConfigProblem p = only(problems(write("cross.conf", "kind = counting\nsteps = 5\nfail_at = 9\n")));
    assertEquals("fail_at, steps", p.path());
    assertTrue(p.message().contains("fail_at < steps"), p.message());
  }

  @Test
  void negativeDurationIsRefusedAtTheSetThatGaveIt() throws IOException {
    // It used to pass, then crash the run after summary.json said "running".
    ConfigProblem p = only(problems(write("ok.conf", "kind = counting\n"), "progress_interval=-1s"));
    assertEquals("--set progress_interval=-1s", p.location());
    assertEquals("progress_interval", p.path());
    assertTrue(p.message().contains(">= 0s"), p.message());
  }

  @Test
  void durationBeyondWhatALongOfNanosecondsHoldsIsRefusedNotSaturated() throws IOException {
    ConfigProblem p = only(problems(write("long.conf", "kind = counting\ntimeout = 1000000000d\n")));
    assertEquals("timeout", p.path());
    assertTrue(p.location().endsWith("long.conf:2"), p.location());
    assertTrue(p.message().contains("too long"), p.message());
  }

  @Test
  void nanAndInfinityAreRefusedEvenWithoutARange() throws IOException {
    Path f = write("ok.conf", "kind = counting\n");
    for (String v : new String[] {"NaN", "Infinity", "-Infinity", "1e400"}) {
      ConfigProblem p = only(problems(f, "eval.success_threshold=" + v));
      assertEquals("--set eval.success_threshold=" + v, p.location());
      assertTrue(p.message().contains("not a finite number"), p.message());
    }
    assertEquals(1e300, loader.load(f, "ok", List.of("eval.success_threshold=1e300")).config()
        .getDouble("eval.success_threshold"), "a huge finite value is a number like any other");
  }

  @Test
  void crossKeyProblemIsPlacedAtTheSetThatBrokeItAndNamesTheOtherKeysSource() throws IOException {
    Path f = write("cross.conf", "kind = counting\nsteps = 5\nfail_at = 3\n");
    ConfigProblem p = only(problems(f, "steps=2"));
    assertEquals("--set steps=2", p.location(), p.toString());
    assertEquals("fail_at, steps", p.path());
    assertTrue(p.message().contains("fail_at at " + f + ":3"), p.message());
  }

  @Test
  void syntaxErrorNamesFileAndLine() throws IOException {
    Path f = write("syntax.conf", "kind = counting\nlearner {\n lr = 0.1\n");
    ConfigProblem p = only(problems(f));
    assertTrue(p.location().startsWith(f.toString()), p.toString());
    assertEquals("(syntax)", p.path());
  }

  @Test
  void missingFileIsReported() {
    ConfigProblem p = only(problems(tmp.resolve("absent.conf")));
    assertTrue(p.message().contains("no such config file"), p.message());
  }

  @Test
  void substitutionsResolveAgainstDefaults() throws IOException {
    Path f = write("subst.conf", "kind = counting\neval.episodes = ${steps}\nsteps = 40\n");
    assertEquals(40, loader.load(f, "subst", List.of()).config().getInt("eval.episodes"));
  }
}
