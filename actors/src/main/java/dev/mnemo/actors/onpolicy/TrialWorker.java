package dev.mnemo.actors.onpolicy;

import dev.mnemo.actors.EnvStepBudget;
import dev.mnemo.actors.Events;
import dev.mnemo.actors.FailureLog;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.agent.OnPolicyBuilder;
import dev.mnemo.learners.agent.TrialSource;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Collects whole trials, one collection per turn: ask {@link LatestParams} for the newest parameters, claim the
 * collection's most env steps from the run's {@link EnvStepBudget} (giving back what the trials did not take),
 * collect with the worker's own {@link TrialSource}, send the batch to the learner. Flow control is a credit
 * window: at most {@code credits} collections sent and not yet received by the learner (it acknowledges each on
 * arrival), so a worker collects ahead of the learner by at most that much. Once the budget is claimed in full it
 * waits for its Stop. A collection runs to its end inside one message (a Stop is read after it), so it
 * blocks its thread: workers run on a dispatcher of their own.
 *
 * <p>An exception while collecting (or building the source) is a {@code worker_restart} event and rethrown, so the
 * supervisor of {@link #supervised} restarts the worker with backoff, a fresh source and a new seed; the steps it
 * had claimed are given back. Beyond {@code max_restarts} within {@code restart_window} it is a
 * {@code worker_gave_up} event and the worker stops, which fails the run (as in the replay runtime's EnvWorker).
 */
final class TrialWorker extends AbstractBehavior<TrialWorker.Command> {

  /** The worker's protocol. */
  sealed interface Command permits Collect, Params, Ack, Stop {
  }

  /** Self message: start the next collection if a credit is free. */
  record Collect() implements Command {
  }

  /** The newest parameters, asked for before each collection. */
  record Params(ParamSnapshot snapshot) implements Command {
  }

  /** The learner received a collection of incarnation {@code generation}: one credit back. */
  record Ack(long generation) implements Command {
  }

  /** Stop (after the collection in progress, already sent); {@code replyTo} learns when. */
  record Stop(ActorRef<OnPolicyCoordinator.Command> replyTo) implements Command {
  }

  /**
   * Everything a worker needs.
   *
   * @param index worker number
   * @param builder the algorithm (makes the source)
   * @param trials trials per collection
   * @param seed this worker's seed (restarts derive new ones from it)
   * @param config credits and restart budget
   * @param params where the newest parameters are
   * @param learner where collections go
   * @param budget the run's env-step budget
   * @param ledger totals that survive restarts
   * @param listener events
   * @param failureLog where failures are logged
   */
  record Spec(int index, OnPolicyBuilder<?, ?> builder, int trials, long seed, OnPolicyConfig config,
      ActorRef<LatestParams.Command> params, ActorRef<OnPolicyLearnerService.Command> learner, EnvStepBudget budget,
      TrialWorkerLedger ledger, OnPolicyListener<?> listener, FailureLog failureLog) {
  }

  private static final Collect COLLECT = new Collect();

  /** The worker under its supervision: restart with backoff on any exception (Pekko's own failure log off). */
  static Behavior<Command> supervised(Spec spec) {
    OnPolicyConfig c = spec.config();
    return Behaviors.supervise(create(spec)).onFailure(Exception.class,
        SupervisorStrategy.restartWithBackoff(c.restartMinBackoff(), c.restartMaxBackoff(), 0.2)
            .withResetBackoffAfter(Duration.ofSeconds(10)).withLoggingEnabled(false));
  }

  private static Behavior<Command> create(Spec spec) {
    return Behaviors.setup(ctx -> {
      try {
        return new TrialWorker(ctx, spec);
      } catch (RuntimeException e) {
        return failed(spec, ctx.getSelf().path().name(), e, "start", 0);
      }
    });
  }

  /**
   * A failure: the claimed steps go back to the budget; within the restart budget a {@code worker_restart} event
   * and the exception rethrown (the supervisor restarts), beyond it {@code worker_gave_up} and a stop.
   */
  private static Behavior<Command> failed(Spec spec, String name, RuntimeException e, String phase, long claimed) {
    spec.budget().refund(claimed);
    TrialWorkerLedger l = spec.ledger();
    OnPolicyConfig c = spec.config();
    int recent = l.failures.record(System.nanoTime(), c.restartWindow());
    if (recent > c.maxRestarts()) {
      l.gaveUpError = e;
      l.gaveUp = name + " failed " + recent + " times within " + c.restartWindow().toMillis() + " ms, beyond its "
          + "restart budget (actors.max_restarts = " + c.maxRestarts() + "); last error: " + e;
      spec.failureLog().log(name, "giving up after " + recent + " failures", e);
      spec.listener().onEvent(Events.of("worker_gave_up", "worker", name, "error", String.valueOf(e), "phase", phase,
          "failures_in_window", recent, "max_restarts", c.maxRestarts()));
      return Behaviors.stopped();
    }
    long restart = l.restarts.incrementAndGet();
    spec.failureLog().log(name, "restart " + restart + " (" + recent + " within the window, budget "
        + c.maxRestarts() + ")", e);
    spec.listener().onEvent(Events.of("worker_restart", "worker", name, "error", String.valueOf(e), "restart",
        restart, "phase", phase, "lost_env_steps", 0));
    throw e;
  }

  private final Spec spec;
  private final TrialSource<?> source;
  /** Incarnation: acknowledgements of an earlier one carry credits that died with it. */
  private final long generation;
  private int inFlight;
  private boolean awaitingParams;
  private boolean collectQueued;
  private boolean budgetSpent;

  private TrialWorker(ActorContext<Command> ctx, Spec spec) {
    super(ctx);
    this.spec = spec;
    this.generation = spec.ledger().restarts.get();
    // A restarted worker draws other tasks, so a fault tied to one task set is not replayed verbatim.
    long seed = spec.seed() + 0x9E3779B97F4A7C15L * generation;
    this.source = spec.builder().newSource(spec.index(), spec.trials(), seed);
    if (source.trials() != spec.trials()) {
      throw new IllegalStateException("the source collects " + source.trials() + " trials, asked for " + spec.trials());
    }
    queueCollect();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Collect.class, c -> onCollect())
        .onMessage(Params.class, this::onParams)
        .onMessage(Ack.class, this::onAck)
        .onMessage(Stop.class, this::onStop)
        .onSignal(PostStop.class, s -> closeSource())
        .onSignal(PreRestart.class, s -> closeSource())
        .build();
  }

  private Behavior<Command> onCollect() {
    collectQueued = false;
    if (budgetSpent || awaitingParams || inFlight >= spec.config().credits()) {
      return this;
    }
    awaitingParams = true;
    spec.params().tell(new LatestParams.Fetch(getContext().getSelf()));
    return this;
  }

  private Behavior<Command> onParams(Params p) {
    awaitingParams = false;
    long claim = source.maxEnvSteps();
    if (!spec.budget().claim(Math.toIntExact(claim))) {
      budgetSpent = true;
      return this;
    }
    TrialSource.Collected<?> c;
    try {
      c = source.collect(p.snapshot());
    } catch (RuntimeException e) {
      return failed(spec, getContext().getSelf().path().name(), e, "collect", claim);
    }
    spec.budget().refund(claim - c.envSteps());
    spec.learner().tell(new OnPolicyLearnerService.Trials(c, spec.index(), generation, getContext().getSelf()));
    spec.ledger().collectionsSent.incrementAndGet();
    inFlight++;
    queueCollect();
    return this;
  }

  private Behavior<Command> onAck(Ack a) {
    if (a.generation() == generation) {
      inFlight--;
      queueCollect();
    }
    return this;
  }

  private Behavior<Command> onStop(Stop s) {
    s.replyTo().tell(new OnPolicyCoordinator.WorkerStopped(getContext().getSelf().path().name()));
    return Behaviors.stopped();
  }

  private Behavior<Command> closeSource() {
    try {
      source.close();
    } catch (RuntimeException e) {
      spec.listener().onEvent(Events.of("env_close_failed", "worker", getContext().getSelf().path().name(), "error",
          String.valueOf(e)));
    }
    return this;
  }

  private void queueCollect() {
    if (!collectQueued && !budgetSpent && inFlight < spec.config().credits()) {
      collectQueued = true;
      getContext().getSelf().tell(COLLECT);
    }
  }
}
