package dev.mnemo.envs.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.CopiesStepper;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Rng;
import dev.mnemo.envs.Step;
import dev.mnemo.envs.VectorApiModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetaFetchTest {

  /** One step towards (tx, ty) along x first, then y. */
  private static int towards(MetaFetch m, int tx, int ty) {
    if (m.agentX() < tx) {
      return MetaFetch.EAST;
    }
    if (m.agentX() > tx) {
      return MetaFetch.WEST;
    }
    return m.agentY() < ty ? MetaFetch.SOUTH : MetaFetch.NORTH;
  }

  /**
   * One object: the optimum is 1 + floor((T - d) / 2) (reach it, then step off and back on for each later fetch),
   * and a walker that does exactly that earns it.
   */
  /**
   * The move rule: a step inside the grid moves one cell (north = y - 1, east = x + 1, south = y + 1, west = x - 1),
   * a step off the grid leaves the agent where it is; checked against that rule written out as branches, over
   * 20,000 random actions on a 4x4 grid (the walls are hit often).
   */
  @Test
  void movesFollowTheGridRuleAndTheWallsStopTheAgent() {
    MetaFetch env = (MetaFetch) EnvRegistry.make("metafetch?size=4&objects=2&maxSteps=25000");
    env.reset(3);
    java.util.Random rng = new java.util.Random(8);
    int walls = 0;
    for (int t = 0; t < 20000; t++) {
      int a = rng.nextInt(4);
      int x = env.agentX();
      int y = env.agentY();
      int nx = x + (a == MetaFetch.EAST ? 1 : a == MetaFetch.WEST ? -1 : 0);
      int ny = y + (a == MetaFetch.SOUTH ? 1 : a == MetaFetch.NORTH ? -1 : 0);
      boolean inside = nx >= 0 && nx < 4 && ny >= 0 && ny < 4;
      walls += inside ? 0 : 1;
      env.step(a);
      assertEquals(inside ? nx : x, env.agentX(), "x after action " + a + " from (" + x + ", " + y + ")");
      assertEquals(inside ? ny : y, env.agentY(), "y after action " + a + " from (" + x + ", " + y + ")");
    }
    assertTrue(walls > 1000, "the walk should hit the walls often: " + walls);
  }

  @Test
  void oneObjectPaysItsClosedFormOptimum() {
    MetaFetch m = (MetaFetch) EnvRegistry.make("metafetch?size=5&objects=1&maxSteps=40");
    for (long seed = 0; seed < 50; seed++) {
      Step s = m.reset(seed);
      int d = Math.abs(m.objectX(0) - m.agentX()) + Math.abs(m.objectY(0) - m.agentY());
      float ret = 0;
      int t = 0;
      boolean onObject = false;
      while (!s.truncated) {
        int a;
        if (onObject) {
          // Step off to a neighbour inside the grid, then back on.
          a = m.agentX() > 0 ? MetaFetch.WEST : MetaFetch.EAST;
        } else {
          a = towards(m, m.objectX(0), m.objectY(0));
        }
        s = m.step(a);
        t++;
        ret += s.reward;
        onObject = m.agentX() == m.objectX(0) && m.agentY() == m.objectY(0);
      }
      assertEquals(40, t);
      assertEquals(1 + (40 - d) / 2, ret, "seed " + seed + ", distance " + d);
    }
  }

  /**
   * The stepper's rows written a vector at a time ({@link MetaFetchRows}: one vector per row at the default shape and
   * at 4 objects, where the row fills it exactly; two at 6 objects) are the rows written float by float, bit for
   * bit, and in a batch longer than the copies' rows the floats after them are left alone. The build's test JVMs
   * have the Vector API, so this runs the vector path (the agreement with one env stepped alone is
   * {@code CopiesStepperAgreementTest}'s).
   */
  @ParameterizedTest
  @ValueSource(strings = {"metafetch", "metafetch?size=9&objects=4", "metafetch?size=6&objects=6",
      "metafetch?size=2&objects=3&maxSteps=7"})
  void rowsWrittenAVectorAtATimeAreTheRowsWrittenFloatByFloat(String id) {
    assertTrue(VectorApiModule.isPresent(),
        "jdk.incubator.vector missing from the test JVM: only the float-by-float rows would be tested");
    int n = 9;
    int size = EnvRegistry.make(id).spec().obsSize();
    Env[] vectorCopies = new Env[n];
    Env[] floatCopies = new Env[n];
    for (int i = 0; i < n; i++) {
      vectorCopies[i] = EnvRegistry.make(id);
      floatCopies[i] = EnvRegistry.make(id);
      vectorCopies[i].reset(40 + i);
      floatCopies[i].reset(40 + i);
    }
    CopiesStepper byVectors = ((MetaFetch) vectorCopies[0]).copiesStepper(vectorCopies, true);
    CopiesStepper byFloats = ((MetaFetch) floatCopies[0]).copiesStepper(floatCopies, false);
    int tail = 5;
    float[] obsV = new float[n * size + tail];
    float[] obsF = new float[n * size + tail];
    java.util.Arrays.fill(obsV, n * size, obsV.length, 7f);
    float[] rewards = new float[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    int[] actions = new int[n];
    Rng pick = new Rng(11);
    int fetches = 0;
    for (int t = 0; t < 400; t++) {
      for (int i = 0; i < n; i++) {
        actions[i] = pick.nextInt(4);
      }
      boolean endedV = byVectors.stepAll(actions, obsV, rewards, terminated, truncated);
      for (float r : rewards) {
        fetches += r != 0 ? 1 : 0;
      }
      boolean endedF = byFloats.stepAll(actions, obsF, rewards, terminated, truncated);
      assertArrayEquals(java.util.Arrays.copyOf(obsF, n * size), java.util.Arrays.copyOf(obsV, n * size),
          id + " step " + t);
      for (int j = n * size; j < obsV.length; j++) {
        assertEquals(7f, obsV[j], id + " step " + t + ": float " + j + " after the rows");
      }
      assertEquals(endedF, endedV, id + " step " + t);
      if (endedV) {
        for (int i = 0; i < n; i++) {
          vectorCopies[i].reset(1000L * t + i);
          floatCopies[i].reset(1000L * t + i);
        }
      }
    }
    assertTrue(fetches > 0, id + ": some steps fetched an object");
  }

  /** A wrong fetch pays nothing and puts the fetched objects back; the order is the episode's, fixed. */
  @Test
  void aWrongFetchResetsProgressAndARightOneRemovesTheObject() {
    MetaFetch m = (MetaFetch) EnvRegistry.make("metafetch?size=6&objects=3&maxSteps=500");
    m.reset(3);
    int first = m.order(0);
    int second = m.order(1);
    int third = m.order(2);
    Step s = walkOnto(m, first);
    assertEquals(1f, s.reward);
    assertEquals(1, m.progress());
    assertEquals(0f, s.obs[4 + 3 * first], "a fetched object is off the grid");
    assertEquals(1f, s.obs[2 + 3 * 3], "the right-fetch flag");
    s = walkOnto(m, third);
    assertEquals(0f, s.reward, "the third before the second is wrong");
    assertEquals(1f, s.obs[3 + 3 * 3], "the wrong-fetch flag");
    assertEquals(0, m.progress());
    for (int k = 0; k < 3; k++) {
      assertTrue(m.present(k), "every object is back after a wrong fetch");
    }
    float ret = 0;
    for (int k : new int[] {first, second, third, first}) {
      ret += walkOnto(m, k).reward;
    }
    assertEquals(4f, ret, "the whole order, then it starts again");
    assertEquals(1, m.progress());
  }

  /**
   * The memory the task rewards: over 300 steps on 20 layouts, a walker that knows the order earns about twice
   * what one that must rediscover it after every round earns (1782 vs 885 on these seeds).
   */
  @Test
  void knowingTheOrderPaysFarMoreThanRediscoveringIt() {
    MetaFetch m = (MetaFetch) EnvRegistry.make("metafetch?size=5&objects=3&maxSteps=300");
    float knowing = 0;
    float forgetting = 0;
    for (long seed = 0; seed < 20; seed++) {
      knowing += play(m, seed, true);
      forgetting += play(m, seed, false);
    }
    assertTrue(knowing > 1.6 * forgetting, "order known " + knowing + " vs rediscovered " + forgetting);
  }

  /**
   * Fetches in order (knows), or forgets: tries the present objects in slot order from a pointer, moving the
   * pointer past an object that proved wrong, and forgets everything when a round completes (so it finds the
   * order again, by trial, every round).
   */
  private static float play(MetaFetch m, long seed, boolean knowsOrder) {
    m.reset(seed);
    float ret = 0;
    int pointer = 0;
    Step s = null;
    while (s == null || !s.truncated) {
      int target = knowsOrder ? m.order(m.progress()) : nextPresent(m, pointer);
      s = stepTowards(m, target);
      ret += s.reward;
      if (s.obs[3 + 3 * m.objects()] == 1f) {
        pointer = (target + 1) % m.objects(); // wrong: try the next one first
      } else if (s.reward > 0 && m.progress() == 0) {
        pointer = 0; // a completed round: forget
      }
    }
    return ret;
  }

  private static int nextPresent(MetaFetch m, int from) {
    for (int k = from; k < m.objects(); k++) {
      if (m.present(k)) {
        return k;
      }
    }
    for (int k = 0; k < m.objects(); k++) {
      if (m.present(k)) {
        return k;
      }
    }
    return 0;
  }

  /** A step towards object k that avoids stepping onto another present object when it can. */
  private static Step stepTowards(MetaFetch m, int k) {
    int[] order = {MetaFetch.EAST, MetaFetch.WEST, MetaFetch.SOUTH, MetaFetch.NORTH};
    int best = -1;
    int bestD = Integer.MAX_VALUE;
    for (int a : order) {
      int nx = m.agentX() + (a == MetaFetch.EAST ? 1 : a == MetaFetch.WEST ? -1 : 0);
      int ny = m.agentY() + (a == MetaFetch.SOUTH ? 1 : a == MetaFetch.NORTH ? -1 : 0);
      if (nx < 0 || ny < 0 || nx >= m.size() || ny >= m.size() || blocked(m, nx, ny, k)) {
        continue;
      }
      int d = Math.abs(m.objectX(k) - nx) + Math.abs(m.objectY(k) - ny);
      if (d < bestD) {
        bestD = d;
        best = a;
      }
    }
    return m.step(best < 0 ? MetaFetch.EAST : best);
  }

  private static boolean blocked(MetaFetch m, int x, int y, int target) {
    for (int j = 0; j < m.objects(); j++) {
      if (j != target && m.present(j) && m.objectX(j) == x && m.objectY(j) == y) {
        return true;
      }
    }
    return false;
  }

  private static Step walkOnto(MetaFetch m, int k) {
    Step s;
    do {
      s = stepTowards(m, k);
    } while (!(s.reward != 0 || s.obs[3 + 3 * m.objects()] == 1f
        || (m.agentX() == m.objectX(k) && m.agentY() == m.objectY(k))));
    return s;
  }
}
