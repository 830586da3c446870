package dev.mnemo.experiments.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnemo.agents.stats.MeanCi;
import dev.mnemo.experiments.run.AtomicFiles;
import dev.mnemo.experiments.run.Json;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The table of a sweep laid out as {@code <case>/<setting>/seed-<n>/} (a case per task, a setting per model):
 * POPGym's score per run, its mean and Student-t 95% interval over seeds per (case, setting), a heat-map of
 * the means, each case's learning curves (mean over seeds with 95% error bars per setting), a ranking of the
 * settings, and the wall time each cell took.
 *
 * <p>The score of one run is POPGym's "maximum mean episodic return" (Morad et al. 2023): the largest value the
 * run's {@code metric} column (by default {@code eval_return}, the mean return of one evaluation round) took
 * over the run. POPGym takes the mean training-episode return per epoch of a stochastic PPO policy; here an
 * evaluation round of the greedy policy stands in for an epoch, which is what an R2D2 run writes.
 *
 * <p>Ranking: within each case the settings are ranked by mean score (1 = best, ties share the mean of their
 * ranks); a setting's rank is the mean of its ranks over the cases where it has a score, so a model that is
 * good on every task ranks first even when one task's scale dwarfs the others'.
 */
public final class SweepTable {

  /**
   * One cell: the runs of one setting on one case.
   *
   * @param scores each seed's score (seed name -> max of the metric), NaN for a run without a value
   * @param stat mean and 95% interval over the seeds that have a score
   * @param wallSeconds the runs' summed wall time (NaN when no run recorded one)
   */
  public record Cell(Map<String, Double> scores, MeanCi stat, double wallSeconds) {}

  /**
   * The whole table.
   *
   * @param metric the metrics.csv column scored
   * @param cases row names in order
   * @param settings column names (directory names of the settings) in order
   * @param cells {@code cells[case][setting]}, null where no run exists
   * @param runs {@code runs[case][setting]}: each seed's run directory
   */
  public record Table(String metric, List<String> cases, List<String> settings, Cell[][] cells,
      List<List<Map<String, RunData>>> runs) {

    /** The column heading of a setting: {@code lstm} for {@code core=lstm} when every setting has the one key. */
    public String label(int setting) {
      String s = settings.get(setting);
      boolean oneKey = settings.stream().noneMatch(x -> x.contains(","))
          && settings.stream().map(x -> x.contains("=") ? x.substring(0, x.indexOf('=')) : x).distinct().count() == 1;
      return oneKey && s.contains("=") ? s.substring(s.indexOf('=') + 1) : s;
    }
  }

  /** What was written. */
  public record Written(Path markdown, Path csv, Path heatMap, List<Path> curves) {}

  public static final String DEFAULT_METRIC = "eval_return";

