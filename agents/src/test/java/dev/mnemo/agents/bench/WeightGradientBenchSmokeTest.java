package dev.mnemo.agents.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bench runs end to end at a tiny budget, measures both paths at every shape, and refuses bad arguments. */
class WeightGradientBenchSmokeTest {

  @Test
  void measuresBothPathsAtEveryShapeAndPrintsTheirRatio() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    WeightGradientBench.Result[] results =
        WeightGradientBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "seconds=0.02");
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(5, results.length);
    for (WeightGradientBench.Result r : results) {
      assertTrue(r.viaCopyUs() > 0 && r.inPlaceUs() > 0, r.toString());
      assertTrue(text.contains(r.shape()), "the table names " + r.shape());
    }
    assertTrue(text.contains("speed-up"), text);
  }

  @Test
  void refusesAnUnknownKeyAndANonPositiveBudget() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThrows(IllegalArgumentException.class, () -> WeightGradientBench.run(sink, "second=1"));
    assertThrows(IllegalArgumentException.class, () -> WeightGradientBench.run(sink, "seconds=0"));
    assertThrows(IllegalArgumentException.class, () -> WeightGradientBench.run(sink, "seconds=abc"));
  }
}
