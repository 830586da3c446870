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
  void printsARateForEveryPolicyAndItsRatioToRandomsRate() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BanditBaselinesBenchmark.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "5", "12");
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    for (String policy : List.of("random", "greedy", "eps_greedy", "ucb1", "ts ", "ots ", "gittins grid")) {
      assertTrue(lines.stream().anyMatch(l -> l.startsWith(policy)), "no line for " + policy + " in " + lines);
    }
    // The ratio column is each policy's rate over random's (random's own 1.000 holds by construction, so
    // check the others): to the print's rounding, rates to 1 pull/s and ratios to 0.001.
    String random = lines.stream().filter(l -> l.startsWith("random")).findFirst().orElseThrow();
    double randomRate = cell(random, 2);
    assertTrue(randomRate > 0, "random's rate: " + random);
    int policyLines = 0;
    for (String line : lines) {
      if (line.startsWith("policy") || line.startsWith("bandit") || line.startsWith("gittins table")) {
        continue;
      }
      double rate = cell(line, 2);
      assertTrue(rate > 0 && Double.isFinite(rate), "pulls/s must be positive: " + line);
      double expected = rate / randomRate;
      assertEquals(expected, cell(line, 1), 0.0005 + expected * (0.5 / rate + 0.5 / randomRate),
          "'vs random' must be this policy's pulls/s over random's (" + randomRate + "): " + line);
      policyLines++;
    }
    assertEquals(7, policyLines, "one line per policy: " + lines);
    assertTrue(lines.get(lines.size() - 1).startsWith("gittins table N=12"), lines.get(lines.size() - 1));
    assertThrows(IllegalArgumentException.class, () -> BanditBaselinesBenchmark.run(System.out, "0"));
  }

  /** The number {@code fromEnd} cells from the end of a whitespace-separated line (1: the last). */
  private static double cell(String line, int fromEnd) {
    String[] cells = line.trim().split("\\s+");
    return Double.parseDouble(cells[cells.length - fromEnd]);
  }
}
