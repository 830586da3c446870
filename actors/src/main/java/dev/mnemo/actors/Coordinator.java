package dev.mnemo.actors;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.AgentShapes;
import dev.mnemo.learners.agent.Learner;
import dev.mnemo.replay.PrioritizedSequenceReplay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The guardian of a learner's node: spawns the parameter server, the replay service, the learner
 * service (on {@code mnemo.learner-dispatcher}) and, in a local run, the env workers, each under a
 * restart-with-backoff supervisor. It reports status every {@code statusInterval}; it stops at the env-step
 * budget (local workers claim it step by step from an {@link EnvStepBudget}; the replay service checks the
 * total on every chunk), on {@link RequestStop}, or when a worker exhausts its restart budget, and then
 * shuts down in order: workers stop and send what they finished, the replay service inserts what it can,
 * the learner finishes its update and writes the final checkpoint; {@code done} completes with the result,
 * or with a {@link RunFailedException} when a worker gave up.
 *
 * <p>In cluster mode there are no local workers: the replay service and parameter server are
 * registered with the Receptionist for actor nodes to find, remote workers are tracked through their
 * own registrations, and membership changes become events.
 */
public final class Coordinator extends AbstractBehavior<Coordinator.Command> {

  /** The coordinator's protocol (local messages only). */
  public sealed interface Command permits StatusTick, CheckpointTick, BudgetReached, RequestStop, WorkerStopped,
      WorkerTerminated, ReplayFlushed, LearnerStopped, StopTimeout, WorkersListing, MemberChange {
  }

  /** Self message: report status. */
  public record StatusTick() implements Command {
  }

  /** Self message: time for a periodic checkpoint ({@code checkpoint_interval}). */
  public record CheckpointTick() implements Command {
  }

  /**
   * The env-step budget is reached: local workers have claimed it in full ({@link EnvStepBudget}), or the
   * replay service counted it on a chunk (every chunk is checked; the only check for remote workers).
   */
  public record BudgetReached(long envSteps) implements Command {
  }

  /**
   * Stop now (SIGINT, a caller's deadline). {@code runOver} is what cluster actor nodes are told: true, the
   * run has ended and they stop; false (a learner node stopped by a signal, to be resumed), they wait
   * {@code learner_wait} for a learner to come back.
   */
  public record RequestStop(String reason, boolean runOver) implements Command {
  }

  /**
   * A worker has sent its last chunk and stopped: local workers by name, remote ones (cluster) by reference,
   * which is why this one crosses the wire.
   */
  public record WorkerStopped(String name, ActorRef<EnvWorker.Command> worker) implements Command,
      dev.mnemo.actors.serialization.ControlMessage {
  }

  /** A local worker has terminated (after its Stop, or having given up: its ledger says why). */
  public record WorkerTerminated(String name, WorkerLedger ledger) implements Command {
  }

  /** The replay service flushed its queue; {@code dropped} sequences could not be inserted. */
  public record ReplayFlushed(long dropped) implements Command {
  }

  /** The learner finished and checkpointed. */
  public record LearnerStopped(long updates) implements Command {
  }

  /** Self message: a stop phase took too long; go on without waiting further. */
  public record StopTimeout(String phase) implements Command {
  }

  /** The env workers currently registered (cluster mode). */
  public record WorkersListing(Receptionist.Listing listing) implements Command {
  }

  /** A cluster membership or reachability change. */
  public record MemberChange(ClusterEvent.ClusterDomainEvent event) implements Command {
  }

  /**
   * What the coordinator runs.
   *
   * @param agent the algorithm (budget, refresh period, acting policies)
   * @param runtime runtime settings
   * @param shapes shapes of the run
   * @param learner the learner (built outside the actor system: its initialisation may be slow and blocking)
   * @param replay the replay (shared by the replay service and the learner service; thread-safe)
   * @param counters totals
   * @param listener events and status
   * @param cluster true on a cluster learner node (no local workers; Receptionist registration)
   * @param done completed with the result when the run has stopped
   */
  public record Plan(AgentBuilder agent, RuntimeConfig runtime, AgentShapes shapes, Learner learner,
      PrioritizedSequenceReplay replay, RuntimeCounters counters, RuntimeListener listener, boolean cluster,
      CompletableFuture<RunResult> done) {
  }

