package dev.mnemo.envs.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Rng;
import dev.mnemo.envs.Rollouts;
import dev.mnemo.envs.Step;
import org.junit.jupiter.api.Test;

class CartPoleTest {

  /** A full-state linear controller that balances Gym's cart-pole indefinitely. */
  private static int balance(CartPole env) {
    double[] s = env.state();
    return 0.1 * s[0] + 0.5 * s[1] + 3 * s[2] + s[3] > 0 ? 1 : 0;
  }

  @Test
  void usesGymCartPoleV1Constants() {
    assertEquals(9.8, CartPole.GRAVITY);
    assertEquals(1.0, CartPole.MASS_CART);
    assertEquals(0.1, CartPole.MASS_POLE);
    assertEquals(0.5, CartPole.LENGTH);
    assertEquals(10.0, CartPole.FORCE_MAG);
    assertEquals(0.02, CartPole.TAU);
    assertEquals(Math.toRadians(12), CartPole.THETA_THRESHOLD, 1e-12);
    assertEquals(2.4, CartPole.X_THRESHOLD);
    CartPole env = CartPole.gymV1(500);
    assertEquals(4, env.spec().obsSize());
    assertEquals(2, env.spec().numActions());
  }

  @Test
  void oneStepFollowsTheEquationsOfBartoSuttonAnderson() {
    // Barto et al. (1983), frictionless: written here in the paper's form, independently of the
    // implementation's algebra.
    double g = 9.8;
    double mc = 1.0;
    double mp = 0.1;
    double l = 0.5;
    double dt = 0.02;
    double[][] states = {{0, 0, 0, 0}, {0.3, -0.7, 0.15, 1.2}, {-1.9, 2.1, -0.19, -2.5}};
    CartPole env = CartPole.gymV1(500);
    for (double[] st : states) {
      for (int action = 0; action < 2; action++) {
        double f = action == 1 ? 10 : -10;
        double x = st[0];
        double xd = st[1];
        double th = st[2];
        double thd = st[3];
        double thdd = (g * Math.sin(th) + Math.cos(th) * ((-f - mp * l * thd * thd * Math.sin(th)) / (mc + mp)))
            / (l * (4.0 / 3.0 - mp * Math.cos(th) * Math.cos(th) / (mc + mp)));
        double xdd = (f + mp * l * (thd * thd * Math.sin(th) - thdd * Math.cos(th))) / (mc + mp);
        double[] expected = {x + dt * xd, xd + dt * xdd, th + dt * thd, thd + dt * thdd};
        env.reset(0);
        env.setState(x, xd, th, thd);
        Step s = env.step(action);
        assertArrayEquals(expected, env.state(), 1e-12,
            "state after action " + action + " from " + java.util.Arrays.toString(st));
        float[] obs = {(float) expected[0], (float) expected[1], (float) expected[2], (float) expected[3]};
        assertArrayEquals(obs, s.obs, 1e-6f, "observation is the state");
        assertEquals(1f, s.reward, "Gym pays 1 per step");
      }
    }
  }

  @Test
  void terminatesPastTwelveDegreesOrTheTrackEnd() {
    CartPole env = CartPole.gymV1(500);
    env.reset(0);
    env.setState(0, 0, 0.2, 0);
    assertFalse(env.step(1).terminated, "0.2 rad after one step is still inside 12 degrees");
    env.reset(0);
    env.setState(0, 0, 0.2094, 0.5); // theta + 0.02 * 0.5 > 0.2094
    Step s = env.step(1);
    assertTrue(s.terminated, "past 12 degrees");
    assertEquals(1f, s.reward, "Gym also pays the terminating step");
    env.reset(0);
    env.setState(2.39, 1.0, 0, 0);
    assertTrue(env.step(1).terminated, "past x = 2.4");
    env.reset(0);
    env.setState(-2.39, -1.0, 0, 0);
    assertTrue(env.step(0).terminated, "past x = -2.4");
  }

