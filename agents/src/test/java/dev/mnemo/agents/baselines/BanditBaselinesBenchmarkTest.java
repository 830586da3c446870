package dev.mnemo.agents.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BanditBaselinesBenchmarkTest {

  @Test
  void printsARateForEveryPolicyWithRandomAsTheUnitRatio() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BanditBaselinesBenchmark.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "5", "12");
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    for (String policy : List.of("random", "greedy", "eps_greedy", "ucb1", "ts ", "ots ", "gittins grid")) {
      assertTrue(lines.stream().anyMatch(l -> l.startsWith(policy)), "no line for " + policy + " in " + lines);
    }
    String random = lines.stream().filter(l -> l.startsWith("random")).findFirst().orElseThrow();
    String[] cells = random.trim().split("\\s+");
    assertEquals("1.000", cells[cells.length - 1], "random is the baseline of the ratio column: " + random);
    assertTrue(lines.get(lines.size() - 1).startsWith("gittins table N=12"), lines.get(lines.size() - 1));
    assertThrows(IllegalArgumentException.class, () -> BanditBaselinesBenchmark.run(System.out, "0"));
  }
}
