package dev.mnemo.agents.baselines.mdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Every baseline on a hand-made 2-state MDP whose optimal policy is known, and the posterior it learns from. */
class MdpAgentsTest {
  private static final int H = 10;
  private static final MdpPrior PRIOR = MdpPrior.tabulaRl();

  /**
   * Start state 0. There a0 pays 1 and stays; a1 pays 0 and reaches state 1 w.p. 0.9. In state 1 a0 pays 2 and
   * stays, a1 pays 0 and returns to 0. Optimal over 10 steps: a1 in state 0 except on the last two steps (with two
   * steps left, 1 + 1 beats 0 + 0.9 * 2), a0 in state 1; V*_0(0) ≈ 17.8, while staying in state 0 earns 10 and a
   * uniformly random policy about 7.
   */
  static TabularMdp trap() {
    return TabularMdp.of(
        new double[][] {{1, 0}, {2, 0}},
        new double[][][] {{{1, 0}, {0.1, 0.9}}, {{0, 1}, {1, 0}}});
  }

  static double optimalValue() {
    QTable q = new QTable(H, 2, 2);
    BackwardInduction.solve(trap(), q);
    return q.value(0, 0);
  }

  /** Mean return of the last {@code tail} of {@code episodes} episodes, over {@code trials} seeded trials. */
  static double tailReturn(Supplier<MdpAgent> agent, int episodes, int tail, int trials) {
    double sum = 0;
    for (int t = 0; t < trials; t++) {
      double[] r = MdpTrialRunner.episodeReturns(agent.get(), trap(), episodes, H, 1000 + t, 2000 + t);
      for (int e = episodes - tail; e < episodes; e++) {
        sum += r[e];
      }
    }
    return sum / (tail * (double) trials);
  }

  @Test
  void handMadeMdpHasTheOptimalValueWorkedOutInItsJavadoc() {
    double v = optimalValue();
    assertTrue(v > 17.5 && v < 18, "V*_0(0) = " + v);
    QTable q = new QTable(H, 2, 2);
    BackwardInduction.solve(trap(), q);
    SplittableRandom rng = new SplittableRandom(0);
    for (int h = 0; h < H; h++) {
      assertEquals(h < H - 2 ? 1 : 0, q.greedyAction(h, 0, rng), "state 0 at step " + h);
      assertEquals(0, q.greedyAction(h, 1, rng), "stay in state 1 at step " + h);
    }
  }

  @Test
  void oracleEarnsTheOptimalValue() {
    double got = tailReturn(() -> {
      OracleMdpAgent o = new OracleMdpAgent();
      o.reveal(trap());
      return o;
    }, 200, 200, 5);
    assertEquals(optimalValue(), got, 0.25, "oracle mean return");
  }

  @Test
  void everyLearningBaselineEndsNearOptimalWhereRandomAndStayingDoNot() {
    double optimal = optimalValue();
    List<Supplier<MdpAgent>> learners = List.of(
        () -> new PsrlAgent(PRIOR),
        () -> new OptimisticPsrlAgent(PRIOR, 5),
        // A small UCRL2 scale (0.1) under-explores here: in 2 of 8 trials it never learns that state 1 pays.
        () -> new Ucrl2Agent(0.5, 0.05),
        () -> new BebAgent(PRIOR, 2.0));
    for (Supplier<MdpAgent> learner : learners) {
      double got = tailReturn(learner, 150, 50, 8);
      assertTrue(got > 0.93 * optimal, learner.get().name() + " ends at " + got + ", optimum " + optimal);
    }
    // Greedy has no exploration of its own: in some trials it settles for staying in state 0 (a return of 10).
    double greedy = tailReturn(() -> PosteriorMeanAgent.greedy(PRIOR), 150, 50, 8);
    assertTrue(greedy > 0.75 * optimal, "greedy ends at " + greedy + ", optimum " + optimal);
    // ε-greedy pays for its random steps (ε = 0.1: roughly one step in ten).
    double eps = tailReturn(() -> PosteriorMeanAgent.epsilonGreedy(PRIOR, 0.1), 150, 50, 8);
    assertTrue(eps > 0.85 * optimal && eps < 0.97 * optimal, "eps-greedy ends at " + eps + ", optimum " + optimal);
    double random = tailReturn(RandomMdpAgent::new, 150, 50, 8);
    assertTrue(random < 0.6 * optimal, "random ends at " + random + " (the test must tell learners from it)");
  }

  @Test
  void modelBasedLearnersPlanTheOptimalFirstMoveAfterLearning() {
    List<ModelBasedAgent> agents = List.of(new PsrlAgent(PRIOR), new OptimisticPsrlAgent(PRIOR, 5),
        new Ucrl2Agent(0.5, 0.05), new BebAgent(PRIOR, 2.0), PosteriorMeanAgent.epsilonGreedy(PRIOR, 0.1));
    for (ModelBasedAgent agent : agents) {
      MdpTrialRunner.run(agent, trap(), 200, H, 5, 6);
      agent.beginEpisode();
      QTable q = agent.plannedValues();
      assertTrue(q.q(0, 0, 1) > q.q(0, 0, 0), agent.name() + " plans to stay in state 0 after 200 episodes");
      assertTrue(q.q(0, 1, 0) > q.q(0, 1, 1), agent.name() + " plans to leave state 1 after 200 episodes");
    }
  }

