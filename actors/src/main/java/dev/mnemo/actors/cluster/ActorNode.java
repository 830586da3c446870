package dev.mnemo.actors.cluster;

import dev.mnemo.actors.ClusterKeys;
import dev.mnemo.actors.Coordinator;
import dev.mnemo.actors.EnvWorker;
import dev.mnemo.actors.Events;
import dev.mnemo.actors.FailureLog;
import dev.mnemo.actors.LocalRuntime;
import dev.mnemo.actors.ParamServer;
import dev.mnemo.actors.ReplayService;
import dev.mnemo.actors.RuntimeConfig;
import dev.mnemo.actors.RuntimeListener;
import dev.mnemo.actors.WorkerLedger;
import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.AgentShapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Guardian of one session of an {@code actor} node (one ActorSystem; {@link ActorNodeRunner} starts a new one
 * after the learner is lost): finds the replay service and the parameter server through the Receptionist,
 * then spawns its env workers (supervised, registered under {@link ClusterKeys#WORKER} so the learner can
 * stop them). The session ends ({@link SessionEnd}) when the learner stops the workers (the run is over, or
 * the learner is going away), when the learner's services vanish from the listing (it was killed or became
 * unreachable), when no learner turns up within the time left to wait, when every worker gave up, or on
 * {@link StopNode}.
 */
public final class ActorNode extends AbstractBehavior<ActorNode.Command> {

  /** The actor node's protocol (local messages only). */
  public sealed interface Command permits Listing, GiveUp, StopNode {
  }

  /** Self message: no learner for the whole wait. */
  public record GiveUp() implements Command {
  }

  /** Stop the workers (they send what they finished) and end the session (SIGINT/SIGTERM of the node). */
  public record StopNode(String reason) implements Command {
  }

  /** Replay services or parameter servers currently registered (one adapter serves both keys). */
  public record Listing(Receptionist.Listing listing) implements Command {
  }

  /**
   * How a session reports to its node.
   *
   * @param waitLeft how long this session may go without a learner before it ends with
   *     {@link SessionEnd.Kind#WAIT_EXPIRED}
   * @param learnerFound run once when the learner's services are found
   * @param end completed once, when the session is over
   */
  record Session(java.time.Duration waitLeft, Runnable learnerFound, CompletableFuture<SessionEnd> end) {
  }

