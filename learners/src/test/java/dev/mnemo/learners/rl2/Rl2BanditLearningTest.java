package dev.mnemo.learners.rl2;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.baselines.BanditPolicy;
import dev.mnemo.agents.baselines.GreedyPolicy;
import dev.mnemo.agents.baselines.RandomPolicy;
import dev.mnemo.agents.baselines.ThompsonSamplingPolicy;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.agents.stats.MeanCi;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.VectorEnv;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * RL² learns to explore: on 5-armed Bernoulli bandits with n = 10 pulls (the paper's first cell) a fixed-seed
 * run of 1M env steps (100 updates; ~40 s on one free core) is evaluated on 1000 fresh tasks, and the baselines
 * are run on the same 1000 tasks (same task seeds). It must beat Thompson sampling and the random policy well
 * outside both 95% intervals, and be no worse than greedy within them. Why not "beat greedy": at n = 10 greedy
 * with its Beta(1,1) prior is within 0.1 of the Bayes-optimal Gittins figure (6.48 vs 6.58 in
 * experiments/bandit-baselines), so nothing can beat it by more than the intervals' width; beating TS (5.78 there)
 * by the margin required needs a policy that has learned to explore and exploit within a trial.
 */
class Rl2BanditLearningTest {

  private static final String ENV = "bandit?arms=5&pulls=10";
  private static final int TASKS = 1000;
  private static final long EVAL_SEED = 424242;

  @Test
  void rl2BeatsThompsonSamplingAndMatchesGreedyOnTenPullsOfFiveArms() {
    PpoConfig ppo = new PpoConfig(8, 4, 0.99, 0.3, new PpoLoss(0.1, 0.5, 0.01, 1.0, 0), false, 1e-3, 1e-5, 0.01,
        0.5, 0, 0.1, 3);
    Rl2Config cfg = new Rl2Config(ENV, 1, "ln_gru", 64, List.of(), List.of(), true, 1000, ppo, "constant", 1_000_000,
        1000, 100, 100, false, 1);
    Rl2Trainer trainer = new Rl2Trainer(cfg);
    Rl2Result r = trainer.run(m -> { }, () -> false);
    TrialEvaluator eval = trainer.evaluator(TASKS, EVAL_SEED);
    MeanCi rl2 = MeanCi.studentT(eval.returns(r.finalParams()));
    MeanCi greedy = baseline(GreedyPolicy::new);
    MeanCi ts = baseline(ThompsonSamplingPolicy::new);
    MeanCi random = baseline(RandomPolicy::new);
    String report = String.format("rl2 %s, greedy %s, ts %s, random %s", rl2.format(3), greedy.format(3),
        ts.format(3), random.format(3));
    System.out.println(report);
    assertTrue(rl2.mean() - rl2.ci95() > ts.mean() + ts.ci95(), "RL² must beat TS outside both CIs: " + report);
    assertTrue(rl2.mean() - rl2.ci95() > random.mean() + random.ci95(), "RL² must beat random: " + report);
    assertTrue(rl2.mean() + rl2.ci95() >= greedy.mean() - greedy.ci95(), "RL² must not lose to greedy: " + report);
  }

  /**
   * The baseline on the evaluator's 1000 tasks: the same VectorEnv seed (TrialEvaluator's first chunk), so
   * copy i of both is reset with the same seed and plays the same task.
   */
  private static MeanCi baseline(Supplier<BanditPolicy> make) {
    double[] returns = new double[TASKS];
    try (VectorEnv env = new VectorEnv(i -> EnvRegistry.make(ENV), TASKS, Seeds.combine(EVAL_SEED, 0))) {
      float[] obs = new float[TASKS * env.spec().obsSize()];
      env.reset(obs);
      BanditPolicy[] policies = new BanditPolicy[TASKS];
      SplittableRandom rng = new SplittableRandom(7);
      for (int i = 0; i < TASKS; i++) {
        policies[i] = make.get();
        policies[i].reset(5, 10, rng.split());
      }
      int[] actions = new int[TASKS];
      float[] rewards = new float[TASKS];
      boolean[] term = new boolean[TASKS];
      boolean[] trunc = new boolean[TASKS];
      for (int t = 0; t < 10; t++) {
        for (int i = 0; i < TASKS; i++) {
          actions[i] = policies[i].selectArm();
        }
        env.step(actions, obs, rewards, term, trunc);
        for (int i = 0; i < TASKS; i++) {
          policies[i].observe(actions[i], rewards[i]);
          returns[i] += rewards[i];
        }
      }
    }
    return MeanCi.studentT(returns);
  }

}
