package dev.mnemo.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code bench rl2-runtime} runs at a tiny shape and prints a positive row per mode (the figures are not judged). */
class Rl2RuntimeBenchSmokeTest {

  @Test
  void printsTheSynchronousTrainerAndTheRuntimeWithOneAndTwoWorkers() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Rl2RuntimeBench.run(new PrintStream(buf, true, StandardCharsets.UTF_8), "--steps", "800", "--trials", "16",
        "--core", "8", "--env", "bandit?arms=3&pulls=5");
    String out = buf.toString(StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("(sync \\(1 thread\\)|local, \\d workers?)\\s+(\\d+)\\s+([\\d.]+)\\s+(\\d+)")
        .matcher(out);
    int rows = 0;
    while (m.find()) {
      rows++;
      assertTrue(Long.parseLong(m.group(2)) > 0 && Long.parseLong(m.group(4)) > 0, "positive figures:\n" + out);
    }
    assertEquals(3, rows, "sync, local 1 worker, local 2 workers:\n" + out);
  }

  @Test
  void unknownOptionsAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Rl2RuntimeBench.run(System.out, "--fast"));
    assertTrue(e.getMessage().contains("--fast"), e.getMessage());
  }
}
