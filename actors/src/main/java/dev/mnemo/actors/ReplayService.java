package dev.mnemo.actors;

import dev.mnemo.replay.PrioritizedSequenceReplay;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The actor in front of the replay: takes chunks of sequences from workers, inserts them without ever
 * blocking its thread (a chunk the rate limiter refuses waits in a queue and keeps its sender's credit,
 * which is what holds a fast worker back), acknowledges stored chunks, and keeps the run's totals.
 *
 * <p>Every chunk carries its worker incarnation ({@code source}) and a sequence number counting from
 * 0; anything but the next expected number is a duplicate or a gap, counted as an anomaly and reported.
 */
public final class ReplayService extends AbstractBehavior<ReplayService.Command> {

  /** The replay service's protocol. */
  public sealed interface Command permits Insert, Retry, Flush {
  }

  /**
   * A chunk of finished sequences with what the worker did since its previous chunk (binary-serialized).
   *
   * @param source worker incarnation
   * @param seq chunk number within {@code source}, from 0
   * @param envSteps env steps since the previous chunk
   * @param episodes episodes completed since the previous chunk
   * @param returnSum sum of their returns
   * @param paramVersion parameter version the worker acts with
   * @param chunk the sequences
   * @param replyTo receives the {@link EnvWorker.Ack}
   */
  public record Insert(String source, long seq, long envSteps, long episodes, double returnSum,
      long paramVersion, SequenceChunk chunk, ActorRef<EnvWorker.Command> replyTo) implements Command {
  }

  /** Try the queued chunks again (the learner sampled, so the limiter may allow more). */
  public record Retry() implements Command {
  }

  /**
   * Insert what can be inserted now, count the rest as dropped, reply; chunks arriving later are
   * counted as dropped and their workers told to stop. With {@code stopSenders} (cluster runs) every
   * worker that ever sent a chunk is told to stop as well: the replay service knows them all, even
   * those a lagging Receptionist listing has not shown the coordinator yet.
   */
  public record Flush(boolean stopSenders, String reason, boolean runOver, ActorRef<Coordinator.Command> replyTo)
      implements Command {
  }

  private static final Duration RETRY_PERIOD = Duration.ofMillis(20);

  /** A replay service over {@code replay}, adding to {@code counters}. */
  public static Behavior<Command> create(PrioritizedSequenceReplay replay, RuntimeCounters counters,
      RuntimeListener listener) {
    return create(replay, counters, listener, Long.MAX_VALUE, null);
  }

  /**
   * As {@link #create(PrioritizedSequenceReplay, RuntimeCounters, RuntimeListener)}, and tells
   * {@code coordinator} (once) on the first chunk that brings the env steps to {@code budget}.
   */
  public static Behavior<Command> create(PrioritizedSequenceReplay replay, RuntimeCounters counters,
      RuntimeListener listener, long budget, ActorRef<Coordinator.Command> coordinator) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      // The learner also sends Retry after each sample; the timer covers a learner that is idle.
      timers.startTimerAtFixedRate(new Retry(), RETRY_PERIOD);
      return new ReplayService(ctx, replay, counters, listener, budget, coordinator);
    }));
  }

  private static final class Pending {
    final Insert insert;
    int next;

    Pending(Insert insert) {
      this.insert = insert;
    }
  }

  private final PrioritizedSequenceReplay replay;
  private final RuntimeCounters counters;
  private final RuntimeListener listener;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final Map<String, Long> nextSeq = new HashMap<>();
  private final Map<String, ActorRef<EnvWorker.Command>> senders = new HashMap<>();
  private boolean flushed;
  /** The Stop a sender that is still sending after the flush gets (the flush's reason). */
  private EnvWorker.Stop lateStop = new EnvWorker.Stop(null, "run stopped", true);
  private final long budget;
  private final ActorRef<Coordinator.Command> coordinator;
  private boolean budgetReported;

  private ReplayService(ActorContext<Command> ctx, PrioritizedSequenceReplay replay, RuntimeCounters counters,
      RuntimeListener listener, long budget, ActorRef<Coordinator.Command> coordinator) {
    super(ctx);
    this.replay = replay;
    this.counters = counters;
    this.listener = listener;
    this.budget = budget;
    this.coordinator = coordinator;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Insert.class, this::onInsert)
        .onMessage(Retry.class, r -> {
          drain();
          return this;
        })
        .onMessage(Flush.class, this::onFlush)
        .build();
  }

  private Behavior<Command> onInsert(Insert m) {
    long expected = nextSeq.getOrDefault(m.source(), 0L);
    if (m.seq() != expected) {
      counters.sequenceAnomalies.incrementAndGet();
      listener.onEvent(Events.of("sequence_anomaly", "source", m.source(), "expected", expected, "got", m.seq()));
    }
    nextSeq.put(m.source(), Math.max(expected, m.seq() + 1));
    senders.putIfAbsent(m.source(), m.replyTo());
    counters.chunksReceived.incrementAndGet();
    counters.sequencesReceived.addAndGet(m.chunk().count());
    if (flushed) {
      // The run is stopping and this worker missed its Stop (a Receptionist listing can lag behind the
      // data path): count its chunk as dropped at the stop and tell it to stop.
      counters.sequencesDroppedAtStop.addAndGet(m.chunk().count());
      listener.onEvent(Events.of("sequences_dropped_at_stop", "sequences", m.chunk().count(),
          "reason", "arrived after the replay was flushed", "source", m.source()));
      m.replyTo().tell(lateStop);
      return this;
    }
    long steps = counters.envSteps.addAndGet(m.envSteps());
    if (steps >= budget && coordinator != null && !budgetReported) {
      budgetReported = true;
      coordinator.tell(new Coordinator.BudgetReached(steps));
    }
    counters.episodes.addAndGet(m.episodes());
    counters.returnSum.add(m.returnSum());
    if (m.paramVersion() >= 0) {
      counters.paramLag.set(Math.max(0, counters.updates.get() - m.paramVersion()));
    }
    pending.addLast(new Pending(m));
    drain();
    return this;
  }

  /** Inserts queued chunks in arrival order until the limiter refuses; acks each completed chunk. */
  private void drain() {
    try {
      while (!pending.isEmpty()) {
        Pending p = pending.peekFirst();
        SequenceChunk c = p.insert.chunk();
        while (p.next < c.count()) {
          if (!replay.insert(c.batch(), p.next, c.priorities()[p.next], 0, TimeUnit.NANOSECONDS)) {
            return;
          }
          p.next++;
          counters.sequencesInserted.incrementAndGet();
        }
        pending.pollFirst();
        p.insert.replyTo().tell(new EnvWorker.Ack(p.insert.source(), p.insert.seq()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("replay service interrupted while inserting", e);
    }
  }

  private Behavior<Command> onFlush(Flush f) {
    flushed = true;
    lateStop = new EnvWorker.Stop(null, f.reason(), f.runOver());
    drain();
    long dropped = 0;
    for (Pending p : pending) {
      dropped += p.insert.chunk().count() - p.next;
    }
    pending.clear();
    if (f.stopSenders()) {
      for (ActorRef<EnvWorker.Command> w : senders.values()) {
        w.tell(lateStop);
      }
    }
    if (dropped > 0) {
      counters.sequencesDroppedAtStop.addAndGet(dropped);
      listener.onEvent(Events.of("sequences_dropped_at_stop", "sequences", dropped,
          "reason", "rate limiter refused them before the stop"));
    }
    f.replyTo().tell(new Coordinator.ReplayFlushed(dropped));
    return this;
  }
}
