package dev.mnemo.replay;

import static dev.mnemo.replay.ReplayFixtures.config;
import static dev.mnemo.replay.ReplayFixtures.fill;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCheckpointTest {
  @TempDir
  Path dir;

  /** A replay with evictions, updates (some stale) and samples behind it. */
  private static PrioritizedSequenceReplay busy(long seed) throws InterruptedException {
    PrioritizedSequenceReplay r = new PrioritizedSequenceReplay(config(6, 0.7, 0.5, seed));
    SequenceBatch one = r.newBatch(1);
    SequenceBatch b = r.newBatch(4);
    for (int i = 0; i < 15; i++) {
      fill(one, 0, i);
      r.accept(one, 0, i % 3 == 0 ? SequenceSink.MAX_PRIORITY : 0.5f + i);
      if (i % 4 == 3) {
        r.sample(b);
        float[] p = {0.3f * i, 2f, 0.1f, 7f};
        r.updatePriorities(b, p);
      }
    }
    r.updatePriorities(new int[] {0}, new long[] {0}, new float[] {9f}, 1); // stale
    return r;
  }

  /** Applies the same operations to a replay and returns everything observable. */
  private static String continueWith(PrioritizedSequenceReplay r) throws InterruptedException {
    StringBuilder log = new StringBuilder();
    SequenceBatch one = r.newBatch(1);
    SequenceBatch b = r.newBatch(5);
    for (int i = 100; i < 110; i++) {
      fill(one, 0, i);
      r.accept(one, 0, i % 2 == 0 ? SequenceSink.MAX_PRIORITY : 1.5f);
      r.sample(b);
      for (int k = 0; k < 5; k++) {
        log.append(ReplayFixtures.verify(b, k)).append('@').append(b.slots[k]).append('/')
            .append(b.generations[k]).append(':').append(b.weights[k]).append(' ');
      }
      float[] p = new float[5];
      for (int k = 0; k < 5; k++) {
        p[k] = 0.25f * (k + i % 3);
      }
      r.updatePriorities(b, p);
      log.append('\n');
    }
    return log + r.stats().toString();
  }

  @Test
  void restoreContinuesGenerationsPrioritiesFifoOrderAndSamplingExactly() throws Exception {
    PrioritizedSequenceReplay original = busy(5);
    Path file = dir.resolve("replay.ckpt");
    original.checkpoint(file);
    PrioritizedSequenceReplay restored = new PrioritizedSequenceReplay(config(6, 0.7, 0.5, 12345));
    restored.restore(file);
    assertEquals(original.stats(), restored.stats(), "counters after restore");
    for (int slot = 0; slot < 6; slot++) {
      for (long g = 9; g < 15; g++) {
        assertEquals(original.priority(slot, g), restored.priority(slot, g), "priority of (" + slot + ", " + g + ")");
      }
    }
    String a = continueWith(original);
    String b = continueWith(restored);
    assertEquals(a, b, "the restored replay must insert, evict, sample and update exactly as the original");
    assertTrue(a.contains("@"), "the continuation sampled nothing");
  }

  @Test
  void checkpointIsWrittenAtomicallyAndOverwritesTheOldOne() throws Exception {
    PrioritizedSequenceReplay r = busy(1);
    Path file = dir.resolve("replay.ckpt");
    Files.writeString(file, "old");
    r.checkpoint(file);
    r.checkpoint(file);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "temporary files left next to the checkpoint");
    }
    PrioritizedSequenceReplay copy = new PrioritizedSequenceReplay(config(6, 0.7, 0.5, 1));
    copy.restore(file);
    assertEquals(r.stats(), copy.stats());
  }

  private void assertRefusedAndUnchanged(Path bad, String expectedInMessage) throws Exception {
    PrioritizedSequenceReplay target = busy(77);
    String before = target.stats().toString();
    Path probe = dir.resolve("probe.ckpt");
    target.checkpoint(probe);
    byte[] snapshot = Files.readAllBytes(probe);
    ReplayCheckpointException e = assertThrows(ReplayCheckpointException.class, () -> target.restore(bad));
    assertTrue(e.getMessage().contains(expectedInMessage), "message: " + e.getMessage());
    assertEquals(before, target.stats().toString(), "counters changed by a refused restore");
    target.checkpoint(probe);
    assertArrayEquals(snapshot, Files.readAllBytes(probe), "contents changed by a refused restore");
  }

  @Test
  void truncatedFileIsRefusedAndNothingChanges() throws Exception {
    Path file = dir.resolve("good.ckpt");
    busy(3).checkpoint(file);
    byte[] bytes = Files.readAllBytes(file);
    Path cut = dir.resolve("cut.ckpt");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 37));
    assertRefusedAndUnchanged(cut, "truncated");
    Files.write(cut, java.util.Arrays.copyOf(bytes, 20));
    assertRefusedAndUnchanged(cut, "truncated");
  }

  @Test
  void corruptedByteIsRefusedByTheChecksumAndNothingChanges() throws Exception {
    Path file = dir.resolve("good.ckpt");
    busy(3).checkpoint(file);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Path bad = dir.resolve("bad.ckpt");
    Files.write(bad, bytes);
    assertRefusedAndUnchanged(bad, "checksum mismatch");
  }

  @Test
  void otherFilesAndOtherLayoutsAreRefused() throws Exception {
    Path junk = dir.resolve("junk.ckpt");
    Files.write(junk, new byte[500]);
    assertRefusedAndUnchanged(junk, "not a Mnemo replay checkpoint");
    Path other = dir.resolve("other.ckpt");
    new PrioritizedSequenceReplay(config(7, 0.7, 0.5, 1)).checkpoint(other);
    assertRefusedAndUnchanged(other, "capacity=7");
    assertRefusedAndUnchanged(dir.resolve("missing.ckpt"), "does not exist");
  }

  @Test
  void restoreOfAnEmptyCheckpointEmptiesTheReplay() throws IOException, InterruptedException {
    Path file = dir.resolve("empty.ckpt");
    new PrioritizedSequenceReplay(config(6, 0.7, 0.5, 1)).checkpoint(file);
    PrioritizedSequenceReplay r = busy(2);
    r.restore(file);
    assertEquals(0, r.size());
    assertEquals(0, r.stats().inserts());
  }

  @Test
  void restoreUnderAnotherPriorityExponentRebuildsTheTree() throws Exception {
    Path file = dir.resolve("alpha.ckpt");
    busy(4).checkpoint(file);
    PrioritizedSequenceReplay uniform = new PrioritizedSequenceReplay(config(6, 0.0, 0.5, 1));
    uniform.restore(file);
    SequenceBatch b = uniform.newBatch(6);
    uniform.sample(b);
    for (int k = 0; k < 6; k++) {
      assertEquals(1f, b.weights[k], 1e-6f, "alpha 0 after restore: every P equal, so every weight 1");
    }
  }
}
