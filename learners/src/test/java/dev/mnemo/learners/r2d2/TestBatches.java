package dev.mnemo.learners.r2d2;

import java.util.List;
import java.util.Random;

/** Small configs and SequenceBatch-shaped random batches for learner tests. */
final class TestBatches {
  private TestBatches() {}

  /** burn-in 4, trace 8, n 2 (length 14), LSTM 16, heads 16, batch 8. */
  static R2d2Config small(boolean storedState, int targetPeriod, double lr) {
    return new R2d2Config("test", 42L, 4, 4, 8, 4, 2, 0.9, List.of(16), "lstm", 16, 16, 8, lr, 1e-3, 40.0,
        targetPeriod, 0.9, "actor", 0.9, 0.6, 100, 8, 4.0, 0.1, 400, 0.4, 7.0, storedState, 1000, 100, 2, 1.0, 50,
        "gemm");
  }

  /**
   * A random batch: sequence 0 runs through, sequence 1 terminates at step 9 (padding after it),
   * sequence 2 is truncated after step 10 (step 11 holds the final observation), the rest run through.
   */
  static TrainingBatch random(R2d2Config c, int obsSize, int numActions, long seed) {
    Random r = new Random(seed);
    int bs = c.batchSize();
    int len = c.sequenceLength();
    int hs = c.coreSize();
    float[] obs = new float[bs * len * obsSize];
    int[] actions = new int[bs * len];
    float[] rewards = new float[bs * len];
    float[] discounts = new float[bs * len];
    float[] mask = new float[bs * len];
    int[] prevActions = new int[bs * len];
    float[] prevRewards = new float[bs * len];
    for (int i = 0; i < obs.length; i++) {
      obs[i] = (float) r.nextGaussian();
    }
    for (int b = 0; b < bs; b++) {
      int last = b == 1 ? 9 : b == 2 ? 10 : len - 1;
      for (int t = 0; t < len; t++) {
        int i = b * len + t;
        boolean real = t <= last;
        mask[i] = real ? 1 : 0;
        discounts[i] = (b == 1 && t == last) ? 0 : 1;
        actions[i] = real ? r.nextInt(numActions) : 0;
        // reward depends on the observation, so Q has something to fit
        rewards[i] = real ? obs[i * obsSize] * (actions[i] == 0 ? 1 : -1) : 0;
        prevActions[i] = t == 0 ? -1 : actions[i - 1];
        prevRewards[i] = t == 0 ? 0 : rewards[i - 1];
      }
    }
    float[] h0 = new float[bs * hs];
    float[] c0 = new float[bs * hs];
    for (int i = 0; i < h0.length; i++) {
      h0[i] = (float) (r.nextGaussian() * 0.5);
      c0[i] = (float) (r.nextGaussian() * 0.5);
    }
    float[] w = new float[bs];
    java.util.Arrays.fill(w, 1f);
    return new TrainingBatch(bs, len, obsSize, 2 * hs, obs, actions, rewards, discounts, mask, prevActions,
        prevRewards, LstmGoldenTest.join(h0, c0, hs), w);
  }

  static TrainingBatch withState(TrainingBatch b, float[] state0) {
    return new TrainingBatch(b.batchSize(), b.length(), b.obsSize(), b.stateSize(), b.obs(), b.actions(),
        b.rewards(), b.discounts(), b.mask(), b.prevActions(), b.prevRewards(), state0, b.weights());
  }
}
