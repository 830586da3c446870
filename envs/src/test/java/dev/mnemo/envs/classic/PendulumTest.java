package dev.mnemo.envs.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Rollouts;
import dev.mnemo.envs.Step;
import org.junit.jupiter.api.Test;

class PendulumTest {

  /** Energy-shaping swing-up plus a PD balancer, reading the hidden state: a near-optimal policy. */
  private static int swingUp(Pendulum p) {
    double[] s = p.state();
    double th = Pendulum.normalizeAngle(s[0]);
    double w = s[1];
    double u;
    if (Math.cos(th) > 0.85) {
      u = -(10 * th + 2 * w);
    } else {
      double energy = 0.5 * w * w + 15 * Math.cos(th); // 15 = 3g/2l; upright at rest = 15
      u = w == 0 ? 1 : (15 - energy) * Math.signum(w);
    }
    int best = 0;
    for (int i = 1; i < p.spec().numActions(); i++) {
      if (Math.abs(p.torque(i) - u) < Math.abs(p.torque(best) - u)) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void torquesAreEvenlySpacedFromMinusTwoToTwo() {
    Pendulum p = new Pendulum("p", 200, 5);
    double[] t = new double[5];
    for (int i = 0; i < 5; i++) {
      t[i] = p.torque(i);
    }
    assertArrayEquals(new double[] {-2, -1, 0, 1, 2}, t, 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new Pendulum("p", 200, 1));
    assertThrows(IllegalArgumentException.class, () -> new Pendulum("p", 0, 5));
  }

  /** normalizeAngle's fast path (no fmod when |a + π| < 2π) gives the bits of the plain fmod formula everywhere. */
  @Test
  void normalizeAngleHasTheBitsOfTheFmodFormula() {
    java.util.Random rng = new java.util.Random(5);
    double[] special = {0, -0.0, Math.PI, -Math.PI, 2 * Math.PI, -2 * Math.PI, 3 * Math.PI, -3 * Math.PI,
        Math.nextUp(Math.PI), Math.nextDown(-Math.PI), 1e6, -1e6, Double.NaN};
    for (int i = 0; i < 20000 + special.length; i++) {
      double a = i < special.length ? special[i] : (rng.nextDouble() - 0.5) * (i % 2 == 0 ? 8 * Math.PI : 400);
      double r = (a + Math.PI) % (2 * Math.PI);
      if (r < 0) {
        r += 2 * Math.PI;
      }
      double expected = r - Math.PI;
      assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Pendulum.normalizeAngle(a)),
          "normalizeAngle(" + a + ")");
    }
  }

  /**
   * 2,000 steps of random torques, through resets, have the bits of Gym's formulas computed here afresh each step
   * (sin θ recomputed, by {@link QuarterTurnTrig} as the env documents, the angle normalised by fmod), whatever the
   * env caches.
   */
  @Test
  void aLongTrajectoryHasTheBitsOfTheFormulasComputedAfresh() {
    Pendulum p = new Pendulum("p", 200, 5);
    java.util.Random rng = new java.util.Random(11);
    p.reset(1);
    double[] s = p.state();
    double th = s[0];
    double w = s[1];
    int episode = 1;
    for (int step = 0; step < 2000; step++) {
      int a = rng.nextInt(5);
      double u = p.torque(a);
      double r = (th + Math.PI) % (2 * Math.PI);
      double norm = (r < 0 ? r + 2 * Math.PI : r) - Math.PI;
      double cost = norm * norm + 0.1 * w * w + 0.001 * u * u;
      w = Math.max(-8, Math.min(8, w + (3 * 10.0 / (2 * 1.0) * QuarterTurnTrig.sin(th) + 3.0 / (1.0 * 1.0 * 1.0) * u)
          * 0.05));
      th += w * 0.05;
      Step st = p.step(a);
      double half = Pendulum.MAX_COST / 2;
      assertEquals(Float.floatToRawIntBits((float) ((half - cost) / half / 200)), Float.floatToRawIntBits(st.reward),
          "reward at step " + step);
      assertEquals(Float.floatToRawIntBits((float) QuarterTurnTrig.sin(th)), Float.floatToRawIntBits(st.obs[1]),
          "sin at " + step);
      assertEquals(Float.floatToRawIntBits((float) QuarterTurnTrig.cos(th)), Float.floatToRawIntBits(st.obs[0]),
          "cos at " + step);
      assertEquals(Math.sin(th), QuarterTurnTrig.sin(th), 1e-15, "sin at " + step + " is Math's within rounding");
      assertArrayEquals(new double[] {th, w}, p.state(), 0.0, "state at step " + step);
      if (st.truncated) {
        p.reset(++episode);
        s = p.state();
        th = s[0];
        w = s[1];
      }
    }
    assertTrue(episode >= 10, "the trajectory crossed resets: " + episode);
  }

  @Test
  void oneStepFollowsGymPendulumAndMapsCostToPopgymReward() {
    Pendulum p = new Pendulum("p", 200, 5);
    p.reset(3);
    double[] s = p.state();
    double th = s[0];
    double w = s[1];
    Step st = p.step(4); // torque +2
    double wNew = Math.max(-8, Math.min(8, w + (15 * Math.sin(th) + 3 * 2) * 0.05));
    double thNew = th + wNew * 0.05;
    assertArrayEquals(new double[] {thNew, wNew}, p.state(), 1e-12, "Euler step of Gym's Pendulum");
    double a = Pendulum.normalizeAngle(th);
    double cost = a * a + 0.1 * w * w + 0.001 * 4;
    assertEquals((1 - cost / 8.1368022) / 200, st.reward, 1e-7, "reward = (1 - cost / 8.137) / L");
    assertArrayEquals(new float[] {(float) Math.cos(thNew), (float) Math.sin(thNew)}, st.obs, 1e-6f,
        "observation [cos, sin] without the velocity");
  }

  @Test
  void swingUpEarnsNearOneAndRandomTorquesFarLess() {
    Pendulum p = (Pendulum) EnvRegistry.make("popgym/PositionOnlyPendulum-Easy");
    double oracle = Rollouts.meanReturn(p, 60, (o, r) -> swingUp(p));
    double random = Rollouts.meanReturn(p, 60, Rollouts.random(5, 2));
    assertTrue(oracle > 0.85 && oracle <= 1.0, "swing-up return " + oracle + " (max 1)");
    assertTrue(random < 0.4, "random return " + random);
    for (int ep = 0; ep < 5; ep++) {
      Rollouts.Episode e = Rollouts.episode(p, ep, Rollouts.random(5, ep));
      assertEquals(200, e.length(), "Easy episodes last 200 steps");
      assertTrue(e.truncated(), "pendulum episodes are truncated, never terminated");
      for (float r : e.rewards()) {
        assertTrue(r >= -1.0 / 200 - 1e-7 && r <= 1.0 / 200 + 1e-7, "reward in [-1/L, 1/L], got " + r);
      }
    }
    assertEquals(100, EnvRegistry.make("popgym/PositionOnlyPendulum-Hard").spec().maxEpisodeSteps());
  }
}
