package dev.mnemo.learners.r2d2.ablation;

import dev.mnemo.agents.stats.MeanCi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class R2d2AblationTest {

  @Test
  void tinyExperimentWritesEveryVariantProbeAndStrategy(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String[] args = {"--out", dir.toString(), "--seeds", "1", "--steps", "800", "--eval-interval", "400",
        "--probe-episodes", "2", "--burn-in", "2", "--trace", "4", "--fork", "false"};
    R2d2Ablation.run(new PrintStream(buf, true, StandardCharsets.UTF_8), args);
    List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
    assertEquals("seed,variant,env_steps,updates,stale_param_version,eval_return,strategy,own_strategy,dq_first,"
        + "dq_last,windows", csv.get(0));
    // 4 variants x 2 probes (400, 800 env steps) x 4 measured strategies
    assertEquals(1 + 4 * 2 * 4, csv.size(), "rows of results.csv");
    long own = csv.stream().skip(1).filter(l -> l.split(",")[7].equals("true")).count();
    assertEquals(8, own, "each probe row set marks exactly the variant's own strategy");
    for (String line : csv.subList(1, csv.size())) {
      String[] f = line.split(",");
      double first = Double.parseDouble(f[8]);
      assertTrue(first >= 0 && Double.isFinite(first), "ΔQ must be a finite non-negative number: " + line);
      assertTrue(Integer.parseInt(f[10]) > 0, "every probe must measure at least one window: " + line);
    }
    // the stored state at the first probe comes from the initial parameters (version 0)
    assertTrue(csv.get(1).split(",")[4].equals("0"), csv.get(1));
    assertEquals(1 + 4, Files.readAllLines(dir.resolve("runs.csv")).size(), "runs.csv: header + 4 runs");
    String table = Files.readString(dir.resolve("table.md"));
    for (String v : List.of("zero-burnin0", "zero-burnin2", "stored-burnin0", "stored-burnin2")) {
      assertTrue(table.contains("| " + v + " | 1 |"), "table.md lacks the row of " + v + ":\n" + table);
    }
    // the ranking table: every probe (4 runs x 2) crowns exactly one smallest and one largest per column
    int[] colSums = new int[4];
    table.lines().filter(l -> l.matches("\\| (zero|stored)-burnin\\d+ \\| \\d+ \\| \\d+ \\| \\d+ \\| \\d+ \\|"))
        .forEach(l -> {
          String[] f = l.split("\\|");
          for (int i = 0; i < 4; i++) {
            colSums[i] += Integer.parseInt(f[i + 2].trim());
          }
        });
    assertTrue(table.contains("over all 8 probes"), table);
    assertEquals(List.of(8, 8, 8, 8), java.util.Arrays.stream(colSums).boxed().toList(), "ranking counts:\n" + table);
    BufferedImage png = ImageIO.read(dir.resolve("plot.png").toFile());
    assertEquals(3 * 420, png.getWidth(), "three panels");
    String first = buf.toString(StandardCharsets.UTF_8);
    assertEquals(4, first.split(" trained:", -1).length - 1, "all 4 runs trained on the first call:\n" + first);

    // a second invocation resumes: every run is read back, nothing retrained, the same results rewritten
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    R2d2Ablation.run(new PrintStream(again, true, StandardCharsets.UTF_8), args);
    String log = again.toString(StandardCharsets.UTF_8);
    assertEquals(4, log.split(" reused:", -1).length - 1, "all 4 runs must be reused:\n" + log);
    assertFalse(log.contains(" trained:"), "nothing may be retrained:\n" + log);
    assertEquals(csv, Files.readAllLines(dir.resolve("results.csv")), "results read back must be written identically");
    assertEquals(table, Files.readString(dir.resolve("table.md")), "table from runs read back");
  }

  @Test
  void strategyLabelsRoundTripAndBadLabelsAreRefused() {
    for (UnrollStrategy s : UnrollStrategy.paperGrid(20)) {
      assertEquals(s, UnrollStrategy.parse(s.label()));
    }
    var e = assertThrows(IllegalArgumentException.class, () -> UnrollStrategy.parse("stale-burnin4"));
    assertTrue(e.getMessage().contains("'stale-burnin4'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> UnrollStrategy.parse("zero-burnin"));
  }

  @Test
  void badOptionsAreRefusedWithTheirName() {
    var e = assertThrows(IllegalArgumentException.class, () -> R2d2Ablation.Options.parse("--seed", "3"));
    assertTrue(e.getMessage().contains("unknown option --seed"), e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> R2d2Ablation.Options.parse("--steps", "many"));
    assertTrue(e2.getMessage().contains("--steps") && e2.getMessage().contains("many"), e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class, () -> R2d2Ablation.Options.parse("--burn-in", "0"));
    assertTrue(e3.getMessage().contains("burn-in >= 1"), e3.getMessage());
    var e4 = assertThrows(IllegalArgumentException.class, () -> R2d2Ablation.Options.parse("--out"));
    assertTrue(e4.getMessage().contains("--out needs a value"), e4.getMessage());
    var e5 = assertThrows(IllegalArgumentException.class, () -> R2d2Ablation.Options.parse("--preset", "medium"));
    assertTrue(e5.getMessage().contains("--preset") && e5.getMessage().contains("medium"), e5.getMessage());
  }

  @Test
  void presetSetsDefaultsThatLaterOptionsOverride() {
    R2d2Ablation.Options s = R2d2Ablation.Options.parse("--trace", "6", "--preset", "short");
    assertEquals(6, s.trace(), "an explicit --trace wins over the preset, wherever it stands");
    assertEquals(30_000, s.steps(), "short preset budget");
    assertEquals(4.0, s.samplesPerInsert(), 0.0);
    var c = R2d2Ablation.config(s, 1, new UnrollStrategy(StartState.ZERO, 4));
    assertEquals(3, c.sequencePeriod(), "adjacent sequences overlap by m/2");
    assertEquals(32, c.batchSize(), "short preset learner settings");
    assertFalse(c.storedState());
    R2d2Ablation.Options l = R2d2Ablation.Options.parse();
    assertEquals(8, l.trace());
    assertTrue(R2d2Ablation.config(l, 1, new UnrollStrategy(StartState.STORED, 0)).storedState());
  }

  @Test
  void confidenceIntervalUsesStudentTOverSeeds() {
    MeanCi s = MeanCi.studentT(1.0, 3.0);
    assertEquals(2.0, s.mean(), 1e-12);
    // sd = sqrt(2), t(1) = 12.706: 12.706 * sqrt(2) / sqrt(2)
    assertEquals(12.706, s.ci95(), 1e-9);
    MeanCi one = MeanCi.studentT(5.0, Double.NaN);
    assertEquals(1, one.n(), "NaN values are skipped");
    assertTrue(Double.isNaN(one.ci95()), "no CI from one value");
    assertEquals("2.00 ± 12.71", s.format(2));
    assertFalse(MeanCi.studentT().format(2).contains("NaN"), "an empty sample prints n/a");
  }
}
