package dev.mnemo.learners.r2d2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.r2d2.RecurrentQSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class R2d2LearnerTest {

  static final int OBS = 3;
  static final int ACTIONS = 2;

  static R2d2Learner learner(R2d2Config c) {
    RecurrentQSpec spec = R2d2Learner.specFor(c, OBS, ACTIONS);
    return new R2d2Learner(spec, c);
  }

  @Test
  void learnerReducesTdErrorOnAFixedBatch() {
    R2d2Config c = TestBatches.small(true, 10_000, 3e-3);
    R2d2Learner l = learner(c);
    TrainingBatch b = TestBatches.random(c, OBS, ACTIONS, 1);
    UpdateStats before = l.evaluate(b);
    for (int i = 0; i < 150; i++) {
      l.update(b);
    }
    UpdateStats after = l.evaluate(b);
    assertTrue(after.loss() < 0.3 * before.loss(), "loss " + before.loss() + " -> " + after.loss()
        + ": expected below 30% of the start");
    assertTrue(after.meanAbsTd() < before.meanAbsTd(), "mean |delta| " + before.meanAbsTd() + " -> "
        + after.meanAbsTd());
    assertEquals(150, l.updates());
  }

  @Test
  void paddedStepsChangeNeitherLossNorUpdate() {
    R2d2Config c = TestBatches.small(true, 10_000, 1e-3);
    TrainingBatch a = TestBatches.random(c, OBS, ACTIONS, 2);
    TrainingBatch b = TestBatches.random(c, OBS, ACTIONS, 2);
    int len = c.sequenceLength();
    // sequence 1 terminated at step 9: scramble everything stored at its padding steps
    for (int t = 10; t < len; t++) {
      int i = len + t;
      b.actions()[i] = 1;
      b.rewards()[i] = 1000;
      b.prevRewards()[i] = -1000;
      for (int k = 0; k < OBS; k++) {
        b.obs()[i * OBS + k] = 77;
      }
    }
    R2d2Learner la = learner(c);
    R2d2Learner lb = learner(c);
    UpdateStats sa = la.update(a);
    UpdateStats sb = lb.update(b);
    assertEquals(sa.loss(), sb.loss(), 0.0, "loss must ignore padded steps");
    assertArrayEquals(sa.priorities(), sb.priorities(), "priorities must ignore padded steps");
    assertArrayEquals(la.onlineParams(), lb.onlineParams(), "the update must ignore padded steps");
  }

  @Test
  void burnInStartsFromTheStoredStateAndZeroStateModeIgnoresIt() {
    TrainingBatch b = TestBatches.random(TestBatches.small(true, 100, 1e-3), OBS, ACTIONS, 3);
    float[] other = b.state0().clone();
    for (int i = 0; i < other.length; i++) {
      other[i] = -other[i] + 0.7f;
    }
    TrainingBatch b2 = TestBatches.withState(b, other);

    R2d2Learner stored = learner(TestBatches.small(true, 100, 1e-3));
    double l1 = stored.evaluate(b).loss();
    double l2 = stored.evaluate(b2).loss();
    assertNotEquals(l1, l2, "with stored state, the replayed state must change Q and the loss");

    R2d2Learner zero1 = learner(TestBatches.small(false, 100, 1e-3));
    R2d2Learner zero2 = learner(TestBatches.small(false, 100, 1e-3));
    UpdateStats z1 = zero1.update(b);
    UpdateStats z2 = zero2.update(b2);
    assertEquals(z1.loss(), z2.loss(), 0.0, "zero-state mode must ignore the stored state");
    assertArrayEquals(zero1.onlineParams(), zero2.onlineParams(), "zero-state update must ignore it");
  }

  @Test
  void targetNetworkIsCopiedEveryTargetPeriodUpdates() {
    R2d2Config c = TestBatches.small(true, 3, 1e-3);
    R2d2Learner l = learner(c);
    TrainingBatch b = TestBatches.random(c, OBS, ACTIONS, 4);
    float[] initial = l.targetParams();
    l.update(b);
    l.update(b);
    assertArrayEquals(initial, l.targetParams(), "target must stay fixed before update 3");
    assertFalse(Arrays.equals(initial, l.onlineParams()), "online must have moved");
    l.update(b);
    assertArrayEquals(l.onlineParams(), l.targetParams(), "target must equal online after update 3");
  }

  @Test
  void checkpointRoundTripContinuesBitExactly(@TempDir Path dir) {
    R2d2Config c = TestBatches.small(true, 2, 1e-3);
    TrainingBatch b1 = TestBatches.random(c, OBS, ACTIONS, 5);
    TrainingBatch b2 = TestBatches.random(c, OBS, ACTIONS, 6);
    R2d2Learner a = learner(c);
    a.update(b1);
    a.update(b2);
    a.update(b1);
    Path file = dir.resolve("learner.ckpt");
    a.save(file);
    UpdateStats a4 = a.update(b2);
    a.update(b1);

    R2d2Learner fresh = learner(c.withRun("test", 999L, 1000)); // other seed: other initial params
    fresh.restore(file);
    assertEquals(3, fresh.updates());
    UpdateStats f4 = fresh.update(b2);
    fresh.update(b1);
    assertEquals(a4.loss(), f4.loss(), 0.0, "loss after restore");
    assertArrayEquals(a.onlineParams(), fresh.onlineParams(), "online params must continue bit-exactly");
    assertArrayEquals(a.targetParams(), fresh.targetParams(), "target params must continue bit-exactly");
    assertEquals(5, fresh.updates());
  }

  @Test
  void corruptCheckpointIsRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
    R2d2Config c = TestBatches.small(true, 2, 1e-3);
    R2d2Learner a = learner(c);
    Path file = dir.resolve("learner.ckpt");
    a.save(file);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(file, bytes);
    var e = assertThrows(IllegalStateException.class, () -> learner(c).restore(file));
    assertTrue(e.getMessage().contains("corrupt checkpoint") && e.getMessage().contains("CRC32"),
        e.getMessage());
    Files.write(file, Arrays.copyOf(bytes, 5));
    var e2 = assertThrows(IllegalStateException.class, () -> learner(c).restore(file));
    assertTrue(e2.getMessage().contains("corrupt checkpoint"), e2.getMessage());
  }

  @Test
  void checkpointOfAnotherNetworkIsRefused(@TempDir Path dir) {
    R2d2Config c = TestBatches.small(true, 2, 1e-3);
    Path file = dir.resolve("learner.ckpt");
    learner(c).save(file);
    R2d2Learner other = new R2d2Learner(R2d2Learner.specFor(c, OBS + 1, ACTIONS), c);
    var e = assertThrows(IllegalStateException.class, () -> other.restore(file));
    assertTrue(e.getMessage().contains("was written for"), e.getMessage());
  }

  @Test
  void gemmAndSameDiffEnginesTakeTheSameStep() {
    R2d2Config g = TestBatches.small(true, 100, 1e-3);
    R2d2Config sd = new R2d2Config("test", 42L, 4, 4, 8, 4, 2, 0.9, g.encoderSizes(), "lstm", 16, 16, 8, 1e-3,
        1e-3, 40.0, 100, 0.9, "actor", 0.9, 0.6, 100, 8, 4.0, 0.1, 400, 0.4, 7.0, true, 1000, 100, 2, 1.0, 50,
        "samediff");
    TrainingBatch b = TestBatches.random(g, OBS, ACTIONS, 8);
    R2d2Learner lg = learner(g);
    R2d2Learner ls = learner(sd);
    UpdateStats a = lg.update(b);
    UpdateStats c = ls.update(b);
    assertEquals(c.loss(), a.loss(), 1e-5 * Math.max(1, c.loss()), "loss");
    assertEquals(c.gradNorm(), a.gradNorm(), 1e-4 * Math.max(1, c.gradNorm()), "gradient norm");
    float[] pg = lg.onlineParams();
    float[] ps = ls.onlineParams();
    for (int i = 0; i < pg.length; i++) {
      assertEquals(ps[i], pg[i], 1e-5, "parameter " + i + " after one step");
    }
  }

  @Test
  void batchOfTheWrongLengthIsRefused() {
    R2d2Config c = TestBatches.small(true, 2, 1e-3);
    R2d2Config longer = new R2d2Config("test", 42L, 4, 6, 8, 4, 2, 0.9, c.encoderSizes(), "lstm", 16, 16, 8, 1e-3,
        1e-3, 40.0, 2, 0.9, "actor", 0.9, 0.6, 100, 8, 4.0, 0.1, 400, 0.4, 7.0, true, 1000, 100, 2, 1.0, 50,
        "gemm");
    TrainingBatch b = TestBatches.random(longer, OBS, ACTIONS, 7);
    var e = assertThrows(IllegalArgumentException.class, () -> learner(c).update(b));
    assertTrue(e.getMessage().contains("burn_in + trace_length + n_step"), e.getMessage());
  }
}
