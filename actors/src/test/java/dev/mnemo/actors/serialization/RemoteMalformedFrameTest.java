package dev.mnemo.actors.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.mnemo.actors.EnvWorker;
import dev.mnemo.actors.PekkoSettings;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * Over Artery between two ActorSystems: a malformed binary frame is dropped and the receiver keeps
 * going; a parameter snapshot larger than the ordinary frame reaches a worker on the large-message lane.
 */
class RemoteMalformedFrameTest {

  /** Bound to the garbage serializer on the sending side. */
  public record Bad(int n) {
  }

  @Test
  void aSnapshotLargerThanTheOrdinaryFrameReachesAWorker() throws Exception {
    Config remote = ConfigFactory.parseString("pekko.actor.provider = remote\n"
        + "pekko.remote.artery.canonical.port = 0\npekko.loglevel = ERROR");
    LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    ActorSystem<Void> receiver = ActorSystem.create(Behaviors.setup(ctx -> {
      ctx.spawn(Behaviors.receive(Object.class).onAnyMessage(m -> {
        received.add(m);
        return Behaviors.same();
      }).build(), "worker-1-0");
      return Behaviors.empty();
    }), "receiver", remote.withFallback(PekkoSettings.base()));
    ActorSystem<Void> sender = ActorSystem.create(Behaviors.empty(), "sender", remote.withFallback(PekkoSettings.base()));
    try {
      String path = "pekko://receiver@127.0.0.1:" + receiver.address().getPort().get() + "/user/worker-1-0";
      ActorRef<Object> worker = ActorRefResolver.get(sender).resolveActorRef(path);
      float[] p = new float[3_000_000]; // 12 MB, three times the ordinary 4 MiB frame
      for (int i = 0; i < p.length; i++) {
        p[i] = i * 0.5f;
      }
      worker.tell(new EnvWorker.NewParams(new dev.mnemo.agents.ParamSnapshot(p, 41)));
      Object got = received.poll(60, TimeUnit.SECONDS);
      EnvWorker.NewParams np = (EnvWorker.NewParams) got;
      assertEquals(41, np.snapshot().version());
      org.junit.jupiter.api.Assertions.assertArrayEquals(p, np.snapshot().params(), "snapshot arrives intact");
    } finally {
      sender.terminate();
      receiver.terminate();
      sender.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      receiver.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMalformedFrameIsDroppedAndTheReceivingNodeKeepsRunning() throws Exception {
    Config remote = ConfigFactory.parseString("pekko.actor.provider = remote\n"
        + "pekko.remote.artery.canonical.port = 0\npekko.loglevel = ERROR");
    LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    ActorSystem<Object> receiver = ActorSystem.create(Behaviors.receive(Object.class).onAnyMessage(m -> {
      received.add(m);
      return Behaviors.same();
    }).build(), "receiver", remote.withFallback(PekkoSettings.base()));
    ActorSystem<Void> sender = ActorSystem.create(Behaviors.empty(), "sender", ConfigFactory.parseString(
        "pekko.actor.serializers.mnemo-binary = \"" + GarbageSerializer.class.getName() + "\"\n"
            + "pekko.actor.serialization-bindings { \"" + Bad.class.getName() + "\" = mnemo-binary }")
        .withFallback(remote).withFallback(PekkoSettings.base()));
    try {
      String path = "pekko://receiver@127.0.0.1:" + receiver.address().getPort().get() + "/user";
      ActorRef<Object> target = ActorRefResolver.get(sender).resolveActorRef(path);
      target.tell(new Bad(1));
      target.tell(new Bad(2));
      target.tell(new EnvWorker.Ack("after-garbage", 7));
      Object first = received.poll(30, TimeUnit.SECONDS);
      assertEquals(new EnvWorker.Ack("after-garbage", 7), first,
          "the malformed frames are dropped and the next message still arrives");
      assertFalse(receiver.whenTerminated().isCompleted(), "the receiving system keeps running");
      target.tell(new EnvWorker.Ack("again", 8));
      assertEquals(new EnvWorker.Ack("again", 8), received.poll(30, TimeUnit.SECONDS));
    } finally {
      sender.terminate();
      receiver.terminate();
      sender.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      receiver.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
