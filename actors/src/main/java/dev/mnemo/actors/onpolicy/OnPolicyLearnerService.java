package dev.mnemo.actors.onpolicy;

import dev.mnemo.actors.Events;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import dev.mnemo.learners.agent.OnPolicyLearner;
import dev.mnemo.learners.agent.TrialSource.Collected;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Consumes collections on-policy: each arriving collection is acknowledged at once (its worker's credit back),
 * counted, and judged by the {@link LagRule} against the learner's update count at that moment; the ones within
 * {@code max_param_lag} are kept until they add up to {@code trials_per_update} trials, then one update runs,
 * the new parameters are published, and every {@code evalInterval} updates they are evaluated (exactly those
 * parameters, before any later update) and the best evaluation's parameters kept as the peak. The update blocks
 * this actor's thread, so it runs on a dispatcher of its own; collections arriving meanwhile wait in the mailbox
 * (their workers wait for the acknowledgement) and are judged when read, against the new count. On {@link Stop}
 * it evaluates the last update's parameters if that was not done, writes the learner's file, and reports. A
 * failure of an update or evaluation is reported to the coordinator, which fails the run.
 */
final class OnPolicyLearnerService<B, R> extends AbstractBehavior<OnPolicyLearnerService.Command> {

  /** The learner service's protocol. */
  sealed interface Command permits Trials, Stop {
  }

  /** One collection from worker {@code worker} (incarnation {@code generation}). */
  record Trials(Collected<?> collected, int worker, long generation, ActorRef<TrialWorker.Command> replyTo)
      implements Command {
  }

  /** Finish: report to {@code replyTo} and stop (sent once every worker has stopped). */
  record Stop(ActorRef<OnPolicyCoordinator.Command> replyTo) implements Command {
  }

  /**
   * What the learner service runs.
   *
   * @param learner the learner (built outside the actor system)
   * @param trialsPerUpdate trials per update
   * @param trialsPerCollection trials per collection (for the result)
   * @param evaluator the periodic evaluator, or null
   * @param evalInterval updates between evaluations
   * @param config the lag limit and the learner's file
   * @param params where new parameters are published
   * @param coordinator told of a failure
   * @param listener events and update records
   */
  record Spec<B, R>(OnPolicyLearner<B, R> learner, int trialsPerUpdate, int trialsPerCollection, Evaluator evaluator,
      int evalInterval, OnPolicyConfig config, ActorRef<LatestParams.Command> params,
      ActorRef<OnPolicyCoordinator.Command> coordinator, OnPolicyListener<R> listener) {
  }

  static <B, R> Behavior<Command> create(Spec<B, R> spec) {
    return Behaviors.setup(ctx -> new OnPolicyLearnerService<>(ctx, spec));
  }

  private final Spec<B, R> spec;
  private final OnPolicyLearner<B, R> learner;
  private final LagRule lag;
  private final List<B> pending = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private int pendingTrials;
  private double pendingReturn;
  private double pendingCollectSeconds;
  private double pendingActCpuSeconds;
  private long pendingActedSteps;
  private long pendingLagSum;
  private long pendingLagMax;
  private long lastUpdateEnd = System.nanoTime();
  private long envSteps;
  private long collections;
  private long trials;
  private double envSeconds;
  private double actSeconds;
  private double learnSeconds;
  private double evalSeconds;
  private long lastEvaluated = -1;
  private double bestEval = Double.NEGATIVE_INFINITY;
  private ParamSnapshot peak;
  private long peakUpdate;
  private Evaluation peakEvaluation;
  private boolean failed;

  private OnPolicyLearnerService(ActorContext<Command> ctx, Spec<B, R> spec) {
    super(ctx);
    this.spec = spec;
    this.learner = spec.learner();
    this.lag = new LagRule(spec.config().maxParamLag());
    this.peak = learner.snapshot();
    this.peakUpdate = learner.updates();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Trials.class, this::onTrials)
        .onMessage(Stop.class, this::onStop)
        .onSignal(PostStop.class, s -> {
          learner.close();
          return this;
        })
        .build();
  }

  @SuppressWarnings("unchecked")
  private Behavior<Command> onTrials(Trials t) {
    t.replyTo().tell(new TrialWorker.Ack(t.generation()));
    if (failed) {
      return this;
    }
    Collected<B> c = (Collected<B>) t.collected();
    envSteps += c.envSteps();
    collections++;
    trials += c.trials();
    envSeconds += c.envSeconds();
    actSeconds += c.actSeconds();
    long updates = learner.updates();
    if (!lag.admit(updates, c.paramVersion(), c.trials(), c.envSteps())) {
      spec.listener().onEvent(Events.of("stale_dropped", "worker", t.worker(), "param_version", c.paramVersion(),
          "learner_updates", updates, "lag", LagRule.lag(updates, c.paramVersion()), "max_param_lag", lag.maxLag(),
          "trials", c.trials(), "env_steps", c.envSteps(), "dropped_collections", lag.droppedCollections()));
      return this;
    }
    long l = LagRule.lag(updates, c.paramVersion());
    pending.add(c.batch());
    pendingTrials += c.trials();
    pendingReturn += c.returnSum();
    pendingCollectSeconds += c.seconds();
    pendingActCpuSeconds += c.actCpuSeconds(); // NaN from any worker without a CPU clock makes the figure NaN
    pendingActedSteps += c.actedSteps();
    pendingLagSum += l;
    pendingLagMax = Math.max(pendingLagMax, l);
    if (pendingTrials >= spec.trialsPerUpdate()) {
      try {
        update();
      } catch (RuntimeException e) {
        return fail("update", e);
      }
    }
    return this;
  }

  private void update() {
    long t0 = System.nanoTime();
    R report = learner.update(List.copyOf(pending), envSteps);
    long t1 = System.nanoTime();
    learnSeconds += (t1 - t0) / 1e9;
    ParamSnapshot now = learner.snapshot();
    spec.params().tell(new LatestParams.Publish(now));
    Evaluation e = null;
    if (spec.evaluator() != null && now.version() % spec.evalInterval() == 0) {
      e = evaluate(now);
    }
    int n = pending.size();
    OnPolicyUpdate<R> u = new OnPolicyUpdate<>(now.version(), envSteps, pendingTrials, pendingReturn / pendingTrials,
        report, (double) pendingLagSum / n, pendingLagMax, lag.droppedCollections(), e, pendingCollectSeconds / n,
        (t1 - t0) / 1e9, (t0 - lastUpdateEnd) / 1e9, (System.nanoTime() - startNanos) / 1e9,
        pendingActCpuSeconds * 1e6 / pendingActedSteps);
    pending.clear();
    pendingTrials = 0;
    pendingReturn = 0;
    pendingCollectSeconds = 0;
    pendingActCpuSeconds = 0;
    pendingActedSteps = 0;
    pendingLagSum = 0;
    pendingLagMax = 0;
    lastUpdateEnd = System.nanoTime();
    spec.listener().onUpdate(u);
  }

  private Evaluation evaluate(ParamSnapshot params) {
    long t0 = System.nanoTime();
    Evaluation e = spec.evaluator().evaluate(params);
    evalSeconds += (System.nanoTime() - t0) / 1e9;
    lastEvaluated = params.version();
    if (e.meanReturn() > bestEval) {
      bestEval = e.meanReturn();
      peak = params;
      peakUpdate = params.version();
      peakEvaluation = e;
    }
    return e;
  }

  private Behavior<Command> fail(String phase, RuntimeException e) {
    failed = true;
    spec.listener().onEvent(Events.of("learner_failed", "phase", phase, "error", String.valueOf(e), "updates",
        learner.updates()));
    spec.coordinator().tell(new OnPolicyCoordinator.LearnerFailed(phase, e));
    return Behaviors.stopped();
  }

  private Behavior<Command> onStop(Stop s) {
    ParamSnapshot last = learner.snapshot();
    if (spec.evaluator() != null && last.version() > 0 && lastEvaluated != last.version()) {
      try {
        // The synchronous trainer evaluates its last update too: the final parameters may be the peak.
        Evaluation e = evaluate(last);
        spec.listener().onEvent(Events.of("eval", "updates", last.version(), "env_steps", envSteps, "eval_return",
            e.meanReturn(), "eval_ci95", e.ci95(), "kind", "last_update"));
      } catch (RuntimeException e) {
        return fail("evaluation", e);
      }
    }
    if (spec.config().learnerFile() != null) {
      try {
        learner.save(spec.config().learnerFile());
      } catch (RuntimeException e) {
        // The run's result (parameters, figures) does not depend on this file: report it and go on.
        spec.listener().onEvent(Events.of("checkpoint_failed", "file", spec.config().learnerFile().toString(),
            "error", String.valueOf(e)));
      }
    }
    LagRule.Stats stats = lag.stats();
    spec.listener().onEvent(Events.of("param_lag", "max_param_lag", stats.maxLag(), "kept",
        LagRule.Stats.format(stats.kept()), "dropped", LagRule.Stats.format(stats.dropped()), "dropped_collections",
        stats.droppedCollections(), "dropped_env_steps", stats.droppedEnvSteps(), "mean_kept_lag",
        stats.meanKeptLag(), "trials_unused_at_stop", pendingTrials));
    s.replyTo().tell(new OnPolicyCoordinator.LearnerStopped(new OnPolicyResult(envSteps, last.version(), collections,
        trials, pendingTrials, stats, 0, 0, spec.trialsPerCollection(), 0, envSeconds, actSeconds, learnSeconds,
        evalSeconds, last, peak, peakUpdate, peakEvaluation)));
    return Behaviors.stopped();
  }
}
