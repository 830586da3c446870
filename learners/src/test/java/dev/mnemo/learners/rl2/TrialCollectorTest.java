package dev.mnemo.learners.rl2;

import static dev.mnemo.learners.rl2.Rl2Fixtures.BANDIT;
import static dev.mnemo.learners.rl2.Rl2Fixtures.MDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.rl2.ActorCriticPolicy;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TrialCollector} on the bandit and MDP trial envs: the batch's bookkeeping (mask, lengths, returns, the
 * MetaTrial fields of each observation) and the recorded behaviour log-probabilities against the training form
 * recomputed from the zero state over each trial's recorded inputs, for every core.
 */
class TrialCollectorTest {

  static final int TRIALS = 5;

  static Stream<Arguments> envsAndCores() {
    List<Arguments> out = new ArrayList<>();
    for (String env : new String[] {BANDIT, MDP}) {
      for (String core : new String[] {"ln_gru", "gru", "lstm", "elman", "indrnn", "linattn", "fwp", "lmu", "s4d"}) {
        out.add(Arguments.of(env, core));
      }
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("envsAndCores")
  void recordedLogProbsEqualTheTrainingFormFromTheZeroState(String env, String core) {
    ActorCriticSpec spec = Rl2Fixtures.spec(env, core, 8, true);
    float[] p = Rl2Fixtures.params(spec, 3);
    TrialCollector c = Rl2Fixtures.collector(env, TRIALS);
    TrialBatch batch = c.newBatch();
    c.collect(Rl2Fixtures.policy(spec, p, TRIALS, 4), 99, batch);
    float[] want = Rl2Fixtures.recompute(spec, p, batch);
    Rl2Fixtures.assertValidRowsClose(batch, want, batch.logMu, spec.numActions(), 1e-5,
        env + " " + core + ": behaviour log pi vs zero-state recomputation");
    // And the recorded action is a legal one whose log-probability is finite.
    for (int t = 0; t < batch.time(); t++) {
      for (int b = 0; b < TRIALS; b++) {
        int a = batch.action(t, b);
        assertTrue(a >= 0 && a < spec.numActions());
        assertTrue(Float.isFinite(batch.logMu(t, b, a)));
      }
    }
  }

  /**
   * Every trial's mask covers exactly its length (the declared trial length here), the trial return is the sum
   * of its recorded rewards, and each observation carries the previous step's action (one-hot) and reward and
   * the done flag of an inner episode's first step, so actions and rewards line up with the inputs.
   */
  @ParameterizedTest
  @MethodSource("envsAndCores")
  void maskLengthsReturnsAndInputsAreConsistent(String env, String core) {
    ActorCriticSpec spec = Rl2Fixtures.spec(env, core, 8, false);
    TrialCollector c = Rl2Fixtures.collector(env, TRIALS);
    TrialBatch batch = c.newBatch();
    c.collect(Rl2Fixtures.policy(spec, Rl2Fixtures.params(spec, 5), TRIALS, 6), 7, batch);
    int expectedLength = env.equals(BANDIT) ? 6 : 12;
    int episodeLength = env.equals(BANDIT) ? 1 : 4;
    assertEquals(expectedLength, c.time());
    assertEquals(expectedLength, batch.time());
    assertEquals((long) TRIALS * expectedLength, batch.validSteps());
    int na = spec.numActions();
    int inner = batch.obsSize() - na - 2;
    float[] x = new float[batch.obsSize()];
    double returns = 0;
    for (int b = 0; b < TRIALS; b++) {
      assertEquals(expectedLength, batch.length(b), "length of trial " + b);
      double sum = 0;
      for (int t = 0; t < batch.time(); t++) {
        assertEquals(t < batch.length(b), batch.valid(t, b), "mask of trial " + b + " at step " + t);
        sum += batch.reward(t, b);
        batch.copyObs(t, b, x, 0);
        boolean episodeStart = t % episodeLength == 0;
        assertEquals(episodeStart ? 1f : 0f, x[batch.obsSize() - 1], "done flag of trial " + b + " at " + t);
        for (int a = 0; a < na; a++) {
          float want = t > 0 && batch.action(t - 1, b) == a ? 1f : 0f;
          assertEquals(want, x[inner + a], "previous-action one-hot of trial " + b + " at " + t);
        }
        assertEquals(t == 0 ? 0f : batch.reward(t - 1, b), x[inner + na], "previous reward of trial " + b + " at " + t);
      }
      assertEquals(sum, batch.trialReturn(b), 1e-9, "return of trial " + b);
      returns += sum;
    }
    assertEquals(returns / TRIALS, batch.meanReturn(), 1e-9);
    assertTrue(c.envNanos() > 0 && c.actNanos() > 0);
  }

  @ParameterizedTest
  @MethodSource("envsAndCores")
  void aPolicyOfAnotherBatchSizeIsRefused(String env, String core) {
    ActorCriticSpec spec = Rl2Fixtures.spec(env, core, 4, true);
    TrialCollector c = Rl2Fixtures.collector(env, TRIALS);
    ActorCriticPolicy wrong = Rl2Fixtures.policy(spec, spec.initialParams(1), TRIALS + 1, 1);
    assertThrows(IllegalArgumentException.class, () -> c.collect(wrong, 1, c.newBatch()));
  }
}
