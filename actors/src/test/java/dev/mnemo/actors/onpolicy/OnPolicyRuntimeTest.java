package dev.mnemo.actors.onpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The on-policy runtime's rules, on the toy algorithm of {@link ToyOnPolicy} with real Pekko actors: the
 * parameter-lag rule (stale collections dropped and counted, kept ones within the limit), the credit window, the
 * budget, supervision. Every wait is on a condition with a generous timeout; nothing depends on speed.
 */
class OnPolicyRuntimeTest {

  private static final Duration LONG = Duration.ofSeconds(120);

  /** Keeps every event and update record. */
  static final class Recording implements OnPolicyListener<Long> {
    final List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
    final List<OnPolicyUpdate<Long>> updates = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(Map<String, Object> event) {
      events.add(event);
    }

    @Override
    public void onUpdate(OnPolicyUpdate<Long> update) {
      updates.add(update);
    }

    List<Map<String, Object>> events(String kind) {
      return events.stream().filter(e -> kind.equals(e.get("event"))).toList();
    }
  }

  private static OnPolicyConfig config(int workers) {
    return OnPolicyConfig.defaults().withWorkers(workers).withRestarts(3, Duration.ofSeconds(60),
        Duration.ofMillis(10));
  }

  /**
   * Worker 0's first collection, after it fetched parameters of version v, is held until worker 1's collections
   * have driven the learner to v + 2 updates: it arrives with lag >= 2, beyond max_param_lag = 1, and must be
   * dropped, counted and reported; no kept collection may have a lag above 1.
   */
  @Test
  void aCollectionOlderThanTheLagLimitIsDroppedCountedAndReported() throws Exception {
    ToyOnPolicy.Seen seen = new ToyOnPolicy.Seen();
    AtomicLong heldVersion = new AtomicLong(-1);
    ToyOnPolicy.CollectHook hold = (worker, inc, collection, version) -> {
      if (worker == 0 && heldVersion.compareAndSet(-1, version)) {
        waitFor(() -> seen.updates.get() >= version + 2, "two updates from worker 1's collections");
      }
    };
    ToyOnPolicy.UpdateHook count = (updates, batches) -> {
    };
    // A budget of 200 collections: worker 0 gets its first one however slowly its thread is scheduled.
    ToyOnPolicy.Builder toy = new ToyOnPolicy.Builder(1, 10, 2000, hold, count, seen);
    Recording rec = new Recording();
    OnPolicyResult r = OnPolicyRuntime.run(config(2).withMaxParamLag(1), toy, rec);
    List<Map<String, Object>> drops = rec.events("stale_dropped");
    assertTrue(heldVersion.get() >= 0, "worker 0 collected");
    assertTrue(drops.stream().anyMatch(e -> e.get("worker").equals(0)
        && e.get("param_version").equals(heldVersion.get()) && (Long) e.get("lag") >= 2), "worker 0's held collection must be dropped as stale: " + drops);
    for (Map<String, Object> e : drops) {
      assertTrue((Long) e.get("lag") > 1, "only collections beyond the limit are dropped: " + e);
    }
    assertEquals(drops.size(), r.lag().droppedCollections(), "every drop is counted and reported");
    assertTrue(r.lag().kept().keySet().stream().allMatch(l -> l <= 1), "kept lags within 1: " + r.lag().kept());
    assertTrue(r.lag().dropped().keySet().stream().allMatch(l -> l > 1), "dropped lags beyond 1: " + r.lag().dropped());
    assertEquals(r.collections(), r.lag().keptCollections() + r.lag().droppedCollections(),
        "every collection is kept or dropped");
    assertEquals(r.lag().droppedEnvSteps(), 10 * r.lag().droppedTrials(), "dropped steps counted");
    assertEquals(r.updates(), seen.trialsUpdatedOn.get(), "one trial per update, only kept ones");
    assertEquals(r.lag().keptCollections(), r.updates() + r.trialsUnusedAtStop(), "kept trials all used");
    assertTrue(rec.updates.stream().allMatch(u -> u.lagMax() <= 1), "every update's lag within the limit");
  }

  /** max_param_lag = 0: strictly on-policy, every kept collection was collected by the learner's current parameters. */
  @Test
  void lagZeroKeepsOnlyCollectionsByTheCurrentParameters() throws Exception {
    ToyOnPolicy.Seen seen = new ToyOnPolicy.Seen();
    ToyOnPolicy.Builder toy = new ToyOnPolicy.Builder(2, 5, 300, (w, i, c, v) -> { }, (u, b) -> { }, seen);
    Recording rec = new Recording();
    OnPolicyResult r = OnPolicyRuntime.run(config(2).withMaxParamLag(0), toy, rec);
    assertTrue(r.updates() > 0, "the run made progress: " + r);
    assertEquals(Map.of(0L, r.lag().keptCollections()), r.lag().kept(), "kept only at lag 0: " + r.lag());
    assertTrue(rec.updates.stream().allMatch(u -> u.lagMax() == 0 && u.lagMean() == 0), "updates on-policy");
  }

