package dev.mnemo.learners.r2d2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.r2d2.QUnroll;
import dev.mnemo.agents.r2d2.RecurrentQGemm;
import dev.mnemo.agents.r2d2.RecurrentQNetwork;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import dev.mnemo.agents.r2d2.ValueRescaling;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link R2d2Learner} reports (loss, mean |delta|, mean Q, priorities) against the same figures computed
 * here from scratch: each network stepped one step at a time, as an actor would, by a fresh
 * {@link RecurrentQGemm} holding the learner's online or target parameters, from the stored state (zeros in the
 * ablation); then the n-step double-Q targets and the TD loss written out in double precision.
 *
 * <p>Online and target parameters differ (a few updates under a target period that never comes) and the
 * stored state is large, so a wrong wiring moves the figures by 1e-2 or more against a tolerance of 1e-6.
 * Each test first checks ({@link #couldTell}) that on its batch the mistakes it is meant to catch really
 * change the figures, so a later fixture change cannot quietly blind it. Mistakes seen to fail these tests
 * by mutating the learner: the target's Q replaced by the online Q, the target unrolled from zeros instead
 * of the stored state, online and target swapped in the double-Q, the target choosing its own argmax (all
 * four pass {@link R2d2LearnerTest}); the online network unrolled from zeros; in the ablation, either
 * network or both unrolled from the stored state.
 */
class R2d2TargetsTest {

  static final int OBS = 3;
  /** Three actions, so the online argmax and the target's own argmax often disagree. */
  static final int ACTIONS = 3;
  /** Relative tolerance between the learner (float, whole-sequence unroll) and this reference. */
  static final double TOL = 1e-6;
  /** A mistake must move some priority or the loss by this much (x scale) for the batch to tell. */
  static final double MUST_DIFFER = 100 * TOL;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lstm", "gru", "indrnn", "linattn", "fwp", "lmu", "s4d"})
  void targetsUseTheTargetNetworkUnrolledFromTheStoredState(String core) {
    R2d2Config c = config(core, true);
    R2d2Learner l = trainedLearner(c);
    RecurrentQSpec spec = l.spec();
    float[] on = l.onlineParams();
    float[] tg = l.targetParams();
    assertArrayEquals(RecurrentQNetwork.initialParams(spec, c.seed()), tg,
        "the target period never came: the target must still hold the initial parameters");
    TrainingBatch b = batch(c, spec, 12);
    float[] zeros = new float[b.state0().length];

    Reference expected = reference(c, spec, b, on, b.state0(), tg, b.state0());
    couldTell(expected, reference(c, spec, b, on, b.state0(), on, b.state0()), "target Q := online Q");
    couldTell(expected, reference(c, spec, b, on, b.state0(), tg, zeros), "target unrolled from zeros");
    couldTell(expected, reference(c, spec, b, on, zeros, tg, b.state0()), "online unrolled from zeros");
    couldTell(expected, reference(c, spec, b, tg, b.state0(), on, b.state0()), "online and target swapped");

    assertMatches(expected, l.evaluate(b), "evaluate");
    // update() reports the figures before its step: the same ones.
    assertMatches(expected, l.update(b), "update");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lstm", "gru", "indrnn", "linattn", "fwp", "lmu", "s4d"})
  void zeroStateAblationUnrollsBothNetworksFromZeros(String core) {
    R2d2Config c = config(core, false);
    R2d2Learner l = trainedLearner(c);
    RecurrentQSpec spec = l.spec();
    float[] on = l.onlineParams();
    float[] tg = l.targetParams();
    assertFalse(Arrays.equals(on, tg), "online and target must differ for this test to mean anything");
    TrainingBatch b = batch(c, spec, 13);
    float[] zeros = new float[b.state0().length];

    Reference expected = reference(c, spec, b, on, zeros, tg, zeros);
    couldTell(expected, reference(c, spec, b, on, b.state0(), tg, b.state0()), "both from the stored state");
    couldTell(expected, reference(c, spec, b, on, zeros, tg, b.state0()), "target from the stored state");
    couldTell(expected, reference(c, spec, b, on, b.state0(), tg, zeros), "online from the stored state");
    couldTell(expected, reference(c, spec, b, on, zeros, on, zeros), "target Q := online Q");

    assertMatches(expected, l.evaluate(b), "evaluate");
    assertMatches(expected, l.update(b), "update");
  }

  // ---- fixtures ----

  /** burn-in 4, trace 8, n 2 (length 14), core of 16, batch 8; the target is never copied. */
  static R2d2Config config(String core, boolean storedState) {
    return TestBatches.small(storedState, 1_000_000, 1e-2).withCore(core, 16);
  }

  /** A learner after a few large steps on another batch: online and target parameters now differ. */
  static R2d2Learner trainedLearner(R2d2Config c) {
    R2d2Learner l = new R2d2Learner(R2d2Learner.specFor(c, OBS, ACTIONS), c);
    TrainingBatch other = batch(c, l.spec(), 11);
    for (int i = 0; i < 6; i++) {
      l.update(other);
    }
    return l;
  }

  /**
   * {@link TestBatches#random}'s episodes (one terminates, one is truncated mid-sequence) with a large stored
   * state of the core's own width (opaque to the learner) and unequal importance weights.
   */
  static TrainingBatch batch(R2d2Config c, RecurrentQSpec spec, long seed) {
    TrainingBatch r = TestBatches.random(c, OBS, ACTIONS, seed);
    Random rng = new Random(seed * 31 + 7);
    float[] state0 = new float[c.batchSize() * spec.stateSize()];
    for (int i = 0; i < state0.length; i++) {
      state0[i] = (float) (2.0 * rng.nextGaussian());
    }
    float[] w = new float[c.batchSize()];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.25f + 0.15f * i;
    }
    return new TrainingBatch(r.batchSize(), r.length(), r.obsSize(), spec.stateSize(), r.obs(), r.actions(),
        r.rewards(), r.discounts(), r.mask(), r.prevActions(), r.prevRewards(), state0, w);
  }

  // ---- the independent computation ----

  /** The figures an update must report. */
  record Reference(double loss, double meanAbsTd, double meanQ, double[] priorities) {}

  /**
   * Q {@code [B*L*A]} of a fresh network with {@code params}, stepped one step at a time from
   * {@code state0}, each step starting from the state the previous one returned.
   */
  static double[] stepwiseQ(RecurrentQSpec spec, float[] params, TrainingBatch b, float[] state0) {
    RecurrentQGemm net = new RecurrentQGemm(spec, params.clone());
    int bs = b.batchSize();
    int len = b.length();
    double[] q = new double[bs * len * ACTIONS];
    float[] state = state0.clone();
    for (int t = 0; t < len; t++) {
      QUnroll u = net.unroll(bs, len, t, 1, b.obs(), b.prevActions(), b.prevRewards(), state);
      for (int s = 0; s < bs; s++) {
        for (int a = 0; a < ACTIONS; a++) {
          q[(s * len + t) * ACTIONS + a] = u.q(s, 0, a);
        }
      }
      state = u.finalState();
    }
    return q;
  }

  /**
   * R2D2's loss written out: for each trained step t in [l, l + m) of a real step,
   * {@code y_t = h(sum_{k<K} gamma^k r_{t+k} + gamma^K h^-1(Q_tg(s_{t+K}, argmax_a Q_on(s_{t+K}, a))))}
   * with K = n, or fewer when the episode ends first (termination: no bootstrap term; truncation: bootstrap
   * from the padding step that holds the final observation); {@code delta = y - Q_on(s_t, a_t)}.
   */
  static Reference reference(R2d2Config c, RecurrentQSpec spec, TrainingBatch b, float[] onlineParams,
      float[] onlineState0, float[] targetParams, float[] targetState0) {
    double[] qOn = stepwiseQ(spec, onlineParams, b, onlineState0);
    double[] qTg = stepwiseQ(spec, targetParams, b, targetState0);
    int bs = b.batchSize();
    int len = b.length();
    int n = c.nStep();
    double gamma = c.gamma();
    double eta = c.priorityEta();
    double weightedSquares = 0;
    double absSum = 0;
    double qSum = 0;
    int valid = 0;
    double[] priorities = new double[bs];
    for (int s = 0; s < bs; s++) {
      double maxAbs = 0;
      double sumAbs = 0;
      int count = 0;
      for (int t = c.burnIn(); t < c.burnIn() + c.traceLength(); t++) {
        int i = s * len + t;
        if (b.mask()[i] == 0) {
          continue; // padding: no target, in no sum
        }
        double ret = 0;
        boolean terminated = false;
        int k = 0;
        for (; k < n; k++) {
          int j = i + k;
          if (b.mask()[j] == 0) {
            break; // truncated: step j holds the final observation
          }
          ret += Math.pow(gamma, k) * b.rewards()[j];
          if (b.discounts()[j] == 0) {
            terminated = true; // nothing to bootstrap from
            break;
          }
        }
        if (!terminated) {
          int boot = (i + k) * ACTIONS;
          int argmax = 0;
          for (int a = 1; a < ACTIONS; a++) {
            if (qOn[boot + a] > qOn[boot + argmax]) {
              argmax = a;
            }
          }
          ret += Math.pow(gamma, k) * ValueRescaling.hInverse(qTg[boot + argmax]);
        }
        double y = ValueRescaling.h(ret);
        double qsa = qOn[i * ACTIONS + b.actions()[i]];
        double delta = y - qsa;
        weightedSquares += b.weights()[s] * delta * delta / 2;
        absSum += Math.abs(delta);
        qSum += qsa;
        valid++;
        maxAbs = Math.max(maxAbs, Math.abs(delta));
        sumAbs += Math.abs(delta);
        count++;
      }
      priorities[s] = eta * maxAbs + (1 - eta) * (count == 0 ? 0 : sumAbs / count);
    }
    return new Reference(weightedSquares / valid, absSum / valid, qSum / valid, priorities);
  }

  // ---- comparisons ----

  /** Every figure of {@code got} equals the independent one; the failure lists each that differs. */
  static void assertMatches(Reference expected, UpdateStats got, String what) {
    StringBuilder diff = new StringBuilder();
    compare(diff, "loss", expected.loss(), got.loss());
    compare(diff, "mean |delta|", expected.meanAbsTd(), got.meanAbsTd());
    boolean onlineRight = compare(diff, "mean Q(s_t, a_t) (the online unroll alone)", expected.meanQ(), got.meanQ());
    assertEquals(expected.priorities().length, got.priorities().length, what + ": priorities per sequence");
    for (int s = 0; s < expected.priorities().length; s++) {
      compare(diff, "priority of sequence " + s, expected.priorities()[s], got.priorities()[s]);
    }
    assertTrue(diff.isEmpty(), what + ": the learner differs from the independent computation"
        + (onlineRight ? " while its online Q agrees, so its targets are wrong" : "") + ":" + diff);
  }

  private static boolean compare(StringBuilder diff, String name, double expected, double got) {
    if (Math.abs(expected - got) <= TOL * Math.max(1, Math.abs(expected))) {
      return true;
    }
    diff.append(String.format(java.util.Locale.ROOT, "%n  %s: expected %.8f, learner %.8f", name, expected, got));
    return false;
  }

  /** The batch tells {@code mistake} apart from {@code expected} by far more than the tolerance. */
  static void couldTell(Reference expected, Reference mistake, String name) {
    double scale = Math.max(1, expected.loss());
    double gap = Math.abs(expected.loss() - mistake.loss()) / scale;
    for (int s = 0; s < expected.priorities().length; s++) {
      gap = Math.max(gap, Math.abs(expected.priorities()[s] - mistake.priorities()[s])
          / Math.max(1, expected.priorities()[s]));
    }
    assertTrue(gap > MUST_DIFFER, "this batch cannot tell '" + name + "' from the right computation (largest "
        + "relative difference " + gap + " <= " + MUST_DIFFER + "): the test would not catch that mistake");
  }
}
