package dev.mnemo.actors;

import dev.mnemo.agents.acting.ActingLoop;
import dev.mnemo.actors.serialization.ControlMessage;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.acting.ActingPolicy;
import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.AgentShapes;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.VectorEnv;
import java.time.Duration;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Drives one {@link ActingLoop}: steps its envs a few vector steps per mailbox turn (in a local run each
 * one claimed from the run's {@link EnvStepBudget} first; once it is spent the worker waits for its Stop),
 * ships finished
 * sequences to the replay service in chunks under a credit window, and every {@code actorRefreshSteps}
 * steps asks the parameter server for a newer snapshot. It waits (stops stepping) while it has no
 * parameters or no credit, so a slow replay holds it back instead of letting memory grow.
 *
 * <p>An exception in an env or the kernel is reported as a {@code worker_restart} event with what
 * it dropped (the sequences not yet sent and the episodes in flight) and rethrown, so the supervisor
 * declared in {@link #supervised} restarts the worker with backoff and fresh envs. A worker restarts at
 * most {@code maxRestarts} times within {@code restartWindow} ({@link RuntimeConfig}); the failure beyond
 * that is a {@code worker_gave_up} event and the worker stops, its ledger saying why, which ends the run
 * as failed. Failures are logged through the node's {@link FailureLog} (each stack trace once).
 */
public final class EnvWorker extends AbstractBehavior<EnvWorker.Command> {

  /** The worker's protocol. */
  public sealed interface Command permits Tick, Ack, NewParams, NoNewParams, Stop, RetryFetch {
  }

  /** Self message: take the next vector steps. */
  public record Tick() implements Command {
  }

  /** The replay service stored chunk {@code seq} of incarnation {@code source}: one credit back. */
  public record Ack(String source, long seq) implements Command, ControlMessage {
  }

  /** A newer parameter snapshot (binary-serialized). */
  public record NewParams(ParamSnapshot snapshot) implements Command {
  }

  /** The server has nothing newer than the worker's version; {@code latest} is its newest (-1: none). */
  public record NoNewParams(long latest) implements Command, ControlMessage {
  }

  /**
   * Stop stepping, send what is finished, stop; {@code replyTo} (or null) learns when. {@code runOver}: the
   * run has ended (budget, failure, a caller's stop), so an actor node stops too; false: only the learner is
   * going away (a signal), so the node waits {@code learner_wait} for it to come back. {@code reason} is
   * reported by the node.
   */
  public record Stop(ActorRef<Coordinator.Command> replyTo, String reason, boolean runOver)
      implements Command, ControlMessage {
  }

  /** Self message: ask for parameters again (none were available). */
  public record RetryFetch() implements Command {
  }

  /**
   * Everything a worker needs.
   *
   * @param index worker number (seeds, actor ids, factory argument)
   * @param agent the algorithm: makes this worker's acting policy
   * @param shapes shapes of the run
   * @param factory makes env copies; null means the registry id {@code agent.envId()}
   * @param envs envs of this worker, each one actor
   * @param firstActorId actor id of env 0
   * @param totalActors actors of the whole run (per-actor settings such as epsilon depend on the index)
   * @param seed seed of this worker's envs and exploration
   * @param refreshSteps vector steps between parameter fetches
   * @param runtime flow settings
   * @param replay where chunks go
   * @param params the parameter server
   * @param ledger totals that survive restarts
   * @param listener event sink
   * @param failureLog where failures are logged (shared by a node's workers)
   * @param budget the run's env-step budget, claimed before every vector step (local runs), or null
   *     (cluster actor nodes: the learner's node stops them at the budget)
   */
  public record Spec(int index, AgentBuilder agent, AgentShapes shapes, EnvFactory factory, int envs,
      int firstActorId, int totalActors, long seed, int refreshSteps, RuntimeConfig runtime,
      ActorRef<ReplayService.Command> replay, ActorRef<ParamServer.Command> params, WorkerLedger ledger,
      RuntimeListener listener, FailureLog failureLog, EnvStepBudget budget) {
  }

  private static final Tick TICK = new Tick();

  /**
   * The worker wrapped in its supervision: restart with backoff on any exception (the worker itself stops
   * instead once its restart budget is spent). Pekko's own failure log is off: {@link FailureLog} logs.
   */
  public static Behavior<Command> supervised(Spec spec) {
    RuntimeConfig rc = spec.runtime();
    return Behaviors.supervise(create(spec)).onFailure(Exception.class,
        SupervisorStrategy.restartWithBackoff(rc.restartMinBackoff(), rc.restartMaxBackoff(), 0.2)
            .withResetBackoffAfter(Duration.ofSeconds(10)).withLoggingEnabled(false));
  }

  static Behavior<Command> create(Spec spec) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      try {
        return new EnvWorker(ctx, timers, spec);
      } catch (RuntimeException e) {
        // Building the envs or the kernel failed: restarted like a failure while stepping, and reported.
        return failed(spec, ctx.getSelf().path().name(), e, "start", 0, 0, 0, 0);
      }
    }));
  }

  /**
   * A failure of this worker, after what it dropped is counted: within the restart budget it is reported as
   * {@code worker_restart} and rethrown (the supervisor restarts the worker); beyond it the worker records
   * why in its ledger, reports {@code worker_gave_up} and stops.
   */
  private static Behavior<Command> failed(Spec spec, String name, RuntimeException e, String phase, int seqs,
      int episodes, long lostSteps, long unreportedClaims) {
    WorkerLedger l = spec.ledger();
    RuntimeConfig rc = spec.runtime();
    l.sequencesDropped.addAndGet(seqs);
    l.episodesDropped.addAndGet(episodes);
    if (spec.budget() != null) {
      // Claimed but never reported (taken and lost, or the step that failed): the budget counts reported steps.
      spec.budget().refund(unreportedClaims);
    }
    int recent = l.failures.record(System.nanoTime(), rc.restartWindow());
    if (recent > rc.maxRestarts()) {
      l.gaveUpError = e;
      l.gaveUp = name + " failed " + recent + " times within " + seconds(rc.restartWindow())
          + ", beyond its restart budget (actors.max_restarts = " + rc.maxRestarts() + " per actors.restart_window = "
          + seconds(rc.restartWindow()) + "); last error: " + e;
      spec.failureLog().log(name, "giving up after " + recent + " failures within " + seconds(rc.restartWindow()), e);
      spec.listener().onEvent(Events.of("worker_gave_up", "worker", name, "error", String.valueOf(e), "phase", phase,
          "failures_in_window", recent, "max_restarts", rc.maxRestarts(), "restart_window_s",
          rc.restartWindow().toMillis() / 1000.0, "dropped_sequences", seqs, "dropped_episodes", episodes,
          "lost_env_steps", lostSteps));
      return Behaviors.stopped();
    }
    long restart = l.restarts.incrementAndGet();
    spec.failureLog().log(name, "restart " + restart + " (" + recent + " within " + seconds(rc.restartWindow())
        + ", budget " + rc.maxRestarts() + ")", e);
    spec.listener().onEvent(Events.of("worker_restart", "worker", name, "error", String.valueOf(e), "restart", restart,
        "phase", phase, "dropped_sequences", seqs, "dropped_episodes", episodes, "lost_env_steps", lostSteps));
    throw e;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private final Spec spec;
  private final TimerScheduler<Command> timers;
  /** The worker's envs: closed when it stops or restarts (a Gym HTTP env holds a server instance). */
  private final VectorEnv env;
  private final ActingLoop loop;
  private final SequenceOutbox outbox;
  private final String source;
  private final int credits;
  private final int stepsPerTick;
  private long nextSeq;
  private int inFlight;
  /** Chunks sent and not yet acknowledged, oldest first: their batches go back to the outbox on the ack. */
  private final java.util.ArrayDeque<SequenceChunk> unacked = new java.util.ArrayDeque<>();
  private long stepsSinceFetch;
  private boolean fetchPending;
  private boolean tickPending;
  /** The run's budget is claimed in full: no more steps; the coordinator's Stop collects what is left. */
  private boolean budgetSpent;
  private long reportedEnvSteps;
  /** Env steps this incarnation claimed from the run's budget. */
  private long claimedEnvSteps;
  private long reportedEpisodes;
  private double reportedReturn;

  private EnvWorker(ActorContext<Command> ctx, TimerScheduler<Command> timers, Spec spec) {
    super(ctx);
    this.spec = spec;
    this.timers = timers;
    AgentShapes s = spec.shapes();
    int n = spec.envs();
    EnvFactory f = spec.factory();
    int w = spec.index();
    long generation = spec.ledger().restarts.get();
    // A restarted worker gets fresh episode seeds, so a deterministic env fault is not replayed verbatim.
    long seed = spec.seed() + 0x9E3779B97F4A7C15L * generation;
    this.env = new VectorEnv(i -> f == null ? EnvRegistry.make(spec.agent().envId()) : f.make(w, i), n, seed);
    ActingPolicy policy = spec.agent().newPolicy(s, spec.firstActorId(), n, spec.totalActors(),
        seed ^ 0x5DEECE66DL);
    // Headroom for one vector step's sequences and a batch per credit: chunks are sent and recycled
    // without allocating (see SequenceOutbox).
    this.outbox = new SequenceOutbox(s.sequence(), spec.runtime().chunkRows(),
        SequenceOutbox.maxSequencesPerStep(s.sequence(), n), spec.runtime().credits() + 1);
    this.loop = new ActingLoop(env, policy, s.sequence(), outbox, spec.firstActorId(),
        spec.agent().newSequencePriority(s));
    this.source = ctx.getSelf().path().toString() + "#" + UUID.randomUUID();
    this.credits = spec.runtime().credits();
    this.stepsPerTick = spec.runtime().stepsPerTick();
    fetch();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Tick.class, t -> onTick())
        .onMessage(Ack.class, this::onAck)
        .onMessage(NewParams.class, this::onNewParams)
        .onMessage(NoNewParams.class, this::onNoNewParams)
        .onMessage(RetryFetch.class, r -> {
          fetch();
          return this;
        })
        .onMessage(Stop.class, this::onStop)
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, sig -> closeEnvs())
        .onSignal(org.apache.pekko.actor.typed.PreRestart.class, sig -> closeEnvs())
        .build();
  }

  private Behavior<Command> closeEnvs() {
    try {
      env.close();
    } catch (RuntimeException e) {
      // the worker is going away either way; its instances are the server's to expire
      spec.listener().onEvent(Events.of("env_close_failed", "worker", getContext().getSelf().path().name(),
          "error", String.valueOf(e)));
    }
    return this;
  }

  private Behavior<Command> onTick() {
    tickPending = false;
    if (loop.paramVersion() < 0 || inFlight >= credits) {
      return this; // a NewParams or an Ack schedules the next tick
    }
    try {
      for (int k = 0; k < stepsPerTick; k++) {
        if (spec.budget() != null) {
          if (!spec.budget().claim(loop.size())) {
            budgetSpent = true;
            return this;
          }
          claimedEnvSteps += loop.size();
        }
        loop.step();
        stepsSinceFetch++;
        if (outbox.full()) {
          send();
          if (inFlight >= credits) {
            break;
          }
        }
      }
    } catch (RuntimeException e) {
      return failed(e);
    } catch (InterruptedException e) {
      return failed(new IllegalStateException("worker interrupted while stepping", e));
    }
    if (stepsSinceFetch >= spec.refreshSteps() && !fetchPending) {
      fetch();
    }
    scheduleTick();
    return this;
  }

  /** A failure while stepping: the unsent sequences and the episodes in flight are dropped. */
  private Behavior<Command> failed(RuntimeException e) {
    return failed(spec, getContext().getSelf().path().name(), e, "step", outbox.discard(), loop.episodesInFlight(),
        loop.vectorSteps() * loop.size() - reportedEnvSteps, claimedEnvSteps - reportedEnvSteps);
  }

  private void send() {
    long steps = loop.vectorSteps() * loop.size();
    long episodes = loop.episodes();
    double ret = loop.returnSum();
    SequenceChunk chunk = outbox.drain();
    spec.replay().tell(new ReplayService.Insert(source, nextSeq++, steps - reportedEnvSteps,
        episodes - reportedEpisodes, ret - reportedReturn, loop.paramVersion(), chunk, getContext().getSelf()));
    spec.ledger().sequencesSent.addAndGet(chunk.count());
    spec.ledger().envStepsSent.addAndGet(steps - reportedEnvSteps);
    reportedEnvSteps = steps;
    reportedEpisodes = episodes;
    reportedReturn = ret;
    inFlight++;
    unacked.addLast(chunk);
  }

  private Behavior<Command> onAck(Ack a) {
    if (!a.source().equals(source)) {
      return this; // an ack for a previous incarnation: its credits died with it
    }
    inFlight--;
    // The replay acknowledges a worker's chunks in the order they were sent (one sender, one FIFO queue):
    // chunk a.seq() and every older one are no longer read by anyone. (The oldest unacked is nextSeq - size.)
    for (long done = a.seq() - (nextSeq - unacked.size()) + 1; done > 0 && !unacked.isEmpty(); done--) {
      outbox.recycle(unacked.pollFirst());
    }
    scheduleTick();
    return this;
  }

  private Behavior<Command> onNewParams(NewParams p) {
    fetchPending = false;
    stepsSinceFetch = 0;
    if (p.snapshot().version() > loop.paramVersion()) {
      loop.load(p.snapshot());
      spec.ledger().paramLoads.incrementAndGet();
      spec.ledger().maxParamVersion.accumulateAndGet(p.snapshot().version(), Math::max);
    }
    scheduleTick();
    return this;
  }

  private Behavior<Command> onNoNewParams(NoNewParams p) {
    fetchPending = false;
    stepsSinceFetch = 0;
    if (loop.paramVersion() < 0) {
      timers.startSingleTimer(new RetryFetch(), Duration.ofMillis(50));
    }
    return this;
  }

  private Behavior<Command> onStop(Stop s) {
    if (outbox.size() > 0 || loop.vectorSteps() * loop.size() > reportedEnvSteps) {
      send(); // the finished sequences and the step counts since the last chunk
    }
    spec.ledger().stoppedBy(s.reason(), s.runOver());
    if (s.replyTo() != null) {
      s.replyTo().tell(new Coordinator.WorkerStopped(getContext().getSelf().path().name(), getContext().getSelf()));
    }
    return Behaviors.stopped();
  }

  private void fetch() {
    fetchPending = true;
    spec.params().tell(new ParamServer.Fetch(loop.paramVersion(), getContext().getSelf()));
  }

  private void scheduleTick() {
    if (!tickPending && !budgetSpent && inFlight < credits && loop.paramVersion() >= 0) {
      tickPending = true;
      getContext().getSelf().tell(TICK);
    }
  }
}
