package dev.mnemo.actors.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.mnemo.actors.Coordinator;
import dev.mnemo.actors.EnvWorker;
import dev.mnemo.actors.ParamServer;
import dev.mnemo.actors.ReplayService;
import dev.mnemo.actors.SequenceChunk;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.replay.SequenceBatch;
import java.io.NotSerializableException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MnemoSerializationTest {
  private static ActorTestKit kit;
  private static Serialization serialization;
  private static MnemoBinarySerializer binary;
  private static TestProbe<EnvWorker.Command> worker;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("ser", ConfigFactory.parseString("pekko.actor.provider = local")
        .withFallback(dev.mnemo.actors.PekkoSettings.base()));
    ExtendedActorSystem classic = (ExtendedActorSystem) Adapter.toClassic(kit.system());
    serialization = SerializationExtension.get(classic);
    binary = new MnemoBinarySerializer(classic);
    worker = kit.createTestProbe(EnvWorker.Command.class);
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static SequenceBatch randomBatch(int rows, int len, int obs, int state, int actions, boolean logits,
      long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    SequenceBatch b = new SequenceBatch(rows, len, obs, state, actions, logits);
    for (float[] a : new float[][] {b.obs, b.rewards, b.discounts, b.mask, b.prevRewards, b.episodeStarts,
        b.state0}) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) r.nextGaussian();
      }
    }
    if (logits) {
      for (int i = 0; i < b.behaviourLogits.length; i++) {
        b.behaviourLogits[i] = (float) r.nextGaussian();
      }
    }
    for (int i = 0; i < b.actions.length; i++) {
      b.actions[i] = r.nextInt(actions);
      b.prevActions[i] = r.nextInt(actions + 1) - 1;
    }
    for (int i = 0; i < rows; i++) {
      b.actorIds[i] = r.nextInt(1000);
      b.paramVersions[i] = r.nextLong(1L << 40);
    }
    return b;
  }

  private static ReplayService.Insert insert(int rows, int count, boolean logits) {
    SequenceBatch b = randomBatch(rows, 13, 5, 7, 3, logits, 42 + rows);
    float[] pr = new float[rows];
    for (int i = 0; i < rows; i++) {
      pr[i] = i == 0 ? Float.NaN : 0.5f * i;
    }
    return new ReplayService.Insert("worker-3#abc-é", 17, 1234, 5, -2.5, 99, new SequenceChunk(b, count, pr),
        worker.getRef());
  }

  private static void assertPrefixEquals(String name, float[] expected, float[] actual, int n) {
    assertArrayEquals(Arrays.copyOf(expected, n), Arrays.copyOf(actual, n), name + " differs after round trip");
  }

  private static void assertSameChunk(ReplayService.Insert a, ReplayService.Insert b) {
    assertEquals(a.source(), b.source());
    assertEquals(a.seq(), b.seq());
    assertEquals(a.envSteps(), b.envSteps());
    assertEquals(a.episodes(), b.episodes());
    assertEquals(a.returnSum(), b.returnSum());
    assertEquals(a.paramVersion(), b.paramVersion());
    assertEquals(a.replyTo(), b.replyTo(), "replyTo must resolve to the same actor");
    SequenceChunk x = a.chunk();
    SequenceChunk y = b.chunk();
    assertEquals(x.count(), y.count(), "row count");
    int n = x.count();
    SequenceBatch p = x.batch();
    SequenceBatch q = y.batch();
    int steps = n * p.length();
    assertTrue(p.sameStepShape(q), "shape " + p + " vs " + q);
    assertPrefixEquals("obs", p.obs, q.obs, steps * p.obsSize());
    assertArrayEquals(Arrays.copyOf(p.actions, steps), Arrays.copyOf(q.actions, steps), "actions");
    assertArrayEquals(Arrays.copyOf(p.prevActions, steps), Arrays.copyOf(q.prevActions, steps), "prevActions");
    assertPrefixEquals("rewards", p.rewards, q.rewards, steps);
    assertPrefixEquals("discounts", p.discounts, q.discounts, steps);
    assertPrefixEquals("mask", p.mask, q.mask, steps);
    assertPrefixEquals("prevRewards", p.prevRewards, q.prevRewards, steps);
    assertPrefixEquals("episodeStarts", p.episodeStarts, q.episodeStarts, steps);
    assertPrefixEquals("state0", p.state0, q.state0, n * p.stateSize());
    assertArrayEquals(Arrays.copyOf(p.actorIds, n), Arrays.copyOf(q.actorIds, n), "actorIds");
    assertArrayEquals(Arrays.copyOf(p.paramVersions, n), Arrays.copyOf(q.paramVersions, n), "paramVersions");
    if (p.hasLogits()) {
      assertPrefixEquals("logits", p.behaviourLogits, q.behaviourLogits, steps * p.numActions());
    }
    assertPrefixEquals("priorities", x.priorities(), y.priorities(), n);
  }

  @Test
  void insertChunkRoundTripsThroughTheConfiguredSerializer() throws Exception {
    for (boolean logits : new boolean[] {false, true}) {
      ReplayService.Insert m = insert(5, 3, logits);
      Serializer s = serialization.findSerializerFor(m);
      assertInstanceOf(MnemoBinarySerializer.class, s, "Insert must be bound to the binary serializer");
      byte[] bytes = serialization.serialize(m).get();
      assertEquals(binary.size(m), bytes.length, "size() must predict the frame length");
      Object back = serialization.deserialize(bytes, s.identifier(), Serializers.manifestFor(s, m)).get();
      assertSameChunk(m, (ReplayService.Insert) back);
    }
  }

  @Test
  void emptyChunkCarriesCountsOnly() throws Exception {
    ReplayService.Insert m = insert(4, 0, false);
    ReplayService.Insert back = (ReplayService.Insert) binary.fromBinary(binary.toBinary(m), "I");
    assertSameChunk(m, back);
  }

  @Test
  void parameterSnapshotsRoundTripBitExact() throws Exception {
    float[] p = new float[100_003];
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) r.nextGaussian();
    }
    p[5] = Float.NaN;
    p[6] = -0f;
    ParamSnapshot snap = new ParamSnapshot(p, 123_456_789_012L);
    ParamSnapshot back = (ParamSnapshot) binary.fromBinary(binary.toBinary(snap), binary.manifest(snap));
    assertEquals(snap.version(), back.version());
    assertArrayEquals(p, back.params(), "snapshot params");
    EnvWorker.NewParams np = new EnvWorker.NewParams(snap);
    assertInstanceOf(MnemoBinarySerializer.class, serialization.findSerializerFor(np));
    EnvWorker.NewParams npBack = (EnvWorker.NewParams) binary.fromBinary(binary.toBinary(np), "N");
    assertArrayEquals(p, npBack.snapshot().params(), "NewParams params");
  }

  @Test
  void controlMessagesUseJacksonAndRoundTrip() throws Exception {
    TestProbe<Coordinator.Command> coord = kit.createTestProbe(Coordinator.Command.class);
    Object[] messages = {new EnvWorker.Ack("w#1", 4), new EnvWorker.NoNewParams(-1),
        new EnvWorker.Stop(null, "budget", true), new EnvWorker.Stop(coord.getRef(), "signal", false),
        new Coordinator.WorkerStopped("worker-1-0", worker.getRef()), new ParamServer.Fetch(12, worker.getRef())};
    for (Object m : messages) {
      Serializer s = serialization.findSerializerFor(m);
      assertTrue(s.getClass().getName().contains("Jackson"), m + " should use Jackson, uses " + s.getClass());
      byte[] bytes = serialization.serialize(m).get();
      Object back = serialization.deserialize(bytes, s.identifier(), Serializers.manifestFor(s, m)).get();
      assertEquals(m, back, "control message round trip");
    }
  }

  @Test
  void javaSerializationIsDisabled() {
    // An unbound Serializable class would fall back to Java serialization; it must be refused instead.
    java.util.ArrayList<String> plain = new java.util.ArrayList<>(java.util.List.of("x"));
    assertTrue(serialization.serialize(plain).isFailure(), "Java serialization must be off");
  }

  @Test
  void malformedFramesAreRefusedWithAClearError() {
    byte[] good = binary.toBinary(insert(3, 2, false));
    assertRefused(Arrays.copyOf(good, good.length - 3), "I", "needs");
    assertRefused(Arrays.copyOf(good, 10), "I", "");
    assertRefused(new byte[0], "I", "header");
    byte[] badVersion = good.clone();
    badVersion[0] = 9;
    assertRefused(badVersion, "I", "version 9");
    assertRefused(good, "S", "does not match the manifest");
    byte[] trailing = Arrays.copyOf(good, good.length + 4);
    assertRefused(trailing, "I", "needs");
    byte[] snap = binary.toBinary(new ParamSnapshot(new float[10], 3));
    byte[] lying = snap.clone();
    lying[10] = 100; // the params count claims 100 floats, 10 are present
    assertRefused(lying, "S", "100 params");
    byte[] hugeString = good.clone();
    hugeString[2] = (byte) 0xff;
    hugeString[5] = (byte) 0x7f; // source length 2^31-ish
    assertRefused(hugeString, "I", "string length");
    // The serializer is still usable after refusing.
    ReplayService.Insert m = insert(3, 3, true);
    assertEquals(binary.size(m), binary.toBinary(m).length);
  }

  private static void assertRefused(byte[] frame, String manifest, String mentions) {
    NotSerializableException e = assertThrows(NotSerializableException.class,
        () -> binary.fromBinary(frame, manifest), "frame must be refused");
    assertTrue(e.getMessage().contains("malformed mnemo-binary frame"), e.getMessage());
    assertTrue(e.getMessage().contains(mentions), "message should mention '" + mentions + "': " + e.getMessage());
  }

  @Test
  void nullReplyStopRoundTripsAsNull() throws Exception {
    Serializer s = serialization.findSerializerFor(new EnvWorker.Stop(null, "r", true));
    byte[] bytes = serialization.serialize(new EnvWorker.Stop(null, "r", true)).get();
    EnvWorker.Stop back = (EnvWorker.Stop) serialization.deserialize(bytes, s.identifier(),
        Serializers.manifestFor(s, new EnvWorker.Stop(null, "r", true))).get();
    assertNull(back.replyTo());
  }
}
