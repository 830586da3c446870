package dev.mnemo.envs.popgym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Rollouts;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * POPGym's card and bandit tasks: episode lengths per level, reward values, and the returns of an
 * optimal policy (one that remembers what it needs) and of a random one.
 */
class PopgymTasksTest {

  private static int suit(float[] obs, int offset) {
    return Rollouts.argmax(obs, offset, offset + 4);
  }

  private static void assertRewardsIn(Rollouts.Episode e, float... allowed) {
    for (float r : e.rewards()) {
      boolean ok = false;
      for (float a : allowed) {
        ok |= Math.abs(r - a) < 1e-7;
      }
      assertTrue(ok, "unexpected reward " + r);
    }
  }

  /** Checks optimal return 1 on a few episodes and random return ~expected on many. */
  private static void optimalAndRandom(String id, Rollouts.HistoryPolicy optimal, double randomMean,
      double tolerance, int randomEpisodes) {
    Env env = EnvRegistry.make(id);
    for (int seed = 0; seed < 3; seed++) {
      Rollouts.Episode e = Rollouts.episode(env, seed, optimal);
      assertEquals(1.0, e.ret(), 1e-3, id + ": optimal return, seed " + seed);
      assertEquals(env.spec().maxEpisodeSteps(), e.length(), id + ": episode length");
      assertTrue(e.terminated(), id + ": the deck ran out, so the episode terminated");
    }
    double random = Rollouts.meanReturn(env, randomEpisodes,
        Rollouts.random(env.spec().numActions(), 77));
    assertEquals(randomMean, random, tolerance, id + ": random return");
  }

  @Test
  void levelsMatchPopgym() {
    int[][] expect = {
        // RepeatFirst 1/8/16 decks, RepeatPrevious 1/2/3 decks, Autoencode 1/2/3 decks (2N-1 steps)
        {51, 415, 831}, {51, 103, 155}, {103, 207, 311},
        // CountRecall 1/2/4 decks, HigherLower 1/2/3 decks, MultiarmedBandit 200/400/600
        {51, 103, 207}, {51, 103, 155}, {200, 400, 600}};
    List<String> tasks = List.of("RepeatFirst", "RepeatPrevious", "Autoencode", "CountRecall",
        "HigherLower", "MultiarmedBandit");
    String[] levels = {"Easy", "Medium", "Hard"};
    for (int i = 0; i < tasks.size(); i++) {
      for (int l = 0; l < 3; l++) {
        String id = "popgym/" + tasks.get(i) + "-" + levels[l];
        assertEquals(expect[i][l], EnvRegistry.make(id).spec().maxEpisodeSteps(), id + " length");
      }
    }
    assertEquals(4, ((RepeatPrevious) EnvRegistry.make("popgym/RepeatPrevious-Easy")).k());
    assertEquals(32, ((RepeatPrevious) EnvRegistry.make("popgym/RepeatPrevious-Medium")).k());
    assertEquals(64, ((RepeatPrevious) EnvRegistry.make("popgym/RepeatPrevious-Hard")).k());
    // CountRecall answers 0..N/kinds: colours 26, suits 26, ranks 16.
    assertEquals(27, EnvRegistry.make("popgym/CountRecall-Easy").spec().numActions());
    assertEquals(27, EnvRegistry.make("popgym/CountRecall-Medium").spec().numActions());
    assertEquals(17, EnvRegistry.make("popgym/CountRecall-Hard").spec().numActions());
    assertEquals(30, EnvRegistry.make("popgym/MultiarmedBandit-Hard").spec().numActions());
  }

