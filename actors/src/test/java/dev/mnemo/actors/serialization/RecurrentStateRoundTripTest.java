package dev.mnemo.actors.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.ConfigFactory;
import dev.mnemo.actors.ReplayService;
import dev.mnemo.actors.SequenceChunk;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.core.RecurrentCores;
import dev.mnemo.agents.kernel.RecurrentQKernel;
import dev.mnemo.agents.r2d2.QUnroll;
import dev.mnemo.agents.r2d2.RecurrentQGemm;
import dev.mnemo.agents.r2d2.RecurrentQNetwork;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import dev.mnemo.learners.r2d2.R2d2Learner;
import dev.mnemo.learners.r2d2.TrainingBatch;
import dev.mnemo.replay.PrioritizedSequenceReplay;
import dev.mnemo.replay.RateLimiterConfig;
import dev.mnemo.replay.ReplayConfig;
import dev.mnemo.replay.SequenceAdder;
import dev.mnemo.replay.SequenceBatch;
import dev.mnemo.replay.SequenceBoundary;
import dev.mnemo.replay.SequenceConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recurrent state an actor had before a sequence's first step is one opaque vector of the core's state
 * width, and it must arrive bit for bit at the learner whatever road it takes: kernel -> adder -> replay ->
 * binary frame (cluster transfer) -> replay checkpoint and restore -> the learner's batch. At the end the
 * learner's engine, unrolled from that state, must reproduce the Q-values the actor computed on the same
 * steps: the stored state really restarts the actor's computation. Run for every registered core.
 */
class RecurrentStateRoundTripTest {

  private static final int OBS = 3;
  private static final int ACTIONS = 2;
  private static final int STEPS = 40;

  private static ActorTestKit kit;
  private static MnemoBinarySerializer binary;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("state", ConfigFactory.parseString("pekko.actor.provider = local")
        .withFallback(dev.mnemo.actors.PekkoSettings.base()));
    binary = new MnemoBinarySerializer((ExtendedActorSystem) Adapter.toClassic(kit.system()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static List<String> cores() {
    return RecurrentCores.names();
  }

  @ParameterizedTest
  @MethodSource("cores")
  void storedStateRoundTripsBitExactlyFromActorToLearner(String core, @TempDir Path dir) throws Exception {
    RecurrentQSpec spec = new RecurrentQSpec(OBS, ACTIONS, List.of(8), core, 6, 8);
    int ss = spec.stateSize();
    ParamSnapshot snap = new ParamSnapshot(RecurrentQNetwork.initialParams(spec, 5), 1);
    SequenceConfig seq = new SequenceConfig(2, 3, 1, 2, OBS, ss, ACTIONS, false, false, SequenceBoundary.EPISODE);
    ReplayConfig rc = ReplayConfig.r2d2(64, seq, RateLimiterConfig.minSize(1), 9);
    PrioritizedSequenceReplay replay = new PrioritizedSequenceReplay(rc);
    SequenceAdder adder = new SequenceAdder(seq, replay, 0);

    // The actor: obs[0] carries the step index so a replayed row says where it started.
    RecurrentQKernel kernel = new RecurrentQKernel(spec, 1);
    kernel.load(snap);
    kernel.resetAllStates();
    SplittableRandom r = new SplittableRandom(11);
    float[][] stateBefore = new float[STEPS][ss];
    float[][] qActed = new float[STEPS][];
    float[] obs = new float[OBS];
    int[] prevA = {-1};
    float[] prevR = {0f};
    for (int t = 0; t < STEPS; t++) {
      obs[0] = t;
      obs[1] = (float) r.nextGaussian();
      obs[2] = (float) r.nextGaussian();
      kernel.step(obs, prevA, prevR);
      qActed[t] = kernel.qValues().clone();
      kernel.copyStateBefore(0, stateBefore[t], 0);
      int a = r.nextInt(ACTIONS);
      float rew = (float) r.nextGaussian();
      adder.add(obs, 0, a, rew, false, false, stateBefore[t], 0);
      prevA[0] = a;
      prevR[0] = rew;
    }
    assertTrue(replay.size() >= 8, "the actor's stream filled the replay: " + replay.size());
    assertTrue(nonZero(stateBefore[STEPS - 1]), "a mid-episode state is not zero");

    // replay -> sample
    SequenceBatch sampled = replay.newBatch(8);
    replay.sample(sampled);
    checkRows("replay sample", sampled, stateBefore);

    // binary frame, as between cluster nodes
    ReplayService.Insert msg = new ReplayService.Insert("w", 1, 0, 0, 0, 1,
        new SequenceChunk(sampled, sampled.batchSize(), new float[sampled.batchSize()]),
        kit.createTestProbe(dev.mnemo.actors.EnvWorker.Command.class).getRef());
    SequenceBatch framed = ((ReplayService.Insert) binary.fromBinary(binary.toBinary(msg), "I")).chunk().batch();
    assertArrayEquals(sampled.state0, Arrays.copyOf(framed.state0, sampled.state0.length), "binary frame");
    checkRows("binary frame", framed, stateBefore);

    // replay checkpoint -> a fresh replay
    replay.checkpoint(dir.resolve("replay.ckpt"));
    PrioritizedSequenceReplay restored = new PrioritizedSequenceReplay(rc);
    restored.restore(dir.resolve("replay.ckpt"));
    SequenceBatch again = restored.newBatch(8);
    restored.sample(again);
    checkRows("restored checkpoint", again, stateBefore);

    // the learner's batch and engine: from the stored state, the actor's Q-values on the same steps
    TrainingBatch tb = R2d2Learner.wrap(again);
    assertEquals(ss, tb.stateSize());
    RecurrentQGemm engine = new RecurrentQGemm(spec, snap.params());
    int len = seq.length();
    QUnroll u = engine.unroll(again.batchSize(), len, 0, len, tb.obs(), tb.prevActions(), tb.prevRewards(),
        tb.state0());
    for (int row = 0; row < again.batchSize(); row++) {
      int t0 = (int) again.obs[row * len * OBS];
      for (int t = 0; t < len && t0 + t < STEPS; t++) {
        for (int a = 0; a < ACTIONS; a++) {
          float want = qActed[t0 + t][a];
          float got = u.q(row, t, a);
          if (Math.abs(want - got) > 1e-5f * Math.max(1f, Math.abs(want))) {
            fail(core + ": learner Q from the stored state at step " + (t0 + t) + ", action " + a + ": actor "
                + want + ", learner " + got);
          }
        }
      }
    }
  }

  /** Every row's state0 is exactly the state the actor had before the row's first step. */
  private static void checkRows(String where, SequenceBatch b, float[][] stateBefore) {
    int len = b.length();
    int ss = b.stateSize();
    for (int row = 0; row < b.batchSize(); row++) {
      int t0 = (int) b.obs[row * len * OBS];
      float[] got = Arrays.copyOfRange(b.state0, row * ss, (row + 1) * ss);
      assertArrayEquals(stateBefore[t0], got, where + ": state0 of the sequence starting at step " + t0);
    }
  }

  private static boolean nonZero(float[] a) {
    for (float v : a) {
      if (v != 0f) {
        return true;
      }
    }
    return false;
  }
}
