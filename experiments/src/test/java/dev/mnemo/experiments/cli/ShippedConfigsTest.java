package dev.mnemo.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import dev.mnemo.experiments.run.RunConfig;
import dev.mnemo.experiments.run.RunConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every experiment file under the repository's {@code configs/} validates against the run kinds wired into
 * the CLI, so a renamed key or a kind that is not wired fails the build instead of a user's run. Fragments
 * that other files {@code include} (no {@code kind} of their own) belong in a subdirectory of configs/.
 */
class ShippedConfigsTest {

  /** Surefire runs in the module directory; configs/ sits beside the modules. */
  private static final Path CONFIGS = Path.of("..", "configs");

  @TestFactory
  Stream<DynamicTest> everyShippedConfigValidates() throws IOException {
    if (!Files.isDirectory(CONFIGS)) {
      return Stream.empty();
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(CONFIGS)) {
      files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
    }
    RunConfigLoader loader = new RunConfigLoader(Wiring.standard().kinds());
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      RunConfig rc = loader.load(f, RunConfigLoader.nameOf(f), List.of());
      assertEquals(RunConfigLoader.nameOf(f), rc.name());
    }));
  }

  /**
   * A solved threshold only means something on its env's reward scale (POPGym's 0.95 is a return of 1 on Gym's
   * CartPole-v1), so a shipped one says which scale it is on, and clears the random policy's return.
   */
  @TestFactory
  Stream<DynamicTest> everyShippedThresholdSaysItsScaleAndClearsTheRandomPolicy() throws IOException {
    if (!Files.isDirectory(CONFIGS)) {
      return Stream.empty();
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(CONFIGS)) {
      files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
    }
    RunConfigLoader loader = new RunConfigLoader(Wiring.standard().kinds());
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      Config file = ConfigFactory.parseFile(f.toFile());
      if (file.hasPath("solved_threshold")) {
        String comments = String.join(" ", file.getValue("solved_threshold").origin().comments());
        assertTrue(comments.contains("scale"), f + ": solved_threshold needs a comment saying which reward scale "
            + "it is on, got: '" + comments + "'");
      }
      RunConfig rc = loader.load(f, RunConfigLoader.nameOf(f), List.of());
      assertEquals(List.of(), rc.kind().warnings(rc.config()), f.toString());
    }));
  }
}