  @Test
  void repeatFirstRewardsNamingTheFirstSuit() {
    for (String level : List.of("Easy", "Medium", "Hard")) {
      // A random suit is right 1 time in 4: expected return 1/4 - 3/4 = -1/2.
      optimalAndRandom("popgym/RepeatFirst-" + level, (obs, r) -> suit(obs.get(0), 0), -0.5, 0.03, 300);
    }
    Rollouts.Episode e = Rollouts.episode(EnvRegistry.make("popgym/RepeatFirst-Easy"), 1,
        Rollouts.random(4, 1));
    assertRewardsIn(e, 1f / 51, -1f / 51);
    // Naming the current card instead is right only when it matches the first suit by chance.
    double echo = Rollouts.meanReturn(EnvRegistry.make("popgym/RepeatFirst-Easy"), 300,
        (obs, r) -> suit(obs.get(obs.size() - 1), 0));
    assertTrue(echo < -0.3, "a memoryless echo policy scores " + echo);
  }

  @Test
  void repeatPreviousRewardsTheSuitShownKStepsBack() {
    int[] ks = {4, 32, 64};
    String[] levels = {"Easy", "Medium", "Hard"};
    for (int l = 0; l < 3; l++) {
      int k = ks[l];
      Rollouts.HistoryPolicy remember = (obs, r) -> {
        int t = obs.size(); // the action about to be taken is step t (1-based)
        return t >= k ? suit(obs.get(t - k), 0) : 0;
      };
      optimalAndRandom("popgym/RepeatPrevious-" + levels[l], remember, -0.5, 0.03, 300);
    }
    Rollouts.Episode e = Rollouts.episode(EnvRegistry.make("popgym/RepeatPrevious-Easy"), 2,
        Rollouts.random(4, 2));
    for (int t = 0; t < 3; t++) {
      assertEquals(0f, e.rewards().get(t), "no reward before step k = 4 (step " + (t + 1) + ")");
    }
    assertRewardsIn(e, 0f, 1f / 48, -1f / 48);
  }

  @Test
  void autoencodeRewardsRecitingTheCardsInReverse() {
    for (String level : List.of("Easy", "Medium", "Hard")) {
      Rollouts.HistoryPolicy recite = (obs, r) -> {
        // Cards shown: observations 0 .. N-1 (the last with the watching flag already down).
        int firstPlay = 0;
        while (firstPlay < obs.size() && obs.get(firstPlay)[0] == 1f) {
          firstPlay++;
        }
        if (firstPlay == obs.size()) {
          return 0; // still watching: the action is ignored
        }
        int t = obs.size(); // about to take step t
        int shownCount = firstPlay + 1;
        int playIndex = t - shownCount; // 0 for the first answer
        return playIndex < 0 ? 0 : suit(obs.get(shownCount - 1 - playIndex), 1);
      };
      optimalAndRandom("popgym/Autoencode-" + level, recite, -0.5, 0.03, 200);
    }
    Env env = EnvRegistry.make("popgym/Autoencode-Easy");
    Rollouts.Episode e = Rollouts.episode(env, 3, Rollouts.random(4, 3));
    for (int t = 0; t < 51; t++) {
      assertEquals(0f, e.rewards().get(t), "watch phase pays nothing (step " + (t + 1) + ")");
    }
    assertEquals(0f, e.observations().get(51)[0], "the last card shown drops the watching flag");
    assertEquals(1f, e.observations().get(50)[0], "the card before it still shows the flag");
  }

  @Test
  void countRecallRewardsTheRightCount() {
    int[] kinds = {2, 4, 13};
    String[] levels = {"Easy", "Medium", "Hard"};
    for (int l = 0; l < 3; l++) {
      int d = kinds[l];
      Rollouts.HistoryPolicy count = (obs, r) -> {
        int[] counts = new int[d];
        for (float[] o : obs) {
          counts[Rollouts.argmax(o, 0, d)]++;
        }
        return counts[Rollouts.argmax(obs.get(obs.size() - 1), d, 2 * d)];
      };
      String id = "popgym/CountRecall-" + levels[l];
      Env env = EnvRegistry.make(id);
      int n = env.spec().numActions();
      // A random answer is right with probability about 1/n: return ~ -(1 - 2/n).
      optimalAndRandom(id, count, -(1 - 2.0 / n), 0.06, 200);
    }
    CountRecall env = (CountRecall) EnvRegistry.make("popgym/CountRecall-Easy");
    env.reset(4);
    int answer = env.correctAnswer();
    assertEquals(1f / 51, env.step(answer).reward, 1e-7, "the oracle answer is rewarded");
  }

