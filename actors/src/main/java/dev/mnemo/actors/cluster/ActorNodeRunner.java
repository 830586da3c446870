package dev.mnemo.actors.cluster;

import dev.mnemo.actors.Events;
import dev.mnemo.actors.RuntimeConfig;
import dev.mnemo.actors.RuntimeListener;
import dev.mnemo.learners.agent.AgentBuilder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;

/**
 * An {@code actor} node over its whole life: a sequence of sessions, each a fresh ActorSystem that joins the
 * seed nodes and runs an {@link ActorNode} guardian. When a session loses its learner (killed, unreachable,
 * stopped by a signal), this runner ends it and starts the next, which keeps trying to join until a learner
 * answers at the seed address (one restarted there with {@code --resume}) or {@code learner_wait}, counted
 * from the loss, runs out. Then, or when the learner ends the run, the node stops: one
 * {@code actor_node_stopped} event with the reason, the env steps and sequences its workers sent, and the
 * time it waited; {@link #exitCode()} is 0 (1 when its workers gave up).
 *
 * <p>Why a new ActorSystem rather than the same one: a Pekko Cluster member cannot join another cluster,
 * and once its learner is unreachable the split-brain resolver (keep-oldest, the learner being the oldest)
 * downs the actor's own side anyway; a downed member can never come back with the same incarnation. A
 * learner restarted on the same port is a new incarnation that forms a new cluster, so only a new incarnation
 * of the actor node can join it.
 */
final class ActorNodeRunner {

  /** How long a session's ActorSystem may take to terminate before the node goes on without it. */
  private static final Duration TEARDOWN_WAIT = Duration.ofSeconds(30);

