package dev.mnemo.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bench ald} runs at a tiny shape and prints its figures: the Java engine's pass with GFLOP/s and share of
 * peak, the SameDiff graph's beside it with the ratio, both whole-update modes and the target line; and the SameDiff
 * graph's loss and gradients equal the Java engine's to 1e-4 (so the two timings are of the same computation). The
 * times are not judged.
 */
class AldBenchSmokeTest {

  @Test
  void printsBothEnginesWholeUpdatesAndTheTargetAndTheGradientsMatch() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<AldBench.Row> rows = AldBench.run(new PrintStream(buf, true, StandardCharsets.UTF_8), "tiny=true",
        "warmup=1", "timed=3", "warmupSeconds=0", "updates=2");
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(1, rows.size(), out);
    AldBench.Row r = rows.get(0);
    assertTrue(r.maxGradDiff() <= 1e-4 && r.lossDiff() <= 1e-4, "SameDiff vs Java: " + r + "\n" + out);
    assertTrue(r.flops() > 0 && r.java().medianMs() > 0 && r.sameDiff().medianMs() > 0, r.toString());
    assertTrue(out.matches("(?s).*Java engine\\s+[\\d.]+ ms CPU \\(IQR [\\d.]+\\).*GFLOP/s\\s+[\\d.]+% of peak.*"),
        out);
    assertTrue(out.matches("(?s).*SameDiff graph\\s+[\\d.]+ ms CPU.*Java engine [\\d.]+x faster.*"), out);
    assertTrue(out.contains("within 1e-4"), out);
    assertTrue(out.matches("(?s).*whole update, transformer_only\\s+[\\d.]+ ms CPU.*"), out);
    assertTrue(out.matches("(?s).*whole update, ald\\s+[\\d.]+ ms CPU.*"), out);
    assertTrue(out.matches("(?s).*target: .*tiny shape.*% -> (met|NOT met).*"), out);
  }

  @Test
  void withForksThePassIsTimedInFreshJvmsAndTheMediansAreReported() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<AldBench.Row> rows = AldBench.run(new PrintStream(buf, true, StandardCharsets.UTF_8), "tiny=true",
        "warmup=1", "timed=3", "warmupSeconds=0", "updates=0", "samediff=false", "forks=2");
    String out = buf.toString(StandardCharsets.UTF_8);
    for (int f = 1; f <= 2; f++) {
      assertTrue(out.matches("(?s).*Java engine, JVM " + f + " of 2: +[\\d.]+ ms CPU.*of its peak.*"), out);
    }
    assertTrue(out.matches("(?s).*medians over 2 fresh JVMs, share [\\d.]+-[\\d.]+%.*"), out);
    assertTrue(out.matches("(?s).*target: .*tiny shape.*% -> (met|NOT met).*"), out);
    AldBench.Row r = rows.get(0);
    assertTrue(r.java().medianMs() > 0 && r.peakShare() > 0 && r.sameDiff() == null, r.toString());
  }

  @Test
  void unknownKeysAndNegativeForksAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AldBench.run(System.out,
        "fast=1"));
    assertTrue(e.getMessage().contains("fast"), e.getMessage());
    IllegalArgumentException forks = assertThrows(IllegalArgumentException.class, () -> AldBench.run(System.out,
        "tiny=true", "forks=-1"));
    assertTrue(forks.getMessage().contains("forks >= 0"), forks.getMessage());
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> AldBench.run(System.out,
        "shapes=huge", "forks=2"));
    assertTrue(shape.getMessage().contains("huge"), shape.getMessage());
  }
}
