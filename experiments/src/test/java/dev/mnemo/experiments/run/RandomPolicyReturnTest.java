package dev.mnemo.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.mnemo.experiments.config.Overrides;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RandomPolicyReturnTest {

  @Test
  void estimateIsSeededAndOnTheEnvsOwnScale() {
    RandomPolicyReturn.Estimate gym = RandomPolicyReturn.estimate("cartpole", 1).orElseThrow();
    assertEquals(gym, RandomPolicyReturn.estimate("cartpole", 1).orElseThrow(), "same seed, same estimate");
    assertEquals(RandomPolicyReturn.EPISODES, gym.episodes());
    // Gym pays 1 per step: a random policy keeps the pole up for ~20 steps, never fewer than ~8.
    assertTrue(gym.mean() > 8 && gym.mean() < 60, gym.toString());
    RandomPolicyReturn.Estimate popgym = RandomPolicyReturn.estimate("cartpole/position-only", 1).orElseThrow();
    // POPGym's 1/200 per step: the same episodes, scaled into [0, 1].
    assertTrue(popgym.mean() > 0.04 && popgym.mean() < 0.3, popgym.toString());
  }

  @Test
  void theBudgetEndsTheRolloutAndUnfinishedEpisodesGiveNoEstimate() {
    // T-Maze 200 times out after 804 steps: 1000 steps finish one episode, fewer than MIN_EPISODES.
    assertEquals(Optional.empty(), RandomPolicyReturn.estimate("tmaze?length=200", 0, 20, 1000, 1_000_000_000L));
    assertEquals(Optional.empty(), RandomPolicyReturn.estimate("cartpole", 0, 20, 1_000_000, 0),
        "no time, no episodes");
  }

  @Test
  void providerEnvsAndBadIdsAreNotRolledOut() {
    // Nothing listens on port 1: a rollout would fail or wait; the estimate is simply not made.
    assertEquals(Optional.empty(), RandomPolicyReturn.estimate("gym-http://127.0.0.1:1/CartPole-v1", 0));
    assertEquals(Optional.empty(), RandomPolicyReturn.estimate("no-such-env", 0));
  }

  @Test
  void warningNamesTheThresholdAndTheEnvWhereEachWasSet() {
    Config file = ConfigFactory.parseString("env = \"cartpole/position-only\"\nsolved_threshold = 0.95\n",
        ConfigParseOptions.defaults().setOriginDescription("exp.conf"));
    assertEquals(Optional.empty(), RandomPolicyReturn.thresholdWarning(file, "env", "solved_threshold"),
        "0.95 on POPGym's scale is far above the random policy's ~0.1");
    Config gym = Overrides.parse(List.of("env=cartpole")).withFallback(file);
    String w = RandomPolicyReturn.thresholdWarning(gym, "env", "solved_threshold").orElseThrow();
    assertTrue(w.startsWith("exp.conf: solved_threshold = 0.95 is below"), w);
    assertTrue(w.contains("env = cartpole (--set env=cartpole)"), w);
    Config none = ConfigFactory.parseString("solved_threshold = 1e300").withFallback(gym);
    assertFalse(RandomPolicyReturn.thresholdWarning(none, "env", "solved_threshold").isPresent(),
        "1e300 is 'no threshold'");
  }
}
