package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The split form of {@link Seeds#combine} that VectorEnv uses gives the very seeds every run was made with. */
class SeedsPrefixTest {

  @Test
  void combineWithAPrefixIsCombine() {
    Rng r = new Rng(5);
    for (int i = 0; i < 100_000; i++) {
      long a = r.nextLong();
      long b = i % 3 == 0 ? i : r.nextLong();
      assertEquals(Seeds.combine(a, b), Seeds.combineWith(Seeds.combinePrefix(a), b), "a " + a + ", b " + b);
    }
  }

  /** Episode seeds pinned before the split (values computed by the old two-mix combine). */
  @Test
  void episodeSeedsAreUnchanged() {
    long expected = Seeds.mix64(Seeds.mix64(Seeds.mix64(Seeds.mix64(7 + 0x9E3779B97F4A7C15L)
        ^ (3 * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L)) + 0x9E3779B97F4A7C15L)
        ^ (11 * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L));
    assertEquals(expected, Seeds.episodeSeed(7, 3, 11));
  }
}
