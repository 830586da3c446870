package dev.mnemo.actors.onpolicy;

import dev.mnemo.actors.EnvStepBudget;
import dev.mnemo.actors.Events;
import dev.mnemo.actors.FailureLog;
import dev.mnemo.envs.Seeds;
import dev.mnemo.learners.agent.OnPolicyBuilder;
import dev.mnemo.learners.agent.OnPolicyLearner;
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

/**
 * The guardian of an on-policy run: spawns the parameter holder, the learner service (on its own dispatcher) and
 * the trial workers (on theirs, each under restart-with-backoff), and stops the run in order when the env-step
 * budget is claimed in full, on {@link RequestStop}, or when a worker gives up or the learner fails: workers first
 * (each finishes and sends the collection in progress, so the run ends within one collection of its budget), then
 * the learner, which reads every collection sent before its Stop, evaluates and reports. {@code done} completes
 * with the result, or with an {@link OnPolicyRunFailedException}.
 */
public final class OnPolicyCoordinator extends AbstractBehavior<OnPolicyCoordinator.Command> {

  /** The dispatcher the learner service runs on (one thread: it blocks during updates). */
  static final String LEARNER_DISPATCHER = "mnemo.onpolicy.learner-dispatcher";
  /** The dispatcher the workers run on (one thread each: a collection blocks its thread). */
  static final String WORKER_DISPATCHER = "mnemo.onpolicy.worker-dispatcher";

  /** The coordinator's protocol. */
  public sealed interface Command permits BudgetReached, RequestStop, WorkerStopped, WorkerTerminated, LearnerStopped,
      LearnerFailed, StopTimeout {
  }

  /** The env-step budget is claimed in full. */
  record BudgetReached() implements Command {
  }

  /** Stop now (SIGINT, a caller's deadline). */
  public record RequestStop(String reason) implements Command {
  }

  /** A worker finished its last collection and stopped. */
  record WorkerStopped(String name) implements Command {
  }

  /** A worker terminated (after its Stop, or having given up: its ledger says why). */
  record WorkerTerminated(String name, TrialWorkerLedger ledger) implements Command {
  }

  /** The learner service stopped with the run's figures (restarts and wall time still to add). */
  record LearnerStopped(OnPolicyResult result) implements Command {
  }

  /** The learner service failed in {@code phase} and stopped. */
  record LearnerFailed(String phase, Throwable error) implements Command {
  }

  /** Self message: a stop phase took too long. */
  record StopTimeout(String phase) implements Command {
  }

  /**
   * What the coordinator runs.
   *
   * @param builder the algorithm
   * @param config runtime settings
   * @param learner the learner (built outside the actor system: it may be slow to build)
   * @param trialsPerCollection trials per worker collection
   * @param listener events and update records
   * @param done completed when the run has stopped
   */
  record Plan<B, R>(OnPolicyBuilder<B, R> builder, OnPolicyConfig config, OnPolicyLearner<B, R> learner,
      int trialsPerCollection, OnPolicyListener<R> listener, CompletableFuture<OnPolicyResult> done) {
  }

