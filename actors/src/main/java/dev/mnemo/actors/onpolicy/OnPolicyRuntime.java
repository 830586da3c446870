package dev.mnemo.actors.onpolicy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.mnemo.actors.PekkoSettings;
import dev.mnemo.actors.SystemShutdown;
import dev.mnemo.learners.agent.OnPolicyBuilder;
import dev.mnemo.learners.agent.OnPolicyLearner;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code runtime = local} for an on-policy algorithm: trial workers, the learner service and the parameter holder
 * in one ActorSystem ({@link OnPolicyCoordinator}). Call {@link #run} (blocking), or {@link #start}, then
 * {@link #requestStop} from a signal hook and {@link #result()}.
 *
 * <p>Semantics. Each worker loads the newest published parameters before each collection of whole trials and
 * sends the batch to the learner; the learner keeps a collection only if at most {@code max_param_lag} updates
 * happened since its parameters ({@link LagRule}), updates on every {@code trials_per_update} kept trials and
 * publishes. Workers are at most {@code credits} collections ahead of the learner's mailbox. Every collected step
 * counts in the budget, dropped or not; the run stops when the budget is claimed in full, within one collection of
 * it. Results are not bit-reproducible (which worker's collection arrives first is up to the threads).
 */
public final class OnPolicyRuntime implements AutoCloseable {
  private final ActorSystem<OnPolicyCoordinator.Command> system;
  private final CompletableFuture<OnPolicyResult> result;

  private OnPolicyRuntime(ActorSystem<OnPolicyCoordinator.Command> system, CompletableFuture<OnPolicyResult> result) {
    this.system = system;
    this.result = result;
  }

  /**
   * Runs to the budget and returns the result.
   *
   * @throws OnPolicyRunFailedException when a worker gave up or the learner failed
   */
  public static <B, R> OnPolicyResult run(OnPolicyConfig config, OnPolicyBuilder<B, R> builder,
      OnPolicyListener<R> listener) throws InterruptedException {
    try (OnPolicyRuntime rt = start(config, builder, listener)) {
      return rt.result().get();
    } catch (ExecutionException e) {
      throw failure(e);
    }
  }

  /** Starts a run in a new ActorSystem named {@code mnemo-onpolicy}; the learner is built first, on this thread. */
  public static <B, R> OnPolicyRuntime start(OnPolicyConfig config, OnPolicyBuilder<B, R> builder,
      OnPolicyListener<R> listener) {
    int perCollection = trialsPerCollection(builder, config);
    OnPolicyLearner<B, R> learner = builder.newLearner();
    CompletableFuture<OnPolicyResult> done = new CompletableFuture<>();
    OnPolicyCoordinator.Plan<B, R> plan = new OnPolicyCoordinator.Plan<>(builder, config, learner, perCollection,
        listener, done);
    Config cfg = ConfigFactory.parseString("pekko.actor.provider = local\n"
        + dispatcher(OnPolicyCoordinator.LEARNER_DISPATCHER, 1)
        + dispatcher(OnPolicyCoordinator.WORKER_DISPATCHER, config.workers()))
        .withFallback(PekkoSettings.base());
    ActorSystem<OnPolicyCoordinator.Command> sys;
    try {
      sys = ActorSystem.create(OnPolicyCoordinator.create(plan), "mnemo-onpolicy", cfg);
    } catch (RuntimeException e) {
      learner.close();
      throw e;
    }
    done.whenComplete((r, e) -> sys.terminate());
    return new OnPolicyRuntime(sys, done);
  }

  /** A thread pool of {@code threads} threads, each actor turn one message (a Stop is read between collections). */
  private static String dispatcher(String path, int threads) {
    return path + " { type = Dispatcher, executor = \"thread-pool-executor\", "
        + "thread-pool-executor.fixed-pool-size = " + threads + ", throughput = 1 }\n";
  }

  /**
   * The trials per worker collection: the config's, or (0) the largest divisor of the update's trials that is at
   * most their share per worker (rounded up) and that the builder accepts.
   *
   * @throws IllegalArgumentException when the config's size does not fit the builder's update
   */
  public static int trialsPerCollection(OnPolicyBuilder<?, ?> builder, OnPolicyConfig config) {
    int perUpdate = builder.trialsPerUpdate();
    if (config.trialsPerCollection() > 0) {
      if (!builder.acceptsCollectionSize(config.trialsPerCollection())) {
        throw new IllegalArgumentException(config.trialsPerCollection() + " trials per collection do not fit "
            + "updates of " + perUpdate + " trials (" + builder.algorithm() + ")");
      }
      return config.trialsPerCollection();
    }
    int share = (perUpdate + config.workers() - 1) / config.workers();
    for (int d = share; d >= 1; d--) {
      if (perUpdate % d == 0 && builder.acceptsCollectionSize(d)) {
        return d;
      }
    }
    throw new IllegalArgumentException(builder.algorithm() + " accepts no collection size for updates of " + perUpdate
        + " trials");
  }

  private static RuntimeException failure(ExecutionException e) {
    return e.getCause() instanceof OnPolicyRunFailedException f ? f
        : new IllegalStateException("on-policy runtime failed: " + e.getCause(), e.getCause());
  }

  /** Asks the run to stop in order (workers finish their collection, the learner reports). */
  public void requestStop(String reason) {
    system.tell(new OnPolicyCoordinator.RequestStop(reason));
  }

  /** Completes when the run has stopped: with its result, or with an {@link OnPolicyRunFailedException}. */
  public CompletableFuture<OnPolicyResult> result() {
    return result;
  }

  /** Waits for the result, failing after {@code timeout}. */
  public OnPolicyResult await(Duration timeout) throws InterruptedException, TimeoutException {
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw failure(e);
    }
  }

  /** Terminates the ActorSystem (after the stop, or abruptly if the run is still going). */
  @Override
  public void close() {
    SystemShutdown.terminate(system);
  }
}