  @Test
  void resetDrawsEachStateComponentFromPlusMinusFiveHundredths() {
    CartPole env = CartPole.gymV1(500);
    double maxAbs = 0;
    for (int seed = 0; seed < 500; seed++) {
      env.reset(seed);
      for (double v : env.state()) {
        assertTrue(Math.abs(v) < 0.05, "start state component " + v);
        maxAbs = Math.max(maxAbs, Math.abs(v));
      }
    }
    assertTrue(maxAbs > 0.049, "the full U(-0.05, 0.05) range is used, max " + maxAbs);
  }

  @Test
  void randomPolicyLastsAboutTwentyTwoStepsAndABalancerReachesTheLimit() {
    CartPole env = CartPole.gymV1(500);
    Rng rng = new Rng(1);
    long steps = 0;
    int episodes = 4000;
    for (int ep = 0; ep < episodes; ep++) {
      env.reset(ep);
      do {
        steps++;
      } while (!env.step(rng.nextInt(2)).done());
    }
    assertEquals(22.4, (double) steps / episodes, 1.0, "mean random episode length (Gym: ~22)");
    for (int ep = 0; ep < 20; ep++) {
      Rollouts.Episode e = Rollouts.episode(env, ep, (o, r) -> balance(env));
      assertEquals(500, e.length(), "balancer episode length");
      assertTrue(e.truncated() && !e.terminated(), "ended by the limit");
      assertEquals(500.0, e.ret(), 1e-9, "Gym CartPole-v1 optimal return");
    }
  }

  @Test
  void popgymVariantsObserveTheirViewAndScaleRewards() {
    CartPole pos = (CartPole) EnvRegistry.make("popgym/PositionOnlyCartPole-Medium");
    CartPole vel = (CartPole) EnvRegistry.make("popgym/VelocityOnlyCartPole-Easy");
    assertEquals(400, pos.spec().maxEpisodeSteps());
    float[] o = pos.reset(3).obs;
    double[] s = pos.state();
    assertArrayEquals(new float[] {(float) s[0], (float) s[2]}, o, "position-only sees [x, theta]");
    o = vel.reset(3).obs;
    s = vel.state();
    assertArrayEquals(new float[] {(float) s[1], (float) s[3]}, o, "velocity-only sees velocities at reset");
    o = vel.step(1).obs;
    s = vel.state();
    assertArrayEquals(new float[] {(float) s[1], (float) s[3]}, o, "and after steps");

    Rollouts.Episode best = Rollouts.episode(pos, 1, (h, r) -> balance(pos));
    assertEquals(1.0, best.ret(), 1e-4, "POPGym: an optimal policy returns 1 (400 x 1/400)");
    double random = Rollouts.meanReturn(pos, 300, Rollouts.random(2, 8));
    assertEquals(22.4 / 400, random, 0.01, "random return is the mean length / 400");
  }

  @Test
  void noisyPositionOnlyAddsSeededNoiseOfTheLevelsSigma() {
    CartPole hard = (CartPole) EnvRegistry.make("popgym/NoisyPositionOnlyCartPole-Hard");
    CartPole again = (CartPole) EnvRegistry.make("popgym/NoisyPositionOnlyCartPole-Hard");
    assertArrayEquals(hard.reset(4).obs.clone(), again.reset(4).obs, "same seed, same noise");
    double sum = 0;
    double sq = 0;
    int n = 0;
    for (int ep = 0; ep < 40; ep++) {
      hard.reset(ep);
      Step st;
      do {
        st = hard.step(balance(hard));
        double err = st.obs[0] - hard.state()[0];
        sum += err;
        sq += err * err;
        n++;
      } while (!st.done());
    }
    assertEquals(0, sum / n, 0.01, "noise mean");
    assertEquals(0.3, Math.sqrt(sq / n), 0.01, "Hard level noise std 0.3");
    assertThrows(IllegalArgumentException.class,
        () -> new CartPole("c", CartPole.View.POSITION, 0, 0, true), "maxSteps 0");
    assertThrows(IllegalArgumentException.class,
        () -> new CartPole("c", CartPole.View.POSITION, 10, -1, true), "negative sigma");
  }
}