  @Test
  void higherLowerRewardsCardCountingOverGuessing() {
    String id = "popgym/HigherLower-Easy";
    Env env = EnvRegistry.make(id);
    // Memoryless: the rank alone says which side has more of a full deck.
    Rollouts.HistoryPolicy byRank = (obs, r) ->
        Rollouts.argmax(obs.get(obs.size() - 1), 0, 13) < 6 ? HigherLower.HIGHER : HigherLower.LOWER;
    // Counting: compare the cards still in the deck above and below the current rank.
    Supplier<Rollouts.HistoryPolicy> counting = () -> (obs, r) -> {
      int[] left = new int[13];
      java.util.Arrays.fill(left, 4);
      for (float[] o : obs) {
        left[Rollouts.argmax(o, 0, 13)]--;
      }
      int cur = Rollouts.argmax(obs.get(obs.size() - 1), 0, 13);
      int above = 0;
      int below = 0;
      for (int rank = 0; rank < 13; rank++) {
        above += rank > cur ? left[rank] : 0;
        below += rank < cur ? left[rank] : 0;
      }
      return above >= below ? HigherLower.HIGHER : HigherLower.LOWER;
    };
    double random = Rollouts.meanReturn(env, 400, Rollouts.random(2, 5));
    double memoryless = Rollouts.meanReturn(env, 400, byRank);
    double counted = Rollouts.meanReturn(env, 400, counting.get());
    assertEquals(0, random, 0.03, "random guessing");
    assertTrue(memoryless > 0.45, "rank-based guessing " + memoryless);
    // Paired seeds; counting pays off mostly near the end of the deck.
    assertTrue(counted > memoryless + 0.015, "card counting " + counted + " vs rank-based " + memoryless);
    assertTrue(counted < 51.0 / 52, "no policy beats always right: " + counted);
    Rollouts.Episode e = Rollouts.episode(env, 1, byRank);
    assertRewardsIn(e, 0f, 1f / 52, -1f / 52);
  }

  @Test
  void multiarmedBanditOracleRandomAndExploration() {
    String id = "popgym/MultiarmedBandit-Easy";
    MultiarmedBandit env = (MultiarmedBandit) EnvRegistry.make(id);
    Rollouts.HistoryPolicy oracle = (obs, r) -> {
      int best = 0;
      for (int i = 1; i < 10; i++) {
        best = env.armProbability(i) > env.armProbability(best) ? i : best;
      }
      return best;
    };
    // Explore each arm 5 times, then exploit the best empirical mean: needs memory of past pulls.
    Rollouts.HistoryPolicy exploreThenCommit = (obs, r) -> {
      int t = r.size();
      if (t < 50) {
        return t % 10;
      }
      double[] wins = new double[10];
      for (int i = 0; i < 50; i++) {
        wins[i % 10] += r.get(i) > 0 ? 1 : 0;
      }
      int best = 0;
      for (int i = 1; i < 10; i++) {
        best = wins[i] > wins[best] ? i : best;
      }
      return best;
    };
    double best = Rollouts.meanReturn(env, 300, oracle);
    double random = Rollouts.meanReturn(env, 300, Rollouts.random(10, 6));
    double etc = Rollouts.meanReturn(env, 300, exploreThenCommit);
    assertEquals(9.0 / 11, best, 0.03, "oracle: 2 E[max of 10 uniforms] - 1 = 9/11");
    assertEquals(0, random, 0.03, "random pulls");
    assertTrue(etc > 0.4 && etc < best - 0.1, "explore-then-commit " + etc + " between random and oracle");
    Rollouts.Episode e = Rollouts.episode(env, 2, Rollouts.random(10, 2));
    assertTrue(e.truncated() && !e.terminated(), "POPGym ends bandit episodes by truncation");
    assertEquals(200, e.length());
    assertRewardsIn(e, 1f / 200, -1f / 200);
  }
}