  public static Behavior<Command> create(Plan plan) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Coordinator(ctx, timers, plan)));
  }

  private static final Duration STOP_PHASE_TIMEOUT = Duration.ofSeconds(15);

  private final Plan plan;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ParamServer.Command> params;
  private final ActorRef<ReplayService.Command> replayService;
  private final ActorRef<LearnerService.Command> learner;
  private final List<ActorRef<EnvWorker.Command>> workers = new ArrayList<>();
  private final List<WorkerLedger> ledgers = new ArrayList<>();
  private final Set<String> runningWorkers = new HashSet<>();
  private Set<ActorRef<EnvWorker.Command>> remoteWorkers = Set.of();
  /** Remote workers told to stop that have neither confirmed nor left the Receptionist listing. */
  private final Set<ActorRef<EnvWorker.Command>> stoppingRemote = new HashSet<>();
  /** The Stop every worker gets once the run stops. */
  private EnvWorker.Stop stop;
  private final long startNanos = System.nanoTime();
  private long lastNanos = startNanos;
  private long lastEnvSteps;
  private long lastUpdates;
  private long lastEpisodes;
  private double lastReturnSum;
  private String phase = "running";
  /** Why the run failed (a worker gave up), or null. */
  private String failure;
  private Throwable failureCause;
  private final FailureLog failureLog = new FailureLog();
  /** What the local workers claim before each vector step (unused in cluster mode). */
  private final EnvStepBudget budget;

  private Coordinator(ActorContext<Command> ctx, TimerScheduler<Command> timers, Plan plan) {
    super(ctx);
    this.plan = plan;
    this.timers = timers;
    // A resumed run's counters start at its checkpoint's: the budget counts the steps it has already taken.
    long taken = plan.counters().envSteps();
    this.budget = new EnvStepBudget(plan.agent().totalEnvSteps(), taken);
    this.lastEnvSteps = taken;
    this.lastUpdates = plan.learner().updates();
    this.lastEpisodes = plan.counters().episodes();
    this.lastReturnSum = plan.counters().returnSum();
    RuntimeConfig rc = plan.runtime();
    ParamSnapshot initial = plan.learner().snapshot();
    params = ctx.spawn(ParamServer.create(initial), "params");
    replayService = ctx.spawn(ReplayService.create(plan.replay(), plan.counters(), plan.listener(),
        plan.agent().totalEnvSteps(), ctx.getSelf()), "replay");
    learner = ctx.spawn(LearnerService.create(plan.learner(), plan.replay(), params, replayService,
        plan.counters(), plan.listener(), rc.publishEvery(), rc.learnerIdle()), "learner",
        DispatcherSelector.fromConfig("mnemo.learner-dispatcher"));
    if (plan.cluster()) {
      ctx.getSystem().receptionist().tell(Receptionist.register(ClusterKeys.REPLAY, replayService));
      ctx.getSystem().receptionist().tell(Receptionist.register(ClusterKeys.PARAMS, params));
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(ClusterKeys.WORKER,
          ctx.messageAdapter(Receptionist.Listing.class, WorkersListing::new)));
      ActorRef<ClusterEvent.MemberEvent> members = ctx.messageAdapter(
          ClusterEvent.MemberEvent.class, MemberChange::new);
      ActorRef<ClusterEvent.ReachabilityEvent> reach = ctx.messageAdapter(
          ClusterEvent.ReachabilityEvent.class, MemberChange::new);
      Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(members, ClusterEvent.MemberEvent.class));
      Cluster.get(ctx.getSystem()).subscriptions().tell(
          Subscribe.create(reach, ClusterEvent.ReachabilityEvent.class));
    } else {
      int total = rc.workers() * rc.envsPerWorker();
      ActorRef<Command> self = ctx.getSelf();
      long budgetSteps = plan.agent().totalEnvSteps();
      budget.spent().thenRun(() -> self.tell(new BudgetReached(Math.max(taken, budgetSteps - budget.left()))));
      for (int w = 0; w < rc.workers(); w++) {
        WorkerLedger ledger = new WorkerLedger();
        EnvWorker.Spec spec = workerSpec(plan, w, w * rc.envsPerWorker(), total, params, replayService, ledger,
            failureLog, budget);
        String name = "worker-" + w;
        ActorRef<EnvWorker.Command> ref = ctx.spawn(EnvWorker.supervised(spec), name);
        ctx.watchWith(ref, new WorkerTerminated(name, ledger));
        workers.add(ref);
        ledgers.add(ledger);
        runningWorkers.add(name);
      }
    }
    plan.listener().onEvent(Events.of("runtime_started", "mode", plan.cluster() ? "cluster" : "local",
        "algorithm", plan.agent().algorithm(), "workers", rc.workers(), "envs_per_worker", rc.envsPerWorker(),
        "param_count", plan.shapes().paramCount(), "learner_updates", plan.learner().updates(),
        "replay_size", plan.replay().size()));
    timers.startTimerAtFixedRate(new StatusTick(), rc.statusInterval());
    if (rc.checkpointDir() != null && !rc.checkpointInterval().isZero()) {
      timers.startTimerWithFixedDelay(new CheckpointTick(), rc.checkpointInterval());
    }
  }

  /** The spec of worker {@code w}, whose envs are actors {@code first .. first + envsPerWorker - 1} of {@code total}. */
  static EnvWorker.Spec workerSpec(Plan plan, int w, int first, int total,
      ActorRef<ParamServer.Command> params, ActorRef<ReplayService.Command> replay, WorkerLedger ledger,
      FailureLog failureLog, EnvStepBudget budget) {
    return new EnvWorker.Spec(w, plan.agent(), plan.shapes(), plan.runtime().envFactory(),
        plan.runtime().envsPerWorker(), first, total, seed(plan.agent(), first), plan.agent().actorRefreshSteps(),
        plan.runtime(), replay, params, ledger, plan.listener(), failureLog, budget);
  }

  private static long seed(AgentBuilder agent, int first) {
    return agent.seed() * 1_000_003L + 7919L * (first + 1);
  }

  /** The spec of one worker of a cluster actor node (no budget of its own: the learner's node stops it). */
  public static EnvWorker.Spec workerSpec(AgentBuilder agent, RuntimeConfig rc, AgentShapes shapes,
      RuntimeListener listener, int w, int first, int total, ActorRef<ParamServer.Command> params,
      ActorRef<ReplayService.Command> replay, WorkerLedger ledger, FailureLog failureLog) {
    return new EnvWorker.Spec(w, agent, shapes, rc.envFactory(), rc.envsPerWorker(), first, total, seed(agent, first),
        agent.actorRefreshSteps(), rc, replay, params, ledger, listener, failureLog, null);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StatusTick.class, t -> onStatus())
        .onMessage(CheckpointTick.class, t -> onCheckpointTick())
        .onMessage(BudgetReached.class, b -> beginStop("budget of " + plan.agent().totalEnvSteps()
            + " env steps reached", true))
        .onMessage(RequestStop.class, r -> beginStop(r.reason(), r.runOver()))
        .onMessage(WorkerStopped.class, this::onWorkerStopped)
        .onMessage(WorkerTerminated.class, this::onWorkerTerminated)
        .onMessage(ReplayFlushed.class, this::onFlushed)
        .onMessage(LearnerStopped.class, this::onLearnerStopped)
        .onMessage(StopTimeout.class, this::onStopTimeout)
        .onMessage(WorkersListing.class, this::onListing)
        .onMessage(MemberChange.class, this::onMemberChange)
        .build();
  }

  private Behavior<Command> onStatus() {
    RuntimeCounters c = plan.counters();
    long now = System.nanoTime();
    double dt = Math.max(1e-9, (now - lastNanos) / 1e9);
    long steps = c.envSteps();
    long updates = c.updates();
    long episodes = c.episodes();
    double ret = c.returnSum();
    double meanReturn = episodes > lastEpisodes ? (ret - lastReturnSum) / (episodes - lastEpisodes) : Double.NaN;
    int running = plan.cluster() ? remoteWorkers.size() : runningWorkers.size();
    plan.listener().onStatus(new RuntimeStatus((now - startNanos) / 1e9, steps, (steps - lastEnvSteps) / dt,
        updates, (updates - lastUpdates) / dt, episodes, meanReturn, plan.replay().size(),
        c.sequencesInserted(), c.paramLag(), running));
    lastNanos = now;
    lastEnvSteps = steps;
    lastUpdates = updates;
    lastEpisodes = episodes;
    lastReturnSum = ret;
    return this;
  }

  /** While running, the learner writes a checkpoint between two updates (never during the stop: it writes its own). */
  private Behavior<Command> onCheckpointTick() {
    if (phase.equals("running")) {
      learner.tell(new LearnerService.Checkpoint(plan.runtime().checkpointDir(), plan.runtime().checkpointKeep()));
    }
    return this;
  }

  private Behavior<Command> beginStop(String reason, boolean runOver) {
    if (!phase.equals("running")) {
      return this;
    }
    phase = "workers";
    stop = new EnvWorker.Stop(getContext().getSelf(), reason, runOver);
    plan.listener().onEvent(Events.of("stopping", "reason", reason, "env_steps", plan.counters().envSteps(),
        "updates", plan.counters().updates()));
    if (plan.cluster()) {
      // Remote workers confirm like local ones (WorkerStopped crosses the wire); one whose node vanishes
      // meanwhile leaves the listing instead, so the phase never waits on a dead node for its timeout.
      stoppingRemote.addAll(remoteWorkers);
      for (ActorRef<EnvWorker.Command> w : remoteWorkers) {
        w.tell(stop);
      }
      timers.startSingleTimer(new StopTimeout("workers"), STOP_PHASE_TIMEOUT);
      if (stoppingRemote.isEmpty()) {
        flush();
      }
    } else {
      for (ActorRef<EnvWorker.Command> w : workers) {
        w.tell(stop);
      }
      timers.startSingleTimer(new StopTimeout("workers"), STOP_PHASE_TIMEOUT);
      if (runningWorkers.isEmpty()) {
        flush();
      }
    }
    return this;
  }

  private Behavior<Command> onWorkerStopped(WorkerStopped s) {
    if (plan.cluster()) {
      if (stoppingRemote.remove(s.worker()) && phase.equals("workers") && stoppingRemote.isEmpty()) {
        flush();
      }
      return this;
    }
    runningWorkers.remove(s.name());
    if (phase.equals("workers") && runningWorkers.isEmpty()) {
      flush();
    }
    return this;
  }

  private Behavior<Command> onWorkerTerminated(WorkerTerminated t) {
    runningWorkers.remove(t.name());
    if (phase.equals("running")) {
      // Workers stop only when told to, or when one gives up: the run has failed.
      String why = t.ledger().gaveUp();
      failure = why != null ? why : t.name() + " stopped on its own";
      failureCause = t.ledger().gaveUpError();
      plan.listener().onEvent(Events.of("run_failing", "reason", failure));
      return beginStop("failed: " + failure, true);
    }
    if (phase.equals("workers") && runningWorkers.isEmpty()) {
      flush(); // a worker that gave up during the stop sends no WorkerStopped
    }
    return this;
  }

  private void flush() {
    phase = "replay";
    timers.startSingleTimer(new StopTimeout("replay"), STOP_PHASE_TIMEOUT);
    replayService.tell(new ReplayService.Flush(plan.cluster(), stop.reason(), stop.runOver(), getContext().getSelf()));
  }

  private Behavior<Command> onFlushed(ReplayFlushed f) {
    if (phase.equals("replay")) {
      phase = "learner";
      timers.startSingleTimer(new StopTimeout("learner"), Duration.ofMinutes(2));
      learner.tell(new LearnerService.Stop(plan.runtime().checkpointDir(), getContext().getSelf()));
    }
    return this;
  }

  private Behavior<Command> onLearnerStopped(LearnerStopped s) {
    return finish();
  }

  private Behavior<Command> onStopTimeout(StopTimeout t) {
    if (!t.phase().equals(phase)) {
      return this;
    }
    plan.listener().onEvent(Events.of("stop_phase_timeout", "phase", t.phase()));
    switch (phase) {
      case "workers" -> flush();
      case "replay" -> onFlushed(new ReplayFlushed(0)); // no answer: go on to the learner anyway
      default -> {
        return finish();
      }
    }
    return this;
  }

  private Behavior<Command> finish() {
    onStatus(); // a last status with the final totals, however short the run
    RuntimeCounters c = plan.counters();
    RunResult r = new RunResult(c.envSteps(), c.updates(), c.episodes(), c.sequencesReceived(),
        c.sequencesInserted(), c.sequencesDroppedAtStop(), c.sequenceAnomalies(), plan.replay().size(),
        (System.nanoTime() - startNanos) / 1e9, List.copyOf(ledgers));
    plan.listener().onEvent(Events.of("stopped", "env_steps", r.envSteps(), "updates", r.updates(),
        "sequences_received", r.sequencesReceived(), "sequences_inserted", r.sequencesInserted()));
    phase = "done";
    if (failure != null) {
      plan.done().completeExceptionally(new RunFailedException(failure, failureCause, r));
    } else {
      plan.done().complete(r);
    }
    return Behaviors.stopped();
  }

  private Behavior<Command> onListing(WorkersListing l) {
    Set<ActorRef<EnvWorker.Command>> now = l.listing().getServiceInstances(ClusterKeys.WORKER);
    if (!now.equals(remoteWorkers)) {
      plan.listener().onEvent(Events.of("workers_changed", "workers", now.size(), "previous", remoteWorkers.size()));
    }
    if (!phase.equals("running")) {
      for (ActorRef<EnvWorker.Command> w : now) {
        if (!remoteWorkers.contains(w)) {
          w.tell(new EnvWorker.Stop(null, stop.reason(), stop.runOver())); // registered during the stop
        }
      }
    }
    remoteWorkers = Set.copyOf(now);
    if (stoppingRemote.retainAll(now) && phase.equals("workers") && stoppingRemote.isEmpty()) {
      flush(); // the last worker still owed a confirmation has gone (its node left or died)
    }
    return this;
  }

  private Behavior<Command> onMemberChange(MemberChange m) {
    ClusterEvent.ClusterDomainEvent e = m.event();
    String kind;
    String address;
    String roles;
    if (e instanceof ClusterEvent.MemberEvent me) {
      kind = "member_" + me.getClass().getSimpleName().replace("Member", "").toLowerCase();
      address = me.member().address().toString();
      roles = String.join(",", me.member().getRoles());
    } else if (e instanceof ClusterEvent.UnreachableMember um) {
      kind = "member_unreachable";
      address = um.member().address().toString();
      roles = String.join(",", um.member().getRoles());
    } else if (e instanceof ClusterEvent.ReachableMember rm) {
      kind = "member_reachable";
      address = rm.member().address().toString();
      roles = String.join(",", rm.member().getRoles());
    } else {
      return this;
    }
    plan.listener().onEvent(Events.of(kind, "address", address, "roles", roles));
    return this;
  }
}
