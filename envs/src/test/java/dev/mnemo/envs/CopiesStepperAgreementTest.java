package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The steppers of the mazes, Meta-Fetch and CountRecall ({@link CopiesStepper}) give what each copy stepped alone
 * gives, bit for bit, over many episodes and at every shape the registry's parameters reach (a one-cell corridor, a
 * two-by-two grid, every deck count); a copy that cannot step stops the call before any copy moves. The cart-poles,
 * pendulums and RL² trials have tests of their own ({@code CartPoleCopiesTest}, {@code MetaTrialCopiesTest}).
 */
public class CopiesStepperAgreementTest {

  private static Env[] make(String id, int n) {
    Env[] envs = new Env[n];
    for (int i = 0; i < n; i++) {
      envs[i] = EnvRegistry.make(id);
    }
    return envs;
  }

  @ParameterizedTest
  @ValueSource(strings = {"tmaze", "tmaze?length=1&maxSteps=3", "tmaze?length=2", "imaze",
      "imaze?length=1&arm=1&maxSteps=5", "imaze?length=3&arm=2", "metafetch",
      "metafetch?size=2&objects=3&maxSteps=40", "metafetch?size=5&objects=1", "metafetch?size=9&objects=4",
      "metafetch?size=6&objects=6", "popgym/CountRecall-Easy",
      "popgym/CountRecall-Medium", "popgym/CountRecall-Hard"})
  void copiesSteppedTogetherMatchEachSteppedAlone(String id) {
    assertCopiesAgree(id, 7, 600);
  }

  /**
   * {@code n} copies of {@code id} (n >= 4) stepped together by their stepper against {@code n} stepped alone, for
   * {@code steps} steps with random actions, row by row ({@link BatchRows#assertRowHolds}), through both of the
   * stepper's calls, with a bad action now and then that must move no copy; every ended episode is reset on both
   * sides. Public for the check that runs in a JVM without the Vector API ({@code MetaFetchWithoutVectorApiTest}).
   */
  public static void assertCopiesAgree(String id, int n, int steps) {
    Env[] together = make(id, n);
    Env[] alone = make(id, n);
    for (int i = 0; i < n; i++) {
      together[i].reset(100 + i);
      alone[i].reset(100 + i);
    }
    CopiesStepper stepper = together[0].copiesStepper(together);
    assertNotNull(stepper, id + ": copies of one kind step together");
    int size = together[0].spec().obsSize();
    int numActions = together[0].spec().numActions();
    float[] obs = new float[n * size];
    float[] rewards = new float[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    int[] actions = new int[n];
    Rng pick = new Rng(4);
    int ends = 0;
    int paid = 0;
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < n; i++) {
        actions[i] = pick.nextInt(numActions);
      }
      if (t % 97 == 13) { // a bad action on one copy: nobody moves, and the next steps still agree
        int[] bad = actions.clone();
        bad[3] = numActions;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> stepper.stepAll(bad, obs, rewards, terminated, truncated));
        assertTrue(e.getMessage().contains("action " + numActions + " out of range [0, " + numActions + ")"),
            id + ": the copy's own error: " + e.getMessage());
      }
      // Odd steps through stepAll, even ones through stepAllListingEnded (I-Maze lists in its loop, others by default)
      int[] ended = new int[n];
      int count = t % 2 == 0 ? stepper.stepAllListingEnded(actions, obs, rewards, terminated, truncated, ended) : -1;
      boolean any = count < 0 ? stepper.stepAll(actions, obs, rewards, terminated, truncated) : count > 0;
      boolean anyAlone = false;
      int listed = 0;
      for (int i = 0; i < n; i++) {
        String at = id + " step " + t + " copy " + i;
        Step s = alone[i].step(actions[i]);
        anyAlone |= s.done();
        if (count >= 0 && s.done()) {
          assertTrue(listed < count && ended[listed] == i, at + ": listed as ended, in copy order");
          listed++;
        }
        BatchRows.assertRowHolds(s, i, obs, rewards, terminated, truncated, at);
        paid += s.reward != 0 ? 1 : 0;
        if (s.done()) {
          ends++;
          alone[i].reset(1000L * t + i);
          together[i].reset(1000L * t + i);
        }
      }
      assertEquals(anyAlone, any, id + " step " + t + ": whether any episode ended");
      if (count >= 0) {
        assertEquals(listed, count, id + " step " + t + ": the copies listed as ended");
      }
    }
    assertTrue(ends >= n, id + ": episodes ended and were reset (" + ends + ")");
    assertTrue(paid > 0, id + ": some steps paid a reward");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tmaze", "imaze", "metafetch", "popgym/CountRecall-Easy"})
  void aCopyThatNeedsAResetStopsTheCallBeforeAnyCopyMoves(String id) {
    Env[] together = make(id, 3);
    Env[] alone = make(id, 3);
    for (int i = 0; i < 3; i++) {
      alone[i].reset(i);
      if (i != 1) {
        together[i].reset(i); // copy 1 never reset
      }
    }
    CopiesStepper stepper = together[0].copiesStepper(together);
    float[] obs = new float[3 * together[0].spec().obsSize()];
    assertThrows(IllegalStateException.class,
        () -> stepper.stepAll(new int[] {1, 1, 1}, obs, new float[3], new boolean[3], new boolean[3]));
    Step first = together[0].step(2);
    Step firstAlone = alone[0].step(2);
    assertArrayEquals(firstAlone.obs, first.obs, id + ": copy 0 had not moved");
    assertEquals(firstAlone.reward, first.reward, id + ": copy 0 had not moved");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tmaze", "imaze", "metafetch", "popgym/CountRecall-Easy"})
  void copiesOfAnotherShapeStepOneByOne(String id) {
    String other = switch (id) {
      case "tmaze" -> "tmaze?length=4";
      case "imaze" -> "imaze?arm=2";
      case "metafetch" -> "metafetch?objects=2";
      default -> "popgym/CountRecall-Medium";
    };
    Env mine = EnvRegistry.make(id);
    assertNull(mine.copiesStepper(new Env[] {mine, EnvRegistry.make(other)}), id + " with " + other);
    assertNull(mine.copiesStepper(new Env[] {mine, EnvRegistry.make("cartpole")}), id + " with a cart-pole");
    assertNotNull(mine.copiesStepper(new Env[] {mine, EnvRegistry.make(id)}), id + " with its own kind");
  }
}
