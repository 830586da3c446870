package dev.mnemo.learners.r2d2;

/**
 * A batch of stored sequences as the learner reads it: struct-of-arrays, batch-major ({@code [B*T...]}),
 * wrapping the replay's arrays without copying. Field meanings follow the replay's {@code SequenceBatch}.
 *
 * @param obs {@code [B*T*obsSize]} observation at which {@code actions[t]} was taken
 * @param actions {@code [B*T]}
 * @param rewards {@code [B*T]}
 * @param discounts {@code [B*T]} 0 where the episode terminated at t, else 1
 * @param mask {@code [B*T]} 1 real step, 0 padding (after truncation the first pad holds the final obs)
 * @param prevActions {@code [B*T]} -1 at episode start
 * @param prevRewards {@code [B*T]}
 * @param state0 {@code [B*stateSize]} the core's state the actor had before step 0 (opaque)
 * @param weights {@code [B]} importance-sampling weights
 */
public record TrainingBatch(int batchSize, int length, int obsSize, int stateSize, float[] obs, int[] actions,
    float[] rewards, float[] discounts, float[] mask, int[] prevActions, float[] prevRewards, float[] state0,
    float[] weights) {

  public TrainingBatch {
    int n = batchSize * length;
    check("obs", obs.length, n * obsSize);
    check("actions", actions.length, n);
    check("rewards", rewards.length, n);
    check("discounts", discounts.length, n);
    check("mask", mask.length, n);
    check("prevActions", prevActions.length, n);
    check("prevRewards", prevRewards.length, n);
    check("state0", state0.length, batchSize * stateSize);
    check("weights", weights.length, batchSize);
  }

  private static void check(String name, int got, int expected) {
    if (got != expected) {
      throw new IllegalArgumentException("TrainingBatch." + name + ": expected length " + expected
          + ", got " + got);
    }
  }
}
