package dev.mnemo.actors.onpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lag rule by hand: lag = learner updates - collecting version, kept iff <= max. */
class LagRuleTest {

  @Test
  void keepsUpToTheLimitAndDropsBeyondWithHistograms() {
    LagRule rule = new LagRule(1);
    assertTrue(rule.admit(5, 5, 2, 20), "lag 0");
    assertTrue(rule.admit(5, 4, 2, 20), "lag 1 = the limit");
    assertFalse(rule.admit(5, 3, 2, 20), "lag 2");
    assertFalse(rule.admit(7, 3, 1, 10), "lag 4");
    LagRule.Stats s = rule.stats();
    assertEquals(Map.of(0L, 1L, 1L, 1L), s.kept());
    assertEquals(Map.of(2L, 1L, 4L, 1L), s.dropped());
    assertEquals(2, s.droppedCollections());
    assertEquals(3, s.droppedTrials());
    assertEquals(30, s.droppedEnvSteps());
    assertEquals(0.5, s.meanKeptLag());
    assertEquals("2:1,4:1", LagRule.Stats.format(s.dropped()));
  }

  @Test
  void zeroIsStrictlyOnPolicy() {
    LagRule rule = new LagRule(0);
    assertTrue(rule.admit(3, 3, 1, 1));
    assertFalse(rule.admit(3, 2, 1, 1));
  }

  @Test
  void aCollectionFromTheFutureIsABug() {
    assertThrows(IllegalStateException.class, () -> new LagRule(1).admit(2, 3, 1, 1));
  }
}
