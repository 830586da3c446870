package dev.mnemo.actors;

import dev.mnemo.learners.r2d2.R2d2Builder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRuntimeTest {

  private static void assertTotalsConsistent(RunResult r) {
    assertEquals(0, r.sequenceAnomalies(), "chunks out of sequence (duplicates or gaps)");
    assertEquals(r.sequencesSent(), r.sequencesReceived(),
        "every sequence a worker sent must reach the replay service exactly once");
    assertEquals(r.sequencesReceived(), r.sequencesInserted() + r.sequencesDroppedAtStop(),
        "received = inserted + dropped at stop");
  }

  @Test
  void sequencesFlowLearnerUpdatesWorkersGetNewerParamsAndResumeContinues(@TempDir Path dir) throws Exception {
    RecordingListener events = new RecordingListener();
    RuntimeConfig rc = TinyConfigs.runtime(2, 2).withCheckpoints(dir, null);
    // 5,000 steps: with the outbox reusing its batches, 1,200 took ~0.1 s, which on a loaded machine could end before
    // the learner's thread ran at all (a worker then finished on the initial parameters).
    RunResult r = LocalRuntime.run(rc, new R2d2Builder(TinyConfigs.r2d2(5_000)), events);

    assertTrue(r.envSteps() >= 5_000, "stops at the budget, not before: " + r.envSteps());
    assertTrue(r.sequencesInserted() > 100, "sequences reached the replay: " + r.sequencesInserted());
    assertTrue(r.updates() > 3, "the learner updated: " + r.updates());
    assertTotalsConsistent(r);
    assertEquals(2, r.workers().size());
    // The workers share the budget step by step, so a worker starved of CPU may take only a few of its steps
    // (it happened under the full suite: one worker never got past the initial parameters). Every worker that
    // took enough steps to refresh several times after the learner started must act with newer parameters,
    // and with 5,000 steps between two workers at least one of them did.
    int longRunning = 0;
    for (WorkerLedger w : r.workers()) {
      if (w.envStepsSent() < 400) {
        continue;
      }
      longRunning++;
      assertTrue(w.maxParamVersion() > 0, "a worker that took " + w.envStepsSent() + " env steps must act with"
          + " parameters newer than the initial ones, max " + w.maxParamVersion());
      assertTrue(w.paramLoads() >= 2, "parameters refreshed more than once: " + w.paramLoads());
    }
    assertTrue(longRunning >= 1, "one worker took most of the budget: " + r.workers().stream()
        .map(WorkerLedger::envStepsSent).toList());
    assertEquals(r.envSteps(), r.workers().stream().mapToLong(WorkerLedger::envStepsSent).sum(),
        "the workers' reported steps are the run's");
    assertFalse(events.statuses.isEmpty(), "status callbacks");
    RuntimeStatus last = events.statuses.get(events.statuses.size() - 1);
    assertTrue(last.envSteps() > 0 && last.replaySize() > 0, "status reports progress: " + last);
    assertEquals(1, events.events("checkpoint").size(), "one final checkpoint event: " + events.events);
    assertTrue(Files.size(dir.resolve("learner.ckpt")) > 0 && Files.size(dir.resolve("replay.ckpt")) > 0);

    // Resume: the update count, the replay content and the counters continue from the checkpoint, and the
    // budget is the run's total (the second leg takes what is left of it).
    RecordingListener events2 = new RecordingListener();
    RunResult r2 = LocalRuntime.run(TinyConfigs.runtime(1, 2).withCheckpoints(null, dir),
        new R2d2Builder(TinyConfigs.r2d2(6_000)),
        events2);
    Map<String, Object> resumed = events2.events("resumed").get(0);
    assertEquals(r.updates(), resumed.get("updates"), "resumed learner starts at the saved update count");
    assertEquals(r.replaySize(), resumed.get("replay_size"), "resumed replay holds the saved sequences");
    assertEquals(r.envSteps(), resumed.get("env_steps"), "resumed counters start at the saved env steps");
    assertTrue(r2.updates() > r.updates(), "updates continue: " + r2.updates() + " after " + r.updates());
    assertTrue(r2.envSteps() >= 6_000 && r2.envSteps() <= 6_000 + 2, "env steps continue to the total budget: "
        + r2.envSteps() + " after " + r.envSteps());
    assertTrue(r2.episodes() > r.episodes(), "episodes continue: " + r2.episodes() + " after " + r.episodes());
  }

  /**
   * The budget is an env-step count, not a deadline: with the default status interval (1 s) the run used to
   * be stopped only at the first status tick past the budget (20,000 became 58,640). It must stop within one
   * vector step per worker of it, whatever the status interval.
   */
  @Test
  void theRunStopsWithinOneVectorStepPerWorkerOfItsBudgetWhateverTheStatusInterval() throws Exception {
    long budget = 20_000;
    RuntimeConfig rc = RuntimeConfig.defaults().withWorkers(2, 4).withFlow(4, 2, 10).withRateLimited(false)
        .withStatusInterval(java.time.Duration.ofSeconds(5));
    RunResult r = LocalRuntime.run(rc, new R2d2Builder(TinyConfigs.r2d2(budget)), RuntimeListener.none());
    long slack = (long) rc.workers() * rc.envsPerWorker();
    assertTrue(r.envSteps() >= budget && r.envSteps() <= budget + slack, "env steps " + r.envSteps()
        + " for a budget of " + budget + " (at most one vector step of each worker beyond it: " + slack + ")");
    assertTrue(r.seconds() < 4, "stopped at the budget, not at a status tick: " + r.seconds() + " s");
    assertTotalsConsistent(r);
  }

  /** CartPole whose {@code failAt}-th step throws while {@code failures} is positive. */
  private static final class FailingEnv implements Env {
    private final Env inner = EnvRegistry.make("cartpole");
    private final AtomicInteger failures;
    private final int failAt;
    private int steps;

    FailingEnv(AtomicInteger failures, int failAt) {
      this.failures = failures;
      this.failAt = failAt;
    }

    @Override
    public EnvSpec spec() {
      return inner.spec();
    }

    @Override
    public Step reset(long seed) {
      return inner.reset(seed);
    }

    @Override
    public Step step(int action) {
      if (++steps == failAt && failures.getAndDecrement() > 0) {
        throw new IllegalStateException("injected env fault");
      }
      return inner.step(action);
    }
  }

  @Test
  void aWorkerWhoseEnvThrowsIsRestartedAndItsDropIsRecorded() throws Exception {
    AtomicInteger failures = new AtomicInteger(2);
    EnvFactory f = (worker, copy) -> worker == 0 && copy == 0 ? new FailingEnv(failures, 150)
        : EnvRegistry.make("cartpole");
    RecordingListener events = new RecordingListener();
    RuntimeConfig rc = TinyConfigs.runtime(2, 2).withEnvFactory(f).withLearnerIdle(true).withRateLimited(false)
        .withCheckpoints(null, null);
    // A budget far beyond what the faults need: the run must not end during a restart backoff.
    RunResult r = LocalRuntime.run(rc, new R2d2Builder(TinyConfigs.r2d2(300_000)), events);

    List<Map<String, Object>> restarts = events.events("worker_restart");
    assertEquals(2, restarts.size(), "two injected faults, two restarts: " + restarts);
    for (Map<String, Object> e : restarts) {
      assertEquals("worker-0", e.get("worker"));
      assertTrue(String.valueOf(e.get("error")).contains("injected env fault"), "event names the error: " + e);
      assertEquals(2, e.get("dropped_episodes"), "both envs of the worker had an episode in flight: " + e);
    }
    WorkerLedger w0 = r.workers().get(0);
    assertEquals(2, w0.restarts(), "ledger restarts");
    long droppedInEvents = restarts.stream().mapToLong(e -> ((Number) e.get("dropped_sequences")).longValue()).sum();
    assertEquals(droppedInEvents, w0.sequencesDropped(), "dropped sequences in events = ledger");
    assertTrue(w0.sequencesSent() > 0, "the restarted worker keeps contributing");
    assertTotalsConsistent(r);
    assertTrue(r.envSteps() >= 300_000, "the run still reaches its budget: " + r.envSteps());
  }

  @Test
  void aWorkerThatKeepsFailingEndsTheRunAsFailedOnceItsRestartBudgetIsSpent(@TempDir Path dir) throws Exception {
    AtomicInteger failures = new AtomicInteger(Integer.MAX_VALUE);
    EnvFactory f = (worker, copy) -> worker == 0 && copy == 0 ? new FailingEnv(failures, 150)
        : EnvRegistry.make("cartpole");
    RecordingListener events = new RecordingListener();
    RuntimeConfig rc = TinyConfigs.runtime(2, 2).withEnvFactory(f).withRateLimited(false)
        .withRestartBudget(2, java.time.Duration.ofSeconds(60)).withCheckpoints(dir, null);
    long t0 = System.nanoTime();
    RunFailedException e = org.junit.jupiter.api.Assertions.assertThrows(RunFailedException.class,
        () -> LocalRuntime.run(rc, new R2d2Builder(TinyConfigs.r2d2(1_000_000_000L)), events));
    double seconds = (System.nanoTime() - t0) / 1e9;

    assertTrue(e.getMessage().contains("worker-0 failed 3 times") && e.getMessage().contains("injected env fault")
        && e.getMessage().contains("actors.max_restarts = 2"), "names the worker, the budget and the error: "
        + e.getMessage());
    assertEquals(2, events.events("worker_restart").size(), "two restarts within the budget: " + events.events);
    List<Map<String, Object>> gaveUp = events.events("worker_gave_up");
    assertEquals(1, gaveUp.size(), "then it gives up: " + events.events);
    assertEquals("worker-0", gaveUp.get(0).get("worker"));
    RunResult r = e.totals();
    assertEquals(2, r.workers().get(0).restarts(), "ledger restarts");
    assertTotalsConsistent(r);
    assertTrue(Files.size(dir.resolve("learner.ckpt")) > 0, "a failed run still stops in order and checkpoints");
    assertTrue(seconds < 30, "the run ends within its backoff, not at its budget: " + seconds + " s");
  }

  @Test
  void anIdleLearnerHoldsActorsBackThroughTheRateLimiterAndCredits() throws Exception {
    RuntimeConfig rc = TinyConfigs.runtime(2, 2).withLearnerIdle(true).withRateLimited(true);
    RecordingListener events = new RecordingListener();
    try (LocalRuntime rt = LocalRuntime.start(rc, new R2d2Builder(TinyConfigs.r2d2(1_000_000_000L)), events)) {
      RuntimeCounters c = rt.counters();
      long deadline = System.nanoTime() + 30_000_000_000L;
      long last = -1;
      // Once the limiter refuses inserts, workers run out of credit and stop stepping.
      while (System.nanoTime() < deadline) {
        Thread.sleep(300);
        long now = c.envSteps();
        if (now == last && now > 0) {
          break;
        }
        last = now;
      }
      assertEquals(last, c.envSteps(), "env steps must stop growing while the learner samples nothing");
      long waiting = c.sequencesReceived() - c.sequencesInserted();
      long bound = (long) rc.workers() * rc.credits() * (rc.chunkRows() + 2L * rc.envsPerWorker());
      assertTrue(waiting > 0 && waiting <= bound, "sequences queued at the replay service: " + waiting
          + ", bound " + bound);
      rt.requestStop("test");
      RunResult r = rt.await(java.time.Duration.ofSeconds(30));
      assertEquals(r.sequencesReceived(), r.sequencesInserted() + r.sequencesDroppedAtStop(),
          "received = inserted + dropped at stop");
      assertEquals(r.sequencesSent(), r.sequencesReceived());
      assertEquals(1, events.events("sequences_dropped_at_stop").size(), "the refused sequences are reported");
    }
  }
}