  /** Ten colours that stay apart for readers with the common colour-vision deficiencies (Tableau 10). */
  private static final Color[] PALETTE = {new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759),
      new Color(0x76b7b2), new Color(0x59a14f), new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7),
      new Color(0x9c755f), new Color(0xbab0ac)};

  private SweepTable() {}

  /** Whether {@code dir} is laid out as a sweep with cases: {@code <case>/<setting>/seed-<n>/} run directories. */
  public static boolean hasCases(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir, 3)) {
      return s.anyMatch(p -> dir.relativize(p).getNameCount() == 3 && isSeedRun(p));
    }
  }

  private static boolean isSeedRun(Path p) {
    String n = p.getFileName().toString();
    return n.startsWith("seed-") && !n.contains(".attempt-") && Files.isDirectory(p) && RunData.isRunDirectory(p);
  }

  /**
   * Reads every {@code <case>/<setting>/seed-<n>/} run under {@code dir}. Cases and settings come in the order of
   * the sweep's {@code sweep-summary.json} when it is there (the sweep file's order), else sorted.
   *
   * @throws IllegalArgumentException when {@code dir} holds no such runs
   */
  public static Table read(Path dir, String metric) throws IOException {
    Map<String, Map<String, Map<String, RunData>>> byCase = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir, 3)) {
      for (Path p : s.filter(p -> dir.relativize(p).getNameCount() == 3).filter(SweepTable::isSeedRun).sorted()
          .toList()) {
        Path rel = dir.relativize(p);
        byCase.computeIfAbsent(rel.getName(0).toString(), k -> new TreeMap<>())
            .computeIfAbsent(rel.getName(1).toString(), k -> new TreeMap<>())
            .put(rel.getName(2).toString(), RunData.load(p));
      }
    }
    if (byCase.isEmpty()) {
      throw new IllegalArgumentException(dir + ": no <case>/<setting>/seed-<n>/ run directories");
    }
    List<String> cases = ordered(byCase.keySet(), summaryOrder(dir, 0));
    Set<String> allSettings = new LinkedHashSet<>();
    byCase.values().forEach(m -> allSettings.addAll(m.keySet()));
    List<String> settings = ordered(allSettings, summaryOrder(dir, 1));
    Cell[][] cells = new Cell[cases.size()][settings.size()];
    List<List<Map<String, RunData>>> runs = new ArrayList<>();
    for (int c = 0; c < cases.size(); c++) {
      List<Map<String, RunData>> row = new ArrayList<>();
      for (int k = 0; k < settings.size(); k++) {
        Map<String, RunData> seeds = byCase.get(cases.get(c)).getOrDefault(settings.get(k), Map.of());
        row.add(seeds);
        if (!seeds.isEmpty()) {
          cells[c][k] = cell(seeds, metric);
        }
      }
      runs.add(row);
    }
    return new Table(metric, cases, settings, cells, runs);
  }

  /** POPGym's score of one run: the largest value of {@code metric} over its rows; NaN when it has none. */
  public static double score(RunData run, String metric) {
    double[] v = run.column(metric);
    double max = Double.NaN;
    if (v != null) {
      for (double x : v) {
        if (!Double.isNaN(x) && (Double.isNaN(max) || x > max)) {
          max = x;
        }
      }
    }
    return max;
  }

  private static Cell cell(Map<String, RunData> seeds, String metric) {
    Map<String, Double> scores = new LinkedHashMap<>();
    double wall = Double.NaN;
    for (var e : seeds.entrySet()) {
      scores.put(e.getKey(), score(e.getValue(), metric));
      JsonNode s = e.getValue().summary();
      if (s != null && s.path("wall_seconds").isNumber()) {
        wall = (Double.isNaN(wall) ? 0 : wall) + s.get("wall_seconds").asDouble();
      }
    }
    double[] xs = scores.values().stream().mapToDouble(Double::doubleValue).toArray();
    return new Cell(scores, MeanCi.studentT(xs), wall);
  }

  /** Names in the order the sweep summary lists its runs (depth 0: cases, 1: settings); empty if no summary. */
  private static List<String> summaryOrder(Path dir, int depth) throws IOException {
    Path f = dir.resolve("sweep-summary.json");
    List<String> out = new ArrayList<>();
    if (!Files.isRegularFile(f)) {
      return out;
    }
    JsonNode status = Json.read(f).path("status");
    status.fieldNames().forEachRemaining(key -> {
      String[] parts = key.split("/");
      if (parts.length == 3 && !out.contains(parts[depth])) {
        out.add(parts[depth]);
      }
    });
    return out;
  }

  private static List<String> ordered(Set<String> names, List<String> order) {
    List<String> out = new ArrayList<>();
    for (String n : order) {
      if (names.contains(n)) {
        out.add(n);
      }
    }
    names.stream().filter(n -> !out.contains(n)).sorted().forEach(out::add);
    return out;
  }

  /**
   * Each setting's mean rank over the cases (see the class comment), NaN for a setting scored on no case.
   */
  public static double[] meanRanks(Table t) {
    double[] sum = new double[t.settings().size()];
    int[] count = new int[t.settings().size()];
    for (int c = 0; c < t.cases().size(); c++) {
      List<Integer> scored = new ArrayList<>();
      for (int k = 0; k < t.settings().size(); k++) {
        Cell cell = t.cells()[c][k];
        if (cell != null && !Double.isNaN(cell.stat().mean())) {
          scored.add(k);
        }
      }
      for (int k : scored) {
        double mine = t.cells()[c][k].stat().mean();
        int better = 0;
        int equal = 0;
        for (int j : scored) {
          double other = t.cells()[c][j].stat().mean();
          better += other > mine ? 1 : 0;
          equal += other == mine ? 1 : 0;
        }
        // Ranks better+1 .. better+equal are shared: each gets their mean.
        sum[k] += better + (equal + 1) / 2.0;
        count[k]++;
      }
    }
    double[] out = new double[sum.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = count[k] == 0 ? Double.NaN : sum[k] / count[k];
    }
    return out;
  }

  /** The metrics.csv column of a run's wall time so far, the x of the return-vs-wall-time curves. */
  public static final String WALL_COLUMN = "wall_s";

  /**
   * Writes table.md, table.csv, heatmap.png and curves/<case>.png under {@code outDir}, and curves/<case>-wall.png
   * (the same curves against wall time) for the cases whose runs write {@value #WALL_COLUMN}.
   */
  public static Written write(Table t, Path outDir, int cellWidth, int cellHeight) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(outDir.resolve("curves"));
    Path heat = outDir.resolve("heatmap.png");
    heatMap(t, heat, cellWidth, cellHeight);
    List<Path> curves = new ArrayList<>();
    for (int c = 0; c < t.cases().size(); c++) {
      Path png = outDir.resolve("curves").resolve(ReportWriter.fileName(t.cases().get(c)) + ".png");
      if (curves(t, c, png, null)) {
        curves.add(png);
      }
      Path wallPng = outDir.resolve("curves").resolve(ReportWriter.fileName(t.cases().get(c)) + "-wall.png");
      if (curves(t, c, wallPng, WALL_COLUMN)) {
        curves.add(wallPng);
      }
    }
    Path csv = outDir.resolve("table.csv");
    AtomicFiles.writeString(csv, csv(t));
    Path md = outDir.resolve("table.md");
    AtomicFiles.writeString(md, markdown(t, curves, outDir));
    return new Written(md, csv, heat, curves);
  }

  static String csv(Table t) {
    StringBuilder b = new StringBuilder("case,setting,runs,scored,mean,ci95,wall_seconds,scores\n");
    for (int c = 0; c < t.cases().size(); c++) {
      for (int k = 0; k < t.settings().size(); k++) {
        Cell cell = t.cells()[c][k];
        if (cell == null) {
          continue;
        }
        b.append(t.cases().get(c)).append(',').append('"').append(t.settings().get(k)).append('"').append(',')
            .append(cell.scores().size()).append(',').append(cell.stat().n()).append(',')
            .append(num(cell.stat().mean())).append(',').append(num(cell.stat().ci95())).append(',')
            .append(num(cell.wallSeconds())).append(',').append('"');
        List<String> parts = new ArrayList<>();
        cell.scores().forEach((seed, v) -> parts.add(seed + "=" + num(v)));
        b.append(String.join(" ", parts)).append("\"\n");
      }
    }
    return b.toString();
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }

  static String markdown(Table t, List<Path> curves, Path outDir) {
    StringBuilder md = new StringBuilder();
    md.append("# Sweep table\n\n");
    md.append("Score of a run: the maximum of `").append(t.metric())
        .append("` over the run (POPGym's maximum mean episodic return); each cell: mean ± 95% interval (Student t) "
            + "over the seeds scored, (n) seeds.\n\n");
    caseTable(t, md, (c, k) -> t.cells()[c][k] == null ? "–" : meanCi(t.cells()[c][k].stat()));
    md.append("\n![heat-map](heatmap.png)\n");
    finalEvaluations(t, md);
    double[] ranks = meanRanks(t);
    Integer[] order = new Integer[ranks.length];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    Arrays.sort(order, (a, b) -> Double.compare(Double.isNaN(ranks[a]) ? Double.MAX_VALUE : ranks[a],
        Double.isNaN(ranks[b]) ? Double.MAX_VALUE : ranks[b]));
    md.append("\n## Ranking\n\nMean rank over the cases (1 = best in every case), mean score over the cases, "
        + "cases scored, and the wall time of all its runs.\n\n");
    md.append("| place | setting | mean rank | mean score | cases | wall s |\n| ---: | --- | ---: | ---: | ---: | ---: |\n");
    for (int i = 0; i < order.length; i++) {
      int k = order[i];
      double sum = 0;
      int n = 0;
      double wall = 0;
      for (int c = 0; c < t.cases().size(); c++) {
        Cell cell = t.cells()[c][k];
        if (cell != null && !Double.isNaN(cell.stat().mean())) {
          sum += cell.stat().mean();
          n++;
        }
        if (cell != null && !Double.isNaN(cell.wallSeconds())) {
          wall += cell.wallSeconds();
        }
      }
      md.append("| ").append(i + 1).append(" | ").append(t.label(k)).append(" | ").append(fmt(ranks[k], 2))
          .append(" | ").append(n == 0 ? "–" : fmt(sum / n, 3)).append(" | ").append(n).append(" | ")
          .append(fmt(wall, 0)).append(" |\n");
    }
    md.append("\n## Wall time per cell (seconds, all seeds)\n\n| case |");
    for (int k = 0; k < t.settings().size(); k++) {
      md.append(' ').append(t.label(k)).append(" |");
    }
    md.append(" total |\n| --- |").append(" ---: |".repeat(t.settings().size() + 1)).append('\n');
    for (int c = 0; c < t.cases().size(); c++) {
      md.append("| ").append(t.cases().get(c)).append(" |");
      double total = 0;
      for (int k = 0; k < t.settings().size(); k++) {
        Cell cell = t.cells()[c][k];
        boolean has = cell != null && !Double.isNaN(cell.wallSeconds());
        md.append(' ').append(has ? fmt(cell.wallSeconds(), 0) : "–").append(" |");
        total += has ? cell.wallSeconds() : 0;
      }
      md.append(' ').append(fmt(total, 0)).append(" |\n");
    }
    if (!curves.isEmpty()) {
      md.append("\n## Learning curves\n\n");
      for (Path p : curves) {
        md.append("![").append(p.getFileName()).append("](").append(outDir.relativize(p).toString().replace('\\', '/'))
            .append(")\n\n");
      }
    }
    return md.toString();
  }

  /**
   * The table of the runs' final evaluations (summary.json's {@code eval.mean_return}: the trained policy on fresh
   * episodes, what RL² and ALD runs report), mean ± 95% interval over seeds; nothing when no run has one.
   */
  static void finalEvaluations(Table t, StringBuilder md) {
    MeanCi[][] evals = new MeanCi[t.cases().size()][t.settings().size()];
    boolean any = false;
    for (int c = 0; c < t.cases().size(); c++) {
      for (int k = 0; k < t.settings().size(); k++) {
        double[] v = t.runs().get(c).get(k).values().stream().map(RunData::summary)
            .filter(j -> j != null && j.path("eval").path("mean_return").isNumber())
            .mapToDouble(j -> j.path("eval").path("mean_return").asDouble()).toArray();
        if (v.length > 0) {
          evals[c][k] = MeanCi.studentT(v);
          any = true;
        }
      }
    }
    if (!any) {
      return;
    }
    md.append("\n## Final evaluation\n\nsummary.json's `eval.mean_return` (the trained policy on fresh episodes at the "
        + "end of the run): mean ± 95% interval (Student t) over seeds, (n) seeds.\n\n");
    caseTable(t, md, (c, k) -> evals[c][k] == null ? "–" : meanCi(evals[c][k]));
  }

  /** A markdown table with a row per case and a column per setting, each cell {@code cell.apply(case, setting)}. */
  private static void caseTable(Table t, StringBuilder md, java.util.function.BiFunction<Integer, Integer, String> cell) {
    md.append("| case |");
    for (int k = 0; k < t.settings().size(); k++) {
      md.append(' ').append(t.label(k)).append(" |");
    }
    md.append("\n| --- |").append(" ---: |".repeat(t.settings().size())).append('\n');
    for (int c = 0; c < t.cases().size(); c++) {
      md.append("| ").append(t.cases().get(c)).append(" |");
      for (int k = 0; k < t.settings().size(); k++) {
        md.append(' ').append(cell.apply(c, k)).append(" |");
      }
      md.append('\n');
    }
  }

  private static String meanCi(MeanCi m) {
    if (Double.isNaN(m.mean())) {
      return "– (0)";
    }
    return fmt(m.mean(), 3) + (Double.isNaN(m.ci95()) ? "" : " ± " + fmt(m.ci95(), 3)) + " (" + m.n() + ")";
  }

  private static String fmt(double v, int decimals) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /**
   * The heat-map's colour scale {min, max}: POPGym's normalised returns get one fixed scale, [-1, 1], so two
   * tables' colours compare; other scores span their own range. A float return of 1 reads back as 1.0000000298 in
   * double, so the test for [-1, 1] allows float rounding.
   */
  static double[] colourScale(boolean empty, double min, double max) {
    if (empty || (min >= -1 - 1e-6 && max <= 1 + 1e-6)) {
      return new double[] {-1, 1};
    }
    if (min == max) {
      return new double[] {min - 0.5, max + 0.5};
    }
    return new double[] {min, max};
  }

  /** Cases down, settings across, each cell coloured by its mean score and labelled with it. */
  private static void heatMap(Table t, Path png, int cellWidth, int cellHeight) throws IOException {
    int[] size = heatMapSize(t, cellWidth, cellHeight);
    HeatMapChart chart = new HeatMapChartBuilder().width(size[0]).height(size[1])
        .title("max mean " + t.metric() + " (mean over seeds)").build();
    chart.getStyler().setShowValue(true);
    chart.getStyler().setHeatMapValueDecimalPattern("0.00");
    chart.getStyler().setPlotContentSize(1.0);
    chart.getStyler().setRangeColors(new Color[] {new Color(0xd7301f), new Color(0xfdd49e), new Color(0x1a9850)});
    List<String> columns = new ArrayList<>();
    for (int k = 0; k < t.settings().size(); k++) {
      columns.add(t.label(k));
    }
    List<Number[]> values = new ArrayList<>();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < t.cases().size(); c++) {
      for (int k = 0; k < t.settings().size(); k++) {
        Cell cell = t.cells()[c][k];
        if (cell != null && !Double.isNaN(cell.stat().mean())) {
          double m = cell.stat().mean();
          // XChart draws y index 0 at the bottom: the first case goes last so the table reads top-down.
          values.add(new Number[] {k, t.cases().size() - 1 - c, m});
          min = Math.min(min, m);
          max = Math.max(max, m);
        }
      }
    }
    double[] scale = colourScale(values.isEmpty(), min, max);
    chart.getStyler().setMin(scale[0]);
    chart.getStyler().setMax(scale[1]);
    List<String> rowsBottomUp = new ArrayList<>(t.cases());
    java.util.Collections.reverse(rowsBottomUp);
    chart.addSeries("score", columns, rowsBottomUp, values);
    AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
  }

  /** The heat-map's width and height in pixels: room for the labels plus one cell per (case, setting). */
  public static int[] heatMapSize(Table t, int cellWidth, int cellHeight) {
    return new int[] {420 + cellWidth * t.settings().size(), 140 + cellHeight * t.cases().size()};
  }

  /** The most points a learning curve gets (its error bars stay readable). */
  private static final int CURVE_POINTS = 120;

  /**
   * One line per setting: the metric's mean over seeds with 95% error bars against the step or, with {@code xColumn},
   * against that column (wall time), each seed counting with its latest evaluation at or before x and a run that
   * ended earlier holding its last one ({@link SeedCurves}); false if no data.
   */
  private static boolean curves(Table t, int c, Path png, String xColumn) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(520)
        .title(t.cases().get(c) + (xColumn == null ? "" : " (against " + xColumn + ")")).yAxisTitle(t.metric())
        .build();
    chart.getStyler().setToolTipsEnabled(false);
    chart.getStyler().setYAxisDecimalPattern("0.00");
    // Error bars in their line's colour (XChart draws them black), so each band reads as its setting's.
    chart.getStyler().setErrorBarsColorSeriesColor(true);
    String stepName = null;
    boolean any = false;
    for (int k = 0; k < t.settings().size(); k++) {
      Map<String, RunData> seeds = t.runs().get(c).get(k);
      List<double[][]> points = new ArrayList<>();
      for (RunData r : seeds.values()) {
        double[] y = r.column(t.metric());
        double[] x = xColumn == null ? r.values()[0] : r.column(xColumn);
        if (y == null || x == null) {
          continue;
        }
        stepName = stepName == null ? (xColumn == null ? r.columns().get(0) : xColumn) : stepName;
        List<double[]> run = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
          if (!Double.isNaN(y[i]) && !Double.isNaN(x[i])) {
            run.add(new double[] {x[i], y[i]});
          }
        }
        run.sort(java.util.Comparator.comparingDouble(p -> p[0]));
        if (!run.isEmpty()) {
          points.add(run.toArray(double[][]::new));
        }
      }
      if (points.isEmpty()) {
        continue;
      }
      SeedCurves.Curve curve = SeedCurves.mean(points, CURVE_POINTS);
      double[] xs = curve.x();
      double[] ys = curve.mean();
      double[] err = curve.ci95();
      XYSeries s = chart.addSeries(t.label(k), xs, ys, err);
      s.setLineColor(PALETTE[k % PALETTE.length]);
      s.setMarker(SeriesMarkers.NONE);
      s.setLineStyle(new BasicStroke(1.5f));
      any = true;
    }
    if (!any) {
      return false;
    }
    chart.setXAxisTitle(stepName);
    AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    return true;
  }
}
