package dev.mnemo.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The benchmark's entry point runs and prints positive figures (the figures themselves are not judged). */
class RuntimeBenchSmokeTest {

  @Test
  void localFiguresArePrintedWithTheirCeilingRatio() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    RuntimeBench.run(new PrintStream(buf, true, StandardCharsets.UTF_8), "--seconds", "0.3", "--envs", "2",
        "--rounds", "2", "--no-cluster", "--no-learner");
    String out = buf.toString(StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("local runtime, (\\d) worker\\(s\\), learner idle\\s+([\\d,]+)\\s+([\\d,]+)\\s+(\\d+)% of ceiling per CPU-s")
        .matcher(out);
    int rows = 0;
    while (m.find()) {
      rows++;
      assertTrue(Long.parseLong(m.group(2).replace(",", "")) > 0, "runtime figure must be positive:\n" + out);
    }
    assertTrue(rows == 4, "a local runtime figure per round at 1 and 2 workers expected:\n" + out);
    assertTrue(out.contains("ceiling of this round"), "the ceiling is printed:\n" + out);
    for (int workers = 1; workers <= 2; workers++) {
      Matcher target = Pattern.compile("local runtime / ceiling, " + workers + " worker\\(s\\): (\\d+\\.\\d)% per CPU-s \\(median"
          + " of 2 rounds.*target >= 90% per CPU-s: (met|NOT met)").matcher(out);
      assertTrue(target.find(), "the ratio against the target at " + workers + " worker(s) is printed:\n" + out);
      assertTrue((Double.parseDouble(target.group(1)) >= 90) == target.group(2).equals("met"),
          "the verdict follows the ratio:\n" + out);
    }
    assertTrue(out.contains("local runtime, 4 worker(s)"), "the 4-worker figure is printed:\n" + out);
  }

  @Test
  void unknownOptionsAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RuntimeBench.run(System.out, "--fast"));
    assertTrue(e.getMessage().contains("--fast"), e.getMessage());
  }
}
