package dev.mnemo.envs.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Step;
import org.junit.jupiter.api.Test;

class IMazeTest {

  private static IMaze maze(int length, int arm) {
    return (IMaze) EnvRegistry.make("imaze?length=" + length + "&arm=" + arm);
  }

  /** The cue-following walk: south to the bar, then to the cued end. Return +1 in length + arm steps. */
  private static float[] cuedWalk(IMaze m, long seed) {
    Step s = m.reset(seed);
    boolean left = s.obs[4] == 1f;
    assertEquals(left, m.goalLeft(), "the cue at the start names the goal end");
    float ret = 0;
    int steps = 0;
    for (int i = 0; i < 6; i++) {
      s = m.step(IMaze.SOUTH);
      ret += s.reward;
      steps++;
    }
    for (int i = 0; i < 2; i++) {
      s = m.step(left ? IMaze.WEST : IMaze.EAST);
      ret += s.reward;
      steps++;
    }
    assertTrue(s.terminated, "reaching an end ends the episode");
    return new float[] {ret, steps};
  }

  @Test
  void followingTheCueIsOptimalPlusOneInTheShortestPath() {
    IMaze m = maze(6, 2);
    assertEquals(8, m.shortestPath());
    int lefts = 0;
    for (long seed = 0; seed < 200; seed++) {
      assertArrayEquals(new float[] {1f, 8f}, cuedWalk(m, seed), "seed " + seed);
      lefts += m.goalLeft() ? 1 : 0;
    }
    assertTrue(lefts > 70 && lefts < 130, "both goal sides occur: " + lefts + " of 200 left");
  }

  @Test
  void theWrongEndCostsOneAndTheCueIsSeenOnlyAtTheStart() {
    IMaze m = maze(3, 1);
    Step s = m.reset(5);
    boolean left = m.goalLeft();
    for (int i = 0; i < 3; i++) {
      s = m.step(IMaze.SOUTH);
      assertEquals(0f, s.obs[4] + s.obs[5], "no cue away from the start");
      assertFalse(s.terminated);
    }
    // At the bar's centre: open east, west and north, wall south.
    assertArrayEquals(new float[] {1, 1, 0, 1, 0, 0}, s.obs);
    s = m.step(left ? IMaze.EAST : IMaze.WEST);
    assertEquals(-1f, s.reward);
    assertTrue(s.terminated);
  }

  @Test
  void wallsLeaveTheAgentInPlaceAndTheTimeLimitTruncates() {
    IMaze m = (IMaze) EnvRegistry.make("imaze?length=2&arm=1&maxSteps=3");
    Step s = m.reset(1);
    float[] start = s.obs.clone();
    assertArrayEquals(new float[] {0, 0, 1, 0}, java.util.Arrays.copyOf(start, 4), "only south is open at the start");
    s = m.step(IMaze.WEST);
    assertArrayEquals(start, s.obs, "bumping a wall stays on the start cell, cue and all");
    assertEquals(0f, s.reward);
    m.step(IMaze.NORTH);
    s = m.step(IMaze.EAST);
    assertTrue(s.truncated && !s.terminated, "truncated after maxSteps = 3");
  }
}
