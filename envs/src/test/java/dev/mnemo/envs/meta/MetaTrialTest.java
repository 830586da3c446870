package dev.mnemo.envs.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Rng;
import dev.mnemo.envs.Step;
import dev.mnemo.envs.VectorEnv;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MetaTrialTest {

  @Test
  void banditTrialIsNPullsOfOneTaskWithRl2Inputs() {
    MetaTrial trial = (MetaTrial) EnvRegistry.make("bandit?arms=3&pulls=4");
    BanditEnv bandit = (BanditEnv) trial.taskEnv();
    Step s = trial.reset(5);
    assertTrue(trial.trialStarted(), "a reset starts a trial");
    assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1}, s.obs,
        "[obs, no previous action, reward 0, done 1] at the trial start");
    double[] p = {bandit.armProbability(0), bandit.armProbability(1), bandit.armProbability(2)};
    for (int pull = 1; pull <= 4; pull++) {
      s = trial.step(2);
      assertFalse(trial.trialStarted(), "no trial starts inside a trial (pull " + pull + ")");
      assertEquals(pull == 4, s.terminated, "the trial ends with its 4th pull, not at pull " + pull);
      assertFalse(s.truncated);
      assertArrayEquals(new float[] {0, 0, 0, 1, s.reward, 1}, s.obs,
          "one-hot action 2, the pull's reward, and done=1 because every pull is an episode");
      assertTrue(s.reward == 0f || s.reward == 1f, "Bernoulli reward, got " + s.reward);
      double[] now = {bandit.armProbability(0), bandit.armProbability(1), bandit.armProbability(2)};
      assertArrayEquals(p, now, "the task must not change within a trial");
    }
    assertThrows(IllegalStateException.class, () -> trial.step(0), "trial over");
    trial.reset(6);
    assertNotEquals(p[0], bandit.armProbability(0), "a new trial draws a new task");
  }

  @Test
  void banditRewardsFollowTheArmProbabilitiesAndRandomPlayEarnsHalf() {
    MetaTrial trial = (MetaTrial) EnvRegistry.make("bandit?arms=5&pulls=10");
    BanditEnv bandit = (BanditEnv) trial.taskEnv();
    Rng rng = new Rng(1);
    double expected = 0;
    double got = 0;
    double sumP = 0;
    int trials = 4000;
    for (int k = 0; k < trials; k++) {
      trial.reset(k);
      for (int i = 0; i < 5; i++) {
        sumP += bandit.armProbability(i);
      }
      for (int pull = 0; pull < 10; pull++) {
        int a = rng.nextInt(5);
        expected += bandit.armProbability(a);
        got += trial.step(a).reward;
      }
    }
    assertEquals(0.5, sumP / (trials * 5), 0.01, "p ~ U[0,1] has mean 1/2");
    // 40,000 Bernoulli pulls: std of the total <= 100.
    assertEquals(expected, got, 400, "total reward vs the sum of the pulled arms' probabilities");
    assertEquals(5.0, got / trials, 0.1, "random play earns n/2 per trial");
  }

  @Test
  void mdpTrialResetsStateEachEpisodeAndFlagsInnerBoundaries() {
    MetaTrial trial = (MetaTrial) EnvRegistry.make("mdp?episodes=3&horizon=4");
    RandomMdpEnv mdp = (RandomMdpEnv) trial.taskEnv();
    Step s = trial.reset(11);
    assertEquals(1f, s.obs[0], "state 0 at the start");
    assertEquals(1f, s.obs[10 + 5 + 1], "done flag at the trial start");
    double mu00 = mdp.rewardMean(0, 0);
    Rng rng = new Rng(3);
    for (int t = 1; t <= 12; t++) {
      int a = rng.nextInt(5);
      s = trial.step(a);
      boolean boundary = t % 4 == 0;
      assertEquals(boundary ? 1f : 0f, s.obs[16], "done flag at step " + t);
      assertEquals(1f, s.obs[10 + a], "previous action one-hot at step " + t);
      assertEquals(s.reward, s.obs[15], "previous reward at step " + t);
      if (boundary && t < 12) {
        assertEquals(1f, s.obs[0], "a new inner episode starts in state 0 (step " + t + ")");
        assertEquals(0, mdp.state());
      }
      assertEquals(t == 12, s.terminated, "the trial ends after 3 x 4 steps, step " + t);
      assertEquals(mu00, mdp.rewardMean(0, 0), "task fixed within the trial");
    }
  }

  @Test
  void randomMdpTasksFollowThePriorsOfDuanEtAl() {
    RandomMdpEnv mdp = new RandomMdpEnv("mdp", 10, 5, 10);
    double sum = 0;
    double sq = 0;
    double p00 = 0;
    int tasks = 400;
    for (int k = 0; k < tasks; k++) {
      mdp.sampleTask(k);
      for (int s = 0; s < 10; s++) {
        for (int a = 0; a < 5; a++) {
          double mu = mdp.rewardMean(s, a);
          sum += mu;
          sq += mu * mu;
          double row = 0;
          for (int s2 = 0; s2 < 10; s2++) {
            double p = mdp.transitionProbability(s, a, s2);
            assertTrue(p >= 0, "probability must be >= 0, got " + p);
            row += p;
          }
          assertEquals(1.0, row, 1e-9, "transition row sums to 1");
        }
      }
      p00 += mdp.transitionProbability(3, 2, 0);
    }
    int n = tasks * 50;
    assertEquals(1.0, sum / n, 0.03, "mu ~ N(1, 1): mean");
    assertEquals(1.0, sq / n - (sum / n) * (sum / n), 0.05, "mu ~ N(1, 1): variance");
    assertEquals(0.1, p00 / tasks, 0.015, "flat Dirichlet: each next state has mean probability 1/10");
  }

  @Test
  void randomPolicyEarnsThePapersRandomBaselineOnMdps() {
    // RL2 Table 2, random agent, n = 10 episodes: 100.1 (one reward per step with mean E[mu] = 1).
    VectorEnv v = new VectorEnv("mdp", 32, 17);
    float[] obs = new float[32 * v.spec().obsSize()];
    float[] rew = new float[32];
    boolean[] term = new boolean[32];
    boolean[] trunc = new boolean[32];
    int[] a = new int[32];
    Rng rng = new Rng(4);
    v.reset(obs);
    double total = 0;
    int trials = 0;
    for (int step = 0; step < 100 * 60; step++) {
      for (int i = 0; i < 32; i++) {
        a[i] = rng.nextInt(5);
      }
      v.step(a, obs, rew, term, trunc);
      for (int i = 0; i < 32; i++) {
        if (term[i]) {
          total += v.lastEpisodeReturn(i);
          trials++;
          assertEquals(100, v.lastEpisodeLength(i), "a trial is 10 episodes of 10 steps");
        }
      }
    }
    assertEquals(32 * 60, trials);
    // Per-trial std is about 16 (task means) -> standard error of the mean ~0.4 over 1920 trials.
    assertEquals(100.1, total / trials, 2.0, "mean random return per trial");
  }

  @Test
  void vectorEnvEpisodeEndsAreExactlyTheTrialStarts() {
    VectorEnv v = new VectorEnv("bandit?arms=2&pulls=3", 4, 9);
    float[] obs = new float[4 * v.spec().obsSize()];
    float[] rew = new float[4];
    boolean[] term = new boolean[4];
    boolean[] trunc = new boolean[4];
    v.reset(obs);
    for (int i = 0; i < 4; i++) {
      assertTrue(((MetaTrial) v.env(i)).trialStarted(), "copy " + i + " starts a trial at reset");
    }
    for (int step = 1; step <= 9; step++) {
      v.step(new int[] {0, 1, 0, 1}, obs, rew, term, trunc);
      for (int i = 0; i < 4; i++) {
        boolean started = ((MetaTrial) v.env(i)).trialStarted();
        assertEquals(step % 3 == 0, term[i], "trial of 3 pulls ends at step " + step);
        assertEquals(term[i], started, "a new trial starts exactly where the VectorEnv reports an end"
            + " (copy " + i + ", step " + step + ")");
      }
    }
  }

  @Test
  void badTrialsFailLoudly() {
    assertThrows(IllegalArgumentException.class,
        () -> new MetaTrial("x", new BanditEnv("b", 3), 0), "episodes per trial 0");
    assertThrows(IllegalArgumentException.class, () -> new BanditEnv("b", 0));
    assertThrows(IllegalArgumentException.class, () -> new RandomMdpEnv("m", 10, 5, 0));
    IllegalStateException noTask = assertThrows(IllegalStateException.class,
        () -> new RandomMdpEnv("m", 10, 5, 10).reset(1));
    assertTrue(noTask.getMessage().contains("sampleTask"), noTask.getMessage());
    assertThrows(IllegalStateException.class, () -> new BanditEnv("b", 2).reset(1));
  }

  @Test
  void existingBernoulliBanditsApiStillDrawsUniformTasks() {
    BernoulliBandits d = new BernoulliBandits(4);
    double[] p = d.sampleTask(new java.util.SplittableRandom(1));
    assertEquals(4, p.length);
    double[] q = new double[4];
    d.sampleTask(new Rng(1), q);
    assertTrue(Arrays.stream(q).allMatch(x -> x >= 0 && x < 1), Arrays.toString(q));
    assertThrows(IllegalArgumentException.class, () -> d.sampleTask(new Rng(1), new double[3]));
  }

  @Test
  void aPinnedTaskRunsInEveryTrialAndItsGivenOutcomesPayTheJthPullOfEachArm() {
    MetaTrial trial = (MetaTrial) EnvRegistry.make("bandit?arms=3&pulls=4");
    BanditEnv bandit = (BanditEnv) trial.taskEnv();
    double[] p = {0.2, 0.9, 0.5};
    // outcomes[arm * 4 + j]: arm 0 pays on its 2nd pull only, arm 1 on its 1st and 3rd, arm 2 never
    double[] outcomes = {0.5, 0.1, 0.7, 0.3, 0.0, 0.95, 0.4, 0.99, 0.6, 0.8, 0.55, 0.7};
    trial.pinTask(task -> ((BanditEnv) task).setTask(p, outcomes, 4));
    for (long seed : new long[] {1, 2}) {
      trial.reset(seed);
      assertArrayEquals(p, new double[] {bandit.armProbability(0), bandit.armProbability(1),
          bandit.armProbability(2)}, "the pinned task, whatever the trial seed");
      float[] rewards = new float[4];
      int[] arms = {1, 0, 1, 0};
      for (int t = 0; t < 4; t++) {
        rewards[t] = trial.step(arms[t]).reward;
      }
      // arm 1: pulls 1, 2 -> uniforms 0.0 < 0.9, 0.95 >= 0.9; arm 0: pulls 1, 2 -> 0.5 >= 0.2, 0.1 < 0.2
      assertArrayEquals(new float[] {1, 0, 0, 1}, rewards, "seed " + seed);
    }
    BanditEnv free = new BanditEnv("b", 3);
    free.sampleTask(7);
    double drawn = free.armProbability(0);
    free.setTask(p, null, 0);
    assertEquals(0.2, free.armProbability(0));
    free.sampleTask(7);
    assertEquals(drawn, free.armProbability(0), "a draw replaces the set task (and its outcomes)");
  }

  @Test
  void aPinnedMdpTaskIsTheTaskOfItsSeed() {
    MetaTrial trial = (MetaTrial) EnvRegistry.make("mdp?episodes=2&horizon=3");
    RandomMdpEnv reference = new RandomMdpEnv("m", 10, 5, 3);
    reference.sampleTask(99);
    trial.pinTask(task -> task.sampleTask(99));
    trial.reset(5);
    RandomMdpEnv pinned = (RandomMdpEnv) trial.taskEnv();
    assertEquals(reference.rewardMean(0, 0), pinned.rewardMean(0, 0));
    assertEquals(reference.transitionProbability(9, 4, 3), pinned.transitionProbability(9, 4, 3));
  }

  @Test
  void badSetTasksAreRefusedNamingTheProblem() {
    BanditEnv b = new BanditEnv("b", 2);
    IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
        () -> b.setTask(new double[] {0.5, 1.5}, null, 0));
    assertTrue(p.getMessage().contains("arm 1") && p.getMessage().contains("1.5"), p.getMessage());
    IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
        () -> b.setTask(new double[] {0.5}, null, 0));
    assertTrue(n.getMessage().contains("1 arm probabilities for 2 arms"), n.getMessage());
    IllegalArgumentException o = assertThrows(IllegalArgumentException.class,
        () -> b.setTask(new double[] {0.5, 0.5}, new double[3], 2));
    assertTrue(o.getMessage().contains("3 outcomes for 2 arms of 2 pulls"), o.getMessage());
    assertThrows(NullPointerException.class, () -> ((MetaTrial) EnvRegistry.make("bandit")).pinTask(null));
    b.setTask(new double[] {0.5, 0.5}, new double[] {0.1, 0.9}, 1);
    b.reset(1);
    b.step(0);
    b.reset(2);
    IllegalStateException more = assertThrows(IllegalStateException.class, () -> b.step(0));
    assertTrue(more.getMessage().contains("arm 0 pulled more than the 1 times"), more.getMessage());
  }
}
