package dev.mnemo.agents.r2d2;

import static dev.mnemo.agents.r2d2.ValueRescaling.h;
import static dev.mnemo.agents.r2d2.ValueRescaling.hInverse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.replay.SequenceBatch;
import dev.mnemo.replay.SequenceBoundary;
import dev.mnemo.replay.SequenceConfig;
import org.junit.jupiter.api.Test;

/**
 * The actor-side priority on hand-made sequences: burn-in 1, 3 trained steps, 2-step targets (6 steps), 2
 * actions, gamma 0.5, eta 0.75. Each expected value is written out as the equation of {@link ActorPriority}'s
 * javadoc with the numbers in place.
 */
class ActorPriorityTest {

  static final SequenceConfig CUT = new SequenceConfig(1, 3, 2, 1, 1, 0, 2, false, true, SequenceBoundary.EPISODE);
  static final double GAMMA = 0.5;
  static final double ETA = 0.75;

  /** A whole sequence (6 real steps, no episode end) in row {@code row} of {@code b}. */
  static void fillWhole(SequenceBatch b, int row) {
    int o = row * 6;
    // step:              0     1     2    3     4    5
    float[] rewards = {100f, 1f, 0f, 2f, 0f, 3f};
    int[] actions = {0, 1, 0, 0, 0, 1};
    float[] q = {
        50f, -50f, // step 0 (burn-in): a huge error here must not count
        0.5f, 0.2f,
        1.0f, 0.0f,
        0.3f, 0.8f, // the taken action (0) is not the argmax: the bootstrap of step 1 must use 0.8
        0.1f, 0.4f,
        2.0f, -1.0f}; // taken action 1 (Q -1), argmax 0 (Q 2)
    System.arraycopy(rewards, 0, b.rewards, o, 6);
    System.arraycopy(actions, 0, b.actions, o, 6);
    System.arraycopy(q, 0, b.behaviourLogits, o * 2, 12);
    for (int t = 0; t < 6; t++) {
      b.discounts[o + t] = 1f;
      b.mask[o + t] = 1f;
    }
  }

  static double mix(double... deltas) {
    double max = 0;
    double sum = 0;
    for (double d : deltas) {
      max = Math.max(max, Math.abs(d));
      sum += Math.abs(d);
    }
    return ETA * max + (1 - ETA) * sum / deltas.length;
  }

  @Test
  void priorityIsTheEtaMixOfNStepTdErrorsOverTheTrainedStepsBootstrappedFromTheActorsMaxQ() {
    SequenceBatch b = new SequenceBatch(1, CUT);
    fillWhole(b, 0);
    double d1 = h(1 + GAMMA * 0 + GAMMA * GAMMA * hInverse(0.8)) - 0.2;
    double d2 = h(0 + GAMMA * 2 + GAMMA * GAMMA * hInverse(0.4)) - 1.0;
    double d3 = h(2 + GAMMA * 0 + GAMMA * GAMMA * hInverse(2.0)) - 0.3;
    float p = new ActorPriority(CUT, GAMMA, ETA).priority(b, 0);
    assertEquals(mix(d1, d2, d3), p, 1e-6, "p = 0.75 max|delta| + 0.25 mean|delta| over trained steps 1..3");
    // The wrong readings this rules out: the taken action's Q at t+n instead of the max, and the burn-in step.
    double takenAtBootstrap = mix(h(1 + GAMMA * GAMMA * hInverse(0.3)) - 0.2, d2,
        h(2 + GAMMA * GAMMA * hInverse(-1.0)) - 0.3);
    assertTrue(Math.abs(p - takenAtBootstrap) > 1e-3, "bootstrap must be max_a q_{t+n}, not q_{t+n}[a_{t+n}]");
    assertTrue(p < 10, "the burn-in step (|delta| ~ 100) is not a trained step, got " + p);
  }

