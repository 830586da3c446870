package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mnemo run --check} warns when an R2D2 config's solved_threshold is below what a random policy already
 * returns on its env: POPGym CartPole's 0.95 pointed at Gym's CartPole-v1 is "solved" by any episode.
 */
class SolvedThresholdWarningTest {

  @TempDir
  Path tmp;

  private Path config() throws IOException {
    Path f = tmp.resolve("pole.conf");
    Files.writeString(f, StandardCli.TINY_R2D2 + "env = \"cartpole/position-only\"\nsolved_threshold = 0.95\n");
    return f;
  }

  @Test
  void popgymThresholdPointedAtGymsCartPoleIsWarnedAboutButStillValid() throws IOException {
    StandardCli cli = new StandardCli();
    assertEquals(0, cli.mnemo("run", config().toString(), "--check", "--set", "env=cartpole"), cli.err());
    assertTrue(cli.err().contains("warning: " + config() + ":17: solved_threshold = 0.95 is below the return of a "
        + "uniformly random policy on env = cartpole (--set env=cartpole)"), cli.err());
  }

  @Test
  void sweepCheckWarnsPerPointAndCountsWhatItDoesNotPrint() throws IOException {
    config();
    Path sweep = tmp.resolve("seeds.conf");
    Files.writeString(sweep, "sweep { base = pole.conf, grid { env = [cartpole] }, seeds = [1, 2, 3, 4, 5, 6, 7] }\n");
    StandardCli cli = new StandardCli();
    assertEquals(0, cli.mnemo("sweep", sweep.toString(), "--check"), cli.err());
    assertEquals(5, cli.err().split("mnemo sweep: warning: ", -1).length - 1, cli.err());
    assertTrue(cli.err().contains("warning: env=cartpole/seed-1: "), cli.err());
    assertTrue(cli.err().contains("... and 2 more warnings"), cli.err());
  }

  @Test
  void thresholdOnItsOwnEnvsScaleOrNoThresholdIsNotWarnedAbout() throws IOException {
    StandardCli own = new StandardCli();
    assertEquals(0, own.mnemo("run", config().toString(), "--check"), own.err());
    assertFalse(own.err().contains("warning"), own.err());
    StandardCli none = new StandardCli();
    assertEquals(0, none.mnemo("run", config().toString(), "--check", "--set", "env=cartpole", "--set",
        "solved_threshold=1e300"), none.err());
    assertFalse(none.err().contains("warning"), none.err());
  }
}
