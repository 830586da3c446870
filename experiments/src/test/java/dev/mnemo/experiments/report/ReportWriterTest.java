package dev.mnemo.experiments.report;

import dev.mnemo.agents.stats.MeanCi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

class ReportWriterTest {

  @TempDir
  Path tmp;

  static Path syntheticRun(Path dir, String metrics, String summary) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("metrics.csv"), metrics);
    if (summary != null) {
      Files.writeString(dir.resolve("summary.json"), summary);
    }
    return dir;
  }

  /** The report.md a small ReportWriter writes into {@code tmp/out} for {@code runs}. */
  private String markdown(String out, Path... runs) throws IOException {
    List<RunData> data = new java.util.ArrayList<>();
    for (Path r : runs) {
      data.add(RunData.load(r));
    }
    return Files.readString(new ReportWriter(320, 200).write(data, tmp.resolve(out)).markdown());
  }

  static Path runA(Path root) throws IOException {
    return syntheticRun(root.resolve("quick/20260101T000000Z"),
        "step,loss,return\n0,4,\n100,2,0.5\n200,1,1.5\n",
        "{\"status\":\"completed\",\"kind\":\"r2d2\",\"wall_seconds\":12.5,\"env_steps\":200,"
            + "\"learner_updates\":50,\"eval\":{\"mean_return\":0.9,\"ci95\":0.05,\"episodes\":100,\"solved\":true}}");
  }

  static Path runB(Path root) throws IOException {
    return syntheticRun(root.resolve("quick/20260101T010000Z"),
        "step,loss,eps\n0,5,1\n100,3,0.5\n",
        "{\"status\":\"failed\",\"kind\":\"r2d2\",\"error\":\"IllegalStateException: boom\",\"wall_seconds\":3,"
            + "\"env_steps\":100}");
  }

  @Test
  void twoRunsGiveSummaryAndMetricTablesAndOnePlotPerMetric() throws IOException {
    RunData a = RunData.load(runA(tmp));
    RunData b = RunData.load(runB(tmp));
    Path out = tmp.resolve("report");
    ReportWriter.Report r = new ReportWriter(640, 400).write(List.of(a, b), out);

    String md = Files.readString(r.markdown());
    assertTrue(md.contains("| quick/20260101T000000Z | r2d2 | completed | 12.5 | 200 | 50 | 0.9 | 0.05 | 100 | true |"),
        md);
    assertTrue(md.contains("| quick/20260101T010000Z | r2d2 | failed | 3 | 100 | – | – | – | – | – |"), md);
    assertTrue(md.contains("IllegalStateException: boom"), "errors are listed: " + md);
    // loss of run A: final 1, mean (4+2+1)/3, min 1, max 4, 3 points.
    assertTrue(md.contains("| loss | quick/20260101T000000Z | 1 | 2.3333 | 1 | 4 | 3 |"), md);
    // return of run A skips the empty cell: final 1.5, mean 1, 2 points.
    assertTrue(md.contains("| return | quick/20260101T000000Z | 1.5 | 1 | 0.5 | 1.5 | 2 |"), md);
    assertTrue(md.contains("| eps | quick/20260101T010000Z | 0.5 | 0.75 | 0.5 | 1 | 2 |"), md);
    assertFalse(md.contains("| return | quick/20260101T010000Z"), "run B has no return column");

    List<String> names = r.plots().stream().map(p -> p.getFileName().toString()).sorted().toList();
    assertEquals(List.of("eps.png", "loss.png", "return.png"), names);
    for (Path png : r.plots()) {
      BufferedImage img = ImageIO.read(png.toFile());
      assertNotNull(img, png + " does not decode as an image");
      assertEquals(640, img.getWidth(), png.toString());
      assertEquals(400, img.getHeight(), png.toString());
      assertTrue(md.contains("(plots/" + png.getFileName() + ")"), "markdown links " + png);
    }
  }

  /**
   * RL² runs: the final evaluation's return per inner episode, every index for short trials, a spread of indices
   * for long ones (a run with fewer episodes shows – beyond its last); runs without trials add no such section.
   */
  @Test
  void rl2RunsGetTheirReturnByEpisodeWithinATrial() throws IOException {
    StringBuilder long25 = new StringBuilder();
    for (int e = 1; e <= 25; e++) {
      long25.append(e == 1 ? "" : ",").append(e);
    }
    Path shortRun = syntheticRun(tmp.resolve("mdp3/r"), "env_steps,eval_return\n100,1\n",
        "{\"status\":\"completed\",\"kind\":\"rl2\",\"final_eval_by_episode_in_trial\":[10.5,11.25,12]}");
    Path longRun = syntheticRun(tmp.resolve("mdp25/r"), "env_steps,eval_return\n100,1\n",
        "{\"status\":\"completed\",\"kind\":\"rl2\",\"final_eval_by_episode_in_trial\":[" + long25 + "]}");
    String md = markdown("out", shortRun, longRun);
    assertTrue(md.contains("## Return by episode within a trial (final evaluation)"), md);
    assertTrue(md.contains("| run | episode 1 | episode 2 | episode 3 | episode 5 | episode 6 | episode 10 | episode 12 "
        + "| episode 18 | episode 25 |"), md);
    assertTrue(md.contains("| mdp3/r | 10.5 | 11.25 | 12 | – | – | – | – | – | – |"), md);
    assertTrue(md.contains("| mdp25/r | 1 | 2 | 3 | 5 | 6 | 10 | 12 | 18 | 25 |"), md);

    String plain = markdown("out2", runA(tmp));
    assertFalse(plain.contains("within a trial"), plain);
  }

  @Test
  void aRunsPairedEvaluationsAgainstABaselineTableAreTabled() throws IOException {
    Path run = syntheticRun(tmp.resolve("bandit/r"), "env_steps,eval_return\n100,1\n",
        "{\"status\":\"completed\",\"kind\":\"rl2\"}");
    Files.createDirectories(run.resolve("eval"));
    Files.writeString(run.resolve("eval/result-baseline-tasks-seed1.json"), "{\"mean_return\":6.5,\"ci95\":0.14,"
        + "\"tasks\":1000,\"baseline_config\":\"configs/bandit-baselines.conf\",\"baselines\":[{\"algorithm\":"
        + "\"gittins\",\"hyperparameter\":\"exact\",\"mean\":6.6,\"ci95\":0.13,\"policy_minus_baseline\":-0.1,"
        + "\"policy_minus_baseline_ci95\":0.08}]}");
    Files.writeString(run.resolve("eval/result-seed1-n1000.json"), "{\"mean_return\":6.4}"); // not a paired file
    String md = markdown("out", run);
    assertTrue(md.contains("## Against the baselines on their own tasks (paired)"), md);
    assertTrue(md.contains("bandit/r, `eval/result-baseline-tasks-seed1.json`: 6.5 ± 0.14 over 1000 tasks of "
        + "`configs/bandit-baselines.conf`"), md);
    assertTrue(md.contains("| gittins | exact | 6.6 ± 0.13 | -0.1 ± 0.08 |"), md);
    String plain = markdown("out2", runA(tmp));
    assertFalse(plain.contains("paired"), plain);
  }

  @Test
  void plotsDrawEachRunInItsOwnColour() throws IOException {
    ReportWriter.Report r = new ReportWriter(400, 300)
        .write(List.of(RunData.load(runA(tmp)), RunData.load(runB(tmp))), tmp.resolve("out"));
    BufferedImage img = ImageIO.read(r.plots().stream().filter(p -> p.endsWith("loss.png")).findFirst()
        .orElseThrow().toFile());
    // Two series overlay: at least two distinct saturated (non-grey) colours appear in the plot.
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int rr = (rgb >> 16) & 255;
        int gg = (rgb >> 8) & 255;
        int bb = rgb & 255;
        if (Math.max(rr, Math.max(gg, bb)) - Math.min(rr, Math.min(gg, bb)) > 100) {
          colours.add(rgb & 0xF0F0F0);
        }
      }
    }
    assertTrue(colours.size() >= 2, "expected two coloured lines, found colours " + colours);
  }

  @Test
  void runsOfOneConfigAreAggregatedWithAStudentTInterval() throws IOException {
    List<RunData> runs = new java.util.ArrayList<>();
    double[] returns = {1, 2, 3};
    for (int i = 0; i < 3; i++) {
      runs.add(RunData.load(syntheticRun(tmp.resolve("seeds/s" + i), "step,x\n1,1\n",
          "{\"status\":\"completed\",\"wall_seconds\":" + (10 + i) + ",\"eval\":{\"mean_return\":" + returns[i]
              + ",\"ci95\":0.1,\"episodes\":10,\"solved\":" + (i > 0) + "}}")));
    }
    runs.add(RunData.load(runB(tmp))); // another config with a single, failed run: no aggregate row
    String md = Files.readString(new ReportWriter(200, 150).write(runs, tmp.resolve("o")).markdown());
    // mean 2, sd 1, se 1/sqrt(3), t(2 df) = 4.303: ci95 = 2.4843.
    assertTrue(md.contains("| seeds | 3 | 3 | 3 | 2 | 2.4843 | 2/3 | 11 |"), md);
    assertFalse(md.contains("| quick | 1 |"), md);
  }

  @Test
  void studentTIntervalWidensForFewRunsAndApproachesNormal() {
    assertEquals(2.4843, MeanCi.studentT(new double[] {1, 2, 3}).ci95(), 1e-4);
    assertTrue(Double.isNaN(MeanCi.studentT(new double[] {5}).ci95()));
    double[] many = new double[100];
    for (int i = 0; i < many.length; i++) {
      many[i] = i % 2;
    }
    double sd = Math.sqrt(25.0 / 99);
    assertEquals(1.96 * sd / 10, MeanCi.studentT(many).ci95(), 1e-12);
  }

  @Test
  void tornLastLineOfAKilledRunIsIgnored() throws IOException {
    Path d = syntheticRun(tmp.resolve("r"), "step,loss\n1,2\n2,1\n3,", null);
    RunData data = RunData.load(d);
    assertEquals(2, data.rows());
    assertEquals(1.0, data.column("loss")[1]);
  }

  @Test
  void malformedCellIsReportedWithFileLineAndColumn() throws IOException {
    Path d = syntheticRun(tmp.resolve("r"), "step,loss\n1,abc\n2,1\n", null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunData.load(d));
    assertTrue(e.getMessage().contains("metrics.csv:2") && e.getMessage().contains("loss"), e.getMessage());
  }

  @Test
  void directoryWithoutRunFilesIsRefused() throws IOException {
    Files.createDirectories(tmp.resolve("empty"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunData.load(tmp.resolve("empty")));
    assertTrue(e.getMessage().contains("not a run directory"), e.getMessage());
  }

  @Test
  void longSeriesAreThinnedButKeepTheirLastPoint() throws IOException {
    StringBuilder sb = new StringBuilder("step,x\n");
    for (int i = 0; i <= 10_000; i++) {
      sb.append(i).append(',').append(i * 2).append('\n');
    }
    Path d = syntheticRun(tmp.resolve("long"), sb.toString(), null);
    ReportWriter.Report r = new ReportWriter(300, 200).write(List.of(RunData.load(d)), tmp.resolve("o"));
    String md = Files.readString(r.markdown());
    assertTrue(md.contains("| x | tmp") || md.contains("| x | "), md);
    assertTrue(md.contains("| 20000 | 10000 | 0 | 20000 | 10001 |"), "table uses every point: " + md);
    assertEquals(1, r.plots().size());
  }
}
