package dev.mnemo.envs.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Rollouts;
import dev.mnemo.envs.Step;
import org.junit.jupiter.api.Test;

class TMazeTest {

  /** Remembers the first observation, walks east, turns to the side it showed. */
  private static Rollouts.HistoryPolicy optimal() {
    return (obs, rewards) -> {
      float[] last = obs.get(obs.size() - 1);
      boolean atJunction = last[0] == 0 && last[1] == 1 && last[2] == 0;
      if (!atJunction) {
        return TMaze.EAST;
      }
      return obs.get(0)[2] == 1 ? TMaze.NORTH : TMaze.SOUTH;
    };
  }

  @Test
  void optimalPolicyReturnsFourInLengthPlusOneSteps() {
    for (int length : new int[] {1, 5, 50}) {
      TMaze maze = (TMaze) EnvRegistry.make("tmaze?length=" + length);
      int north = 0;
      for (int seed = 0; seed < 40; seed++) {
        Rollouts.Episode e = Rollouts.episode(maze, seed, optimal());
        north += maze.goalNorth() ? 1 : 0;
        assertEquals(4.0, e.ret(), 1e-6, "optimal return, length " + length + ", seed " + seed);
        assertEquals(length + 1, e.length(), "optimal episode length");
        assertTrue(e.terminated());
      }
      assertTrue(north > 5 && north < 35, "both goal sides occur, north " + north + "/40");
    }
  }

  @Test
  void goalSideIsShownOnlyAtTheFirstStep() {
    TMaze maze = new TMaze("t", 3, 100);
    boolean sawNorth = false;
    boolean sawSouth = false;
    for (int seed = 0; seed < 20; seed++) {
      float[] first = maze.reset(seed).obs.clone();
      assertArrayEquals(maze.goalNorth() ? new float[] {0, 1, 1} : new float[] {1, 1, 0}, first,
          "start observation encodes the goal side");
      sawNorth |= maze.goalNorth();
      sawSouth |= !maze.goalNorth();
      assertArrayEquals(new float[] {1, 0, 1}, maze.step(TMaze.EAST).obs, "corridor");
      assertArrayEquals(new float[] {1, 0, 1}, maze.step(TMaze.WEST).obs,
          "back at the start the goal is no longer shown");
      maze.step(TMaze.EAST);
      maze.step(TMaze.EAST);
      assertArrayEquals(new float[] {0, 1, 0}, maze.step(TMaze.EAST).obs, "junction");
    }
    assertTrue(sawNorth && sawSouth);
  }

  @Test
  void wrongTurnAndWallBumpsCostOneTenth() {
    TMaze maze = new TMaze("t", 1, 100);
    maze.reset(0);
    boolean north = maze.goalNorth();
    Step s = maze.step(TMaze.WEST);
    assertEquals(-0.1f, s.reward, "west wall at the start");
    s = maze.step(TMaze.NORTH);
    assertEquals(-0.1f, s.reward, "north wall in the corridor");
    s = maze.step(TMaze.EAST);
    assertEquals(0f, s.reward, "a free move pays nothing");
    s = maze.step(TMaze.EAST);
    assertEquals(-0.1f, s.reward, "east wall at the junction");
    s = maze.step(north ? TMaze.SOUTH : TMaze.NORTH);
    assertEquals(-0.1f, s.reward, "wrong side");
    assertTrue(s.terminated, "a turn at the junction ends the episode");
  }

  @Test
  void memorylessAndRandomPoliciesFallShort() {
    TMaze maze = (TMaze) EnvRegistry.make("tmaze?length=5");
    // Without memory of the first observation the best is a coin flip: (4 - 0.1) / 2.
    Rollouts.HistoryPolicy alwaysNorth = (obs, r) -> {
      float[] last = obs.get(obs.size() - 1);
      return last[0] == 0 && last[1] == 1 && last[2] == 0 ? TMaze.NORTH : TMaze.EAST;
    };
    assertEquals(1.95, Rollouts.meanReturn(maze, 2000, alwaysNorth), 0.2, "memoryless return");
    double random = Rollouts.meanReturn(maze, 500, Rollouts.random(4, 1));
    assertTrue(random < 1.0, "random return " + random);
    Rollouts.Episode e = Rollouts.episode(maze, 1, (o, r) -> TMaze.WEST);
    assertTrue(e.truncated(), "bumping forever is truncated");
    assertEquals(24, e.length(), "auto maxSteps = 4 * (5 + 1)");
    assertThrows(IllegalArgumentException.class, () -> new TMaze("t", 0, 10));
    assertThrows(IllegalArgumentException.class, () -> new TMaze("t", 5, 0));
  }
}
