package dev.mnemo.actors.cluster;

import dev.mnemo.actors.ClusterKeys;
import dev.mnemo.actors.Coordinator;
import dev.mnemo.actors.EnvWorker;
import dev.mnemo.actors.Events;
import dev.mnemo.actors.FailureLog;
import dev.mnemo.actors.ParamServer;
import dev.mnemo.actors.ReplayService;
import dev.mnemo.actors.RuntimeConfig;
import dev.mnemo.actors.RuntimeListener;
import dev.mnemo.actors.WorkerLedger;
import dev.mnemo.actors.LocalRuntime;
import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.AgentShapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Guardian of an {@code actor} node: finds the replay service and the parameter server through the
 * Receptionist, then spawns its env workers (supervised, registered under {@link ClusterKeys#WORKER}
 * so the learner can stop them). If the learner's services vanish, the workers are stopped and
 * spawned again when they return. When the learner stops every worker at the end of a run, the node
 * stops too.
 */
public final class ActorNode extends AbstractBehavior<ActorNode.Command> {

  /** The actor node's protocol (local messages only). */
  public sealed interface Command permits Listing, GiveUp {
  }

  /** Self message: the learner has been gone for {@link #LEARNER_WAIT}. */
  public record GiveUp() implements Command {
  }

  /** How long a node waits for a vanished learner to come back before it stops. */
  static final java.time.Duration LEARNER_WAIT = java.time.Duration.ofSeconds(20);

  /** Replay services or parameter servers currently registered (one adapter serves both keys). */
  public record Listing(Receptionist.Listing listing) implements Command {
  }

  /** An actor node's guardian; {@code stopped} completes when the node has no more work to do. */
  public static Behavior<Command> create(AgentBuilder agent, RuntimeConfig runtime, RuntimeListener listener,
      java.util.concurrent.CompletableFuture<Void> stopped) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ActorNode(ctx, timers, agent, runtime,
        listener, stopped)));
  }

  private final AgentBuilder agent;
  private final RuntimeConfig runtime;
  private final RuntimeListener listener;
  private final AgentShapes shapes;
  private final List<ActorRef<EnvWorker.Command>> workers = new ArrayList<>();
  private final List<WorkerLedger> ledgers = new ArrayList<>();
  private ActorRef<ReplayService.Command> replay;
  private ActorRef<ParamServer.Command> params;
  private int generation;
  private final FailureLog failureLog = new FailureLog();

  private final org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers;
  private final java.util.concurrent.CompletableFuture<Void> stopped;

  private ActorNode(ActorContext<Command> ctx, org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers,
      AgentBuilder agent, RuntimeConfig runtime, RuntimeListener listener,
      java.util.concurrent.CompletableFuture<Void> stopped) {
    super(ctx);
    this.timers = timers;
    this.stopped = stopped;
    // Every actor node explores with its own random streams: mix the node's unique id into the seed.
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
    long worst = perSequence * (2L * runtime.chunkRows() + runtime.envsPerWorker()) + 1024;
    if (worst > frame) {
      throw new IllegalArgumentException("actors.chunk_rows = " + runtime.chunkRows() + " makes chunks of up to "
          + worst + " bytes (" + perSequence + " per sequence), more than Artery's maximum-frame-size of " + frame
          + " bytes; lower chunk_rows to at most " + Math.max(1, (frame - 1024) / perSequence / 2 - runtime.envsPerWorker())
          + " or raise pekko.remote.artery.advanced.maximum-frame-size");
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Listing.class, this::onListing)
        .onMessage(GiveUp.class, g -> {
          listener.onEvent(Events.of("actor_node_stopped", "reason", "learner gone for " + LEARNER_WAIT.toSeconds() + " s"));
          stopped.complete(null);
          return Behaviors.stopped();
        })
        .onSignal(Terminated.class, t -> onTerminated(t.getRef()))
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
    return reconcile();
  }

  private Behavior<Command> reconcile() {
    if (replay != null && params != null) {
      timers.cancel("give-up");
    }
    if (replay != null && params != null && workers.isEmpty()) {
      generation++;
      int total = runtime.workers() * runtime.envsPerWorker();
      for (int w = 0; w < runtime.workers(); w++) {
        WorkerLedger ledger = new WorkerLedger();
        EnvWorker.Spec spec = Coordinator.workerSpec(agent, runtime, shapes, listener, w, w * runtime.envsPerWorker(),
            total, params, replay, ledger, failureLog);
        ActorRef<EnvWorker.Command> ref = getContext().spawn(EnvWorker.supervised(spec),
            "worker-" + generation + "-" + w);
        getContext().watch(ref);
        getContext().getSystem().receptionist().tell(Receptionist.register(ClusterKeys.WORKER, ref));
        workers.add(ref);
        ledgers.add(ledger);
      }
      listener.onEvent(Events.of("workers_started", "workers", runtime.workers(), "replay", replay.path().toString()));
    } else if ((replay == null || params == null) && !workers.isEmpty()) {
      listener.onEvent(Events.of("learner_lost", "workers", workers.size()));
      for (ActorRef<EnvWorker.Command> w : workers) {
        getContext().unwatch(w);
        getContext().stop(w);
      }
      workers.clear();
      // The learner may come back (restarted with --resume); if it does not, the run is over.
      timers.startSingleTimer("give-up", new GiveUp(), LEARNER_WAIT);
    }
    return this;
  }

  private Behavior<Command> onTerminated(ActorRef<Void> ref) {
    workers.removeIf(w -> w.equals(ref));
    if (workers.isEmpty()) {
      // The learner's Stop ends a worker, or its restart budget running out: either way this node is done.
      long sent = ledgers.stream().mapToLong(WorkerLedger::sequencesSent).sum();
      List<String> gaveUp = ledgers.stream().map(WorkerLedger::gaveUp).filter(java.util.Objects::nonNull).toList();
      listener.onEvent(gaveUp.isEmpty() ? Events.of("actor_node_stopped", "sequences_sent", sent)
          : Events.of("actor_node_stopped", "sequences_sent", sent, "reason", String.join("; ", gaveUp)));
      stopped.complete(null);
      return Behaviors.stopped();
    }
    return this;
  }
}
