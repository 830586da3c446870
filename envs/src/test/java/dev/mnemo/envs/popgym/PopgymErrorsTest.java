package dev.mnemo.envs.popgym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PopgymErrorsTest {

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void nonPositiveSizesAndBadLagsAreRejected() {
    assertTrue(message(() -> new RepeatFirst("x", 0)).contains("positive"), "0 decks");
    assertTrue(message(() -> new Autoencode("x", -1)).contains("positive"), "-1 decks");
    String k0 = message(() -> new RepeatPrevious("x", 1, 0));
    assertTrue(k0.contains("k must be in [1, 52)") && k0.contains("got 0"), k0);
    String kBig = message(() -> new RepeatPrevious("x", 1, 52));
    assertTrue(kBig.contains("got 52"), kBig);
    assertTrue(message(() -> new MultiarmedBandit("x", 0, 10)).contains("arms"), "0 arms");
    assertTrue(message(() -> new MultiarmedBandit("x", 3, 0)).contains("episode length"), "length 0");
    assertTrue(message(() -> new HigherLower("x", 0)).contains("positive"), "0 decks");
  }

  @Test
  void difficultyParsesOnlyTheThreeLevels() {
    assertEquals(Difficulty.MEDIUM, Difficulty.parse("Medium"));
    String m = message(() -> Difficulty.parse("medium"));
    assertTrue(m.contains("'medium'") && m.contains("Easy, Medium, Hard"), m);
    assertEquals(8, Difficulty.MEDIUM.pick(1, 8, 16));
  }
}
