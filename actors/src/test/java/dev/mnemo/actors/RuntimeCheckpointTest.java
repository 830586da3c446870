package dev.mnemo.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.learners.agent.Learner;
import dev.mnemo.replay.PrioritizedSequenceReplay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which checkpoint a resume takes, what it refuses, and what the periodic ones keep. */
class RuntimeCheckpointTest {

  @TempDir
  Path dir;

  private final TinyConfigs.R2d2Setup setup = TinyConfigs.setup(TinyConfigs.r2d2(1_000));
  private final Learner learner = setup.builder().newLearner(setup.shapes());
  private final PrioritizedSequenceReplay replay = new PrioritizedSequenceReplay(setup.replayConfig(true));

  private RuntimeCounters counters(long envSteps) {
    RuntimeCounters c = new RuntimeCounters();
    c.restore(new RuntimeCheckpoint.Counts(envSteps, envSteps / 10, 1.5 * envSteps, envSteps / 4, envSteps / 5, 0));
    return c;
  }

  @Test
  void countsRoundTripAndTheNewestCheckpointIsTakenTheFinalOneOnATie() throws Exception {
    RuntimeCheckpoint.writeInterval(dir, learner, replay, counters(100), 5);
    RuntimeCheckpoint.writeInterval(dir, learner, replay, counters(300), 5);
    RuntimeCheckpoint.write(dir, learner, replay, counters(200));
    RuntimeCheckpoint.Found f = RuntimeCheckpoint.latest(dir);
    assertEquals(dir.resolve(String.format("interval-%012d-%012d", 300, 0)), f.dir(),
        "most env steps wins, wherever it is");
    assertEquals(new RuntimeCheckpoint.Counts(300, 30, 450.0, 75, 60, 0), f.counts());

    RuntimeCheckpoint.write(dir, learner, replay, counters(300));
    assertEquals(dir, RuntimeCheckpoint.latest(dir).dir(), "the final checkpoint wins a tie");
  }

  @Test
  void periodicCheckpointsKeepTheNewestKAndIgnoreATornOne() throws Exception {
    Files.createDirectories(dir.resolve(".interval-000000000999-000000000000.tmp")); // a kill mid-write
    for (long s : new long[] {100, 200, 300, 400}) {
      RuntimeCheckpoint.writeInterval(dir, learner, replay, counters(s), 2);
    }
    List<String> kept = RuntimeCheckpoint.intervals(dir).stream().map(p -> p.getFileName().toString()).toList();
    assertEquals(List.of(String.format("interval-%012d-%012d", 300, 0), String.format("interval-%012d-%012d", 400, 0)),
        kept);
    assertTrue(!Files.exists(dir.resolve(".interval-000000000999-000000000000.tmp")), "a torn one is removed");
    assertEquals(400, RuntimeCheckpoint.latest(dir).counts().envSteps());
  }

  @Test
  void aMissingOrForeignFileIsRefusedNamingItAndNoCheckpointSaysSo() throws Exception {
    IllegalStateException none = assertThrows(IllegalStateException.class, () -> RuntimeCheckpoint.latest(dir));
    assertTrue(none.getMessage().contains("no checkpoint") && none.getMessage().contains("checkpoint_interval"),
        none.getMessage());

    RuntimeCheckpoint.writeInterval(dir, learner, replay, counters(100), 2);
    Path older = RuntimeCheckpoint.latest(dir).dir();
    RuntimeCheckpoint.write(dir, learner, replay, counters(200));
    Files.write(dir.resolve(RuntimeCheckpoint.REPLAY), new byte[] {1, 2, 3}); // not the replay it recorded
    IllegalStateException foreign = assertThrows(IllegalStateException.class, () -> RuntimeCheckpoint.latest(dir));
    assertTrue(foreign.getMessage().contains(dir.resolve(RuntimeCheckpoint.REPLAY).toString())
        && foreign.getMessage().contains(older.toString()), "names the file and the older checkpoint: "
        + foreign.getMessage());

    Files.delete(dir.resolve(RuntimeCheckpoint.LEARNER));
    IllegalStateException missing = assertThrows(IllegalStateException.class, () -> RuntimeCheckpoint.latest(dir));
    assertTrue(missing.getMessage().contains("learner.ckpt is missing") && missing.getMessage().contains("200 env steps"),
        missing.getMessage());
  }

  @Test
  void aCheckpointFromBeforeRuntimeCkptResumesWithCountersFromZero() throws Exception {
    learner.save(dir.resolve(RuntimeCheckpoint.LEARNER));
    replay.checkpoint(dir.resolve(RuntimeCheckpoint.REPLAY));
    RuntimeCheckpoint.Found f = RuntimeCheckpoint.latest(dir);
    assertEquals(dir, f.dir());
    assertNull(f.counts());
  }
}
