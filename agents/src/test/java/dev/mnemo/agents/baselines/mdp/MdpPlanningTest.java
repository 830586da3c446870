package dev.mnemo.agents.baselines.mdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.meta.RandomMdpEnv;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Backward induction and extended value iteration against hand-computed values and their defining properties. */
class MdpPlanningTest {

  /**
   * State 0: a0 pays 1 and stays; a1 pays 0 and moves to state 1 w.p. 0.8 (else stays). State 1: a0 pays 3 and
   * stays; a1 pays 0 and returns to 0. Over 3 steps from state 0 the optimal plan goes to state 1 first, but
   * on the last step takes the 1 in hand.
   */
  static TabularMdp twoStates() {
    return TabularMdp.of(
        new double[][] {{1, 0}, {3, 0}},
        new double[][][] {{{1, 0}, {0.2, 0.8}}, {{0, 1}, {1, 0}}});
  }

  @Test
  void backwardInductionMatchesHandComputedValuesAndTimeDependentPolicy() {
    QTable q = new QTable(3, 2, 2);
    BackwardInduction.solve(twoStates(), q);
    // h = 2: V(0) = 1, V(1) = 3.
    assertEquals(1.0, q.value(2, 0), 1e-12);
    assertEquals(3.0, q.value(2, 1), 1e-12);
    // h = 1: Q(0,0) = 1 + 1 = 2, Q(0,1) = 0.2*1 + 0.8*3 = 2.6; Q(1,0) = 3 + 3 = 6, Q(1,1) = 0 + 1 = 1.
    assertEquals(2.0, q.q(1, 0, 0), 1e-12);
    assertEquals(2.6, q.q(1, 0, 1), 1e-12);
    assertEquals(6.0, q.q(1, 1, 0), 1e-12);
    assertEquals(1.0, q.q(1, 1, 1), 1e-12);
    // h = 0: Q(0,0) = 1 + 2.6 = 3.6, Q(0,1) = 0.2*2.6 + 0.8*6 = 5.32; Q(1,0) = 9, Q(1,1) = 2.6.
    assertEquals(3.6, q.q(0, 0, 0), 1e-12);
    assertEquals(5.32, q.q(0, 0, 1), 1e-12);
    assertEquals(9.0, q.q(0, 1, 0), 1e-12);
    assertEquals(2.6, q.q(0, 1, 1), 1e-12);
    assertEquals(5.32, q.value(0, 0), 1e-12);
    assertEquals(0.0, q.value(3, 0), 0.0);
    SplittableRandom rng = new SplittableRandom(1);
    assertEquals(1, q.greedyAction(0, 0, rng), "go for state 1 while there is time");
    assertEquals(0, q.greedyAction(2, 0, rng), "take the reward in hand on the last step");
    assertEquals(0, q.greedyAction(0, 1, rng));
  }

  @Test
  void greedyActionBreaksExactTiesUniformly() {
    QTable q = new QTable(1, 1, 3);
    q.q[0] = 1;
    q.q[1] = 2;
    q.q[2] = 2;
    SplittableRandom rng = new SplittableRandom(3);
    int[] counts = new int[3];
    for (int i = 0; i < 30_000; i++) {
      counts[q.greedyAction(0, 0, rng)]++;
    }
    assertEquals(0, counts[0], "the lower action is never taken");
    assertEquals(15_000, counts[1], 400, "tied actions each about half: " + counts[1] + " / " + counts[2]);
  }

  @Test
  void optimisticExpectationMovesMassToTheBestStateAndTakesItFromTheWorst() {
    ExtendedValueIteration evi = new ExtendedValueIteration(3);
    double[] v = {1, 3, 2};
    evi.sortByValueDescending(v, 0);
    double[] pHat = {0.5, 0.3, 0.2};
    // slack 0.4: best state 1 gets 0.3 + 0.2 = 0.5; the 0.2 surplus leaves the worst state 0 -> (0.3, 0.5, 0.2).
    assertEquals(0.3 * 1 + 0.5 * 3 + 0.2 * 2, evi.optimisticExpectation(pHat, 0, 0.4, v, 0), 1e-12);
    // slack 1.2: best state gets 0.9; the surplus 0.6 empties state 0 (0.5) and takes 0.1 from state 2.
    assertEquals(0.9 * 3 + 0.1 * 2, evi.optimisticExpectation(pHat, 0, 1.2, v, 0), 1e-12);
    // slack >= 2: all mass on the best state.
    assertEquals(3.0, evi.optimisticExpectation(pHat, 0, 5.0, v, 0), 1e-12);
    assertEquals(0.5 + 0.9 + 0.4, evi.optimisticExpectation(pHat, 0, 0.0, v, 0), 1e-12);
  }