  /** A session's guardian. */
  static Behavior<Command> create(AgentBuilder agent, RuntimeConfig runtime, RuntimeListener listener,
      Session session) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ActorNode(ctx, timers, agent, runtime,
        listener, session)));
  }

  private final AgentBuilder agent;
  private final RuntimeConfig runtime;
  private final RuntimeListener listener;
  private final AgentShapes shapes;
  private final Session session;
  private final List<ActorRef<EnvWorker.Command>> workers = new ArrayList<>();
  private final List<WorkerLedger> ledgers = new ArrayList<>();
  private ActorRef<ReplayService.Command> replay;
  private ActorRef<ParamServer.Command> params;
  private boolean started;
  /** Why the node was asked to stop, or null. */
  private String stopRequested;
  private final FailureLog failureLog = new FailureLog();
  private final TimerScheduler<Command> timers;

  private ActorNode(ActorContext<Command> ctx, TimerScheduler<Command> timers, AgentBuilder agent,
      RuntimeConfig runtime, RuntimeListener listener, Session session) {
    super(ctx);
    this.timers = timers;
    this.session = session;
    // Every actor node explores with its own random streams: mix the node's unique id into the seed (a new
    // session is a new incarnation with a new id, so a rejoined node does not replay its earlier episodes).
    long uid = Cluster.get(ctx.getSystem()).selfMember().uniqueAddress().longUid();
    this.agent = agent.withSeed(agent.seed() ^ uid);
    this.runtime = runtime;
    this.listener = listener;
    this.shapes = LocalRuntime.shapes(agent, runtime);
    requireChunkFitsFrame(ctx.getSystem().settings().config(), shapes, runtime);
    // A context keeps one message adapter per message class, so both subscriptions share this one.
    ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class, Listing::new);
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(ClusterKeys.REPLAY, adapter));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(ClusterKeys.PARAMS, adapter));
    timers.startSingleTimer("give-up", new GiveUp(), session.waitLeft());
  }

  /**
   * Artery drops a message larger than its frame (and the worker would wait forever for its ack), so a
   * chunk that cannot fit is refused before any worker starts. A chunk may hold up to
   * {@code 2 * chunkRows + envsPerWorker} sequences (the outbox grows while one vector step finishes
   * several).
   */
  static void requireChunkFitsFrame(com.typesafe.config.Config cfg, AgentShapes shapes, RuntimeConfig runtime) {
    long frame = cfg.getBytes("pekko.remote.artery.advanced.maximum-frame-size");
    var seq = shapes.sequence();
    long perSequence = dev.mnemo.replay.SequenceBatch.payloadBytesPerSequence(seq.length(), seq.obsSize(),
        seq.stateSize(), seq.numActions(), seq.storeLogits()) + 4;
    // A worker drains its outbox after the vector step that fills it: a chunk holds chunk_rows - 1 sequences
    // plus everything that one step can finish (SequenceOutbox.maxSequencesPerStep).
    int perStep = dev.mnemo.actors.SequenceOutbox.maxSequencesPerStep(seq, runtime.envsPerWorker());
    long worst = perSequence * (runtime.chunkRows() - 1L + perStep) + 1024;
    if (worst > frame) {
      long fitting = (frame - 1024) / perSequence + 1 - perStep;
      throw new IllegalArgumentException("actors.chunk_rows = " + runtime.chunkRows() + " with envs_per_worker = "
          + runtime.envsPerWorker() + " makes chunks of up to " + worst + " bytes (" + perSequence + " per sequence, "
          + "up to " + perStep + " finished by one vector step), more than Artery's maximum-frame-size of " + frame
          + " bytes; " + (fitting >= 1 ? "lower chunk_rows to at most " + fitting + ", " : "")
          + "lower envs_per_worker or raise pekko.remote.artery.advanced.maximum-frame-size");
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Listing.class, this::onListing)
        .onMessage(GiveUp.class, g -> end(SessionEnd.Kind.WAIT_EXPIRED, "no learner for "
            + runtime.learnerWait().toMillis() / 1000.0 + " s (actors.learner_wait)"))
        .onMessage(StopNode.class, this::onStopNode)
        .onSignal(Terminated.class, t -> onTerminated(t.getRef()))
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, p -> {
          // The system is going down under the session (its member was downed): a loss, with its totals.
          if (!session.end().isDone()) {
            end(SessionEnd.Kind.LEARNER_LOST, "the node's cluster membership ended");
          }
          return this;
        })
        .build();
  }

  private Behavior<Command> onListing(Listing l) {
    if (l.listing().isForKey(ClusterKeys.REPLAY)) {
      Set<ActorRef<ReplayService.Command>> s = l.listing().getServiceInstances(ClusterKeys.REPLAY);
      replay = s.isEmpty() ? null : s.iterator().next();
    } else if (l.listing().isForKey(ClusterKeys.PARAMS)) {
      Set<ActorRef<ParamServer.Command>> s = l.listing().getServiceInstances(ClusterKeys.PARAMS);
      params = s.isEmpty() ? null : s.iterator().next();
    }
    if (stopRequested != null) {
      return this;
    }
    if (replay != null && params != null && !started) {
      startWorkers();
    } else if ((replay == null || params == null) && started && !workers.isEmpty()) {
      // Killed, unreachable or gone without stopping the workers. This membership cannot follow a learner
      // that comes back (a new incarnation forms a new cluster): the node rejoins it in a new session.
      listener.onEvent(Events.of("learner_lost", "workers", workers.size(), "reason",
          "the learner's services left the Receptionist listing (node killed, unreachable or left)"));
      return end(SessionEnd.Kind.LEARNER_LOST, "learner unreachable or gone");
    }
    return this;
  }

  private void startWorkers() {
    started = true;
    timers.cancel("give-up");
    session.learnerFound().run();
    int total = runtime.workers() * runtime.envsPerWorker();
    for (int w = 0; w < runtime.workers(); w++) {
      WorkerLedger ledger = new WorkerLedger();
      EnvWorker.Spec spec = Coordinator.workerSpec(agent, runtime, shapes, listener, w, w * runtime.envsPerWorker(),
          total, params, replay, ledger, failureLog);
      ActorRef<EnvWorker.Command> ref = getContext().spawn(EnvWorker.supervised(spec), "worker-1-" + w);
      getContext().watch(ref);
      getContext().getSystem().receptionist().tell(Receptionist.register(ClusterKeys.WORKER, ref));
      workers.add(ref);
      ledgers.add(ledger);
    }
    listener.onEvent(Events.of("workers_started", "workers", runtime.workers(), "replay", replay.path().toString()));
  }

  private Behavior<Command> onStopNode(StopNode s) {
    stopRequested = s.reason();
    if (workers.isEmpty()) {
      return end(SessionEnd.Kind.STOP_REQUESTED, s.reason());
    }
    for (ActorRef<EnvWorker.Command> w : workers) {
      w.tell(new EnvWorker.Stop(null, s.reason(), true)); // each sends what it finished, then stops
    }
    return this;
  }

  private Behavior<Command> onTerminated(ActorRef<Void> ref) {
    workers.removeIf(w -> w.equals(ref));
    if (!workers.isEmpty()) {
      return this;
    }
    if (stopRequested != null) {
      return end(SessionEnd.Kind.STOP_REQUESTED, stopRequested);
    }
    for (WorkerLedger l : ledgers) {
      if (l.stopRunOver()) {
        return end(SessionEnd.Kind.RUN_OVER, "run over: " + l.stopReason());
      }
    }
    for (WorkerLedger l : ledgers) {
      if (l.stopReason() != null) {
        listener.onEvent(Events.of("learner_lost", "workers", ledgers.size(), "reason",
            "the learner is stopping (" + l.stopReason() + ") without ending the run"));
        return end(SessionEnd.Kind.LEARNER_LOST, "learner stopped: " + l.stopReason());
      }
    }
    List<String> gaveUp = ledgers.stream().map(WorkerLedger::gaveUp).filter(java.util.Objects::nonNull).toList();
    return end(SessionEnd.Kind.GAVE_UP, String.join("; ", gaveUp));
  }

  /** Reports the session's end with its workers' totals and stops the guardian (and with it the workers). */
  private Behavior<Command> end(SessionEnd.Kind kind, String reason) {
    long steps = ledgers.stream().mapToLong(WorkerLedger::envStepsSent).sum();
    long sent = ledgers.stream().mapToLong(WorkerLedger::sequencesSent).sum();
    session.end().complete(new SessionEnd(kind, reason, steps, sent));
    return Behaviors.stopped();
  }
}
