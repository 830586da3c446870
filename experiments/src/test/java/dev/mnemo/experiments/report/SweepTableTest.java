package dev.mnemo.experiments.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTableTest {

  @TempDir
  Path tmp;

  /** A run whose eval_return column is {@code evals} at env steps 1000, 2000, ... (NaN cells left empty). */
  private Path run(String relative, double wall, double... evals) throws IOException {
    StringBuilder csv = new StringBuilder("env_steps,train_return,eval_return\n");
    for (int i = 0; i < evals.length; i++) {
      csv.append((i + 1) * 1000).append(",-9,").append(Double.isNaN(evals[i]) ? "" : Double.toString(evals[i]))
          .append('\n');
    }
    return ReportWriterTest.syntheticRun(tmp.resolve("sweep").resolve(relative), csv.toString(),
        "{\"status\":\"completed\",\"kind\":\"r2d2\",\"wall_seconds\":" + wall + "}");
  }

  /** Two tasks x three cores, 2-3 seeds; scores chosen so every figure below is worked out by hand. */
  private Path sweep() throws IOException {
    // Task A: lstm seeds score 0.8 and 0.6 (max over the run, not the last value), gru 0.5 and 0.5, mlp 0.1.
    run("TaskA/core=lstm/seed-1", 10, 0.2, 0.8, 0.4);
    run("TaskA/core=lstm/seed-2", 12, 0.1, Double.NaN, 0.6);
    run("TaskA/core=gru/seed-1", 5, 0.5, 0.5);
    run("TaskA/core=gru/seed-2", 5, 0.3, 0.5);
    run("TaskA/core=mlp/seed-1", 1, 0.1);
    // Task B: gru best (0.9, 0.7, 0.8); lstm and mlp tie at 0.4 (ranks 2 and 3 shared: 2.5 each).
    run("TaskB/core=lstm/seed-1", 20, 0.4);
    run("TaskB/core=gru/seed-1", 7, 0.9);
    run("TaskB/core=gru/seed-2", 7, 0.7);
    run("TaskB/core=gru/seed-3", 7, 0.6, 0.8);
    run("TaskB/core=mlp/seed-1", 2, 0.4);
    // An earlier attempt that a resumed sweep moved aside is not a seed of the table.
    run("TaskB/core=mlp/seed-2.attempt-1", 2, 99);
    // The sweep's own order (file order), not the alphabet: TaskB first, mlp before gru.
    Files.writeString(tmp.resolve("sweep/sweep-summary.json"), "{\"status\":{"
        + "\"TaskB/core=lstm/seed-1\":\"completed\",\"TaskB/core=mlp/seed-1\":\"completed\","
        + "\"TaskB/core=gru/seed-1\":\"completed\",\"TaskA/core=lstm/seed-1\":\"completed\"}}");
    return tmp.resolve("sweep");
  }

  /**
   * Returns in [-1, 1] share one fixed scale, up to float rounding (1.000000029802322 was the Easy table's highest
   * cell, a mean of float 1s, which put the zoo's heat-map on its own scale); other scores span their own range.
   */
  @Test
  void theHeatMapScaleIsFixedForNormalisedReturnsUpToFloatRounding() {
    assertArrayEquals(new double[] {-1, 1}, SweepTable.colourScale(false, -0.9, 1.000000029802322));
    assertArrayEquals(new double[] {-1, 1}, SweepTable.colourScale(false, -0.5, 0.5));
    assertArrayEquals(new double[] {-1, 1}, SweepTable.colourScale(true, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY));
    assertArrayEquals(new double[] {0, 200}, SweepTable.colourScale(false, 0, 200));
    assertArrayEquals(new double[] {2.5, 3.5}, SweepTable.colourScale(false, 3, 3));
  }

  @Test
  void eachCellIsTheMeanOverSeedsOfEachRunsMaximumWithAStudentTInterval() throws IOException {
    SweepTable.Table t = SweepTable.read(sweep(), "eval_return");
    assertEquals(List.of("TaskB", "TaskA"), t.cases());
    assertEquals(List.of("core=lstm", "core=mlp", "core=gru"), t.settings());
    assertEquals("lstm", t.label(0));
    SweepTable.Cell lstmA = t.cells()[1][0];
    assertEquals(0.7, lstmA.stat().mean(), 1e-12);
    // t_{0.975,1} = 12.706; s = sqrt(((0.1)^2 + (0.1)^2) / 1) = 0.1414...; ci = 12.706 * s / sqrt(2) = 1.2706.
    assertEquals(1.2706, lstmA.stat().ci95(), 1e-9);
    assertEquals(22, lstmA.wallSeconds(), 1e-12);
    SweepTable.Cell gruB = t.cells()[0][2];
    assertEquals(0.8, gruB.stat().mean(), 1e-12);
    // Seeds score 0.9, 0.7, 0.8 -> s = 0.1; ci = t_{0.975,2} s / sqrt(3) = 4.303 * 0.1 / sqrt(3).
    assertEquals(4.303 * 0.1 / Math.sqrt(3), gruB.stat().ci95(), 1e-9);
    assertEquals(3, gruB.scores().size(), "the attempt moved aside is not read");
    SweepTable.Cell mlpB = t.cells()[0][1];
    assertEquals(1, mlpB.stat().n());
    assertTrue(Double.isNaN(mlpB.stat().ci95()), "one seed has no interval");
    assertEquals(0.4, mlpB.stat().mean(), 1e-12);
  }

  @Test
  void ranksAreMeanRanksOverCasesWithTiesShared() throws IOException {
    SweepTable.Table t = SweepTable.read(sweep(), "eval_return");
    // TaskB: gru 1, lstm and mlp tie for 2-3 -> 2.5 each. TaskA: lstm 0.7 -> 1, gru 0.5 -> 2, mlp 0.1 -> 3.
    // lstm (1 + 2.5) / 2 = 1.75, mlp (2.5 + 3) / 2 = 2.75, gru (1 + 2) / 2 = 1.5.
    assertArrayEquals(new double[] {1.75, 2.75, 1.5}, SweepTable.meanRanks(t), 1e-12);
  }

  @Test
  void writesTableCsvHeatMapOfTheExpectedSizeAndOneCurvePerCase() throws IOException {
    SweepTable.Table t = SweepTable.read(sweep(), "eval_return");
    SweepTable.Written w = SweepTable.write(t, tmp.resolve("out"), 90, 36);
    BufferedImage heat = ImageIO.read(w.heatMap().toFile());
    assertEquals(420 + 90 * 3, heat.getWidth());
    assertEquals(140 + 36 * 2, heat.getHeight());
    assertFalse(isBlank(heat), "the heat-map draws something");
    assertEquals(2, w.curves().size());
    for (Path p : w.curves()) {
      BufferedImage img = ImageIO.read(p.toFile());
      assertEquals(900, img.getWidth());
    }
    String md = Files.readString(w.markdown());
    assertTrue(md.contains("| case | lstm | mlp | gru |"), md);
    assertTrue(md.contains("| TaskA | 0.700 ± 1.271 (2) | 0.100 (1) | 0.500 ± 0.000 (2) |"), md);
    assertTrue(md.contains("| 1 | gru | 1.50 | 0.650 | 2 | 31 |"), md);
    assertTrue(md.contains("| 3 | mlp | 2.75 | 0.250 | 2 | 3 |"), md);
    String csv = Files.readString(w.csv());
    assertTrue(csv.contains("TaskA,\"core=lstm\",2,2,0.7"), csv);
    assertTrue(csv.contains("seed-1=0.8 seed-2=0.6"), csv);
  }

  /**
   * Runs that write wall_s get a second curve per case against it (x = the seeds' mean wall time at each step), and
   * runs whose summary.json has a final evaluation get its table: seeds 2.0 and 4.0 -> 3.000 ± 12.706 (t_{0.975,1}
   * × s = 1.4142 / sqrt 2).
   */
  @Test
  void runsWithWallTimeAndFinalEvaluationGetWallCurvesAndTheFinalTable() throws IOException {
    for (int seed = 1; seed <= 2; seed++) {
      ReportWriterTest.syntheticRun(tmp.resolve("ald/MetaFetch/mode=ald/seed-" + seed),
          "env_steps,eval_return,wall_s\n6400,1.0," + (10 * seed) + "\n12800,2.0," + (20 * seed) + "\n",
          "{\"status\":\"completed\",\"kind\":\"ald\",\"wall_seconds\":30,\"eval\":{\"mean_return\":"
              + (2.0 * seed) + ",\"ci95\":0.1,\"episodes\":1000}}");
    }
    ReportWriterTest.syntheticRun(tmp.resolve("ald/MetaFetch/core=lstm/seed-1"),
        "env_steps,eval_return\n6400,0.5\n", "{\"status\":\"completed\",\"kind\":\"rl2\"}");
    SweepTable.Written w = SweepTable.write(SweepTable.read(tmp.resolve("ald"), "eval_return"),
        tmp.resolve("ald-out"), 90, 36);
    assertEquals(List.of("MetaFetch.png", "MetaFetch-wall.png"),
        w.curves().stream().map(p -> p.getFileName().toString()).toList());
    assertFalse(isBlank(ImageIO.read(w.curves().get(1).toFile())), "the wall-time curve draws something");
    String md = Files.readString(w.markdown());
    assertTrue(md.contains("## Final evaluation"), md);
    assertTrue(md.contains("| MetaFetch | – | 3.000 ± 12.706 (2) |"), md);
  }

  @Test
  void aDirectoryWithoutCasesIsRefusedByName() throws IOException {
    run("flat/seed-1", 1, 0.5);
    assertFalse(SweepTable.hasCases(tmp.resolve("sweep/flat")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SweepTable.read(tmp.resolve("sweep/flat"), "eval_return"));
    assertTrue(e.getMessage().contains("no <case>/<setting>/seed-<n>/"), e.getMessage());
  }

  @Test
  void aRunWithoutTheColumnIsCountedButNotScored() throws IOException {
    ReportWriterTest.syntheticRun(tmp.resolve("sweep/T/core=x/seed-1"), "env_steps,loss\n1,2\n",
        "{\"status\":\"failed\"}");
    run("T/core=x/seed-2", 1, 0.25);
    SweepTable.Table t = SweepTable.read(tmp.resolve("sweep"), "eval_return");
    SweepTable.Cell c = t.cells()[0][0];
    assertEquals(2, c.scores().size());
    assertEquals(1, c.stat().n());
    assertEquals(0.25, c.stat().mean(), 1e-12);
  }

  private static boolean isBlank(BufferedImage img) {
    int first = img.getRGB(0, 0);
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        if (img.getRGB(x, y) != first) {
          return false;
        }
      }
    }
    return true;
  }
}