  @Test
  void optimisticExpectationIsTheMaximumOverTheL1Ball() {
    // Brute force over a fine grid of 3-state distributions within the ball.
    ExtendedValueIteration evi = new ExtendedValueIteration(3);
    SplittableRandom rng = new SplittableRandom(11);
    for (int trial = 0; trial < 50; trial++) {
      double[] v = {rng.nextDouble() * 5, rng.nextDouble() * 5, rng.nextDouble() * 5};
      double a = rng.nextDouble();
      double b = rng.nextDouble() * (1 - a);
      double[] pHat = {a, b, 1 - a - b};
      double slack = rng.nextDouble() * 1.5;
      evi.sortByValueDescending(v, 0);
      double got = evi.optimisticExpectation(pHat, 0, slack, v, 0);
      double best = Double.NEGATIVE_INFINITY;
      int steps = 400;
      for (int i = 0; i <= steps; i++) {
        for (int j = 0; i + j <= steps; j++) {
          double[] p = {i / (double) steps, j / (double) steps, (steps - i - j) / (double) steps};
          double l1 = Math.abs(p[0] - pHat[0]) + Math.abs(p[1] - pHat[1]) + Math.abs(p[2] - pHat[2]);
          if (l1 <= slack) {
            best = Math.max(best, p[0] * v[0] + p[1] * v[1] + p[2] * v[2]);
          }
        }
      }
      assertTrue(got >= best - 1e-9, "greedy inner maximum " + got + " below a feasible " + best);
      assertTrue(got <= best + 5 * 5.0 / steps * 3, "greedy inner maximum " + got + " far above grid best " + best);
    }
  }

  @Test
  void extendedValueIterationWithoutSlackIsBackwardInduction() {
    TabularMdp m = randomTask(5);
    QTable exact = new QTable(10, 10, 5);
    QTable evi = new QTable(10, 10, 5);
    BackwardInduction.solve(m, exact);
    new ExtendedValueIteration(10).solve(m, new double[50], new double[50], evi);
    for (int h = 0; h < 10; h++) {
      for (int s = 0; s < 10; s++) {
        assertEquals(exact.value(h, s), evi.value(h, s), 1e-9, "h=" + h + " s=" + s);
      }
    }
  }

  @Test
  void extendedValueIterationIsOptimisticWheneverTheTruthIsInTheConfidenceSet() {
    SplittableRandom rng = new SplittableRandom(21);
    for (int task = 0; task < 20; task++) {
      TabularMdp truth = randomTask(100 + task);
      // A noisy estimate: rewards off by up to 0.3, transition rows mixed with another row.
      TabularMdp estimate = new TabularMdp(10, 5);
      double[] rewardSlack = new double[50];
      double[] transitionSlack = new double[50];
      for (int s = 0; s < 10; s++) {
        for (int a = 0; a < 5; a++) {
          double dr = (rng.nextDouble() - 0.5) * 0.6;
          estimate.setReward(s, a, truth.reward(s, a) + dr);
          rewardSlack[s * 5 + a] = Math.abs(dr);
          double w = rng.nextDouble() * 0.5;
          int other = rng.nextInt(10);
          double l1 = 0;
          for (int s2 = 0; s2 < 10; s2++) {
            double mixed = (1 - w) * truth.transition(s, a, s2) + w * (s2 == other ? 1 : 0);
            estimate.setTransition(s, a, s2, mixed);
            l1 += Math.abs(mixed - truth.transition(s, a, s2));
          }
          transitionSlack[s * 5 + a] = l1 + 1e-12;
        }
      }
      QTable optimistic = new QTable(10, 10, 5);
      QTable exact = new QTable(10, 10, 5);
      new ExtendedValueIteration(10).solve(estimate, rewardSlack, transitionSlack, optimistic);
      BackwardInduction.solve(truth, exact);
      QTable plain = new QTable(10, 10, 5);
      BackwardInduction.solve(estimate, plain);
      boolean estimateAloneBelow = false;
      for (int h = 0; h < 10; h++) {
        for (int s = 0; s < 10; s++) {
          assertTrue(optimistic.value(h, s) >= exact.value(h, s) - 1e-9, "task " + task + " h=" + h + " s=" + s
              + ": optimistic " + optimistic.value(h, s) + " < true optimum " + exact.value(h, s));
          estimateAloneBelow |= plain.value(h, s) < exact.value(h, s) - 1e-6;
        }
      }
      // Without the confidence set the estimate alone is sometimes pessimistic: the test can tell the two apart.
      if (task == 0) {
        assertTrue(estimateAloneBelow, "the noisy estimate alone should undershoot somewhere");
      }
    }
  }

  static TabularMdp randomTask(long seed) {
    RandomMdpEnv env = new RandomMdpEnv("rl2-mdp", 10, 5, 10);
    env.sampleTask(seed);
    TabularMdp m = new TabularMdp(10, 5);
    m.copyTask(env);
    return m;
  }
}
