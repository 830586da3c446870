package dev.mnemo.actors;

import dev.mnemo.actors.serialization.ControlMessage;
import dev.mnemo.agents.ParamSnapshot;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Holds the newest parameter snapshot the learner published and hands it to workers that ask with an
 * older version (snapshots are immutable, so one instance is shared by every local reader).
 */
public final class ParamServer {
  private ParamServer() {
  }

  /** The parameter server's protocol. */
  public sealed interface Command permits Publish, Fetch {
  }

  /** The learner's newest parameters. */
  public record Publish(ParamSnapshot snapshot) implements Command {
  }

  /** A worker holding {@code haveVersion} (-1: none) asks for anything newer. */
  public record Fetch(long haveVersion, ActorRef<EnvWorker.Command> replyTo) implements Command, ControlMessage {
  }

  public static Behavior<Command> create(ParamSnapshot initial) {
    return serving(initial);
  }

  private static Behavior<Command> serving(ParamSnapshot latest) {
    return Behaviors.receive(Command.class)
        .onMessage(Publish.class, p -> latest == null || p.snapshot().version() > latest.version()
            ? serving(p.snapshot()) : Behaviors.same())
        .onMessage(Fetch.class, f -> {
          if (latest != null && latest.version() > f.haveVersion()) {
            f.replyTo().tell(new EnvWorker.NewParams(latest));
          } else {
            f.replyTo().tell(new EnvWorker.NoNewParams(latest == null ? -1 : latest.version()));
          }
          return Behaviors.same();
        })
        .build();
  }
}