  @Test
  void greedyPlansTheOptimalPolicyOnceItsPosteriorHoldsTheTruth() {
    PosteriorMeanAgent greedy = PosteriorMeanAgent.greedy(PRIOR);
    greedy.reset(2, 2, H, new SplittableRandom(1));
    TabularMdp truth = trap();
    SplittableRandom outcomes = new SplittableRandom(2);
    for (int i = 0; i < 4000; i++) {
      int s = i % 2;
      int a = (i / 2) % 2;
      greedy.observe(s, a, truth.reward(s, a) + outcomes.nextGaussian(),
          MdpTrialRunner.sampleNext(truth, s, a, outcomes.nextDouble()));
    }
    greedy.beginEpisode();
    QTable optimal = new QTable(H, 2, 2);
    BackwardInduction.solve(truth, optimal);
    for (int h = 0; h < H; h++) {
      for (int s = 0; s < 2; s++) {
        // Where the optimal actions differ by little (0.1 at h = 8 in state 0) estimation noise may flip them.
        if (Math.abs(optimal.q(h, s, 0) - optimal.q(h, s, 1)) > 0.3) {
          assertEquals(optimal.greedyAction(h, s, new SplittableRandom(0)), greedy.act(h, s), "h=" + h + " s=" + s);
        }
        assertEquals(optimal.value(h, s), greedy.plannedValues().value(h, s), 0.2, "h=" + h + " s=" + s);
      }
    }
  }

  @Test
  void tabulaRlBebAddsAnUnscaledRewardBonusAndATransitionBonusTimesTheStepsLeft() {
    // One state, one action, nothing observed: r̄ = 0, reward bonus 1 / (τ0 + 0 + 1) = 1/2,
    // β_T = 2 H^3 scaling = 54 * 0.1 = 5.4 for H = 3, divided by 1 + S α0 + n = 2: 2.7 per step left.
    TabulaRlBebAgent agent = new TabulaRlBebAgent(PRIOR, 0.1);
    agent.reset(1, 1, 3, new SplittableRandom(1));
    agent.beginEpisode();
    QTable q = agent.plannedValues();
    assertEquals(0.5, q.q(2, 0, 0), 1e-12);
    assertEquals(0.5 + 2.7 + 0.5, q.q(1, 0, 0), 1e-12);
    assertEquals(0.5 + 5.4 + 3.7, q.q(0, 0, 0), 1e-12);
    assertEquals("greedy_tabularl", PosteriorMeanAgent.tabulaRl(0).name());
    assertEquals("eps_greedy_tabularl", PosteriorMeanAgent.tabulaRl(0.2).name());
  }

  @Test
  void ucrl2PlansAtLeastTheTrueOptimalValueWithTheTheoreticalRadii() {
    QTable truth = new QTable(H, 2, 2);
    BackwardInduction.solve(trap(), truth);
    Ucrl2Agent agent = new Ucrl2Agent(1.0, 0.05);
    for (int episodes : new int[] {1, 5, 30, 100}) {
      MdpTrialRunner.run(agent, trap(), episodes, H, 7, 8);
      agent.beginEpisode();
      QTable q = agent.plannedValues();
      for (int h = 0; h < H; h++) {
        for (int s = 0; s < 2; s++) {
          assertTrue(q.value(h, s) >= truth.value(h, s), "after " + episodes + " episodes UCRL2's V_" + h + "(" + s
              + ") = " + q.value(h, s) + " < V* = " + truth.value(h, s));
        }
      }
    }
  }

  @Test
  void specialCasesCoincideExactlyUnderCommonRandomNumbers() {
    TabularMdp task = MdpPlanningTest.randomTask(3);
    // One posterior draw per episode is PSRL; a zero bonus is greedy on the posterior mean.
    assertArrayEquals(MdpTrialRunner.episodeReturns(new PsrlAgent(PRIOR), task, 20, H, 1, 2),
        MdpTrialRunner.episodeReturns(new OptimisticPsrlAgent(PRIOR, 1), task, 20, H, 1, 2));
    assertArrayEquals(MdpTrialRunner.episodeReturns(PosteriorMeanAgent.greedy(PRIOR), task, 20, H, 1, 2),
        MdpTrialRunner.episodeReturns(new BebAgent(PRIOR, 0.0), task, 20, H, 1, 2));
    // ... and a positive bonus changes the behaviour.
    double[] beb = MdpTrialRunner.episodeReturns(new BebAgent(PRIOR, 5.0), task, 20, H, 1, 2);
    double[] greedy = MdpTrialRunner.episodeReturns(PosteriorMeanAgent.greedy(PRIOR), task, 20, H, 1, 2);
    assertTrue(!java.util.Arrays.equals(beb, greedy), "BEB with beta = 5 behaves like greedy");
  }

