package dev.mnemo.agents.r2d2;

import static dev.mnemo.agents.r2d2.ValueRescaling.h;
import static dev.mnemo.agents.r2d2.ValueRescaling.hInverse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValueRescalingTest {

  @Test
  void inverseUndoesHExactlyOverAWideRange() {
    for (double x = -1e6; x <= 1e6; x = x < 0 ? x / 1.37 + (x > -1e-6 ? 1e-6 : 0) : x * 1.37 + 1e-6) {
      if (x > -1e-6 && x < 0) {
        x = 0;
      }
      double back = hInverse(h(x));
      assertEquals(x, back, 1e-9 * Math.max(1, Math.abs(x)), "h^-1(h(" + x + "))");
      double y = x * 1e-3;
      assertEquals(y, h(hInverse(y)), 1e-9 * Math.max(1, Math.abs(y)), "h(h^-1(" + y + "))");
    }
  }

  @Test
  void hMatchesThePaperFormulaAtKnownPoints() {
    assertEquals(0.0, h(0.0), 0.0);
    assertEquals(Math.sqrt(4) - 1 + 3e-3, h(3.0), 1e-12, "h(3) = sqrt(4) - 1 + 3e-3");
    assertEquals(-(Math.sqrt(100) - 1) - 99e-3, h(-99.0), 1e-12, "h is odd");
    assertTrue(h(1000) < 32, "h compresses large returns, got " + h(1000));
  }
}
