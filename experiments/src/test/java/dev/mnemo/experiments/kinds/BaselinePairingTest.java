package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.baselines.BanditTableEvaluation.Setting;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces of a paired bandit comparison that are arithmetic: margins, quarters, differences, the cell. */
class BaselinePairingTest {

  @Test
  void theBestArmMarginIsTheBestProbabilityMinusTheSecond() {
    assertEquals(0.3, BaselinePairing.bestArmMargin(new double[] {0.2, 0.9, 0.6}), 1e-12);
    assertEquals(0.0, BaselinePairing.bestArmMargin(new double[] {0.7, 0.1, 0.7}), 1e-12, "a tie");
    assertEquals(0.5, BaselinePairing.bestArmMargin(new double[] {0.9, 0.4}), 1e-12, "best first");
    assertEquals(0.25, BaselinePairing.bestArmMargin(new double[] {0.25}), 1e-12, "one arm: its probability");
  }

  @Test
  void quartersSplitTheTasksByMarginAndAverageTheirDifferences() {
    // 8 tasks: margins given out of order; differences equal to 10 x the margin's rank quarter, +-1 within it.
    double[] margins = {0.8, 0.1, 0.5, 0.2, 0.7, 0.3, 0.6, 0.4};
    double[] diff = new double[8];
    for (int i = 0; i < 8; i++) {
      int rank = (int) Math.round(margins[i] * 10) - 1; // 0 .. 7
      diff[i] = 10 * (rank / 2) + (rank % 2 == 0 ? -1 : 1);
    }
    List<BaselinePairing.MarginQuartile> q = BaselinePairing.byMargin(diff, margins);
    assertEquals(4, q.size());
    for (int k = 0; k < 4; k++) {
      assertEquals(2, q.get(k).tasks());
      assertEquals(0.1 * (2 * k + 1), q.get(k).marginFrom(), 1e-12);
      assertEquals(0.1 * (2 * k + 2), q.get(k).marginTo(), 1e-12);
      assertEquals(10.0 * k, q.get(k).difference(), 1e-12, "quarter " + k);
      assertTrue(q.get(k).differenceCi95() > 0);
    }
    assertTrue(BaselinePairing.byMargin(new double[7], new double[7]).isEmpty(), "too few tasks for 4 intervals");
  }

  @Test
  void differencesArePairedTaskByTask() {
    assertEquals(List.of(1.0, -2.0, 0.5), java.util.Arrays.stream(BaselinePairing.differences(
        new double[] {3, 1, 2.5}, new double[] {2, 3, 2})).boxed().toList());
    assertThrows(IllegalArgumentException.class,
        () -> BaselinePairing.differences(new double[2], new double[3]));
  }

  @Test
  void anMdpTrialOfTheTablesMdpsGivesItsEpisodesAndAnyOtherEnvIsRefused() {
    assertEquals(25, BaselinePairing.mdpEpisodes("mdp?episodes=25"));
    IllegalArgumentException horizon = assertThrows(IllegalArgumentException.class,
        () -> BaselinePairing.mdpEpisodes("mdp?episodes=2&horizon=3"));
    assertTrue(horizon.getMessage().contains("not a trial of the MDP table's random MDPs"), horizon.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BaselinePairing.mdpEpisodes("bandit?arms=5&pulls=10"));
  }

  @Test
  void theCellIsTheBanditTrialsPullsAndArms() {
    assertEquals(new Setting(10, 50), BaselinePairing.banditCell("bandit?arms=50&pulls=10"));
    IllegalArgumentException mdp = assertThrows(IllegalArgumentException.class,
        () -> BaselinePairing.banditCell("mdp?episodes=2"));
    assertTrue(mdp.getMessage().contains("mdp?episodes=2 is not a bandit trial"), mdp.getMessage());
  }
}