  static <B, R> Behavior<Command> create(Plan<B, R> plan) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new OnPolicyCoordinator(ctx, timers, plan)));
  }

  /** Workers finish the collection in progress: generous, as a collection on a loaded machine may take a while. */
  private static final Duration WORKERS_TIMEOUT = Duration.ofMinutes(2);
  /** The learner finishes its update, then evaluates. */
  private static final Duration LEARNER_TIMEOUT = Duration.ofMinutes(10);

  private final Plan<?, ?> plan;
  private final TimerScheduler<Command> timers;
  private final ActorRef<OnPolicyLearnerService.Command> learner;
  private final List<ActorRef<TrialWorker.Command>> workers = new ArrayList<>();
  private final List<TrialWorkerLedger> ledgers = new ArrayList<>();
  private final Set<String> running = new HashSet<>();
  private final long startNanos = System.nanoTime();
  private String phase = "running";
  private String failure;
  private Throwable failureCause;
  private boolean learnerDead;

  private <B, R> OnPolicyCoordinator(ActorContext<Command> ctx, TimerScheduler<Command> timers, Plan<B, R> plan) {
    super(ctx);
    this.plan = plan;
    this.timers = timers;
    OnPolicyBuilder<B, R> b = plan.builder();
    OnPolicyConfig c = plan.config();
    EnvStepBudget budget = new EnvStepBudget(b.totalEnvSteps());
    ActorRef<LatestParams.Command> params = ctx.spawn(LatestParams.create(plan.learner().snapshot()), "params");
    learner = ctx.spawn(OnPolicyLearnerService.create(new OnPolicyLearnerService.Spec<>(plan.learner(),
        b.trialsPerUpdate(), plan.trialsPerCollection(), b.newEvaluator(), b.evalInterval(), c, params, ctx.getSelf(),
        plan.listener())), "learner", DispatcherSelector.fromConfig(LEARNER_DISPATCHER));
    FailureLog failureLog = new FailureLog();
    for (int w = 0; w < c.workers(); w++) {
      TrialWorkerLedger ledger = new TrialWorkerLedger();
      String name = "trial-worker-" + w;
      ActorRef<TrialWorker.Command> ref = ctx.spawn(TrialWorker.supervised(new TrialWorker.Spec(w, b,
          plan.trialsPerCollection(), Seeds.combine(b.seed(), 0x776F726BL + w), c, params, learner, budget, ledger,
          plan.listener(), failureLog)), name, DispatcherSelector.fromConfig(WORKER_DISPATCHER));
      ctx.watchWith(ref, new WorkerTerminated(name, ledger));
      workers.add(ref);
      ledgers.add(ledger);
      running.add(name);
    }
    ActorRef<Command> self = ctx.getSelf();
    budget.spent().thenRun(() -> self.tell(new BudgetReached()));
    plan.listener().onEvent(Events.of("runtime_started", "mode", "on-policy", "algorithm", b.algorithm(), "workers",
        c.workers(), "trials_per_collection", plan.trialsPerCollection(), "trials_per_update", b.trialsPerUpdate(),
        "credits", c.credits(), "max_param_lag", c.maxParamLag(), "learner_updates", plan.learner().updates()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(BudgetReached.class, r -> beginStop("budget of " + plan.builder().totalEnvSteps()
            + " env steps reached"))
        .onMessage(RequestStop.class, r -> beginStop(r.reason()))
        .onMessage(WorkerStopped.class, s -> workerGone(s.name()))
        .onMessage(WorkerTerminated.class, this::onWorkerTerminated)
        .onMessage(LearnerStopped.class, s -> finish(s.result()))
        .onMessage(LearnerFailed.class, this::onLearnerFailed)
        .onMessage(StopTimeout.class, this::onStopTimeout)
        .build();
  }

  private Behavior<Command> beginStop(String reason) {
    if (!phase.equals("running")) {
      return this;
    }
    phase = "workers";
    plan.listener().onEvent(Events.of("stopping", "reason", reason));
    TrialWorker.Stop stop = new TrialWorker.Stop(getContext().getSelf());
    for (ActorRef<TrialWorker.Command> w : workers) {
      w.tell(stop);
    }
    timers.startSingleTimer(new StopTimeout("workers"), WORKERS_TIMEOUT);
    return running.isEmpty() ? stopLearner() : this;
  }

  private Behavior<Command> onWorkerTerminated(WorkerTerminated t) {
    if (phase.equals("running") && running.contains(t.name())) {
      // Workers stop only when told to, or when one gives up: the run has failed.
      String why = t.ledger().gaveUp;
      failure = why != null ? why : t.name() + " stopped on its own";
      failureCause = t.ledger().gaveUpError;
      running.remove(t.name());
      return beginStop("failed: " + failure);
    }
    return workerGone(t.name());
  }

  private Behavior<Command> workerGone(String name) {
    if (running.remove(name) && phase.equals("workers") && running.isEmpty()) {
      return stopLearner();
    }
    return this;
  }

  private Behavior<Command> stopLearner() {
    phase = "learner";
    if (learnerDead) {
      return finish(null);
    }
    timers.startSingleTimer(new StopTimeout("learner"), LEARNER_TIMEOUT);
    learner.tell(new OnPolicyLearnerService.Stop(getContext().getSelf()));
    return this;
  }

  private Behavior<Command> onLearnerFailed(LearnerFailed f) {
    learnerDead = true;
    if (failure == null) {
      failure = "the learner failed in its " + f.phase() + ": " + f.error();
      failureCause = f.error();
    }
    if (phase.equals("learner")) {
      return finish(null);
    }
    return beginStop("failed: " + failure);
  }

  private Behavior<Command> onStopTimeout(StopTimeout t) {
    if (!t.phase().equals(phase)) {
      return this;
    }
    plan.listener().onEvent(Events.of("stop_phase_timeout", "phase", t.phase(), "workers_running", running.size()));
    if (phase.equals("workers")) {
      return stopLearner();
    }
    learnerDead = true;
    if (failure == null) {
      failure = "the learner did not stop within " + LEARNER_TIMEOUT.toMinutes() + " min";
    }
    return finish(null);
  }

  private Behavior<Command> finish(OnPolicyResult partial) {
    long restarts = 0;
    for (TrialWorkerLedger l : ledgers) {
      restarts += l.restarts.get();
    }
    OnPolicyResult r = partial == null ? null
        : partial.withRuntime(restarts, plan.config().workers(), (System.nanoTime() - startNanos) / 1e9);
    if (r != null) {
      plan.listener().onEvent(Events.of("stopped", "env_steps", r.envSteps(), "updates", r.updates(), "collections",
          r.collections(), "dropped_collections", r.lag().droppedCollections(), "restarts", r.restarts()));
    }
    phase = "done";
    if (failure != null) {
      plan.done().completeExceptionally(new OnPolicyRunFailedException(failure, failureCause, r));
    } else {
      plan.done().complete(r);
    }
    return Behaviors.stopped();
  }
}
