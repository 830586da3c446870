package dev.mnemo.replay.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The CLI entry point runs at a tiny size and reports every figure; timings are not asserted here. */
class ReplayBenchSmokeTest {
  @Test
  void benchReportsEveryFigureItPromises() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ReplayBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "capacity=64", "reps=20",
        "state=8");
    String out = bytes.toString(StandardCharsets.UTF_8);
    for (String figure : new String[] {"sequences/s", "System.arraycopy of the same bytes", "ratio", "target <= 2.0x",
        "replay's own storage", "records of 64 consecutive slots", "records of 64 random slots",
        "bytes allocated per insert", "bytes allocated per sample", "bytes allocated per step",
        "raw payload", "checkpoint:"}) {
      assertTrue(out.contains(figure), "bench output lacks '" + figure + "':\n" + out);
    }
  }

  @Test
  void badArgumentsNameTheProblem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReplayBench.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            "capacity=lots"));
    assertTrue(e.getMessage().contains("capacity must be an integer"), e.getMessage());
  }
}
