package dev.mnemo.agents.transformer;

import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.D;
import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.H;
import static dev.mnemo.agents.transformer.GtrxlTrunkTest.FF;
import static dev.mnemo.agents.transformer.GtrxlTrunkTest.IN;
import static dev.mnemo.agents.transformer.GtrxlTrunkTest.LAYERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.acting.Categorical;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.ScalarOps;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@link TransformerActorCriticPolicy}, the Transformer-only baseline's actor, against the training form the learner
 * uses ({@link TransformerActorCritic.Pass}, each episode read from its first step in segments of {@code T} with the
 * memory handed on): three envs stepped together whose episodes end at different steps (one episode longer than two
 * segments, so later segments see the cue only through the memory; resets mid-segment; an episode that ends on a
 * segment boundary), memories shorter than a segment, none, and longer; log-probabilities and values to 1e-5. Also:
 * actions drawn from those probabilities, a state round trip, refused snapshots, and no allocation per step.
 */
class TransformerActorCriticPolicyTest {

  static final int N = 3;
  static final int A = 3;
  static final int STEPS = 13;
  /** Per env the lengths of its successive episodes over {@link #STEPS} steps. */
  static final int[][] EPISODES = {{13}, {5, 8}, {2, 4, 4, 3}};

  static Stream<Arguments> shapes() {
    return Stream.of(Arguments.of(3, 4, List.of(), BatchOps.best()), Arguments.of(0, 4, List.of(7), BatchOps.best()),
        Arguments.of(6, 3, List.of(), BatchOps.best()), Arguments.of(3, 4, List.of(7), new ScalarOps()));
  }

  static TransformerActorCritic net(int m, int t, List<Integer> hidden, BatchOps ops) {
    GtrxlTrunk trunk = new GtrxlTrunk(IN, D, LAYERS, H, m, t, FF, GtrxlGate.DEFAULT_GATE_BIAS, ops);
    return new TransformerActorCritic(trunk, hidden, A, ops);
  }

  /**
   * The shape of the tests that step thousands of times: heads of 32 features and up to 24 visible keys, so every
   * vector path of the kernels runs (code C2 compiles on widths below a vector's lanes, where those paths never run,
   * can stay boxing vectors for a later test that steps width 64 in the same JVM).
   */
  static TransformerActorCritic wide(List<Integer> hidden) {
    GtrxlTrunk trunk = new GtrxlTrunk(IN, 64, LAYERS, 2, 16, 8, 32, GtrxlGate.DEFAULT_GATE_BIAS, BatchOps.best());
    return new TransformerActorCritic(trunk, hidden, A, BatchOps.best());
  }

  /** Initial parameters moved off their start (the policy head's 0.01 gain would make every policy near uniform). */
  static float[] params(TransformerActorCritic net, long seed) {
    float[] p = net.initialParams(seed);
    float[] noise = TransformerFixtures.uniform(p.length, seed + 1, 0.3);
    for (int i = 0; i < p.length; i++) {
      p[i] += noise[i];
    }
    return p;
  }

  /** x[step][env * IN + k]. */
  static float[][] inputs(long seed) {
    float[][] x = new float[STEPS][];
    for (int s = 0; s < STEPS; s++) {
      x[s] = TransformerFixtures.uniform(N * IN, seed * 1000 + s, 1.0);
    }
    return x;
  }

  /** Whether env b's episode starts at step s. */
  static boolean startsAt(int b, int s) {
    int at = 0;
    for (int len : EPISODES[b]) {
      if (at == s) {
        return true;
      }
      at += len;
    }
    return false;
  }

  /**
   * The learner's reading of every episode: from an empty memory, segment by segment, steps past the episode's end
   * padded with zeros. Writes logp[step][b * A + a] and v[step][b].
   */
  static void trainingForm(TransformerActorCritic net, float[] p, float[][] x, float[][] logp, float[][] v) {
    int t = net.trunk().segment();
    TransformerActorCritic.Pass pass = net.newPass(1);
    float[] seg = new float[t * IN];
    boolean[] starts = new boolean[t];
    boolean[] none = new boolean[t];
    starts[0] = true;
    for (int b = 0; b < N; b++) {
      int first = 0;
      for (int len : EPISODES[b]) {
        GtrxlTrunk.Memory memory = net.trunk().newMemory(1);
        for (int sg = 0; sg * t < len; sg++) {
          java.util.Arrays.fill(seg, 0f);
          for (int j = 0; j < t && sg * t + j < len; j++) {
            System.arraycopy(x[first + sg * t + j], b * IN, seg, j * IN, IN);
          }
          pass.forward(1, p, seg, 0, sg == 0 ? starts : none, memory);
          for (int j = 0; j < t && sg * t + j < len; j++) {
            int step = first + sg * t + j;
            System.arraycopy(pass.logProbs(), j * A, logp[step], b * A, A);
            v[step][b] = pass.value(j);
          }
          pass.nextMemory(memory, memory);
        }
        first += len;
      }
    }
  }

