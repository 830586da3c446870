package dev.mnemo.envs.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mnemo.envs.BatchRows;
import dev.mnemo.envs.CopiesStepper;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Rng;
import dev.mnemo.envs.Step;
import org.junit.jupiter.api.Test;

/**
 * The cart-poles' {@link CopiesStepper} gives what stepping each copy by itself gives, bit for bit, including where
 * it leaves the series for {@code Math} (angles set by hand), and refuses copies it cannot step together. (The
 * registry's cart-poles in a VectorEnv against a hand loop over {@code step}, over many episodes:
 * {@code VectorEnvInPlaceTest}.)
 */
class CartPoleCopiesTest {

  @Test
  void stepsCopiesAsEachWouldStepAloneEvenAtLargeAngles() {
    for (String id : new String[] {"cartpole", "cartpole/position-only", "cartpole/velocity-only",
        "cartpole/noisy-position-only", "popgym/NoisyPositionOnlyCartPole-Hard"}) {
      int n = 7;
      CartPole[] together = new CartPole[n];
      CartPole[] alone = new CartPole[n];
      for (int i = 0; i < n; i++) {
        together[i] = (CartPole) EnvRegistry.make(id);
        alone[i] = (CartPole) EnvRegistry.make(id);
        together[i].reset(100 + i);
        alone[i].reset(100 + i);
      }
      // Copies 2 and 5 far outside the series' range (and outside the bounds: they end at this step).
      for (CartPole[] side : new CartPole[][] {together, alone}) {
        side[2].setState(0.1, -0.3, 1.3, 2.0);
        side[5].setState(-0.4, 0.2, -3.0, -1.0);
      }
      CopiesStepper stepper = together[0].copiesStepper(together);
      assertNotNull(stepper, id + ": cart-poles of one kind are stepped together");
      int size = together[0].spec().obsSize();
      float[] obs = new float[n * size];
      float[] rewards = new float[n];
      boolean[] terminated = new boolean[n];
      boolean[] truncated = new boolean[n];
      int[] actions = new int[n];
      Rng pick = new Rng(4);
      for (int t = 0; t < 60; t++) {
        for (int i = 0; i < n; i++) {
          actions[i] = pick.nextInt(2);
        }
        boolean any = stepper.stepAll(actions, obs, rewards, terminated, truncated);
        boolean anyAlone = false;
        for (int i = 0; i < n; i++) {
          String at = id + " step " + t + " copy " + i;
          Step s = alone[i].step(actions[i]);
          anyAlone |= s.done();
          assertArrayEquals(alone[i].state(), together[i].state(), at + ": state");
          BatchRows.assertRowHolds(s, i, obs, rewards, terminated, truncated, at);
          if (s.done()) {
            alone[i].reset(1000 * t + i);
            together[i].reset(1000 * t + i);
          }
        }
        assertEquals(anyAlone, any, id + " step " + t + ": whether any episode ended");
      }
    }
  }

  @Test
  void aCopyThatCannotStepStopsAllBeforeAnyMoves() {
    CartPole[] poles = new CartPole[3];
    for (int i = 0; i < 3; i++) {
      poles[i] = CartPole.gymV1(500);
      poles[i].reset(i);
    }
    CopiesStepper stepper = poles[0].copiesStepper(poles);
    double[] before = poles[0].state();
    float[] obs = new float[12];
    float[] rewards = new float[3];
    boolean[] flags = new boolean[3];
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> stepper.stepAll(new int[] {1, 0, 2}, obs, rewards, flags, new boolean[3]));
    assertEquals("cartpole: action 2 out of range [0, 2)", bad.getMessage());
    assertArrayEquals(before, poles[0].state(), "copy 0 did not move");
    CartPole fresh = new CartPole("fresh", CartPole.View.FULL, 500, 0, false);
    poles[1] = fresh; // never reset
    CopiesStepper withFresh = poles[0].copiesStepper(poles);
    assertThrows(IllegalStateException.class,
        () -> withFresh.stepAll(new int[] {1, 0, 1}, obs, rewards, flags, new boolean[3]));
    assertArrayEquals(before, poles[0].state(), "copy 0 did not move");
  }

  @Test
  void copiesOfOtherKindsAreSteppedOneByOne() {
    CartPole full = CartPole.gymV1(500);
    Env[][] mixed = {
        {full, CartPole.gymV1(200)},
        {full, new CartPole("cartpole", CartPole.View.POSITION, 500, 0, false)},
        {full, new CartPole("cartpole", CartPole.View.FULL, 500, 0.1, false)},
        {full, new CartPole("cartpole", CartPole.View.FULL, 500, 0, true)},
        {full, EnvRegistry.make("tmaze")}};
    for (Env[] copies : mixed) {
      assertNull(full.copiesStepper(copies), "a stepper for " + copies[1].spec());
    }
  }
}