  @Test
  void sameSeedsGiveTheSameTrialAndOtherSeedsAnother() {
    TabularMdp task = MdpPlanningTest.randomTask(4);
    for (Supplier<MdpAgent> a : List.<Supplier<MdpAgent>>of(() -> new PsrlAgent(PRIOR),
        () -> new OptimisticPsrlAgent(PRIOR, 3), () -> new Ucrl2Agent(0.05, 0.05), () -> new BebAgent(PRIOR, 1),
        () -> PosteriorMeanAgent.epsilonGreedy(PRIOR, 0.2), RandomMdpAgent::new)) {
      MdpAgent reused = a.get();
      double first = MdpTrialRunner.run(reused, task, 15, H, 9, 10);
      assertEquals(first, MdpTrialRunner.run(reused, task, 15, H, 9, 10), 0.0,
          reused.name() + ": a reused agent must forget its previous trial");
      assertEquals(first, MdpTrialRunner.run(a.get(), task, 15, H, 9, 10), 0.0, reused.name());
      assertTrue(first != MdpTrialRunner.run(a.get(), task, 15, H, 9, 11), reused.name() + " ignores its seed");
    }
  }

  @Test
  void outcomesComeFromTheTaskStreamsNotThePolicySeed() {
    TabularMdp task = MdpPlanningTest.randomTask(8);
    double[] a = MdpTrialRunner.episodeReturns(new FixedAction(0), task, 3, H, 12, 1);
    double[] b = MdpTrialRunner.episodeReturns(new FixedAction(0), task, 3, H, 12, 99);
    assertArrayEquals(a, b, "outcomes must not depend on the policy seed");
    double[] c = MdpTrialRunner.episodeReturns(new FixedAction(0), task, 3, H, 13, 1);
    assertTrue(!java.util.Arrays.equals(a, c), "another outcome seed must give other outcomes");
  }

  /** Always the same action. */
  private record FixedAction(int action) implements MdpAgent {
    @Override
    public String name() {
      return "fixed";
    }

    @Override
    public String hyperparameter() {
      return "";
    }

    @Override
    public void reset(int states, int actions, int horizon, java.util.random.RandomGenerator rng) {}

    @Override
    public void beginEpisode() {}

    @Override
    public int act(int step, int state) {
      return action;
    }

    @Override
    public void observe(int state, int action, double reward, int next) {}
  }

  @Test
  void posteriorFollowsTheConjugateUpdates() {
    TabularPosterior p = new TabularPosterior(3, 2, new MdpPrior(1, 0, 1, 1));
    p.observe(0, 1, 2.0, 2);
    p.observe(0, 1, 4.0, 2);
    p.observe(0, 1, 0.0, 1);
    // Reward: (tau0 mu0 + tau sum) / (tau0 + tau n) = 6 / 4; precision 4.
    assertEquals(1.5, p.rewardMean(0, 1), 1e-12);
    assertEquals(4.0, p.rewardPrecision(0, 1), 1e-12);
    assertEquals(0.0, p.rewardMean(1, 0), 1e-12, "an unvisited pair keeps the prior mean");
    TabularMdp mean = new TabularMdp(3, 2);
    p.meanMdp(mean);
    // Dirichlet(1,1,1) + counts (0,1,2): mean (1, 2, 3) / 6.
    assertEquals(1 / 6.0, mean.transition(0, 1, 0), 1e-12);
    assertEquals(2 / 6.0, mean.transition(0, 1, 1), 1e-12);
    assertEquals(3 / 6.0, mean.transition(0, 1, 2), 1e-12);
    assertEquals(1 / 3.0, mean.transition(2, 0, 1), 1e-12);
    TabularMdp empirical = new TabularMdp(3, 2);
    p.empiricalMdp(empirical);
    assertEquals(2.0, empirical.reward(0, 1), 1e-12);
    assertEquals(2 / 3.0, empirical.transition(0, 1, 2), 1e-12);
    assertEquals(0.0, empirical.reward(1, 1), 1e-12);
    // Samples average to the posterior mean and spread like it.
    SplittableRandom rng = new SplittableRandom(5);
    TabularMdp draw = new TabularMdp(3, 2);
    double sumR = 0;
    double sumR2 = 0;
    double sumP = 0;
    int draws = 40_000;
    for (int i = 0; i < draws; i++) {
      p.sampleMdp(rng, draw);
      sumR += draw.reward(0, 1);
      sumR2 += draw.reward(0, 1) * draw.reward(0, 1);
      sumP += draw.transition(0, 1, 2);
    }
    assertEquals(1.5, sumR / draws, 0.02);
    assertEquals(0.25, sumR2 / draws - Math.pow(sumR / draws, 2), 0.01, "posterior variance 1 / precision");
    assertEquals(0.5, sumP / draws, 0.01);
  }

  @Test
  void badConstantsAreRefusedNamingTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new OptimisticPsrlAgent(PRIOR, 0))
        .getMessage().contains("0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Ucrl2Agent(1, 1.5)).getMessage()
        .contains("delta"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PosteriorMeanAgent.epsilonGreedy(PRIOR, 1.2))
        .getMessage().contains("1.2"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new MdpPrior(0, 0, 1, 1)).getMessage()
        .contains("alpha0"));
  }
}