  @ParameterizedTest(name = "M={0}, T={1}, head hidden {2}, {3}")
  @MethodSource("shapes")
  void everyStepsLogProbabilitiesAndValueEqualTheTrainingFormsOverSegmentsAndMemory(int m, int t,
      List<Integer> hidden, BatchOps ops) {
    TransformerActorCritic net = net(m, t, hidden, ops);
    float[] p = params(net, 41);
    float[][] x = inputs(42);
    float[][] wantLogp = new float[STEPS][N * A];
    float[][] wantV = new float[STEPS][N];
    trainingForm(net, p, x, wantLogp, wantV);

    TransformerActorCriticPolicy policy = new TransformerActorCriticPolicy(net, N, 5, false, ops);
    policy.load(new ParamSnapshot(p, 3));
    assertEquals(3, policy.paramVersion());
    policy.resetAllStates();
    int[] actions = new int[N];
    float[] values = new float[N];
    double spread = 0;
    for (int s = 0; s < STEPS; s++) {
      for (int b = 0; b < N; b++) {
        if (s > 0 && startsAt(b, s)) {
          policy.resetState(b);
        }
      }
      policy.act(x[s], null, null, actions);
      for (int b = 0; b < N; b++) {
        values[b] = policy.value(b);
        assertEquals(policy.logProbs()[b * A + actions[b]], policy.chosenLogProb(b), "the chosen action's log pi");
        spread = Math.max(spread, Math.abs(wantLogp[s][b * A] - wantLogp[s][b * A + 1]));
      }
      String where = "step " + s;
      TransformerFixtures.assertClose(TransformerFixtures.toDouble(wantLogp[s]),
          TransformerFixtures.toDouble(policy.logProbs()), 1e-5, where + ": log pi");
      TransformerFixtures.assertClose(TransformerFixtures.toDouble(wantV[s]), TransformerFixtures.toDouble(values),
          1e-5, where + ": V");
    }
    assertTrue(spread > 0.05, "the policies must be far from uniform for the comparison to mean anything: " + spread);
  }

  /**
   * The kill for a policy that forgets nothing at a reset or never cuts segments: the second episode of an env
   * differs from the same inputs read as the continuation of the first.
   */
  @Test
  void aResetForgetsThePreviousEpisode() {
    TransformerActorCritic net = net(3, 4, List.of(), BatchOps.best());
    float[] p = params(net, 51);
    float[][] x = inputs(52);
    TransformerActorCriticPolicy reset = new TransformerActorCriticPolicy(net, N, 5, false);
    TransformerActorCriticPolicy kept = new TransformerActorCriticPolicy(net, N, 5, false);
    reset.load(new ParamSnapshot(p, 0));
    kept.load(new ParamSnapshot(p, 0));
    int[] actions = new int[N];
    for (int s = 0; s < 6; s++) {
      if (s == 5) {
        reset.resetState(1);
      }
      reset.act(x[s], null, null, actions);
      kept.act(x[s], null, null, actions);
    }
    assertTrue(Math.abs(reset.logProbs()[A] - kept.logProbs()[A]) > 1e-4, "env 1 after its reset");
    assertEquals(reset.logProbs()[0], kept.logProbs()[0], "env 0, not reset");
  }

