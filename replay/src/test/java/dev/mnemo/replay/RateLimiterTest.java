package dev.mnemo.replay;

import static dev.mnemo.replay.ReplayFixtures.fill;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private static PrioritizedSequenceReplay replay(int capacity, RateLimiterConfig limiter) {
    return new PrioritizedSequenceReplay(ReplayFixtures.config(capacity, 0.9, 0.6, 1).withRateLimiter(limiter));
  }

  @Test
  void reverbSemanticsForSamplingAndInserting() {
    // spi 2, min size 10, error buffer 5: diff = 2·I − S must stay within [15, 25].
    RateLimiterConfig l = RateLimiterConfig.sampleToInsertRatio(10, 2.0, 5.0);
    assertEquals(15.0, l.minDiff());
    assertEquals(25.0, l.maxDiff());
    assertFalse(l.canSample(1, 9, 9, 0), "below min size nobody samples");
    assertTrue(l.canInsert(9, 9, 0), "inserts up to min size are always free");
    assertTrue(l.canSample(5, 10, 10, 0), "20 - 5 = 15 >= minDiff");
    assertFalse(l.canSample(6, 10, 10, 0), "20 - 6 = 14 < minDiff: the learner is ahead");
    assertTrue(l.canInsert(11, 11, 0), "2·12 − 0 = 24 <= maxDiff");
    assertFalse(l.canInsert(12, 12, 0), "2·13 − 0 = 26 > maxDiff: actors are ahead");
    assertTrue(l.canInsert(12, 12, 1), "2·13 − 1 = 25 <= maxDiff after one sample");
  }

  @Test
  void toleranceConstructionFollowsAcmeWithASafeFloor() {
    RateLimiterConfig acme = RateLimiterConfig.withTolerance(1000, 4.0, 0.1, 64);
    assertEquals(4000 - 400, acme.minDiff(), 1e-9);
    assertEquals(4000 + 400, acme.maxDiff(), 1e-9);
    RateLimiterConfig small = RateLimiterConfig.withTolerance(20, 4.0, 0.1, 64);
    assertEquals(80 - 68, small.minDiff(), 1e-9, "buffer raised to spi + batch");
    small.checkBatchFits(64);
    RateLimiterConfig narrow = RateLimiterConfig.sampleToInsertRatio(20, 4.0, 8.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> narrow.checkBatchFits(64));
    assertTrue(e.getMessage().contains("block each other forever"), e.getMessage());
  }

  @Test
  void learnerWaitsForMinSizeAndTimesOut() throws InterruptedException {
    PrioritizedSequenceReplay r = replay(16, RateLimiterConfig.minSize(4));
    SequenceBatch one = r.newBatch(1);
    SequenceBatch batch = r.newBatch(2);
    for (int i = 0; i < 3; i++) {
      fill(one, 0, i);
      r.accept(one, 0, 1f);
    }
    long t0 = System.nanoTime();
    assertFalse(r.sample(batch, 50, TimeUnit.MILLISECONDS), "3 < min size 4: sample must time out");
    assertTrue(System.nanoTime() - t0 >= 45_000_000L, "the sample returned before its timeout");
    assertEquals(1, r.stats().sampleWaits());
    assertEquals(0, r.stats().samples());
    r.accept(one, 0, 1f);
    assertTrue(r.sample(batch, 0, TimeUnit.MILLISECONDS), "min size reached");
  }

  @Test
  void aWaitingLearnerWakesWhenDataArrives() throws Exception {
    PrioritizedSequenceReplay r = replay(16, RateLimiterConfig.minSize(2));
    SequenceBatch one = r.newBatch(1);
    fill(one, 0, 5);
    r.accept(one, 0, 1f);
    CountDownLatch sampled = new CountDownLatch(1);
    AtomicReference<Throwable> err = new AtomicReference<>();
    Thread learner = new Thread(() -> {
      try {
        SequenceBatch b = r.newBatch(4);
        if (r.sample(b, 10, TimeUnit.SECONDS)) {
          ReplayFixtures.verify(b, 0);
          sampled.countDown();
        }
      } catch (Throwable t) {
        err.set(t);
      }
    });
    learner.start();
    assertFalse(sampled.await(100, TimeUnit.MILLISECONDS), "learner sampled below min size");
    r.accept(one, 0, 1f);
    assertTrue(sampled.await(5, TimeUnit.SECONDS), "learner did not wake after the insert");
    learner.join();
    assertEquals(null, err.get());
  }

  @Test
  void fastActorsWaitForTheLearner() throws Exception {
    // spi 1, min size 2, buffer 3: band [-1, 5]; with no sampling, the 6th insert would make I·spi = 6.
    PrioritizedSequenceReplay r = replay(64, RateLimiterConfig.sampleToInsertRatio(2, 1.0, 3.0));
    SequenceBatch one = r.newBatch(1);
    int inserted = 0;
    while (r.insert(one, 0, 1f, 20, TimeUnit.MILLISECONDS)) {
      inserted++;
      assertTrue(inserted < 100, "the limiter never blocked the actor");
    }
    assertEquals(5, inserted, "inserts allowed before the actor is ahead by the error buffer");
    assertEquals(1, r.stats().insertWaits());
    assertEquals(5, r.size(), "a timed-out insert must insert nothing");
    SequenceBatch b = r.newBatch(2);
    assertTrue(r.sample(b, 0, TimeUnit.SECONDS));
    assertTrue(r.insert(one, 0, 1f, 0, TimeUnit.SECONDS), "a sample makes room for inserts");
  }

  @Test
  void waitsAreInterruptibleAndCloseReleasesEveryone() throws Exception {
    PrioritizedSequenceReplay r = replay(8, RateLimiterConfig.minSize(8));
    AtomicBoolean interrupted = new AtomicBoolean();
    Thread a = new Thread(() -> {
      try {
        r.sample(r.newBatch(1));
      } catch (InterruptedException e) {
        interrupted.set(true);
      }
    });
    a.start();
    Thread.sleep(50);
    a.interrupt();
    a.join(5000);
    assertTrue(interrupted.get(), "sample did not end with InterruptedException when interrupted");

    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread b = new Thread(() -> {
      try {
        outcome.set(r.sample(r.newBatch(1), 1, TimeUnit.MINUTES));
      } catch (InterruptedException e) {
        outcome.set(e);
      }
    });
    b.start();
    Thread.sleep(50);
    r.close();
    b.join(5000);
    assertEquals(Boolean.FALSE, outcome.get(), "close must release a waiting sampler with false");
    IllegalStateException closed = assertThrows(IllegalStateException.class,
        () -> r.accept(r.newBatch(1), 0, 1f));
    assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
  }

  @Test
  void concurrentActorsAndLearnerStayInsideTheBand() throws Exception {
    int batch = 8;
    double spi = 2.0;
    RateLimiterConfig limiter = RateLimiterConfig.sampleToInsertRatio(16, spi, 12.0);
    PrioritizedSequenceReplay r = replay(64, limiter);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> err = new AtomicReference<>();
    Thread[] actors = new Thread[3];
    for (int a = 0; a < actors.length; a++) {
      actors[a] = new Thread(() -> {
        SequenceBatch one = r.newBatch(1);
        try {
          while (!stop.get()) {
            r.insert(one, 0, 1f, 10, TimeUnit.MILLISECONDS);
          }
        } catch (Throwable t) {
          err.compareAndSet(null, t);
        }
      });
      actors[a].start();
    }
    SequenceBatch b = r.newBatch(batch);
    long deadline = System.nanoTime() + 400_000_000L;
    int batches = 0;
    while (System.nanoTime() < deadline) {
      if (r.sample(b, 10, TimeUnit.MILLISECONDS)) {
        batches++;
      }
      ReplayStats s = r.stats();
      double diff = s.inserts() * spi - s.samples();
      if (s.size() >= 16) {
        assertTrue(diff >= limiter.minDiff() && diff <= limiter.maxDiff(),
            "I·spi − S = " + diff + " left [" + limiter.minDiff() + ", " + limiter.maxDiff() + "]");
      }
    }
    stop.set(true);
    for (Thread t : actors) {
      t.join(5000);
    }
    assertEquals(null, err.get());
    assertTrue(batches > 20, "the learner made too little progress: " + batches + " batches");
    ReplayStats s = r.stats();
    double ratio = (double) s.samples() / s.inserts();
    assertTrue(Math.abs(ratio - spi) < 0.3 * spi, "samples per insert " + ratio + ", target " + spi);
  }
}
