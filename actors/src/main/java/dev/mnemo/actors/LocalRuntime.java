package dev.mnemo.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.learners.agent.AgentBuilder;
import dev.mnemo.learners.agent.AgentShapes;
import dev.mnemo.learners.agent.Learner;
import dev.mnemo.replay.PrioritizedSequenceReplay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code runtime = local}: the whole run in one ActorSystem. The CLI calls {@link #run} (blocking) or
 * {@link #start} and {@link #requestStop} from a SIGINT/SIGTERM hook, then waits for {@link #result()}.
 */
public final class LocalRuntime implements AutoCloseable {
  private final ActorSystem<Coordinator.Command> system;
  private final CompletableFuture<RunResult> result;
  private final RuntimeCounters counters;

  private LocalRuntime(ActorSystem<Coordinator.Command> system, CompletableFuture<RunResult> result,
      RuntimeCounters counters) {
    this.system = system;
    this.result = result;
    this.counters = counters;
  }

  /** The run's live totals. */
  public RuntimeCounters counters() {
    return counters;
  }

  /**
   * Runs to the env-step budget of {@code agent} and returns the totals (the final checkpoint is written).
   *
   * @throws RunFailedException when a worker exhausted its restart budget (the run still stopped in order)
   */
  public static RunResult run(RuntimeConfig runtime, AgentBuilder agent, RuntimeListener listener)
      throws InterruptedException {
    try (LocalRuntime rt = start(runtime, agent, listener)) {
      return rt.result().get();
    } catch (ExecutionException e) {
      throw failure(e);
    }
  }

  /** The cause of a failed run: its {@link RunFailedException}, or anything else wrapped. */
  static RuntimeException failure(ExecutionException e) {
    return e.getCause() instanceof RunFailedException f ? f
        : new IllegalStateException("local runtime failed: " + e.getCause(), e.getCause());
  }

  /** Starts a run in a new ActorSystem named {@code mnemo}. */
  public static LocalRuntime start(RuntimeConfig runtime, AgentBuilder agent, RuntimeListener listener) {
    if (runtime.workers() < 1) {
      throw new IllegalArgumentException("a local run needs workers >= 1, got " + runtime.workers());
    }
    Coordinator.Plan plan = prepare(runtime, agent, listener, false);
    Config cfg = ConfigFactory.parseString("pekko.actor.provider = local").withFallback(PekkoSettings.base());
    ActorSystem<Coordinator.Command> sys = ActorSystem.create(Coordinator.create(plan), "mnemo", cfg);
    plan.done().whenComplete((r, e) -> sys.terminate());
    return new LocalRuntime(sys, plan.done(), plan.counters());
  }

  /**
   * Builds the learner-side components of a run (learner, replay, counters), restoring a checkpoint
   * when {@code runtime.resumeDir()} is set. Shared by the local runtime and the cluster learner node.
   */
  public static Coordinator.Plan prepare(RuntimeConfig runtime, AgentBuilder agent, RuntimeListener listener,
      boolean cluster) {
    AgentShapes shapes = shapes(agent, runtime);
    Learner learner = agent.newLearner(shapes);
    PrioritizedSequenceReplay replay = new PrioritizedSequenceReplay(agent.replayConfig(shapes, runtime.rateLimited()));
    RuntimeCounters counters = new RuntimeCounters();
    if (runtime.resumeDir() != null) {
      RuntimeCheckpoint.Found found = restore(runtime.resumeDir(), learner, replay);
      if (found.counts() != null) {
        counters.restore(found.counts());
      }
      listener.onEvent(Events.of("resumed", "dir", found.dir().toString(), "updates", learner.updates(),
          "replay_size", replay.size(), "env_steps", counters.envSteps(), "episodes", counters.episodes(),
          "counters", found.counts() == null ? "absent (checkpoint without " + RuntimeCheckpoint.RUNTIME
              + "): counting from 0" : "restored"));
    }
    return new Coordinator.Plan(agent, runtime, shapes, learner, replay, counters, listener, cluster,
        new CompletableFuture<>());
  }

  /**
   * Checks that a run can resume from {@code runtime.resumeDir()} before anything of it is touched: the newest
   * checkpoint there is complete and matches its checksums, and the learner and replay of this config restore
   * from it (same shapes, same format). Builds and discards them.
   *
   * @throws IllegalStateException (or {@link java.io.UncheckedIOException}) saying which file and why
   */
  public static void checkResume(RuntimeConfig runtime, AgentBuilder agent) {
    AgentShapes shapes = shapes(agent, runtime);
    restore(runtime.resumeDir(), agent.newLearner(shapes),
        new PrioritizedSequenceReplay(agent.replayConfig(shapes, runtime.rateLimited())));
  }

  private static RuntimeCheckpoint.Found restore(java.nio.file.Path dir, Learner learner,
      PrioritizedSequenceReplay replay) {
    RuntimeCheckpoint.Found found = RuntimeCheckpoint.latest(dir);
    java.nio.file.Path l = found.dir().resolve(RuntimeCheckpoint.LEARNER);
    try {
      learner.restore(l);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot resume the learner from " + l + ": " + e.getMessage(), e);
    }
    java.nio.file.Path r = found.dir().resolve(RuntimeCheckpoint.REPLAY);
    try {
      replay.restore(r);
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalStateException("cannot resume the replay from " + r + ": " + e.getMessage(), e);
    }
    return found;
  }

  /**
   * The run's shapes from one probe env ({@code runtime}'s factory, else the registry id), computed the same
   * way on every node so that a learner node and an actor node agree on network and sequence layout.
   */
  public static AgentShapes shapes(AgentBuilder agent, RuntimeConfig runtime) {
    EnvFactory f = runtime.envFactory();
    try (dev.mnemo.envs.Env probe = f == null ? EnvRegistry.make(agent.envId()) : f.make(0, 0)) {
      return agent.shapes(probe.spec());
    }
  }

  /** Asks the run to stop gracefully (workers, then replay, then learner and checkpoint). */
  public void requestStop(String reason) {
    system.tell(new Coordinator.RequestStop(reason, true));
  }

  /** Completes when the run has stopped: with its totals, or with a {@link RunFailedException}. */
  public CompletableFuture<RunResult> result() {
    return result;
  }

  /** Waits for the result, failing after {@code timeout}. */
  public RunResult await(Duration timeout) throws InterruptedException, TimeoutException {
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw failure(e);
    }
  }

  /** Terminates the ActorSystem (after a stop, or abruptly if the run is still going). */
  @Override
  public void close() {
    SystemShutdown.terminate(system);
  }
}
