package dev.mnemo.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dev.mnemo.replay.PrioritizedSequenceReplay;
import dev.mnemo.replay.RateLimiterConfig;
import dev.mnemo.replay.ReplayConfig;
import dev.mnemo.replay.SequenceBatch;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReplayServiceTest {
  private static ActorTestKit kit;
  private final TinyConfigs.R2d2Setup setup = TinyConfigs.setup(TinyConfigs.r2d2(1000));

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("replay-service", ConfigFactory.parseString("pekko.actor.provider = local")
        .withFallback(PekkoSettings.base()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private ReplayService.Insert chunk(String source, long seq, int rows, ActorRef<EnvWorker.Command> replyTo) {
    SequenceBatch b = new SequenceBatch(rows, setup.sequence());
    return new ReplayService.Insert(source, seq, 10, 1, 2.0, 0, new SequenceChunk(b, rows, new float[rows]), replyTo);
  }

  @Test
  void duplicatesAndGapsInAWorkersStreamAreCountedAndReported() {
    PrioritizedSequenceReplay replay = new PrioritizedSequenceReplay(setup.replayConfig(false));
    RuntimeCounters counters = new RuntimeCounters();
    RecordingListener events = new RecordingListener();
    ActorRef<ReplayService.Command> svc = kit.spawn(ReplayService.create(replay, counters, events));
    TestProbe<EnvWorker.Command> worker = kit.createTestProbe(EnvWorker.Command.class);
    svc.tell(chunk("w#1", 0, 2, worker.getRef()));
    svc.tell(chunk("w#1", 1, 2, worker.getRef()));
    svc.tell(chunk("w#1", 1, 2, worker.getRef())); // duplicate
    svc.tell(chunk("w#1", 3, 2, worker.getRef())); // gap: 2 is missing
    svc.tell(chunk("w#2", 0, 3, worker.getRef())); // another source starts at 0
    for (long expected : new long[] {0, 1, 1, 3}) {
      assertEquals(new EnvWorker.Ack("w#1", expected), worker.receiveMessage(), "ack per stored chunk, in order");
    }
    assertEquals(new EnvWorker.Ack("w#2", 0), worker.receiveMessage());
    assertEquals(2, counters.sequenceAnomalies(), "one duplicate and one gap");
    assertEquals(2, events.events("sequence_anomaly").size(), "each anomaly is an event: " + events.events);
    assertEquals(11, counters.sequencesInserted(), "all rows inserted");
    assertEquals(50, counters.envSteps(), "env steps summed over chunks");
  }

  @Test
  void chunksTheLimiterRefusesKeepTheirCreditUntilTheLearnerSamples() throws Exception {
    // minSize 4, one sample per insert, band [4 - 5, 4 + 5]: without samples at most 9 inserts fit.
    ReplayConfig cfg = setup.replayConfig(false)
        .withRateLimiter(RateLimiterConfig.sampleToInsertRatio(4, 1.0, 5.0));
    PrioritizedSequenceReplay replay = new PrioritizedSequenceReplay(cfg);
    RuntimeCounters counters = new RuntimeCounters();
    ActorRef<ReplayService.Command> svc = kit.spawn(ReplayService.create(replay, counters, RuntimeListener.none()));
    TestProbe<EnvWorker.Command> worker = kit.createTestProbe(EnvWorker.Command.class);
    svc.tell(chunk("w", 0, 6, worker.getRef()));
    svc.tell(chunk("w", 1, 6, worker.getRef()));
    assertEquals(new EnvWorker.Ack("w", 0), worker.receiveMessage());
    worker.expectNoMessage(java.time.Duration.ofMillis(200)); // chunk 1 is stuck at the limiter: no credit back
    assertEquals(9, counters.sequencesInserted(), "inserted up to the limiter's bound");
    SequenceBatch sample = replay.newBatch(4);
    replay.sample(sample);
    svc.tell(new ReplayService.Retry());
    assertEquals(new EnvWorker.Ack("w", 1), worker.receiveMessage(), "sampling frees room; the chunk completes");
    assertEquals(12, counters.sequencesInserted());
  }
}
