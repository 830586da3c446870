package dev.mnemo.experiments.report;

import dev.mnemo.agents.stats.MeanCi;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mnemo.experiments.run.AtomicFiles;
import dev.mnemo.experiments.run.Json;
import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes {@code report.md} (a summary table of every run, then final/mean/min/max of every metric) and one
 * PNG line plot per metric against the step column, with one line per run, under {@code plots/}.
 */
public final class ReportWriter {

  /** What was written. */
  public record Report(Path markdown, List<Path> plots) {}

  /** Beyond this many points a line is thinned: the PNG cannot show more, and XChart slows down. */
  static final int MAX_POINTS = 2000;

  private final int width;
  private final int height;

  public ReportWriter(int width, int height) {
    if (width < 100 || height < 100) {
      throw new IllegalArgumentException("plot size: expected at least 100x100 pixels, got " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
  }

  public Report write(List<RunData> runs, Path outDir) throws IOException {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("report: no runs given");
    }
    // Plotting runs headless: CI machines and servers have no display.
    System.setProperty("java.awt.headless", "true");
    runs = uniqueLabels(runs);
    Files.createDirectories(outDir.resolve("plots"));
    Set<String> metrics = new LinkedHashSet<>();
    for (RunData r : runs) {
      if (!r.columns().isEmpty()) {
        metrics.addAll(r.columns().subList(1, r.columns().size()));
      }
    }
    List<Path> plots = new ArrayList<>();
    List<String> plotLinks = new ArrayList<>();
    for (String m : metrics) {
      Path png = outDir.resolve("plots").resolve(fileName(m) + ".png");
      if (plot(runs, m, png)) {
        plots.add(png);
        plotLinks.add("![" + m + "](plots/" + png.getFileName() + ")");
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("# Mnemo report\n\n");
    summaryTable(runs, md);
    withinTrialTable(runs, md);
    pairedTables(runs, md);
    configDifferences(runs, md);
    groupTable(runs, md);
    metricsTable(runs, metrics, md);
    if (!plotLinks.isEmpty()) {
      md.append("\n## Plots\n\n");
      for (String l : plotLinks) {
        md.append(l).append("\n\n");
      }
    }
    Path markdown = outDir.resolve("report.md");
    AtomicFiles.writeString(markdown, md.toString());
    return new Report(markdown, plots);
  }

  private static List<RunData> uniqueLabels(List<RunData> runs) {
    List<RunData> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (RunData r : runs) {
      String l = r.label();
      for (int i = 2; !seen.add(l); i++) {
        l = r.label() + " #" + i;
      }
      out.add(l.equals(r.label()) ? r : r.withLabel(l));
    }
    return out;
  }

  static String fileName(String metric) {
    return metric.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  private static void summaryTable(List<RunData> runs, StringBuilder md) {
    md.append("## Runs\n\n");
    md.append("| run | kind | status | wall s | env steps | learner updates | eval mean return | ci95 | episodes | solved |\n");
    md.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    List<String> errors = new ArrayList<>();
    for (RunData r : runs) {
      JsonNode s = r.summary();
      JsonNode eval = s == null ? null : s.get("eval");
      md.append("| ").append(cell(r.label())).append(" | ").append(text(s, "kind")).append(" | ")
          .append(text(s, "status")).append(" | ").append(num(s, "wall_seconds")).append(" | ")
          .append(num(s, "env_steps")).append(" | ").append(num(s, "learner_updates")).append(" | ")
          .append(num(eval, "mean_return")).append(" | ").append(num(eval, "ci95")).append(" | ")
          .append(num(eval, "episodes")).append(" | ").append(text(eval, "solved")).append(" |\n");
      if (s != null && s.hasNonNull("error")) {
        errors.add("- " + cell(r.label()) + ": " + s.get("error").asText());
      }
    }
    if (!errors.isEmpty()) {
      md.append("\nErrors:\n\n").append(String.join("\n", errors)).append('\n');
    }
  }

  /**
   * For runs in trials of several inner episodes (RL²): the final evaluation's mean return of each inner episode by
   * its index, every index up to 10 episodes, else a spread of them (1, 2, 3, 5, 10, the quarters, the last).
   */
  private static void withinTrialTable(List<RunData> runs, StringBuilder md) {
    int episodes = 0;
    for (RunData r : runs) {
      episodes = Math.max(episodes, byEpisode(r).size());
    }
    if (episodes == 0) {
      return;
    }
    java.util.TreeSet<Integer> shown = new java.util.TreeSet<>();
    if (episodes <= 10) {
      for (int e = 1; e <= episodes; e++) {
        shown.add(e);
      }
    } else {
      for (int e : new int[] {1, 2, 3, 5, 10, episodes / 4, episodes / 2, 3 * episodes / 4, episodes}) {
        shown.add(Math.max(1, e));
      }
    }
    md.append("\n## Return by episode within a trial (final evaluation)\n\n| run |");
    for (int e : shown) {
      md.append(" episode ").append(e).append(" |");
    }
    md.append("\n| --- |").append(" ---: |".repeat(shown.size())).append('\n');
    for (RunData r : runs) {
      JsonNode v = byEpisode(r);
      md.append("| ").append(cell(r.label())).append(" |");
      for (int e : shown) {
        md.append(' ').append(e <= v.size() ? fmt(v.get(e - 1).asDouble()) : "–").append(" |");
      }
      md.append('\n');
    }
  }

  /**
   * For runs compared with a baseline table on its own tasks ({@code mnemo eval RUN --baseline-tasks CONF}, every
   * {@code eval/*-baseline-tasks-seed*.json}): each baseline's figure and the run's paired difference with it.
   */
  private static void pairedTables(List<RunData> runs, StringBuilder md) throws IOException {
    boolean headed = false;
    for (RunData r : runs) {
      Path evalDir = r.dir().resolve("eval");
      if (!Files.isDirectory(evalDir)) {
        continue;
      }
      List<Path> files;
      try (var listing = Files.list(evalDir)) {
        files = listing.filter(f -> f.getFileName().toString().matches(".*-baseline-tasks-seed\\d+\\.json")).sorted()
            .toList();
      }
      for (Path f : files) {
        JsonNode e = Json.read(f);
        if (!headed) {
          md.append("\n## Against the baselines on their own tasks (paired)\n");
          headed = true;
        }
        md.append("\n").append(cell(r.label())).append(", `eval/").append(f.getFileName()).append("`: ")
            .append(fmt(e.path("mean_return").asDouble())).append(" ± ").append(fmt(e.path("ci95").asDouble()))
            .append(" over ").append(e.path("tasks").asInt()).append(" tasks of `")
            .append(e.path("baseline_config").asText()).append("`\n\n| baseline | setting | baseline mean ± 95% CI | "
                + "run − baseline, paired ± 95% CI |\n| --- | --- | ---: | ---: |\n");
        for (JsonNode b : e.path("baselines")) {
          md.append("| ").append(cell(b.path("algorithm").asText())).append(" | ")
              .append(cell(b.path("hyperparameter").asText())).append(" | ").append(fmt(b.path("mean").asDouble()))
              .append(" ± ").append(fmt(b.path("ci95").asDouble())).append(" | ")
              .append(fmt(b.path("policy_minus_baseline").asDouble())).append(" ± ")
              .append(fmt(b.path("policy_minus_baseline_ci95").asDouble())).append(" |\n");
        }
      }
    }
  }

  private static JsonNode byEpisode(RunData r) {
    JsonNode s = r.summary();
    JsonNode v = s == null ? null : s.get("final_eval_by_episode_in_trial");
    return v != null && v.isArray() ? v : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** Beyond this many differing keys the table would not fit a page; the rest are counted. */
  static final int MAX_DIFF_KEYS = 12;

  /** Which config keys differ between the runs, and their values: what the comparison is about. */
  private static void configDifferences(List<RunData> runs, StringBuilder md) throws IOException {
    if (runs.size() < 2) {
      return;
    }
    List<java.util.Map<String, String>> configs = new ArrayList<>();
    Set<String> keys = new java.util.TreeSet<>();
    for (RunData r : runs) {
      java.util.Map<String, String> c = r.configValues();
      configs.add(c);
      keys.addAll(c.keySet());
    }
    if (configs.stream().allMatch(java.util.Map::isEmpty)) {
      return;
    }
    List<String> differing = new ArrayList<>();
    for (String k : keys) {
      if (k.equals("description")) {
        continue;
      }
      if (configs.stream().map(c -> c.getOrDefault(k, "–")).distinct().count() > 1) {
        differing.add(k);
      }
    }
    md.append("\n## Config differences\n\n");
    if (differing.isEmpty()) {
      md.append("The runs share one config.\n");
      return;
    }
    List<String> shown = differing.subList(0, Math.min(differing.size(), MAX_DIFF_KEYS));
    md.append("| run | ").append(String.join(" | ", shown.stream().map(ReportWriter::cell).toList())).append(" |\n");
    md.append("| --- |").append(" --- |".repeat(shown.size())).append('\n');
    for (int i = 0; i < runs.size(); i++) {
      md.append("| ").append(cell(runs.get(i).label())).append(" |");
      for (String k : shown) {
        md.append(' ').append(cell(configs.get(i).getOrDefault(k, "–"))).append(" |");
      }
      md.append('\n');
    }
    if (differing.size() > shown.size()) {
      md.append("\n(").append(differing.size() - shown.size()).append(" more differing keys: ")
          .append(String.join(", ", differing.subList(shown.size(), differing.size()))).append(")\n");
    }
  }

  /** The config a run belongs to: its parent directory's name (runs/<config name>/<time>/). */
  static String group(RunData r) {
    Path parent = r.dir().toAbsolutePath().normalize().getParent();
    return parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
  }

  /**
   * Runs of the same config (seeds, repeats) summarised together: the mean of their evaluation returns with
   * a Student-t 95% interval over runs. Shown only when some config has two or more evaluated runs.
   */
  private static void groupTable(List<RunData> runs, StringBuilder md) {
    java.util.Map<String, List<RunData>> groups = new java.util.LinkedHashMap<>();
    for (RunData r : runs) {
      groups.computeIfAbsent(group(r), g -> new ArrayList<>()).add(r);
    }
    boolean any = false;
    StringBuilder t = new StringBuilder();
    t.append("\n## Across runs of one config\n\n");
    t.append("| config | runs | completed | evaluated | mean return over runs | ci95 (t) | solved | mean wall s |\n");
    t.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (var e : groups.entrySet()) {
      List<RunData> rs = e.getValue();
      List<Double> returns = new ArrayList<>();
      int completed = 0;
      int solved = 0;
      int withSolved = 0;
      double wall = 0;
      int walls = 0;
      for (RunData r : rs) {
        JsonNode s = r.summary();
        if (s == null) {
          continue;
        }
        if ("completed".equals(s.path("status").asText())) {
          completed++;
        }
        if (s.path("wall_seconds").isNumber()) {
          wall += s.get("wall_seconds").asDouble();
          walls++;
        }
        JsonNode eval = s.get("eval");
        if (eval != null && eval.path("mean_return").isNumber()) {
          returns.add(eval.get("mean_return").asDouble());
          if (eval.has("solved")) {
            withSolved++;
            solved += eval.get("solved").asBoolean() ? 1 : 0;
          }
        }
      }
      if (returns.size() < 2) {
        continue;
      }
      any = true;
      MeanCi m = MeanCi.studentT(returns.stream().mapToDouble(Double::doubleValue).toArray());
      t.append("| ").append(cell(e.getKey())).append(" | ").append(rs.size()).append(" | ").append(completed)
          .append(" | ").append(returns.size()).append(" | ").append(fmt(m.mean())).append(" | ")
          .append(fmt(m.ci95())).append(" | ").append(withSolved == 0 ? "–" : solved + "/" + withSolved)
          .append(" | ").append(walls == 0 ? "–" : fmt(wall / walls)).append(" |\n");
    }
    if (any) {
      md.append(t);
    }
  }

  private static void metricsTable(List<RunData> runs, Set<String> metrics, StringBuilder md) {
    if (metrics.isEmpty()) {
      md.append("\nNo metrics were recorded.\n");
      return;
    }
    md.append("\n## Metrics\n\n");
    md.append("| metric | run | final | mean | min | max | points |\n");
    md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (String m : metrics) {
      for (RunData r : runs) {
        double[] v = r.column(m);
        if (v == null) {
          continue;
        }
        double last = Double.NaN;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (double x : v) {
          if (!Double.isNaN(x)) {
            last = x;
            sum += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
            n++;
          }
        }
        md.append("| ").append(cell(m)).append(" | ").append(cell(r.label())).append(" | ");
        if (n == 0) {
          md.append("– | – | – | – | 0 |\n");
        } else {
          md.append(fmt(last)).append(" | ").append(fmt(sum / n)).append(" | ").append(fmt(min)).append(" | ")
              .append(fmt(max)).append(" | ").append(n).append(" |\n");
        }
      }
    }
  }

  /** One line per run that has this metric; false when no run has a value for it. */
  private boolean plot(List<RunData> runs, String metric, Path png) throws IOException {
    String stepName = null;
    XYChart chart = new XYChartBuilder().width(width).height(height).title(metric).yAxisTitle(metric).build();
    chart.getStyler().setLegendVisible(runs.size() > 1);
    chart.getStyler().setToolTipsEnabled(false);
    boolean any = false;
    for (RunData r : runs) {
      double[] y = r.column(metric);
      if (y == null) {
        continue;
      }
      double[] x = r.values()[0];
      stepName = stepName == null ? r.columns().get(0) : stepName;
      int n = 0;
      for (double v : y) {
        if (!Double.isNaN(v)) {
          n++;
        }
      }
      if (n == 0) {
        continue;
      }
      int stride = (n + MAX_POINTS - 1) / MAX_POINTS;
      int kept = (n + stride - 1) / stride;
      double[] xs = new double[kept];
      double[] ys = new double[kept];
      int seen = 0;
      int k = 0;
      int lastIndex = -1;
      for (int i = 0; i < y.length; i++) {
        if (Double.isNaN(y[i])) {
          continue;
        }
        lastIndex = i;
        if (seen++ % stride == 0 && k < kept) {
          xs[k] = x[i];
          ys[k] = y[i];
          k++;
        }
      }
      // Keep the final point: "where did it end" is what the reader looks for.
      xs[kept - 1] = x[lastIndex];
      ys[kept - 1] = y[lastIndex];
      XYSeries s = chart.addSeries(r.label(), xs, ys);
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

  private static String cell(String s) {
    return s.replace("|", "\\|");
  }

  private static String text(JsonNode n, String field) {
    return n == null || !n.hasNonNull(field) ? "–" : cell(n.get(field).asText());
  }

  private static String num(JsonNode n, String field) {
    if (n == null || !n.hasNonNull(field)) {
      return "–";
    }
    JsonNode v = n.get(field);
    return v.isNumber() ? fmt(v.asDouble()) : cell(v.asText());
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e6) {
      String s = String.format(Locale.ROOT, "%.4f", v);
      return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
