package dev.mnemo.experiments.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schemas built from the modules' own reference.conf (the real files on the classpath). */
class ModuleDefaultsSchemaTest {

  private static ConfigSchema replay() {
    return ConfigSchema.builder("replay").defaultsFromClasspath("reference.conf", "mnemo.replay")
        .inferRules("mnemo.replay").build();
  }

  private static List<ConfigProblem> check(ConfigSchema s, String userHocon) {
    Config user = ConfigFactory.parseString(userHocon);
    return s.validate(user.withFallback(s.defaults()).resolve(), "user.conf");
  }

  @Test
  void inferredRulesTakeTypeFromTheDefaultAndDocFromItsComment() {
    ConfigSchema s = replay();
    assertEquals(ValueType.INT, s.rule("mnemo.replay.capacity").orElseThrow().type());
    assertEquals(ValueType.DOUBLE, s.rule("mnemo.replay.priority-exponent").orElseThrow().type());
    assertEquals(ValueType.BOOLEAN, s.rule("mnemo.replay.sequence.store-zero-state").orElseThrow().type());
    assertEquals(ValueType.STRING, s.rule("mnemo.replay.sequence.boundary").orElseThrow().type());
    assertTrue(s.rule("mnemo.replay.capacity").orElseThrow().doc().contains("Sequences held"),
        s.rule("mnemo.replay.capacity").orElseThrow().doc());
    assertTrue(s.rules().keySet().stream().allMatch(k -> k.startsWith("mnemo.replay.")),
        "only the chosen subtree, not Pekko's reference.conf: " + s.rules().keySet());
  }

  @Test
  void userConfigIsCheckedAgainstAModulesDefaults() {
    List<ConfigProblem> ps = check(replay(), "mnemo.replay { capacity = lots, sequence.burnin = 3 }");
    assertEquals(2, ps.size(), ps.toString());
    assertTrue(ps.stream().anyMatch(p -> p.path().equals("mnemo.replay.capacity")
        && p.message().contains("expected an integer")), ps.toString());
    assertTrue(ps.stream().anyMatch(p -> p.path().equals("mnemo.replay.sequence.burnin")
        && p.message().contains("did you mean 'mnemo.replay.sequence.burn-in'")), ps.toString());
  }

  @Test
  void explicitRuleWinsOverTheInferredOne() {
    ConfigSchema s = ConfigSchema.builder("replay").defaultsFromClasspath("reference.conf", "mnemo.replay")
        .key(KeyRule.ofInt("mnemo.replay.capacity").atLeast(1)).inferRules("mnemo.replay").build();
    List<ConfigProblem> ps = check(s, "mnemo.replay.capacity = 0");
    assertEquals(1, ps.size(), ps.toString());
    assertTrue(ps.get(0).message().contains("an integer >= 1"), ps.get(0).message());
  }

  @Test
  void moduleCheckTurnsItsOwnErrorIntoAProblemBeforeAnythingStarts() {
    ConfigSchema s = ConfigSchema.builder("envs").defaultsFromClasspath("reference.conf", "mnemo.envs")
        .inferRules("mnemo.envs")
        .check("mnemo.envs parses", c -> {
          EnvSettings.from(k -> c.getString("mnemo.envs." + k));
          EnvRegistry.make(c.getString("mnemo.envs.id"));
        }, "mnemo.envs.num-envs")
        .build();
    List<ConfigProblem> ps = check(s, "mnemo.envs.num-envs = 0");
    assertEquals(1, ps.size(), ps.toString());
    assertTrue(ps.get(0).message().contains("num-envs must be >= 1, got 0"), ps.get(0).message());
    ps = check(s, "mnemo.envs.id = \"tmaze?lenght=5\"");
    assertEquals(1, ps.size(), ps.toString());
    assertTrue(ps.get(0).message().contains("lenght"), ps.get(0).message());
    assertTrue(check(s, "mnemo.envs.id = \"tmaze?length=5\"").isEmpty());
  }

  @Test
  void missingModuleSubtreeIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigSchema.builder("x").defaultsFromClasspath("reference.conf", "mnemo.nothing"));
    assertTrue(e.getMessage().contains("mnemo.nothing"), e.getMessage());
  }

  @Test
  void nullDefaultBecomesAnOptionalKey() {
    ConfigSchema s = ConfigSchema.builder("n").defaults("a { b = null, c = 1 }").inferRules("a").build();
    assertTrue(s.rule("a.b").orElseThrow().mayBeAbsent());
    assertTrue(check(s, "a.b = hello").isEmpty());
  }
}
