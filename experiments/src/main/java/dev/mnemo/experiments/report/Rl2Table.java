package dev.mnemo.experiments.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.mnemo.agents.baselines.PaperReference;
import dev.mnemo.agents.baselines.mdp.MdpPaperReference;
import dev.mnemo.experiments.run.AtomicFiles;
import dev.mnemo.experiments.run.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The RL² table of {@code experiments/rl2}: every RL² run under a directory (final and peak figures from its
 * summary.json, on 1000 fresh tasks) beside the baselines measured here (the bandit and MDP baselines'
 * results.csv, each with the paper's figure) and the paper's RL² column. Writes results.csv and table.md.
 *
 * <p>{@code java -cp mnemo-experiments.jar dev.mnemo.experiments.report.Rl2Table RUNS_DIR BANDIT_CSV MDP_CSV OUT_DIR}
 * (a missing baseline file leaves its columns empty).
 */
public final class Rl2Table {
  private static final Pattern BANDIT = Pattern.compile("bandit\\?arms=(\\d+)&pulls=(\\d+)");
  private static final Pattern MDP = Pattern.compile("mdp\\?episodes=(\\d+)");
  private static final List<String> BANDIT_COLUMNS = List.of("random", "gittins", "ts", "ots", "ucb1", "eps_greedy",
      "greedy");
  private static final List<String> MDP_COLUMNS = List.of("random", "psrl", "opsrl", "ucrl2", "beb", "eps_greedy",
      "greedy");

  private Rl2Table() {}

  /**
   * One RL² run: its setting and figures. {@code resumed}: the run continued from a checkpoint, so its summary's wall
   * time counts only the time since the resume (the table says so instead of passing it off as the run's).
   */
  record Rl2Run(String family, int n, int k, Path dir, double finalMean, double finalCi, double peakMean,
      double peakCi, long envSteps, double wallSeconds, boolean resumed) {
  }

  /** A baseline figure: ours and the paper's. */
  record Figure(double mean, double ci95, double paper) {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: Rl2Table RUNS_DIR BANDIT_BASELINES_CSV MDP_BASELINES_CSV OUT_DIR");
      System.exit(2);
    }
    write(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
  }

  public static void write(Path runsDir, Path banditCsv, Path mdpCsv, Path outDir) throws IOException {
    List<Rl2Run> runs = runs(runsDir);
    Map<String, Figure> bandits = baselines(banditCsv, true);
    Map<String, Figure> mdps = baselines(mdpCsv, false);
    PaperReference paper = PaperReference.load();
    MdpPaperReference paperMdp = MdpPaperReference.load();
    StringBuilder csv = new StringBuilder("family,n,k,algorithm,mean,ci95,paper,source\n");
    StringBuilder md = new StringBuilder();
    md.append("# RL² beside the baselines and the paper (Duan et al. 2016, Tables 1 and 2)\n\n");
    md.append("Each cell: our mean ± 95% CI over 1000 tasks, then the paper's figure in brackets. RL² final: the "
        + "parameters at the end of the run; peak: the best periodic evaluation's parameters re-evaluated on the same "
        + "1000 fresh tasks as final (so not selected on them). ✓: the paper's RL² figure is inside our final CI or "
        + "below our final mean; ✗: above our CI.\n\n");
    bestPerSetting(md, runs, paper, paperMdp);
    md.append("## Bandits (total reward over n pulls of k arms)\n\n| n | k | ");
    md.append(String.join(" | ", BANDIT_COLUMNS)).append(" | RL² final | RL² peak | paper RL² | | env steps | wall | run |\n");
    md.append("|---:|---:|").append("---:|".repeat(BANDIT_COLUMNS.size())).append("---:|---:|---:|---|---:|---:|---|\n");
    for (Rl2Run r : runs) {
      if (!r.family().equals("bandit")) {
        continue;
      }
      double p = paperRl2(r, paper, paperMdp);
      md.append("| ").append(r.n()).append(" | ").append(r.k()).append(" | ");
      for (String a : BANDIT_COLUMNS) {
        Figure f = bandits.get(r.n() + "/" + r.k() + "/" + a);
        md.append(f == null ? "–" : cell(f.mean(), f.ci95(), f.paper())).append(" | ");
        if (f != null) {
          csv.append(row("bandit", r.n(), r.k(), a, f.mean(), f.ci95(), f.paper(), "bandit-baselines"));
        }
      }
      rl2Cells(md, csv, r, p);
    }
    pairedBandits(md, csv, runs, paper);
    md.append("\n## Random MDPs (total reward over n episodes)\n\n| n | ");
    md.append(String.join(" | ", MDP_COLUMNS)).append(" | RL² final | RL² peak | paper RL² | | env steps | wall | run |\n");
    md.append("|---:|").append("---:|".repeat(MDP_COLUMNS.size())).append("---:|---:|---:|---|---:|---:|---|\n");
    for (Rl2Run r : runs) {
      if (!r.family().equals("mdp")) {
        continue;
      }
      md.append("| ").append(r.n()).append(" | ");
      for (String a : MDP_COLUMNS) {
        Figure f = mdps.get(r.n() + "/0/" + a);
        md.append(f == null ? "–" : cell(f.mean(), f.ci95(), f.paper())).append(" | ");
        if (f != null) {
          csv.append(row("mdp", r.n(), 0, a, f.mean(), f.ci95(), f.paper(), "mdp-baselines"));
        }
      }
      rl2Cells(md, csv, r, paperRl2(r, paper, paperMdp));
    }
    pairedMdps(md, csv, runs, paperMdp);
    greedy(md, csv, runs, paper, paperMdp);
    md.append("\nRuns: ");
    for (Rl2Run r : runs) {
      md.append("`").append(outDir.toAbsolutePath().relativize(r.dir().toAbsolutePath())).append("/` ");
    }
    md.append("\n");
    Files.createDirectories(outDir);
    AtomicFiles.writeString(outDir.resolve("results.csv"), csv.toString());
    AtomicFiles.writeString(outDir.resolve("table.md"), md.toString());
  }

  /** The settings of the paper's Table 1 (bandits: n pulls of k arms) and Table 2 (MDPs: n episodes). */
  private static final int[] BANDIT_PULLS = {10, 100, 500};
  private static final int[] BANDIT_ARMS = {5, 10, 50};
  private static final int[] MDP_EPISODES = {10, 25, 50, 75, 100};

  /**
   * One row per setting of the paper's tables: of the committed runs in that setting, the one whose final figure is
   * highest, with its verdict and the resolved config that repeats its recipe; "not run" where there is none. A
   * highest of several runs is a maximum, biased up by the choice (each run's own figure is on its own fresh tasks):
   * the count of runs is beside it.
   */
  private static void bestPerSetting(StringBuilder md, List<Rl2Run> runs, PaperReference paper,
      MdpPaperReference paperMdp) {
    md.append("## Each of the paper's settings: the run that ended highest\n\n")
        .append("Of the committed runs of a setting, the one with the highest final figure (a maximum over the runs "
            + "counted beside it, so biased up by the choice; every run is in the tables below). Its recipe is its "
            + "resolved `config.conf` (`./mnemo run RUN/config.conf` runs it afresh to that config's budget; "
            + "`reproduce.sh` repeats each run to its recorded env steps, resumes included).\n\n")
        .append("| family | n | k | paper RL² | best final | | runs | env steps | run |\n")
        .append("|---|---:|---:|---:|---:|---|---:|---:|---|\n");
    for (int n : BANDIT_PULLS) {
      for (int k : BANDIT_ARMS) {
        bestRow(md, runs, "bandit", n, k, paper.figure(n, k, "rl2").orElse(Double.NaN));
      }
    }
    for (int n : MDP_EPISODES) {
      bestRow(md, runs, "mdp", n, 0, paperMdp.figure(n, "rl2").orElse(Double.NaN));
    }
    md.append("\n");
  }

  private static void bestRow(StringBuilder md, List<Rl2Run> runs, String family, int n, int k, double paper) {
    Rl2Run best = null;
    int count = 0;
    for (Rl2Run r : runs) {
      if (r.family().equals(family) && r.n() == n && r.k() == k) {
        count++;
        if (best == null || r.finalMean() > best.finalMean()) {
          best = r;
        }
      }
    }
    String kCell = family.equals("bandit") ? Integer.toString(k) : "–";
    if (best == null) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | not run | | 0 | | |%n", family, n, kCell,
          paperFigure(paper)));
      return;
    }
    md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | **%.2f ± %.2f** | %s | %d | %s | `%s` |%n", family, n,
        kCell, paperFigure(paper), best.finalMean(), best.finalCi(), verdict(paper, best.finalMean(), best.finalCi()),
        count, steps(best.envSteps()), best.dir().resolve("config.conf")));
  }

  /** The file {@code mnemo eval RUN --baseline-tasks configs/bandit-baselines.conf} writes (final parameters). */
  static final String PAIRED_EVAL = "eval/result-baseline-tasks-seed1.json";
  /** gittins_fixed: the index with the authors' fixed look-ahead of 500 pulls, the Gittins the paper's table ran. */
  private static final List<String> PAIRED_BANDIT_COLUMNS = List.of("random", "gittins", "gittins_fixed", "ts", "ots",
      "ucb1", "greedy");
  private static final List<String> PAIRED_MDP_COLUMNS = List.of("random", "psrl", "opsrl", "ucrl2", "beb", "greedy");

  /**
   * The bandit runs' final parameters re-evaluated on the baseline table's own tasks and pull outcomes, each
   * baseline as the mean of the per-task differences RL² − baseline: the comparison the unpaired columns above
   * cannot make (their intervals are mostly the spread of the tasks).
   */
  private static void pairedBandits(StringBuilder md, StringBuilder csv, List<Rl2Run> runs, PaperReference paper)
      throws IOException {
    StringBuilder rows = pairedRows(csv, runs, "bandit", PAIRED_BANDIT_COLUMNS,
        r -> paper.figure(r.n(), r.k(), "rl2").orElse(Double.NaN),
        r -> paper.figure(r.n(), r.k(), "gittins").orElse(Double.NaN));
    if (rows.length() == 0) {
      return;
    }
    md.append("\n### Bandits on the baseline table's own tasks: RL² − baseline, task by task\n\n")
        .append("RL²'s final parameters on the 1000 tasks of the bandit-baselines table (the same arm probabilities "
            + "and the same outcome of the j-th pull of each arm), then for each baseline the mean over tasks of RL²'s "
            + "total minus the baseline's, ± its 95% CI (`mnemo eval RUN --baseline-tasks configs/bandit-baselines.conf`;"
            + " (=): the interval contains 0). gittins_fixed is the index with the authors' fixed look-ahead (500 pulls), "
            + "the Gittins column of the paper's table; the paper's own gap to it is in the last column.\n\n");
    pairedHeader(md, "| n | k |", PAIRED_BANDIT_COLUMNS, "paper RL² − paper Gittins", "|---:|---:|");
    md.append(rows);
  }

  /** The MDP runs on the MDP table's own tasks (the same transition and reward tables; their own outcomes). */
  private static void pairedMdps(StringBuilder md, StringBuilder csv, List<Rl2Run> runs, MdpPaperReference paper)
      throws IOException {
    StringBuilder rows = pairedRows(csv, runs, "mdp", PAIRED_MDP_COLUMNS,
        r -> paper.figure(r.n(), "rl2").orElse(Double.NaN), r -> paper.figure(r.n(), "psrl").orElse(Double.NaN));
    if (rows.length() == 0) {
      return;
    }
    md.append("\n### Random MDPs on the baseline table's own tasks: RL² − baseline, task by task\n\n")
        .append("RL²'s final parameters on the 1000 evaluation tasks of the mdp-baselines table (the same transition "
            + "and reward tables; the outcomes of its steps are its own), each baseline as the mean over tasks of RL²'s "
            + "total minus the baseline's, ± its 95% CI (`mnemo eval RUN --baseline-tasks configs/mdp-baselines.conf`; "
            + "(=): the interval contains 0).\n\n");
    pairedHeader(md, "| n |", PAIRED_MDP_COLUMNS, "paper RL² − paper PSRL", "|---:|");
    md.append(rows);
  }

  private static void pairedHeader(StringBuilder md, String lead, List<String> columns, String gap, String leadRule) {
    md.append(lead).append(" RL² on these tasks | ");
    for (String a : columns) {
      md.append("− ").append(a).append(" | ");
    }
    md.append(gap).append(" | run |\n").append(leadRule).append("---:|").append("---:|".repeat(columns.size()))
        .append("---:|---|\n");
  }

  /** One row per run of {@code family} with a paired evaluation; its CSV rows into {@code csv}. */
  private static StringBuilder pairedRows(StringBuilder csv, List<Rl2Run> runs, String family, List<String> columns,
      java.util.function.ToDoubleFunction<Rl2Run> paperRl2, java.util.function.ToDoubleFunction<Rl2Run> paperBaseline)
      throws IOException {
    StringBuilder rows = new StringBuilder();
    for (Rl2Run r : runs) {
      Path file = r.dir().resolve(PAIRED_EVAL);
      if (!r.family().equals(family) || !Files.isRegularFile(file)) {
        continue;
      }
      JsonNode e = Json.read(file);
      double p = paperRl2.applyAsDouble(r);
      double pb = paperBaseline.applyAsDouble(r);
      rows.append(family.equals("bandit") ? String.format(Locale.ROOT, "| %d | %d |", r.n(), r.k())
          : String.format(Locale.ROOT, "| %d |", r.n()));
      rows.append(String.format(Locale.ROOT, " %.2f ± %.2f |", e.path("mean_return").asDouble(),
          e.path("ci95").asDouble()));
      csv.append(row(family + "_paired", r.n(), r.k(), "rl2_final", e.path("mean_return").asDouble(),
          e.path("ci95").asDouble(), p, r.dir().toString()));
      for (String a : columns) {
        JsonNode b = null;
        for (JsonNode candidate : e.path("baselines")) {
          if (candidate.path("algorithm").asText().equals(a)) {
            b = candidate;
          }
        }
        if (b == null) {
          rows.append(" – |");
          continue;
        }
        double d = b.path("policy_minus_baseline").asDouble();
        double ci = b.path("policy_minus_baseline_ci95").asDouble();
        rows.append(String.format(Locale.ROOT, " %+.2f ± %.2f%s |", d, ci, Math.abs(d) > ci ? "" : " (=)"));
        csv.append(row(family + "_paired", r.n(), r.k(), "rl2_minus_" + a, d, ci, Double.NaN, r.dir().toString()));
      }
      rows.append(String.format(Locale.ROOT, " %s | %s |%n", Double.isNaN(p) || Double.isNaN(pb) ? "–"
          : String.format(Locale.ROOT, "%+.1f", p - pb), r.dir().getFileName()));
    }
    return rows;
  }

  /** What {@code mnemo eval RUN --tasks 1000} writes: the final parameters, sampled, on tasks of seed 1. */
  static final String SAMPLED_EVAL = "eval/result-seed1-n1000.json";
  /** The same tasks played with {@code --greedy}. */
  static final String GREEDY_EVAL = "eval/result-greedy-seed1-n1000.json";

  /**
   * Every run with both evaluations: its final policy sampled (as trained and as the columns above) and played by
   * its most probable action, on the same 1000 tasks. The ✓ column applies the table's rule to the greedy figure.
   */
  private static void greedy(StringBuilder md, StringBuilder csv, List<Rl2Run> runs, PaperReference paper,
      MdpPaperReference paperMdp) throws IOException {
    StringBuilder rows = new StringBuilder();
    for (Rl2Run r : runs) {
      Path sampledFile = r.dir().resolve(SAMPLED_EVAL);
      Path greedyFile = r.dir().resolve(GREEDY_EVAL);
      if (!Files.isRegularFile(sampledFile) || !Files.isRegularFile(greedyFile)) {
        continue;
      }
      JsonNode sampled = Json.read(sampledFile);
      JsonNode greedy = Json.read(greedyFile);
      double p = paperRl2(r, paper, paperMdp);
      double gm = greedy.path("mean_return").asDouble();
      double gc = greedy.path("ci95").asDouble();
      rows.append(String.format(Locale.ROOT, "| %s | %d | %s | %.2f ± %.2f | **%.2f ± %.2f** | %+.2f | %s | %s | %s |%n",
          r.family(), r.n(), r.family().equals("bandit") ? Integer.toString(r.k()) : "–",
          sampled.path("mean_return").asDouble(), sampled.path("ci95").asDouble(), gm, gc,
          gm - sampled.path("mean_return").asDouble(), paperFigure(p), verdict(p, gm, gc), r.dir().getFileName()));
      csv.append(row(r.family() + "_eval", r.n(), r.k(), "rl2_sampled", sampled.path("mean_return").asDouble(),
          sampled.path("ci95").asDouble(), p, r.dir().toString()));
      csv.append(row(r.family() + "_eval", r.n(), r.k(), "rl2_greedy", gm, gc, p, r.dir().toString()));
    }
    if (rows.length() == 0) {
      return;
    }
    md.append("\n## RL² sampled and played greedily, on the same 1000 fresh tasks\n\n")
        .append("The final parameters of each run on the tasks of `mnemo eval RUN --tasks 1000` (seed 1, apart from the "
            + "run's own evaluations), the policy's action sampled (as trained, and as every column above) and its "
            + "most probable action taken (`--greedy`). ✓ / ✗ as above, on the greedy figure.\n\n")
        .append("| family | n | k | sampled | greedy | greedy − sampled | paper RL² | | run |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---|---|\n")
        .append(rows);
  }

  /** The paper's RL² figure for a run's setting (Table 1 for bandits, Table 2 for MDPs), NaN if it has none. */
  private static double paperRl2(Rl2Run r, PaperReference paper, MdpPaperReference paperMdp) {
    return (r.family().equals("bandit") ? paper.figure(r.n(), r.k(), "rl2") : paperMdp.figure(r.n(), "rl2"))
        .orElse(Double.NaN);
  }

  /**
   * The table's rule: ✓ when the paper's figure is inside our interval or below our mean ({@code paper <= mean +
   * ci}), ✗ when above it, nothing when the paper has no figure.
   */
  private static String verdict(double paper, double mean, double ci) {
    return Double.isNaN(paper) ? "" : paper <= mean + ci ? "✓" : "✗";
  }

  /** A paper figure as the table prints it, "–" for none. */
  private static String paperFigure(double paper) {
    return Double.isNaN(paper) ? "–" : String.format(Locale.ROOT, "%.1f", paper);
  }

  private static void rl2Cells(StringBuilder md, StringBuilder csv, Rl2Run r, double paper) {
    md.append(String.format(Locale.ROOT, "**%.2f ± %.2f** | %.2f ± %.2f | %s | %s | %s | %.0f s%s | %s |%n",
        r.finalMean(), r.finalCi(), r.peakMean(), r.peakCi(), paperFigure(paper),
        verdict(paper, r.finalMean(), r.finalCi()), steps(r.envSteps()), r.wallSeconds(), r.resumed() ? " since its resume" : "", r.dir().getFileName()));
    csv.append(row(r.family(), r.n(), r.k(), "rl2_final", r.finalMean(), r.finalCi(), paper, r.dir().toString()));
    csv.append(row(r.family(), r.n(), r.k(), "rl2_peak", r.peakMean(), r.peakCi(), paper, r.dir().toString()));
  }

  private static String steps(long s) {
    return s >= 1_000_000 ? String.format(Locale.ROOT, "%.1fM", s / 1e6) : String.format(Locale.ROOT, "%dk",
        s / 1000);
  }

  private static String cell(double mean, double ci, double paper) {
    return String.format(Locale.ROOT, "%.2f ± %.2f (%s)", mean, ci, paperFigure(paper));
  }

  private static String row(String family, int n, int k, String algorithm, double mean, double ci, double paper,
      String source) {
    return String.format(Locale.ROOT, "%s,%d,%d,%s,%.4f,%.4f,%s,%s%n", family, n, k, algorithm, mean, ci,
        Double.isNaN(paper) ? "" : String.format(Locale.ROOT, "%.1f", paper), source);
  }

  /** Every completed (or stopped) RL² run directory directly in {@code dir}, ordered by setting. */
  static List<Rl2Run> runs(Path dir) throws IOException {
    Map<String, Rl2Run> sorted = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) { // attempts/ and other subfolders are NOTES material, not the table's
      for (Path d : s.filter(p -> Files.isRegularFile(p.resolve("summary.json"))).toList()) {
        JsonNode sum = Json.read(d.resolve("summary.json"));
        String status = sum.path("status").asText();
        // An interrupted run (stopped before its budget) still evaluated its final and peak parameters.
        if (!"rl2".equals(sum.path("kind").asText()) || !sum.has("final_eval_return")
            || !("completed".equals(status) || "interrupted".equals(status))) {
          continue;
        }
        Config c = ConfigFactory.parseFile(d.resolve("config.conf").toFile());
        String env = c.getString("env");
        Matcher b = BANDIT.matcher(env);
        Matcher m = MDP.matcher(env);
        String family;
        int n;
        int k;
        if (b.matches()) {
          family = "bandit";
          k = Integer.parseInt(b.group(1));
          n = Integer.parseInt(b.group(2));
        } else if (m.matches()) {
          family = "mdp";
          n = Integer.parseInt(m.group(1));
          k = 0;
        } else {
          continue; // not one of the paper's settings
        }
        Rl2Run r = new Rl2Run(family, n, k, d, sum.path("final_eval_return").asDouble(),
            sum.path("final_eval_ci95").asDouble(), sum.path("peak_eval_return").asDouble(),
            sum.path("peak_eval_ci95").asDouble(), sum.path("env_steps").asLong(), sum.path("wall_seconds").asDouble(),
            sum.path("resumed").asBoolean(false));
        sorted.put(String.format(Locale.ROOT, "%s/%06d/%06d/%s", family, n, k, d.getFileName()), r);
      }
    }
    return new ArrayList<>(sorted.values());
  }

  /**
   * A baselines results.csv ({@code n,k,algorithm,mean,ci95,paper} for bandits, {@code n,algorithm,mean,ci95,paper}
   * for MDPs) keyed {@code n/k/algorithm} (k = 0 for MDPs); empty when the file is absent.
   */
  static Map<String, Figure> baselines(Path csv, boolean withK) throws IOException {
    Map<String, Figure> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(csv)) {
      return out;
    }
    List<String> lines = Files.readAllLines(csv);
    if (lines.isEmpty()) {
      return out;
    }
    List<String> header = List.of(lines.get(0).split(","));
    int ni = header.indexOf("n");
    int ki = header.indexOf("k");
    int ai = header.indexOf("algorithm");
    int mi = header.indexOf("mean");
    int ci = header.indexOf("ci95");
    int pi = header.indexOf("paper");
    if (ni < 0 || ai < 0 || mi < 0 || ci < 0 || (withK && ki < 0)) {
      throw new IllegalArgumentException(csv + ": expected columns n," + (withK ? "k," : "") + "algorithm,mean,ci95"
          + "[,paper], got " + lines.get(0));
    }
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",", -1);
      if (c.length < header.size()) {
        continue;
      }
      double paper = pi >= 0 && !c[pi].isBlank() ? Double.parseDouble(c[pi]) : Double.NaN;
      out.put(c[ni] + "/" + (withK ? c[ki] : "0") + "/" + c[ai], new Figure(Double.parseDouble(c[mi]),
          Double.parseDouble(c[ci]), paper));
    }
    return out;
  }
}