  /** Sampled actions follow the probabilities acted with; greedy ones are their argmax. */
  @Test
  void actionsAreDrawnFromTheLoggedProbabilities() {
    TransformerActorCritic net = wide(List.of());
    float[] p = params(net, 61);
    TransformerActorCriticPolicy sampled = new TransformerActorCriticPolicy(net, N, 7, false);
    TransformerActorCriticPolicy greedy = new TransformerActorCriticPolicy(net, N, 7, true);
    sampled.load(new ParamSnapshot(p, 0));
    greedy.load(new ParamSnapshot(p, 0));
    int[] actions = new int[N];
    double[] expected = new double[A];
    double[] counts = new double[A];
    int draws = 0;
    for (int s = 0; s < 3000; s++) {
      float[] x = TransformerFixtures.uniform(N * IN, 9000 + s, 1.0);
      if (s % 10 == 0) {
        sampled.resetAllStates();
        greedy.resetAllStates();
      }
      sampled.act(x, null, null, actions);
      for (int b = 0; b < N; b++) {
        for (int a = 0; a < A; a++) {
          expected[a] += Math.exp(sampled.logProbs()[b * A + a]);
        }
        counts[actions[b]]++;
        draws++;
      }
      greedy.act(x, null, null, actions);
      for (int b = 0; b < N; b++) {
        assertEquals(Categorical.argmax(greedy.logProbs(), b * A, A), actions[b], "greedy picks the argmax");
      }
    }
    for (int a = 0; a < A; a++) {
      // A sum of independent Bernoullis: standard deviation <= sqrt(draws) / 2 = 47; 5 of them.
      assertTrue(Math.abs(counts[a] - expected[a]) < 5 * Math.sqrt(draws) / 2, "action " + a + " drawn "
          + counts[a] + " times, expected " + expected[a]);
    }
    assertTrue(Math.abs(expected[0] - expected[1]) > 200 || Math.abs(expected[1] - expected[2]) > 200,
        "probabilities must differ between actions for the frequencies to mean anything: "
            + java.util.Arrays.toString(expected));
  }

  /** writeState / readState continue exactly: the same log-probabilities and the same draws. */
  @Test
  void aSavedStateContinuesExactly() throws Exception {
    TransformerActorCritic net = net(3, 4, List.of(), BatchOps.best());
    float[] p = params(net, 81);
    float[][] x = inputs(82);
    TransformerActorCriticPolicy a = new TransformerActorCriticPolicy(net, N, 11, false);
    a.load(new ParamSnapshot(p, 0));
    int[] acts = new int[N];
    for (int s = 0; s < 6; s++) {
      a.act(x[s], null, null, acts);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    a.writeState(new DataOutputStream(bytes));
    TransformerActorCriticPolicy b = new TransformerActorCriticPolicy(net, N, 99, false);
    b.load(new ParamSnapshot(p, 0));
    b.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    int[] actsB = new int[N];
    for (int s = 6; s < STEPS; s++) {
      a.act(x[s], null, null, acts);
      b.act(x[s], null, null, actsB);
      assertEquals(java.util.Arrays.toString(acts), java.util.Arrays.toString(actsB), "step " + s);
      TransformerFixtures.assertClose(TransformerFixtures.toDouble(a.logProbs()),
          TransformerFixtures.toDouble(b.logProbs()), 1e-6, "step " + s);
    }
  }

  @Test
  void refusesASnapshotOfAnotherShapeAndActingBeforeALoadAndTheStateBeforeAStep() {
    TransformerActorCritic net = net(3, 4, List.of(), BatchOps.best());
    TransformerActorCriticPolicy policy = new TransformerActorCriticPolicy(net, N, 1, false);
    assertThrows(IllegalStateException.class, () -> policy.act(new float[N * IN], null, null, new int[N]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> policy.load(new ParamSnapshot(new float[net.paramCount() - 1], 0)));
    assertTrue(e.getMessage().contains(Integer.toString(net.paramCount())), e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> policy.copyStateBefore(0, new float[1000], 0));
  }

  /**
   * Steps and resets allocate nothing once compiled, measured in a fresh JVM ({@link FreshJvmAllocation}; a load, once
   * per update, is not a per-step path).
   */
  @Test
  void actingAllocatesNothing() throws Exception {
    assertEquals(0L, FreshJvmAllocation.bytesPerRun(TransformerActorCriticPolicyTest.class, "actingLoop", 300, 3000),
        "bytes allocated by 100 steps and 15 resets");
  }

  /** {@link #actingAllocatesNothing}'s loop: a loaded policy's steps and resets. */
  static Runnable actingLoop() {
    TransformerActorCritic net = wide(List.of(7));
    TransformerActorCriticPolicy policy = new TransformerActorCriticPolicy(net, N, 1, false);
    policy.load(new ParamSnapshot(params(net, 91), 0));
    float[] x = TransformerFixtures.uniform(N * IN, 92, 1.0);
    int[] actions = new int[N];
    return () -> {
      for (int s = 0; s < 100; s++) {
        policy.act(x, null, null, actions);
        if (s % 7 == 0) {
          policy.resetState(s % N);
        }
      }
    };
  }
}
