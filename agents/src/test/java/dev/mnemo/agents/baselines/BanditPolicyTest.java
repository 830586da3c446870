package dev.mnemo.agents.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.meta.BernoulliBandits;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class BanditPolicyTest {

  /** Feeds a fixed reward sequence and records the arms the policy picks. */
  private static int[] choices(BanditPolicy policy, int arms, float... rewards) {
    policy.reset(arms, rewards.length, new SplittableRandom(7));
    int[] picked = new int[rewards.length];
    for (int t = 0; t < rewards.length; t++) {
      picked[t] = policy.selectArm();
      policy.observe(picked[t], rewards[t]);
    }
    return picked;
  }

  @Test
  void greedyStartsFromOneSuccessInTwoTrials() {
    // Means start at 1/2. After 1 success arm 0 is at 2/3; after a failure 2/4 ties the untried arms
    // and the lowest index keeps arm 0; a second failure (2/5) moves to arm 1, whose failure (1/3)
    // moves to arm 2, whose success (2/3) keeps it. Without the pseudo-count the first failure of
    // arm 1 would not be needed to leave it, and a pure empirical mean would stick to arm 0 at 1/1.
    int[] picked = choices(new GreedyPolicy(), 3, 1, 0, 0, 0, 1, 1);
    assertArrayEquals(new int[] {0, 0, 0, 1, 2, 2}, picked);
  }

  @Test
  void ucb1BonusSendsThePullToTheLessTriedArmOnlyWhenCIsLargeEnough() {
    // After arm 0 paid 1, 1, 0: mean 3/5 over m=5 vs untried 1/2 over m=2. At t=3 with c=1:
    // 0.6 + sqrt(2 ln 3 / 5) = 1.263 < 0.5 + sqrt(2 ln 3 / 2) = 1.548, so arm 1. At t=2 the indices
    // were 0.75 + 0.589 = 1.339 vs 0.5 + 0.833 = 1.333: still arm 0.
    assertArrayEquals(new int[] {0, 0, 0, 1}, choices(new Ucb1Policy(1.0), 2, 1, 1, 0, 0));
    assertArrayEquals(new int[] {0, 0, 0, 0}, choices(new Ucb1Policy(0.0), 2, 1, 1, 0, 0));
  }

  @Test
  void epsilonZeroIsGreedy() {
    SplittableRandom task = new SplittableRandom(3);
    BernoulliBandits bandits = new BernoulliBandits(5);
    for (int i = 0; i < 20; i++) {
      double[] p = bandits.sampleTask(task);
      assertArrayEquals(trajectory(new GreedyPolicy(), p, 50, 11L * i),
          trajectory(new EpsilonGreedyPolicy(0.0), p, 50, 11L * i), "task " + i);
    }
  }

  /** Arms picked on task p when pull j of arm a pays 1 iff u[a][j] < p[a] (u from rewardSeed). */
  private static int[] trajectory(BanditPolicy policy, double[] p, int n, long rewardSeed) {
    SplittableRandom rewards = new SplittableRandom(rewardSeed);
    double[] u = new double[p.length * n];
    for (int i = 0; i < u.length; i++) {
      u[i] = rewards.nextDouble();
    }
    int[] pulls = new int[p.length];
    policy.reset(p.length, n, new SplittableRandom(rewardSeed + 1));
    int[] picked = new int[n];
    for (int t = 0; t < n; t++) {
      int arm = policy.selectArm();
      picked[t] = arm;
      policy.observe(arm, u[arm * n + pulls[arm]++] < p[arm] ? 1f : 0f);
    }
    return picked;
  }

  @Test
  void optimisticThompsonWithOneSampleIsThompsonSamplingDrawForDraw() {
    SplittableRandom task = new SplittableRandom(5);
    BernoulliBandits bandits = new BernoulliBandits(10);
    for (OptimisticThompsonSamplingPolicy.Rule rule : OptimisticThompsonSamplingPolicy.Rule.values()) {
      for (int i = 0; i < 10; i++) {
        double[] p = bandits.sampleTask(task);
        assertArrayEquals(trajectory(new ThompsonSamplingPolicy(), p, 200, 100 + i),
            trajectory(new OptimisticThompsonSamplingPolicy(1, rule), p, 200, 100 + i), rule + ", task " + i);
      }
    }
  }

  @Test
  void epsilonOneIsRandomInDistribution() {
    int k = 5;
    int n = 20;
    int tasks = 3000;
    long[] epsCounts = new long[k];
    long[] randomCounts = new long[k];
    double[] epsTotals = new double[tasks];
    double[] randomTotals = new double[tasks];
    SplittableRandom taskRng = new SplittableRandom(11);
    BernoulliBandits bandits = new BernoulliBandits(k);
    for (int i = 0; i < tasks; i++) {
      double[] p = bandits.sampleTask(taskRng);
      // Different policy seeds on purpose: equality in distribution, not draw for draw.
      int[] e = trajectory(new EpsilonGreedyPolicy(1.0), p, n, 2L * i);
      int[] r = trajectory(new RandomPolicy(), p, n, 2L * i + 7919);
      for (int t = 0; t < n; t++) {
        epsCounts[e[t]]++;
        randomCounts[r[t]]++;
        epsTotals[i] += p[e[t]];
        randomTotals[i] += p[r[t]];
      }
    }
    double expected = (double) tasks * n / k;
    for (int a = 0; a < k; a++) {
      // Binomial sd of one arm's count is sqrt(N (1/k)(1 - 1/k)) ~ 98; 4 sd bounds.
      assertEquals(expected, epsCounts[a], 400, "eps=1 pulls of arm " + a);
      assertEquals(expected, randomCounts[a], 400, "random pulls of arm " + a);
    }
    // A greedy leak would pull the arm it believes best more often, i.e. earn more than random.
    double epsMean = mean(epsTotals);
    double randomMean = mean(randomTotals);
    assertEquals(randomMean, epsMean, 0.15, "eps=1 expected reward vs random (both ~ n/2 = 10)");
    assertEquals(n / 2.0, epsMean, 0.15, "eps=1 expected reward");
  }

  @Test
  void optimisticRulesMoveTheUntriedArmsChanceInOppositeDirections() {
    // Arm 0 paid 8 of 10 (posterior Beta(9, 3), mode 0.8, ~95% quantile 0.93); arm 1 is untried
    // (Beta(1, 1)). TS picks arm 1 with P(U > X) = 1 - E[X] = 0.25. The per-arm maximum of 20 draws
    // compares two upper quantiles and picks arm 1 about 70% of the time; the most probable of 20 joint
    // draws keeps the draw of arm 0 nearest its mode (arm 1's density is flat), so arm 1 wins only when
    // its uniform beats ~0.8: about 20%.
    double ts = untriedArmShare(new ThompsonSamplingPolicy());
    double maxPerArm = untriedArmShare(new OptimisticThompsonSamplingPolicy(20,
        OptimisticThompsonSamplingPolicy.Rule.MAX_PER_ARM));
    double mostProbable = untriedArmShare(new OptimisticThompsonSamplingPolicy(20,
        OptimisticThompsonSamplingPolicy.Rule.MOST_PROBABLE_JOINT));
    assertEquals(0.25, ts, 0.02, "Thompson sampling's chance of the untried arm");
    assertTrue(maxPerArm > 0.6, "per-arm maximum should favour the untried arm, got " + maxPerArm);
    assertTrue(mostProbable < 0.23, "most probable joint draw should favour the known arm, got " + mostProbable);
  }

  private static double untriedArmShare(BanditPolicy policy) {
    int trials = 10_000;
    int untried = 0;
    for (int i = 0; i < trials; i++) {
      policy.reset(2, 20, new SplittableRandom(1000L + i));
      for (int j = 0; j < 10; j++) {
        policy.observe(0, j < 8 ? 1f : 0f);
      }
      if (policy.selectArm() == 1) {
        untried++;
      }
    }
    return (double) untried / trials;
  }

  @Test
  void betaSamplerHasTheBetaMeanAndVariance() {
    SplittableRandom rng = new SplittableRandom(1);
    for (double[] ab : new double[][] {{1, 1}, {3, 5}, {40, 2}}) {
      double a = ab[0];
      double b = ab[1];
      int draws = 200_000;
      double sum = 0;
      double squares = 0;
      for (int i = 0; i < draws; i++) {
        double x = BetaSampler.beta(rng, a, b);
        assertTrue(x >= 0 && x <= 1, "draw outside [0, 1]: " + x);
        sum += x;
        squares += x * x;
      }
      double mean = sum / draws;
      double variance = squares / draws - mean * mean;
      double expectedVariance = a * b / ((a + b) * (a + b) * (a + b + 1));
      assertEquals(a / (a + b), mean, 5 * Math.sqrt(expectedVariance / draws), "Beta(" + a + "," + b + ") mean");
      assertEquals(expectedVariance, variance, 0.03 * expectedVariance, "Beta(" + a + "," + b + ") variance");
    }
  }

  @Test
  void gittinsPolicyPullsTheHighestIndexForTheRemainingHorizon() {
    GittinsIndexTable table = GittinsIndexTable.build(20, GittinsIndexTable.Method.EXACT, 10, 1);
    GittinsIndexPolicy policy = new GittinsIndexPolicy(table);
    policy.reset(2, 20, new SplittableRandom(1));
    policy.observe(policy.selectArm(), 0f); // arm 0 fails once: mean 1/3, untried arm 1 has 1/2
    assertEquals(1, policy.selectArm(), "a fresh arm beats one that failed its only pull");
    policy.observe(1, 1f);
    policy.observe(policy.selectArm(), 0f); // arm 1 now 1 success, 1 failure: mean 1/2 over 2 pulls
    // Arm 1 (Beta(2,2)) vs arm 0 (Beta(1,2)) with 17 pulls left: exact indices decide.
    int expected = GittinsIndex.exact(2, 2, 17) > GittinsIndex.exact(1, 2, 17) ? 1 : 0;
    assertEquals(expected, policy.selectArm());
  }

  @Test
  void badInputFailsLoudlyNamingTheProblem() {
    GreedyPolicy greedy = new GreedyPolicy();
    IllegalStateException early = assertThrows(IllegalStateException.class, greedy::selectArm);
    assertTrue(early.getMessage().contains("before reset"), early.getMessage());
    IllegalArgumentException arms = assertThrows(IllegalArgumentException.class,
        () -> greedy.reset(0, 10, new SplittableRandom(1)));
    assertTrue(arms.getMessage().contains("arms must be >= 1, got 0"), arms.getMessage());
    greedy.reset(3, 2, new SplittableRandom(1));
    IllegalArgumentException reward = assertThrows(IllegalArgumentException.class, () -> greedy.observe(0, 0.5f));
    assertTrue(reward.getMessage().contains("0 or 1"), reward.getMessage());
    IllegalArgumentException arm = assertThrows(IllegalArgumentException.class, () -> greedy.observe(3, 1f));
    assertTrue(arm.getMessage().contains("arm 3 out of range"), arm.getMessage());
    greedy.observe(0, 1f);
    greedy.observe(0, 1f);
    IllegalStateException beyond = assertThrows(IllegalStateException.class, () -> greedy.observe(0, 1f));
    assertTrue(beyond.getMessage().contains("horizon is 2"), beyond.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Ucb1Policy(-0.1));
    assertThrows(IllegalArgumentException.class, () -> new EpsilonGreedyPolicy(1.5));
    assertThrows(IllegalArgumentException.class, () -> new OptimisticThompsonSamplingPolicy(0,
        OptimisticThompsonSamplingPolicy.Rule.MOST_PROBABLE_JOINT));
    GittinsIndexPolicy gittins = new GittinsIndexPolicy(GittinsIndexTable.build(10, GittinsIndexTable.Method.EXACT, 10, 1));
    IllegalArgumentException horizon = assertThrows(IllegalArgumentException.class,
        () -> gittins.reset(2, 11, new SplittableRandom(1)));
    assertTrue(horizon.getMessage().contains("maxHorizon 10"), horizon.getMessage());
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }
}
