package dev.mnemo.learners.r2d2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.mnemo.envs.EnvRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class R2d2ConfigTest {

  /** configs/ at the repository root (tests run in the module directory). */
  static Path configsDir() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("configs"))) {
      p = p.getParent();
    }
    assertTrue(p != null, "no configs/ directory above " + Path.of("").toAbsolutePath());
    return p.resolve("configs");
  }

  @Test
  void referenceConfHoldsThePapersDefaults() {
    Config ref = ConfigFactory.parseResources("reference.conf").getConfig("mnemo.r2d2");
    assertEquals(R2d2Config.paper().withRun("", 0, 1_000_000).toMap().keySet(), ref.root().unwrapped().keySet(),
        "reference.conf must hold exactly the record's keys");
    R2d2Config fromRef = R2d2Config.fromMap(ref.root().unwrapped());
    R2d2Config paper = R2d2Config.paper();
    Map<String, Object> a = fromRef.toMap();
    Map<String, Object> b = paper.toMap();
    for (String k : b.keySet()) {
      if (!k.equals("solved_threshold")) {
        assertEquals(b.get(k), a.get(k), "reference.conf " + k);
      }
    }
    assertEquals(40, paper.burnIn());
    assertEquals(80, paper.traceLength());
    assertEquals(5, paper.nStep());
    assertEquals(0.997, paper.gamma());
    assertEquals(2500, paper.targetPeriod());
    assertEquals(64, paper.batchSize());
    assertEquals(1e-4, paper.learningRate());
    assertEquals(1e-3, paper.adamEpsilon());
    assertEquals("actor", paper.initialPriority(), "the paper's actors compute a new sequence's priority");
    assertTrue(paper.actorPriority());
  }

  @Test
  void everyR2d2ConfigFileParsesAndNamesARealEnv() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(configsDir())) {
      files = s.filter(p -> p.getFileName().toString().matches("(quickstart|r2d2-.*)\\.conf")).sorted().toList();
    }
    assertTrue(files.size() >= 7, "expected quickstart and six r2d2-*.conf files, found " + files);
    for (Path f : files) {
      Config c = ConfigFactory.parseFile(f.toFile());
      R2d2Config rc = R2d2Config.fromMap(c.root().unwrapped());
      assertEquals("r2d2", c.getString("kind"), f + ": kind");
      assertTrue(rc.solvedThreshold() < 1e299, f + " must set a solved_threshold");
      EnvRegistry.make(rc.env()); // throws, naming valid ids, if the env does not exist
      assertTrue(rc.sequencePeriod() <= rc.traceLength(), f + ": period must be <= trace_length");
    }
  }

  @Test
  void unknownKeysAndBadValuesAreRefusedByName() {
    var e = assertThrows(IllegalArgumentException.class, () -> R2d2Config.fromMap(Map.of("burnin", 3)));
    assertTrue(e.getMessage().contains("'burnin'") && e.getMessage().contains("burn_in"), e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> R2d2Config.fromMap(Map.of("lstm_size", "big")));
    assertTrue(e2.getMessage().contains("lstm_size"), e2.getMessage());
    assertEquals(48, R2d2Config.fromMap(Map.of("lstm_size", 48)).coreSize(), "lstm_size: deprecated alias");
    assertEquals("lstm", R2d2Config.fromMap(Map.of("lstm_size", 48)).core());
    var both = assertThrows(IllegalArgumentException.class,
        () -> R2d2Config.fromMap(Map.of("lstm_size", 48, "core_size", 64)));
    assertTrue(both.getMessage().contains("lstm_size") && both.getMessage().contains("core_size"), both.getMessage());
    var badCore = assertThrows(IllegalArgumentException.class, () -> R2d2Config.fromMap(Map.of("core", "tcn")));
    assertTrue(badCore.getMessage().contains("tcn") && badCore.getMessage().contains("lstm"), badCore.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class, () -> R2d2Config.fromMap(Map.of("gamma", 1.5)));
    assertTrue(e3.getMessage().contains("gamma"), e3.getMessage());
    assertEquals(List.of(16, 8), R2d2Config.fromMap(Map.of("encoder_sizes", List.of(16, 8))).encoderSizes());
    var badPriority = assertThrows(IllegalArgumentException.class,
        () -> R2d2Config.fromMap(Map.of("initial_priority", "learner")));
    assertTrue(badPriority.getMessage().contains("initial_priority") && badPriority.getMessage().contains("'max'"),
        badPriority.getMessage());
    assertTrue(!R2d2Config.fromMap(Map.of("initial_priority", "max")).actorPriority());
  }

  @Test
  void nanThresholdAndNonPositiveEncoderWidthsAreRefusedByName() {
    // A NaN threshold compares false with every return: "solved" would silently vanish from the summary.
    var nan = assertThrows(IllegalArgumentException.class,
        () -> R2d2Config.fromMap(Map.of("solved_threshold", Double.NaN)));
    assertTrue(nan.getMessage().contains("solved_threshold"), nan.getMessage());
    assertEquals(1e300, R2d2Config.fromMap(Map.of("solved_threshold", 1e300)).solvedThreshold(),
        "a huge threshold is the documented 'none'");
    var width = assertThrows(IllegalArgumentException.class,
        () -> R2d2Config.fromMap(Map.of("encoder_sizes", List.of(16, 0))));
    assertTrue(width.getMessage().contains("encoder_sizes"), width.getMessage());
  }

  @Test
  void actorEpsilonsFollowTheApeXLadder() {
    assertEquals(0.4, R2d2Config.actorEpsilon(0, 8, 0.4, 7), 1e-12);
    assertEquals(Math.pow(0.4, 8), R2d2Config.actorEpsilon(7, 8, 0.4, 7), 1e-12);
    assertEquals(Math.pow(0.4, 1 + 7 * 3 / 7.0), R2d2Config.actorEpsilon(3, 8, 0.4, 7), 1e-12);
  }
}
