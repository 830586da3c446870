package dev.mnemo.experiments.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {

  @Test
  void schemaRefusesDefaultsThatBreakItsOwnRules() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ConfigSchema.builder("bad")
        .defaults("lr = 5\nextra = 1\n")
        .key(KeyRule.ofDouble("lr").range(Range.openClosed(0, 1)))
        .build());
    assertTrue(e.getMessage().contains("lr") && e.getMessage().contains("(0, 1]"), e.getMessage());
    assertTrue(e.getMessage().contains("extra") && e.getMessage().contains("unknown key"), e.getMessage());
  }

  @Test
  void keyBelowAValueKeyIsRefused() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ConfigSchema.builder("nested")
        .key(KeyRule.ofInt("a")).key(KeyRule.ofInt("a.b")).build());
    assertTrue(e.getMessage().contains("a.b"), e.getMessage());
  }

  @Test
  void requiredKeyWithoutDefaultMustBeGiven() {
    ConfigSchema s = ConfigSchema.builder("req").key(KeyRule.ofString("env").doc("environment id")).build();
    List<ConfigProblem> ps = s.validate(ConfigFactory.empty(), "x.conf");
    assertEquals(1, ps.size(), ps.toString());
    assertEquals("x.conf", ps.get(0).location());
    assertTrue(ps.get(0).message().contains("missing required key") && ps.get(0).message().contains("environment id"),
        ps.get(0).message());
    assertTrue(s.validate(ConfigFactory.parseString("env = cartpole"), "x.conf").isEmpty());
  }

  @Test
  void requiredKeySetToNullIsOneProblemNotTwo() {
    ConfigSchema s = ConfigSchema.builder("req").key(KeyRule.ofInt("n")).build();
    List<ConfigProblem> ps = s.validate(ConfigFactory.parseString("n = null"), "x.conf");
    assertEquals(1, ps.size(), ps.toString());
    assertTrue(ps.get(0).message().contains("got null"), ps.get(0).message());
  }

  @Test
  void optionalKeyMayBeAbsentOrNull() {
    ConfigSchema s = ConfigSchema.builder("opt").key(KeyRule.ofDouble("threshold").optional()).build();
    assertTrue(s.validate(ConfigFactory.empty(), "x").isEmpty());
    assertTrue(s.validate(ConfigFactory.parseString("threshold = null"), "x").isEmpty());
    assertFalse(s.validate(ConfigFactory.parseString("threshold = high"), "x").isEmpty());
  }

  @Test
  void integerKeysRejectValuesBeyondTheirWidth() {
    ConfigSchema s = ConfigSchema.builder("w").key(KeyRule.ofInt("n").optional()).key(KeyRule.ofLong("m").optional())
        .build();
    assertFalse(s.validate(ConfigFactory.parseString("n = 3000000000"), "x").isEmpty());
    assertTrue(s.validate(ConfigFactory.parseString("m = 3000000000"), "x").isEmpty());
  }

  @Test
  void numericStringsCountAsNumbersLikeTypesafeConfigReadsThem() {
    ConfigSchema s = ConfigSchema.builder("n").key(KeyRule.ofInt("n").optional()).build();
    assertTrue(s.validate(ConfigFactory.parseString("n = \"12\""), "x").isEmpty());
  }

  @Test
  void mergingSchemasWithTheSameKeyFails() {
    ConfigSchema a = ConfigSchema.builder("a").key(KeyRule.ofInt("n").optional()).build();
    ConfigSchema b = ConfigSchema.builder("b").key(KeyRule.ofInt("n").optional()).build();
    assertThrows(IllegalArgumentException.class, () -> a.plus(b));
  }

  @Test
  void rangeDescriptionsReadAsIntervals() {
    assertEquals("in [1, 10]", Range.closed(1, 10).describe());
    assertEquals("in (0, 1]", Range.openClosed(0, 1).describe());
    assertEquals("> 0", Range.greaterThan(0).describe());
    assertEquals("<= 0.5", Range.atMost(0.5).describe());
    assertTrue(Range.closedOpen(0, 1).contains(0));
    assertFalse(Range.closedOpen(0, 1).contains(1));
    assertFalse(Range.closed(0, 1).contains(Double.NaN));
  }

  @Test
  void durationRulesRefuseNegativesAndSayTheirMinimumAsADuration() {
    ConfigSchema s = ConfigSchema.builder("d").defaults("grace = 60s\ntick = 1s\n")
        .key(KeyRule.ofDuration("grace")).key(KeyRule.ofDuration("tick").atLeast(java.time.Duration.ofMillis(1)))
        .build();
    assertEquals("a duration such as 500ms, 30s or 10m, >= 1ms", s.rule("tick").orElseThrow().expectation());
    assertTrue(s.validate(ConfigFactory.parseString("grace = 0s").withFallback(s.defaults()), "x").isEmpty());
    List<ConfigProblem> ps = s.validate(ConfigFactory.parseString("grace = -1s\ntick = 0s")
        .withFallback(s.defaults()), "x");
    assertEquals(List.of("grace", "tick"), ps.stream().map(ConfigProblem::path).toList(), ps.toString());
    assertThrows(IllegalStateException.class, () -> ConfigSchema.builder("bad").defaults("grace = -5s")
        .key(KeyRule.ofDuration("grace")).build(), "a negative default breaks the generic rule");
  }

  @Test
  void checkFailureGoesToTheKeyWhoseValueBreaksItNotToTheKeysTheCheckDeclares() {
    // Like R2d2Config's own validation: the check reads every key but declares two; it reports the first
    // problem it meets, so putting a declared key back to its default changes the message without fixing it.
    ConfigSchema s = ConfigSchema.builder("rec").defaults("low = 50\nhigh = 100\nperiod = 2\n")
        .key(KeyRule.ofInt("low")).key(KeyRule.ofInt("high")).key(KeyRule.ofInt("period"))
        .check("the record is consistent", c -> {
          if (c.getInt("low") > c.getInt("high")) {
            throw new IllegalArgumentException("low " + c.getInt("low") + " exceeds high " + c.getInt("high"));
          }
          if (c.getInt("period") < 1) {
            throw new IllegalArgumentException("period must be >= 1, got " + c.getInt("period"));
          }
        }, "low", "high")
        .build();
    com.typesafe.config.Config file = ConfigFactory.parseString("low = 5\nhigh = 10\n",
        com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("exp.conf"));
    ConfigProblem p = only(s.validate(Overrides.parse(List.of("period=-1")).withFallback(file)
        .withFallback(s.defaults()).resolve(), "exp.conf"));
    assertEquals("--set period=-1", p.location(), p.toString());
    assertEquals("period", p.path());

    ConfigProblem both = only(s.validate(Overrides.parse(List.of("high=3")).withFallback(file)
        .withFallback(s.defaults()).resolve(), "exp.conf"));
    assertEquals("--set high=3", both.location(), both.toString());
    assertEquals("low, high", both.path());
    assertTrue(both.message().contains("low at exp.conf"), both.message());
  }

  private static ConfigProblem only(List<ConfigProblem> ps) {
    assertEquals(1, ps.size(), ps.toString());
    return ps.get(0);
  }

  @Test
  void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
    assertEquals(0, EditDistance.between("lr", "lr"));
    assertEquals(1, EditDistance.between("lrr", "lr"));
    assertEquals(1, EditDistance.between("learner.lr", "lerner.lr"));
    assertEquals(3, EditDistance.between("kitten", "sitting"));
    assertEquals("steps", EditDistance.closest("stepz", List.of("seed", "steps", "eval")).orElseThrow());
  }
}
