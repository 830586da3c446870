package dev.mnemo.learners.rl2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.rl2.PpoLoss;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The learning-rate and entropy schedules: {@code p = clamp((s - s0) / (T - s0), 0, 1)}, step size factor
 * {@code 1 - p} (linear) and entropy bonus {@code beta_0 + (beta_T - beta_0) p}, checked at hand-picked steps.
 */
class Rl2ConfigScheduleTest {

  private static Rl2Config config(String lr, double entropyFinal, long start) {
    PpoConfig ppo = new PpoConfig(1, 1, 0.99, 0.3, new PpoLoss(0.1, 0.5, 0.05, 1.0, 0), false, 1e-3, 1e-5, 0.01,
        0.5, 0, 0.1, 3);
    return new Rl2Config(Rl2Fixtures.MDP, 1, "ln_gru", 8, List.of(), List.of(), true, 4, ppo, lr, 1000, 1, 2, 2,
        false, 1, 0, entropyFinal, start);
  }

  @Test
  void aScheduleFromStepZeroIsTheLinearDecayOverTheBudget() {
    Rl2Config c = config("linear", 0.01, 0);
    assertEquals(1.0, c.lrScale(0));
    assertEquals(0.75, c.lrScale(250), 1e-15);
    assertEquals(0.0, c.lrScale(1000));
    assertEquals(0.0, c.lrScale(1200), "past the budget the rate stays 0");
    assertEquals(0.05, c.entropyCoef(0));
    assertEquals(0.04, c.entropyCoef(250), 1e-15);
    assertEquals(0.01, c.entropyCoef(1000), 1e-15);
    for (long s = 0; s <= 1000; s += 37) {
      assertEquals(Math.max(0, 1 - s / 1000.0), c.lrScale(s), 0.0, "the decay over the whole budget at " + s);
    }
  }

  @Test
  void aLaterStartHoldsTheStartValuesThenMovesOverTheRest() {
    Rl2Config c = config("linear", 0.0, 600);
    assertEquals(1.0, c.lrScale(600));
    assertEquals(0.05, c.entropyCoef(300));
    assertEquals(0.05, c.entropyCoef(600));
    assertEquals(0.5, c.lrScale(800), 1e-15);
    assertEquals(0.025, c.entropyCoef(800), 1e-15);
    assertEquals(0.0, c.entropyCoef(1000));
    Rl2Config constant = config("constant", 0.05, 600);
    assertEquals(1.0, constant.lrScale(900), "a constant step size ignores the schedule");
    assertEquals(0.05, constant.entropyCoef(900), "a final bonus equal to the start: constant");
  }

  @Test
  void badSchedulesAreRefusedNamingTheKey() {
    var late = assertThrows(IllegalArgumentException.class, () -> config("linear", 0, 1000));
    assertTrue(late.getMessage().contains("schedule_start_env_steps = 1000"), late.getMessage());
    var negative = assertThrows(IllegalArgumentException.class, () -> config("linear", -0.1, 0));
    assertTrue(negative.getMessage().contains("entropy_coef_final"), negative.getMessage());
  }
}
