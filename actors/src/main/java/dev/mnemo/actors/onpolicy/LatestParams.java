package dev.mnemo.actors.onpolicy;

import dev.mnemo.agents.ParamSnapshot;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Holds the newest parameters the learner published and gives them to any worker that asks. It is an actor of
 * its own because the learner's thread is busy during an update: a worker asking before its next collection
 * gets the newest parameters at once, not after the update. Snapshots are immutable, so one is shared.
 */
final class LatestParams {
  private LatestParams() {
  }

  /** The protocol. */
  sealed interface Command permits Publish, Fetch {
  }

  /** The learner's newest parameters. */
  record Publish(ParamSnapshot snapshot) implements Command {
  }

  /** A worker asks for the newest parameters (answered with {@link TrialWorker.Params}). */
  record Fetch(ActorRef<TrialWorker.Command> replyTo) implements Command {
  }

  static Behavior<Command> create(ParamSnapshot initial) {
    return holding(initial);
  }

  private static Behavior<Command> holding(ParamSnapshot latest) {
    return Behaviors.receive(Command.class)
        .onMessage(Publish.class, p -> p.snapshot().version() > latest.version() ? holding(p.snapshot())
            : Behaviors.same())
        .onMessage(Fetch.class, f -> {
          f.replyTo().tell(new TrialWorker.Params(latest));
          return Behaviors.same();
        })
        .build();
  }
}