  @Test
  void terminationStopsTheTargetAndPaddedStepsCountInNeitherMaxNorMean() {
    SequenceBatch b = new SequenceBatch(1, CUT);
    fillWhole(b, 0);
    // The episode terminates at step 2: steps 3..5 are padding (whatever they hold).
    b.discounts[2] = 0f;
    for (int t = 3; t < 6; t++) {
      b.discounts[t] = 0f;
      b.mask[t] = 0f;
    }
    b.behaviourLogits[3 * 2] = 1000f; // padding: must not count as a trained step's Q
    double d1 = h(1 + GAMMA * 0) - 0.2; // r1 + gamma r2, then the terminal: no bootstrap
    double d2 = h(0) - 1.0;             // r2 alone
    assertEquals(mix(d1, d2), new ActorPriority(CUT, GAMMA, ETA).priority(b, 0), 1e-6,
        "mean over the 2 real trained steps");
  }

  /**
   * After a truncation the bootstrap step is the padding step that holds the final observation; the actor never
   * acted on it, so its stored Q is the adder's zero padding and the target bootstraps from h^-1(0) = 0.
   */
  @Test
  void truncationBootstrapsFromTheZeroQOfThePaddingStep() {
    SequenceBatch b = new SequenceBatch(1, CUT);
    fillWhole(b, 0);
    // Truncated after step 3 (discount 1): step 4 is the bootstrap padding step, step 5 padding.
    for (int t = 4; t < 6; t++) {
      b.discounts[t] = 0f;
      b.mask[t] = 0f;
      b.behaviourLogits[t * 2] = 0f;
      b.behaviourLogits[t * 2 + 1] = 0f;
    }
    double d1 = h(1 + GAMMA * 0 + GAMMA * GAMMA * hInverse(0.8)) - 0.2; // unchanged: bootstraps from step 3
    double d2 = h(0 + GAMMA * 2 + GAMMA * GAMMA * hInverse(0)) - 1.0;
    double d3 = h(2 + GAMMA * hInverse(0)) - 0.3; // one step, then the final observation's Q = 0
    assertEquals(mix(d1, d2, d3), new ActorPriority(CUT, GAMMA, ETA).priority(b, 0), 1e-6);
  }

  @Test
  void readsTheRowItIsGiven() {
    SequenceBatch one = new SequenceBatch(1, CUT);
    fillWhole(one, 0);
    SequenceBatch two = new SequenceBatch(2, CUT);
    fillWhole(two, 1);
    for (int i = 0; i < 12; i++) {
      two.behaviourLogits[i] = -7f * i; // row 0: other Q-values, all steps real
    }
    java.util.Arrays.fill(two.mask, 0, 6, 1f);
    java.util.Arrays.fill(two.discounts, 0, 6, 1f);
    ActorPriority p = new ActorPriority(CUT, GAMMA, ETA);
    float expected = p.priority(one, 0);
    assertEquals(expected, p.priority(two, 1), 0f, "row 1 of a batch of 2 is the same sequence");
    assertTrue(Math.abs(p.priority(two, 0) - expected) > 1e-3, "row 0 holds another sequence");
    assertEquals(expected, p.priority(one, 0), 0f, "scratch arrays carry nothing over between calls");
  }

  @Test
  void aNonFiniteQGivesTheReplaysMaximum() {
    SequenceBatch b = new SequenceBatch(1, CUT);
    fillWhole(b, 0);
    b.behaviourLogits[2 * 2] = Float.NaN; // step 2, a trained step
    assertTrue(Float.isNaN(new ActorPriority(CUT, GAMMA, ETA).priority(b, 0)),
        "NaN is SequenceSink.MAX_PRIORITY: the replay inserts at its maximum");
  }

  @Test
  void refusesSequencesWithoutStoredQValues() {
    SequenceConfig noLogits = CUT.withStoreLogits(false);
    var e = assertThrows(IllegalArgumentException.class, () -> new ActorPriority(noLogits, GAMMA, ETA));
    assertTrue(e.getMessage().contains("does not store them"), e.getMessage());
    ActorPriority p = new ActorPriority(CUT, GAMMA, ETA);
    var e2 = assertThrows(IllegalArgumentException.class, () -> p.priority(new SequenceBatch(1, noLogits), 0));
    assertTrue(e2.getMessage().contains("without Q-values"), e2.getMessage());
  }
}
