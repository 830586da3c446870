package dev.mnemo.learners.ald;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.envs.Seeds;
import dev.mnemo.learners.agent.OnPolicyLearner;
import dev.mnemo.learners.agent.TrialSource;
import dev.mnemo.learners.rl2.TrialBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The runtime's ALD learner ({@link AldBuilder#newLearner}) saved after some updates and restored into a fresh learner
 * (other initial parameters, another shuffle seed: everything must come from the file) continues bit-identically to
 * one that never stopped: same reports, same published parameters and versions, same Transformer. Each update is
 * made of two collections of the workers' kind ({@link AldBuilder#newSource}), collected with the learner's own
 * published parameters, so a difference anywhere would also change the later batches. With the distillation on its
 * own thread a distillation is under way when the learner is saved; its thread ends when the learner is closed.
 */
class AldRuntimeRestoreTest {

  private static final int TRIALS = 8;
  private static final int BEFORE = 3;
  private static final int AFTER = 3;

  @ParameterizedTest
  @CsvSource({"ALD, false", "ALD, true", "TRANSFORMER_ONLY, false", "ASYMMETRIC, false"})
  void aRestoredLearnerContinuesBitIdentically(AldLearner.Mode mode, boolean thread, @TempDir Path tmp) {
    long distillersBefore = distillerThreads();
    AldBuilder builder = AldFixtures.builder(mode, thread, TRIALS, 8, 5, 7);
    Path file = tmp.resolve("learner.ald");
    List<AldLearner.Stats> straight;
    ParamSnapshot straightActing;
    float[] straightTransformer;
    try (var a = (AldOnPolicyLearner) builder.newLearner()) {
      straight = run(builder, a, 0, BEFORE + AFTER);
      straightActing = a.snapshot();
      straightTransformer = a.learnerParams();
    }
    try (var b = builder.newLearner()) {
      run(builder, b, 0, BEFORE);
      b.save(file);
    }
    AldBuilder other = AldFixtures.builder(mode, thread, TRIALS, 8, 99, 98);
    try (var c = (AldOnPolicyLearner) other.newLearner()) {
      assertTrue(c.snapshot().params()[0] != straightActing.params()[0] || c.learnerParams()[0]
          != straightTransformer[0], "the fresh learner starts elsewhere");
      c.restore(file);
      assertEquals(BEFORE, c.updates());
      List<AldLearner.Stats> resumed = run(builder, c, BEFORE, BEFORE + AFTER);
      assertEquals(straight.subList(BEFORE, BEFORE + AFTER), resumed, mode + ": every report after the restore");
      assertEquals(straightActing.version(), c.snapshot().version());
      assertArrayEquals(straightActing.params(), c.snapshot().params(), mode + ": the published parameters");
      assertArrayEquals(straightTransformer, c.learnerParams(), mode + ": the Transformer's parameters");
    }
    assertEquals(distillersBefore, distillerThreads(), "close() ends the distillation thread");
  }

  /** The file names itself and both shapes (the LSTM's sizes) when it does not fit, and nothing is restored. */
  @ParameterizedTest
  @CsvSource({"ALD, 16", "TRANSFORMER_ONLY, 8", "ASYMMETRIC, 8"})
  void aStateOfAnotherShapeIsRefusedNamingFileAndSizes(AldLearner.Mode into, int coreSize, @TempDir Path tmp) {
    AldBuilder saved = AldFixtures.builder(AldLearner.Mode.ALD, false, TRIALS, 8, 5, 7);
    Path file = tmp.resolve("learner.ald");
    int savedActor;
    try (var a = saved.newLearner()) {
      run(saved, a, 0, 1);
      a.save(file);
      savedActor = saved.actor().paramCount();
    }
    AldBuilder other = AldFixtures.builder(into, false, TRIALS, coreSize, 5, 7);
    try (var b = other.newLearner()) {
      ParamSnapshot before = b.snapshot();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.restore(file));
      String m = e.getMessage();
      assertTrue(m.contains(file.toString()) && m.contains("mode ald") && m.contains(savedActor + " parameters")
          && m.contains("mode " + into.configName()), m);
      if (other.actor() != null) {
        assertTrue(m.contains(other.actor().paramCount() + " parameters"), m);
      }
      assertEquals(0, b.updates());
      assertArrayEquals(before.params(), b.snapshot().params(), "nothing restored");
    }
  }

  /** Updates {@code from} to {@code to}, each on two half collections acting with the learner's snapshot. */
  static List<AldLearner.Stats> run(AldBuilder builder, OnPolicyLearner<TrialBatch, AldLearner.Stats> learner,
      int from, int to) {
    List<AldLearner.Stats> stats = new ArrayList<>();
    long envSteps = 0;
    for (int u = from; u < to; u++) {
      List<TrialBatch> parts = new ArrayList<>();
      for (int part = 0; part < 2; part++) {
        try (TrialSource<TrialBatch> source = builder.newSource(part, TRIALS / 2, Seeds.combine(11, 2 * u + part))) {
          TrialSource.Collected<TrialBatch> c = source.collect(learner.snapshot());
          assertEquals(learner.updates(), c.paramVersion(), "acted with the newest parameters");
          envSteps += c.envSteps();
          parts.add(c.batch());
        }
      }
      stats.add(learner.update(parts, envSteps));
      assertEquals(learner.updates(), learner.snapshot().version(), "the snapshot's version is the update count");
    }
    return stats;
  }

  private static long distillerThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals("ald-distiller"))
        .count();
  }
}
