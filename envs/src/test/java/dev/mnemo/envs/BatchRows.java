package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

/** Test helper: a batch laid out as {@link VectorEnv}'s buffers, compared row by row with one env's {@link Step}. */
public final class BatchRows {
  private BatchRows() {}

  /**
   * Row {@code i} of the batch holds what {@code s} holds, bit for bit: the observation, the reward's bits and both
   * flags. {@code at} names the step and copy in a failure.
   */
  public static void assertRowHolds(Step s, int i, float[] obs, float[] rewards, boolean[] terminated,
      boolean[] truncated, String at) {
    int size = s.obs.length;
    assertArrayEquals(s.obs, Arrays.copyOfRange(obs, i * size, (i + 1) * size), at + ": obs");
    assertEquals(Float.floatToRawIntBits(s.reward), Float.floatToRawIntBits(rewards[i]), at + ": reward");
    assertEquals(s.terminated, terminated[i], at + ": terminated");
    assertEquals(s.truncated, truncated[i], at + ": truncated");
  }
}