  private final ClusterNode.Options options;
  private final AgentBuilder agent;
  private final RuntimeConfig runtime;
  private final RuntimeListener listener;
  private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
  /** Session ends are handled here: tearing down an ActorSystem must not block one of its own threads. */
  private final ExecutorService control = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "mnemo-actor-node");
    t.setDaemon(true);
    return t;
  });

  // Guarded by this.
  private ActorSystem<ActorNode.Command> system;
  private String address = "?";
  private int sessions;
  private String stopRequested;
  /** When the current wait for a learner began (node start, or the loss), or -1 while a learner is there. */
  private long waitingSinceNanos;
  private long envSteps;
  private long sequencesSent;

  ActorNodeRunner(ClusterNode.Options options, AgentBuilder agent, RuntimeConfig runtime, RuntimeListener listener) {
    this.options = options;
    this.agent = agent;
    this.runtime = runtime;
    this.listener = listener;
  }

  /** Starts the first session, which waits up to {@code learner_wait} for a learner to join. */
  synchronized void start() {
    waitingSinceNanos = System.nanoTime();
    startSession(runtime.learnerWait());
  }

  /** Completes with the node's exit code once it has stopped. */
  CompletableFuture<Integer> exitCode() {
    return exitCode;
  }

  /** The current (or last) session's address, {@code host:port}. */
  synchronized String address() {
    return address;
  }

  /** Stops the workers (each sends what it finished) and the node (SIGINT/SIGTERM). */
  synchronized void requestStop(String reason) {
    if (stopRequested != null || exitCode.isDone()) {
      return;
    }
    stopRequested = reason;
    if (system != null) {
      system.tell(new ActorNode.StopNode(reason));
    }
    // Between two sessions the session-end handler sees stopRequested and stops instead of starting one.
  }

  /** Terminates the current session at once (tests; the node's normal end does not need it). */
  void close() {
    ActorSystem<ActorNode.Command> s;
    synchronized (this) {
      s = system;
      system = null;
    }
    if (s != null) {
      terminate(s, false);
    }
    control.shutdownNow();
  }

  private void startSession(Duration waitLeft) {
    sessions++;
    CompletableFuture<SessionEnd> end = new CompletableFuture<>();
    int session = sessions;
    ActorNode.Session hooks = new ActorNode.Session(waitLeft, () -> learnerFound(session), end);
    ActorSystem<ActorNode.Command> sys;
    try {
      sys = ActorSystem.create(ActorNode.create(agent, runtime, listener, hooks), ClusterNode.SYSTEM,
          ClusterNode.pekkoConfig(options));
    } catch (RuntimeException e) {
      finish(SessionEnd.Kind.GAVE_UP, "cannot start session " + session + ": " + e);
      return;
    }
    system = sys;
    var a = sys.address();
    address = a.getHost().orElse("?") + ":" + a.getPort().orElse(-1);
    // A system that ends on its own (its member downed) ends its session as a loss, unless the guardian said more.
    sys.getWhenTerminated().thenRun(() -> end.complete(new SessionEnd(SessionEnd.Kind.LEARNER_LOST,
        "the node's cluster membership ended", 0, 0)));
    end.thenAcceptAsync(e -> onSessionEnd(sys, e), control);
  }

  private synchronized void learnerFound(int session) {
    if (session > 1) {
      listener.onEvent(Events.of("learner_rejoined", "session", session, "waited_s",
          seconds(System.nanoTime() - waitingSinceNanos)));
    }
    waitingSinceNanos = -1;
  }

  /** On the control thread: account for the session, tear it down, then start the next one or stop. */
  private void onSessionEnd(ActorSystem<ActorNode.Command> sys, SessionEnd e) {
    synchronized (this) {
      envSteps += e.envSteps();
      sequencesSent += e.sequencesSent();
      if (e.kind() == SessionEnd.Kind.LEARNER_LOST && waitingSinceNanos < 0) {
        waitingSinceNanos = System.nanoTime();
      }
    }
    // Leave gracefully only when a learner is there to see it (this node stopping, or its workers giving up);
    // otherwise the learner is gone or ending, and waiting for a leave to converge would only delay the stop.
    terminate(sys, e.kind() != SessionEnd.Kind.STOP_REQUESTED && e.kind() != SessionEnd.Kind.GAVE_UP);
    synchronized (this) {
      system = null;
      if (stopRequested != null) {
        finish(SessionEnd.Kind.STOP_REQUESTED, stopRequested);
        return;
      }
      if (e.kind() != SessionEnd.Kind.LEARNER_LOST) {
        finish(e.kind(), e.reason());
        return;
      }
      long left = runtime.learnerWait().toNanos() - (System.nanoTime() - waitingSinceNanos);
      if (left <= 0) {
        finish(SessionEnd.Kind.WAIT_EXPIRED, "no learner for " + seconds(runtime.learnerWait().toNanos())
            + " s (actors.learner_wait) after: " + e.reason());
        return;
      }
      listener.onEvent(Events.of("rejoining", "session", sessions + 1, "after", e.reason(), "wait_left_s",
          seconds(left), "seed_nodes", String.join(",", options.seedNodes())));
      startSession(Duration.ofNanos(left));
    }
  }

  /**
   * Terminates a session's ActorSystem, first downing this node when {@code downSelf}: with its learner
   * unreachable a graceful leave could never converge and would wait out the coordinated shutdown's phase
   * timeouts.
   */
  private void terminate(ActorSystem<ActorNode.Command> sys, boolean downSelf) {
    try {
      if (downSelf) {
        Cluster c = Cluster.get(sys);
        c.manager().tell(Down.apply(c.selfMember().address()));
      }
      sys.terminate();
      sys.getWhenTerminated().toCompletableFuture().get(TEARDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      listener.onEvent(Events.of("session_teardown_slow", "waited_s", TEARDOWN_WAIT.toSeconds()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      listener.onEvent(Events.of("session_teardown_failed", "error", String.valueOf(e)));
    }
  }

  private void finish(SessionEnd.Kind kind, String reason) {
    double waited = waitingSinceNanos < 0 || kind == SessionEnd.Kind.RUN_OVER ? 0.0
        : seconds(System.nanoTime() - waitingSinceNanos);
    listener.onEvent(Events.of("actor_node_stopped", "reason", reason, "kind", kind.name().toLowerCase(),
        "env_steps", envSteps, "sequences_sent", sequencesSent, "waited_s", waited, "sessions", sessions));
    exitCode.complete(kind == SessionEnd.Kind.GAVE_UP ? 1 : 0);
  }

  private static double seconds(long nanos) {
    return Math.round(nanos / 1e7) / 100.0;
  }
}