  /**
   * While the learner is stuck in an update, workers run ahead by at most their credit: the update's collections
   * plus one per worker (sent, not yet received), and then they stop collecting.
   */
  @Test
  void workersRunAheadOfABlockedLearnerByAtMostTheirCredits() throws Exception {
    ToyOnPolicy.Seen seen = new ToyOnPolicy.Seen();
    CountDownLatch release = new CountDownLatch(1);
    ToyOnPolicy.UpdateHook block = (updates, batches) -> {
      if (updates == 0) {
        assertTrue(release.await(LONG.toSeconds(), TimeUnit.SECONDS), "released");
      }
    };
    // 4 trials per update in collections of 2 (2 workers): the first update holds 2 collections.
    ToyOnPolicy.Builder toy = new ToyOnPolicy.Builder(4, 5, 100_000, (w, i, c, v) -> { }, block, seen);
    try (OnPolicyRuntime rt = OnPolicyRuntime.start(config(2).withCredits(1), toy, new Recording())) {
      waitFor(() -> seen.collectionsStarted.get() >= 4, "4 collections");
      Thread.sleep(500); // a worker that ignored its credit would have started more by now (they take no time)
      assertEquals(4, seen.collectionsStarted.get(), "2 collections in the update, 1 ahead per worker");
      release.countDown();
      rt.requestStop("test");
      OnPolicyResult r = rt.await(LONG);
      assertTrue(r.updates() >= 1, "the update finished: " + r);
    }
  }

  /**
   * The budget is claimed collection by collection: the run takes at least its budget and less than one collection
   * more.
   */
  @Test
  void theBudgetStopsTheRunWithinOneCollection() throws Exception {
    ToyOnPolicy.Seen seen = new ToyOnPolicy.Seen();
    // Collections of 3 trials x 10 steps = 30 steps; a budget of 1000 is not a multiple of them.
    ToyOnPolicy.Builder toy = new ToyOnPolicy.Builder(6, 10, 1000, (w, i, c, v) -> { }, (u, b) -> { }, seen);
    Recording rec = new Recording();
    OnPolicyResult r = OnPolicyRuntime.run(config(2), toy, rec);
    assertEquals(3, r.trialsPerCollection());
    assertTrue(r.envSteps() >= 1000 && r.envSteps() < 1000 + 30, "env steps " + r.envSteps()
        + " must lie in [budget, budget + one collection)");
    assertEquals(r.envSteps(), 30 * r.collections(), "every collection counted");
    assertTrue(rec.events("stopping").get(0).get("reason").toString().contains("budget"), rec.events.toString());
  }

  /**
   * A worker whose collection throws is restarted (a fresh source), the restart is an event and a count, and the run
   * goes on.
   */
  @Test
  void aWorkerThatThrowsIsRestartedAndRecorded() throws Exception {
    ToyOnPolicy.Seen seen = new ToyOnPolicy.Seen();
    AtomicBoolean thrown = new AtomicBoolean();
    ToyOnPolicy.CollectHook fail = (worker, inc, collection, version) -> {
      if (worker == 0 && collection == 1 && !thrown.getAndSet(true)) {
        throw new IllegalStateException("env exploded (test)");
      }
    };
    // 400 collections: worker 0 reaches its second one before the budget is gone, however it is scheduled.
    ToyOnPolicy.Builder toy = new ToyOnPolicy.Builder(2, 10, 4000, fail, (u, b) -> { }, seen);
    Recording rec = new Recording();
    OnPolicyResult r = OnPolicyRuntime.run(config(2), toy, rec);
    List<Map<String, Object>> restarts = rec.events("worker_restart");
    assertEquals(1, restarts.size(), rec.events.toString());
    assertEquals("trial-worker-0", restarts.get(0).get("worker"));
    assertTrue(restarts.get(0).get("error").toString().contains("env exploded"), restarts.toString());
    assertEquals(1, r.restarts());
    assertTrue(r.envSteps() >= 4000 && r.envSteps() < 4000 + 10, "the failed collection's claim was given back: "
        + r.envSteps());
  }

  /** A worker that fails beyond its restart budget fails the run, naming it. */
  @Test
  void aWorkerBeyondItsRestartBudgetFailsTheRun() {
    ToyOnPolicy.Seen seen = new ToyOnPolicy.Seen();
    ToyOnPolicy.CollectHook fail = (worker, inc, collection, version) -> {
      if (worker == 1) {
        throw new IllegalStateException("always broken (test)");
      }
    };
    ToyOnPolicy.Builder toy = new ToyOnPolicy.Builder(2, 10, 1_000_000_000L, fail, (u, b) -> { }, seen);
    Recording rec = new Recording();
    OnPolicyRunFailedException e = assertThrows(OnPolicyRunFailedException.class,
        () -> OnPolicyRuntime.run(config(2), toy, rec));
    assertTrue(e.getMessage().contains("trial-worker-1") && e.getMessage().contains("max_restarts = 3"),
        e.getMessage());
    assertEquals(3, rec.events("worker_restart").size(), rec.events.toString());
    assertEquals(1, rec.events("worker_gave_up").size(), rec.events.toString());
    assertTrue(e.result() != null && e.result().restarts() == 3, "the learner still reported: " + e.result());
  }

  /** A learner whose update throws fails the run with that error. */
  @Test
  void aFailingUpdateFailsTheRun() {
    ToyOnPolicy.Builder toy = new ToyOnPolicy.Builder(2, 10, 1_000_000_000L, (w, i, c, v) -> { }, (u, b) -> {
      throw new ArithmeticException("NaN loss (test)");
    }, new ToyOnPolicy.Seen());
    OnPolicyRunFailedException e = assertThrows(OnPolicyRunFailedException.class,
        () -> OnPolicyRuntime.run(config(2), toy, new Recording()));
    assertTrue(e.getMessage().contains("NaN loss"), e.getMessage());
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + LONG.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
