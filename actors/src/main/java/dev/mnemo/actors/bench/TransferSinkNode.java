package dev.mnemo.actors.bench;

import com.typesafe.config.ConfigFactory;
import dev.mnemo.actors.EnvWorker;
import dev.mnemo.actors.PekkoSettings;
import dev.mnemo.actors.ReplayService;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The receiving JVM of {@link RuntimeBench}'s transfer measurement: an ActorSystem whose guardian
 * acknowledges every sequence chunk (deserialized in full, then dropped). Prints {@code ready} when
 * bound; exits when stdin closes.
 */
public final class TransferSinkNode {
  private TransferSinkNode() {
  }

  static Behavior<ReplayService.Command> sink() {
    return Behaviors.receive(ReplayService.Command.class)
        .onMessage(ReplayService.Insert.class, m -> {
          m.replyTo().tell(new EnvWorker.Ack(m.source(), m.seq()));
          return Behaviors.same();
        })
        .build();
  }

  /** {@code args[0]}: the port to bind on 127.0.0.1. */
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    ActorSystem<ReplayService.Command> sys = ActorSystem.create(sink(), "bench", ConfigFactory.parseString(
        "pekko.actor.provider = remote\npekko.remote.artery.canonical.port = " + port + "\npekko.loglevel = WARNING")
        .withFallback(PekkoSettings.base()));
    System.out.println("ready");
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the parent to close our stdin
    }
    sys.terminate();
  }
}
