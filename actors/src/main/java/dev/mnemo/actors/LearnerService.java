package dev.mnemo.actors;

import dev.mnemo.learners.agent.Learner;
import dev.mnemo.replay.PrioritizedSequenceReplay;
import dev.mnemo.replay.SequenceBatch;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Runs learner updates back to back: sample (waiting at most {@link #SAMPLE_WAIT_MS} for the rate
 * limiter), update, write the new priorities, publish parameters, repeat by sending itself
 * {@link Train}. It blocks its thread on purpose, so it must be spawned on its own dispatcher
 * ({@code mnemo.learner-dispatcher}); a {@link Stop} is read between two updates, so the update in
 * progress always finishes before the final checkpoint is written.
 */
public final class LearnerService extends AbstractBehavior<LearnerService.Command> {

  /** Longest wait for a sample before the mailbox is read again. */
  static final long SAMPLE_WAIT_MS = 20;

  /** The learner service's protocol. */
  public sealed interface Command permits Train, Stop, Checkpoint {
  }

  /**
   * Write a periodic checkpoint (learner, replay, counters) under {@code checkpointDir} between two updates,
   * keeping the newest {@code keep} ({@link RuntimeCheckpoint#writeInterval}).
   */
  public record Checkpoint(Path checkpointDir, int keep) implements Command {
  }

  /** Self message: one more update. */
  public record Train() implements Command {
  }

  /** Finish, write the final checkpoint into {@code checkpointDir} (if not null), reply, stop. */
  public record Stop(Path checkpointDir, ActorRef<Coordinator.Command> replyTo) implements Command {
  }

  private static final Train TRAIN = new Train();

  public static Behavior<Command> create(Learner learner, PrioritizedSequenceReplay replay,
      ActorRef<ParamServer.Command> params, ActorRef<ReplayService.Command> replayService,
      RuntimeCounters counters, RuntimeListener listener, int publishEvery, boolean idle) {
    return Behaviors.setup(ctx -> new LearnerService(ctx, learner, replay, params, replayService, counters,
        listener, publishEvery, idle));
  }

  private final Learner learner;
  private final PrioritizedSequenceReplay replay;
  private final ActorRef<ParamServer.Command> params;
  private final ActorRef<ReplayService.Command> replayService;
  private final RuntimeCounters counters;
  private final RuntimeListener listener;
  private final int publishEvery;
  private final SequenceBatch batch;

  private LearnerService(ActorContext<Command> ctx, Learner learner, PrioritizedSequenceReplay replay,
      ActorRef<ParamServer.Command> params, ActorRef<ReplayService.Command> replayService,
      RuntimeCounters counters, RuntimeListener listener, int publishEvery, boolean idle) {
    super(ctx);
    this.learner = learner;
    this.replay = replay;
    this.params = params;
    this.replayService = replayService;
    this.counters = counters;
    this.listener = listener;
    this.publishEvery = publishEvery;
    this.batch = replay.newBatch(learner.batchSize());
    counters.updates.set(learner.updates());
    counters.latestParams.set(learner.snapshot());
    if (!idle) {
      ctx.getSelf().tell(TRAIN);
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Train.class, t -> onTrain())
        .onMessage(Stop.class, this::onStop)
        .onMessage(Checkpoint.class, this::onCheckpoint)
        .build();
  }

  private Behavior<Command> onTrain() throws InterruptedException {
    if (replay.sample(batch, SAMPLE_WAIT_MS, TimeUnit.MILLISECONDS)) {
      replayService.tell(new ReplayService.Retry());
      replay.updatePriorities(batch, learner.step(batch));
      counters.updates.set(learner.updates());
      if (learner.updates() % publishEvery == 0) {
        dev.mnemo.agents.ParamSnapshot snap = learner.snapshot();
        counters.latestParams.set(snap);
        params.tell(new ParamServer.Publish(snap));
      }
    }
    getContext().getSelf().tell(TRAIN);
    return this;
  }

  private Behavior<Command> onCheckpoint(Checkpoint c) {
    long t0 = System.nanoTime();
    try {
      Path dir = RuntimeCheckpoint.writeInterval(c.checkpointDir(), learner, replay, counters, c.keep());
      listener.onEvent(Events.of("checkpoint", "dir", dir.toString(), "kind", "interval", "env_steps",
          counters.envSteps(), "updates", learner.updates(), "replay_size", replay.size(), "seconds",
          Math.round((System.nanoTime() - t0) / 1e6) / 1000.0));
    } catch (java.io.IOException | RuntimeException e) {
      listener.onEvent(Events.of("checkpoint_failed", "dir", String.valueOf(c.checkpointDir()), "kind", "interval",
          "error", String.valueOf(e)));
    }
    return this;
  }

  private Behavior<Command> onStop(Stop s) {
    Path dir = s.checkpointDir();
    if (dir != null) {
      try {
        RuntimeCheckpoint.write(dir, learner, replay, counters);
        listener.onEvent(Events.of("checkpoint", "dir", dir.toString(), "kind", "final", "env_steps",
            counters.envSteps(), "updates", learner.updates(), "replay_size", replay.size()));
      } catch (java.io.IOException | RuntimeException e) {
        listener.onEvent(Events.of("checkpoint_failed", "dir", dir.toString(), "error", String.valueOf(e)));
      }
    }
    s.replyTo().tell(new Coordinator.LearnerStopped(learner.updates()));
    return Behaviors.stopped();
  }
}
