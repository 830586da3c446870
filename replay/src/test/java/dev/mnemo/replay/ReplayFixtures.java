package dev.mnemo.replay;

/** Small replays and patterned sequences for tests: every field of a sequence derives from one id. */
final class ReplayFixtures {
  static final SequenceConfig SMALL = new SequenceConfig(1, 2, 1, 2, 2, 2, 3, false, true,
      SequenceBoundary.EPISODE); // T = 4

  private ReplayFixtures() {}

  static ReplayConfig config(int capacity, double alpha, double beta, long seed) {
    return new ReplayConfig(capacity, SMALL, alpha, beta, 1.0, 1e-6, RateLimiterConfig.minSize(1), seed);
  }

  /** Writes a sequence identified by {@code id} into row {@code row}. */
  static void fill(SequenceBatch b, int row, int id) {
    int t = b.length();
    for (int k = 0; k < t; k++) {
      int i = row * t + k;
      for (int j = 0; j < b.obsSize(); j++) {
        b.obs[i * b.obsSize() + j] = id + 0.001f * (k * b.obsSize() + j);
      }
      b.actions[i] = (id + k) % b.numActions();
      b.rewards[i] = id * 0.5f + k;
      b.discounts[i] = 1f;
      b.mask[i] = 1f;
      b.prevActions[i] = k == 0 ? -1 : (id + k - 1) % b.numActions();
      b.prevRewards[i] = k == 0 ? 0f : id * 0.5f + k - 1;
      b.episodeStarts[i] = k == 0 ? 1f : 0f;
      if (b.hasLogits()) {
        for (int a = 0; a < b.numActions(); a++) {
          b.behaviourLogits[i * b.numActions() + a] = id - a;
        }
      }
    }
    for (int j = 0; j < b.stateSize(); j++) {
      b.state0[row * b.stateSize() + j] = (j % 2 == 0 ? 1 : -1) * (id + 0.5f + j);
    }
    b.actorIds[row] = id % 7;
    b.paramVersions[row] = id * 10L;
  }

  /** The id of row {@code row}, after checking every field agrees with it (no torn sequence). */
  static int verify(SequenceBatch b, int row) {
    int id = Math.round(b.obs[row * b.length() * b.obsSize()]);
    SequenceBatch expected = new SequenceBatch(1, b.length(), b.obsSize(), b.stateSize(), b.numActions(),
        b.hasLogits());
    fill(expected, 0, id);
    SequenceBatch actual = new SequenceBatch(1, b.length(), b.obsSize(), b.stateSize(), b.numActions(),
        b.hasLogits());
    actual.copyRowFrom(b, row, 0);
    check(java.util.Arrays.equals(expected.obs, actual.obs), id, "obs");
    check(java.util.Arrays.equals(expected.actions, actual.actions), id, "actions");
    check(java.util.Arrays.equals(expected.rewards, actual.rewards), id, "rewards");
    check(java.util.Arrays.equals(expected.discounts, actual.discounts), id, "discounts");
    check(java.util.Arrays.equals(expected.mask, actual.mask), id, "mask");
    check(java.util.Arrays.equals(expected.prevActions, actual.prevActions), id, "prevActions");
    check(java.util.Arrays.equals(expected.prevRewards, actual.prevRewards), id, "prevRewards");
    check(java.util.Arrays.equals(expected.episodeStarts, actual.episodeStarts), id, "episodeStarts");
    check(java.util.Arrays.equals(expected.state0, actual.state0), id, "state0");
    check(!b.hasLogits() || java.util.Arrays.equals(expected.behaviourLogits, actual.behaviourLogits), id,
        "behaviourLogits");
    check(expected.actorIds[0] == actual.actorIds[0], id, "actorId");
    check(expected.paramVersions[0] == actual.paramVersions[0], id, "paramVersion");
    return id;
  }

  private static void check(boolean ok, int id, String field) {
    if (!ok) {
      throw new AssertionError("sequence " + id + ": field " + field + " does not match its id (torn or lost)");
    }
  }
}
