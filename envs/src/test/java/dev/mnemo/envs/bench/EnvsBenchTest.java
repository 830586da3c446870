package dev.mnemo.envs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's plumbing (not its speed): rows, ratios against POPGym, argument errors. */
class EnvsBenchTest {

  @Test
  void printsOneRowPerSelectedEnvWithPopgymRatios() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EnvsBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
        "--seconds", "0.02", "--n", "8", "--filter", "Easy");
    String out = bytes.toString(StandardCharsets.UTF_8);
    List<String> rows = out.lines().filter(l -> l.startsWith("popgym/")).toList();
    assertEquals(10, rows.size(), "one row per POPGym task at Easy:\n" + out);
    String cartpole = rows.stream().filter(l -> l.startsWith("popgym/PositionOnlyCartPole-Easy"))
        .findFirst().orElseThrow();
    assertTrue(cartpole.contains("218,000") && cartpole.trim().endsWith("x"),
        "POPGym's figure and a ratio beside position-only CartPole: " + cartpole);
    String repeat = rows.stream().filter(l -> l.startsWith("popgym/RepeatPrevious-Easy"))
        .findFirst().orElseThrow();
    assertTrue(repeat.contains("136,000"), repeat);
  }

  @Test
  void measuresPositiveRatesInAFreshClassLoader() {
    double[] r = EnvsBench.measureIsolated("tmaze", 0.02, 4);
    assertEquals(3, r.length);
    for (double v : r) {
      assertTrue(v > 0 && Double.isFinite(v), "rate " + v);
    }
  }

  @Test
  void rejectsUnknownOptions() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EnvsBench.run(sink, "--secs", "1"));
    assertTrue(e.getMessage().contains("unknown option '--secs'") && e.getMessage().contains("--seconds"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EnvsBench.run(sink, "--seconds"));
    assertThrows(IllegalArgumentException.class, () -> EnvsBench.run(sink, "--n", "0"));
  }
}
