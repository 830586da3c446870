package dev.mnemo.learners.r2d2.ablation;

import dev.mnemo.agents.stats.MeanCi;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.r2d2.R2d2Config;
import dev.mnemo.learners.r2d2.SynchronousTrainer;
import dev.mnemo.learners.r2d2.TrainResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The stored-state / burn-in ablation of R2D2 (Kapturowski et al. 2019, Section 3, Figure 1), scaled
 * down to a T-Maze: trains one agent per variant {zero, stored} x {burn-in 0, burn-in l} and seed with
 * the {@link SynchronousTrainer}, and at every evaluation probes the Q-value discrepancy ΔQ
 * ({@link QDiscrepancy}) of the current parameters on episodes played by the parameters of the previous
 * probe (the stale parameters that filled the replay), for all four unroll strategies. Writes
 * {@code results.csv} (one row per run, probe and measured strategy), {@code runs.csv} (final returns),
 * {@code table.md} (mean ± 95% CI over seeds) and {@code plot.png}, rewriting them after every run.
 *
 * <p>Each run trains in its own child JVM (unless {@code --fork false}) and leaves its results under
 * {@code runs/} ({@link RunFiles}); a run whose files exist is read back instead of trained, so an
 * interrupted experiment resumes where it stopped and a native crash costs one retried run.
 *
 * <p>Options ({@code --key value}): {@code out} (experiments/r2d2-ablation), {@code env}
 * (tmaze?length=10), {@code seeds} (3), {@code steps} env steps per run (50000), {@code burn-in} l (4),
 * {@code trace} m (8), {@code eval-interval} (5000), {@code probe-episodes} (20),
 * {@code samples-per-insert} (2), {@code fork} (true), {@code preset} ({@code long}; {@code short}
 * changes the defaults to trace 4, 30000 steps, eval-interval 3000, samples-per-insert 4 and the
 * learner settings of {@link #config}).
 */
public final class R2d2Ablation {

  /** Probe episodes are played epsilon-greedy, like a mid-ladder R2D2 actor. */
  static final double PROBE_EPSILON = 0.1;

  /** The experiment's size; see the class comment for the option names and defaults. */
  record Options(Path out, String env, int seeds, long steps, int burnIn, int trace, long evalInterval,
      int probeEpisodes, double samplesPerInsert, boolean fork, String single, String preset) {

    static Options parse(String... args) {
      Path out = Path.of("experiments/r2d2-ablation");
      String env = "tmaze?length=10";
      int seeds = 3;
      String preset = "long";
      for (int i = 0; i + 1 < args.length; i += 2) {
        if ("--preset".equals(args[i])) {
          preset = args[i + 1];
        }
      }
      if (!"long".equals(preset) && !"short".equals(preset)) {
        throw new IllegalArgumentException("option --preset needs long or short, got '" + preset + "'");
      }
      boolean isShort = "short".equals(preset);
      long steps = isShort ? 30_000 : 50_000;
      int burnIn = 4;
      int trace = isShort ? 4 : 8;
      long evalInterval = isShort ? 3_000 : 5_000;
      int probeEpisodes = 20;
      double spi = isShort ? 4.0 : 2.0;
      boolean fork = true;
      String single = null;
      for (int i = 0; i < args.length; i += 2) {
        String k = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + k + " needs a value");
        }
        String v = args[i + 1];
        try {
          switch (k) {
            case "--out" -> out = Path.of(v);
            case "--env" -> env = v;
            case "--seeds" -> seeds = Integer.parseInt(v);
            case "--steps" -> steps = Long.parseLong(v);
            case "--burn-in" -> burnIn = Integer.parseInt(v);
            case "--trace" -> trace = Integer.parseInt(v);
            case "--eval-interval" -> evalInterval = Long.parseLong(v);
            case "--probe-episodes" -> probeEpisodes = Integer.parseInt(v);
            case "--samples-per-insert" -> spi = Double.parseDouble(v);
            case "--fork" -> fork = parseBoolean(k, v);
            case "--single" -> single = v;
            case "--preset" -> { } // read above: it sets the defaults the other options override
            default -> throw new IllegalArgumentException("unknown option " + k + "; expected --out, --env,"
                + " --seeds, --steps, --burn-in, --trace, --eval-interval, --probe-episodes, --samples-per-insert,"
                + " --fork, --preset");
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("option " + k + " needs a number, got '" + v + "'", e);
        }
      }
      if (seeds < 1 || steps < 1 || burnIn < 1 || trace < 2 || evalInterval < 1 || probeEpisodes < 1) {
        throw new IllegalArgumentException("need seeds >= 1, steps >= 1, burn-in >= 1, trace >= 2,"
            + " eval-interval >= 1, probe-episodes >= 1; got " + seeds + ", " + steps + ", " + burnIn + ", "
            + trace + ", " + evalInterval + ", " + probeEpisodes);
      }
      return new Options(out, env, seeds, steps, burnIn, trace, evalInterval, probeEpisodes, spi, fork, single, preset);
    }

    private static boolean parseBoolean(String k, String v) {
      if (!"true".equals(v) && !"false".equals(v)) {
        throw new IllegalArgumentException("option " + k + " needs true or false, got '" + v + "'");
      }
      return Boolean.parseBoolean(v);
    }

    Path runsDir() {
      return out.resolve("runs");
    }
  }

  /** One probe of one run: ΔQ of every strategy, with the run's state at that moment. */
  record Probe(long envSteps, long updates, long staleUpdates, double evalReturn,
      List<DiscrepancyProbe.Result> results) {

    DiscrepancyProbe.Result of(UnrollStrategy s) {
      for (DiscrepancyProbe.Result r : results) {
        if (r.strategy().equals(s)) {
          return r;
        }
      }
      throw new IllegalArgumentException("strategy " + s + " was not probed");
    }
  }

  /** One training run: its variant, seed, final result and probes. */
  record Run(UnrollStrategy variant, long seed, TrainResult result, List<Probe> probes) {}

  private R2d2Ablation() {}

  public static void main(String[] args) {
    run(System.out, args);
  }

  public static void run(PrintStream out, String... args) {
    Options o = Options.parse(args);
    List<UnrollStrategy> grid = UnrollStrategy.paperGrid(o.burnIn());
    try {
      Files.createDirectories(o.runsDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + o.runsDir(), e);
    }
    if (o.single() != null) {
      // a child JVM's job: one run, written to its own files
      String[] sv = o.single().split(":", 2);
      if (sv.length != 2) {
        throw new IllegalArgumentException("--single needs seed:variant, got '" + o.single() + "'");
      }
      RunFiles.write(o.runsDir(), train(o, Long.parseLong(sv[0]), UnrollStrategy.parse(sv[1]), grid));
      return;
    }
    out.printf(Locale.ROOT, "R2D2 ablation on %s: %d seeds x %d variants, %d env steps each, burn-in %d,"
        + " trace %d -> %s%n", o.env(), o.seeds(), grid.size(), o.steps(), o.burnIn(), o.trace(), o.out());
    long start = System.nanoTime();
    List<Run> runs = new ArrayList<>();
    for (int s = 1; s <= o.seeds(); s++) {
      for (UnrollStrategy v : grid) {
        Run r = RunFiles.read(o.runsDir(), s, v);
        String how = "reused";
        if (r == null) {
          how = "trained";
          if (o.fork()) {
            fork(o, s, v, args, out);
          } else {
            RunFiles.write(o.runsDir(), train(o, s, v, grid));
          }
          r = RunFiles.read(o.runsDir(), s, v);
          if (r == null) {
            throw new IllegalStateException("run seed " + s + " " + v.label() + " left no results in " + o.runsDir());
          }
        }
        runs.add(r);
        out.printf(Locale.ROOT, "  seed %d %-16s %s: final greedy return %.2f, ΔQ first/last %.4f/%.4f,"
                + " %d updates, %.0f s (total %.0f s)%n", s, v.label(), how, r.result().evalMeanReturn(),
            lateMean(r, v, true), lateMean(r, v, false), r.result().updates(), r.result().seconds(),
            (System.nanoTime() - start) / 1e9);
        writeAll(o, grid, runs);
      }
    }
    out.println(table(o, grid, runs));
  }

  /** Attempts per forked run: ND4J's native code has crashed the JVM mid-run (see NOTES.md). */
  static final int FORK_ATTEMPTS = 3;

  /**
   * Trains one run in a child JVM (same classpath), so that a native crash or native-memory growth of one
   * run cannot take the others down; a crashed run is retried from scratch (it is deterministic for its
   * seed, so a retry measures the same run).
   */
  private static void fork(Options o, long seed, UnrollStrategy v, String[] args, PrintStream out) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-XX:ErrorFile=" + System.getProperty("java.io.tmpdir") + "/mnemo-ablation-hs_err_pid%p.log");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(R2d2Ablation.class.getName());
    cmd.addAll(List.of(args));
    cmd.add("--single");
    cmd.add(seed + ":" + v.label());
    for (int attempt = 1; attempt <= FORK_ATTEMPTS; attempt++) {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
      try {
        int code = pb.start().waitFor();
        if (code == 0) {
          return;
        }
        out.printf(Locale.ROOT, "  seed %d %s: child JVM exited with %d (attempt %d of %d)%n", seed, v.label(),
            code, attempt, FORK_ATTEMPTS);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start a child JVM for seed " + seed + " " + v.label(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while training seed " + seed + " " + v.label(), e);
      }
    }
    throw new IllegalStateException("seed " + seed + " " + v.label() + " failed " + FORK_ATTEMPTS + " times");
  }

  /**
   * The scaled-down R2D2 config of one variant (burn-in l and overlap of adjacent sequences m/2, the
   * paper's ratios). Preset {@code long}: m = 8, so the sequence from an episode's start (l + m + n = 15
   * steps) holds both the T-Maze cue and the junction. Preset {@code short}: the hyperparameters of
   * SynchronousTrainerTest with m = 4 (11 steps): no sequence that holds the junction in its trained
   * steps starts at the cue, so the task can only be learned through the stored state. New sequences enter at
   * the replay's maximum priority ({@code initial_priority = max}), as in the runs committed under
   * {@code experiments/r2d2-ablation}, which predate the actor-side priority.
   */
  static R2d2Config config(Options o, long seed, UnrollStrategy v) {
    int period = Math.max(1, o.trace() / 2);
    boolean stored = v.start() == StartState.STORED;
    if ("short".equals(o.preset())) {
      return new R2d2Config(o.env(), seed, 8, v.burnIn(), o.trace(), period, 3, 0.99, List.of(32), "lstm", 32, 32, 32,
          1e-3, 1e-5, 10.0, 200, 0.9, R2d2Config.INITIAL_PRIORITY_MAX, 0.9, 0.6, 4000, 128, o.samplesPerInsert(),
          0.1, 50, 0.4, 7.0, stored, o.steps(), o.evalInterval(), 20, Double.POSITIVE_INFINITY, 50, "gemm");
    }
    return new R2d2Config(o.env(), seed, 8, v.burnIn(), o.trace(), period, 3, 0.98, List.of(32), "lstm", 32, 32,
        16, 1e-3, 1e-3, 40.0, 200, 0.9, R2d2Config.INITIAL_PRIORITY_MAX, 0.9, 0.6, 2000, 64, o.samplesPerInsert(),
        0.1, 100, 0.4, 7.0, stored, o.steps(), o.evalInterval(), 20, Double.POSITIVE_INFINITY, 50, "gemm");
  }

  static Run train(Options o, long seed, UnrollStrategy variant, List<UnrollStrategy> grid) {
    R2d2Config c = config(o, seed, variant);
    SynchronousTrainer trainer = new SynchronousTrainer(c);
    // the same probe seed for every variant of a seed: all variants are probed on like episodes
    DiscrepancyProbe probe = new DiscrepancyProbe(o.env(), trainer.learner().spec(), grid, o.trace(),
        c.sequencePeriod(), o.probeEpisodes(), PROBE_EPSILON, seed * 1_000_003L + 77);
    List<Probe> probes = new ArrayList<>();
    ParamSnapshot[] stale = {trainer.learner().snapshot()};
    TrainResult result = trainer.run(m -> {
      ParamSnapshot now = trainer.learner().snapshot();
      probes.add(new Probe(m.envSteps(), m.updates(), stale[0].version(), m.evalReturn(),
          probe.measure(now, stale[0])));
      stale[0] = now;
    }, false);
    return new Run(variant, seed, result, probes);
  }

  /** Mean ΔQ of strategy {@code s} over the second half of a run's probes (the trained regime). */
  static double lateMean(Run r, UnrollStrategy s, boolean first) {
    int n = r.probes().size();
    double sum = 0;
    int k = 0;
    for (int i = n / 2; i < n; i++) {
      DiscrepancyProbe.Result x = r.probes().get(i).of(s);
      double v = first ? x.first() : x.last();
      if (!Double.isNaN(v)) {
        sum += v;
        k++;
      }
    }
    return k > 0 ? sum / k : Double.NaN;
  }

  static void writeAll(Options o, List<UnrollStrategy> grid, List<Run> runs) {
    StringBuilder csv = new StringBuilder(RunFiles.PROBE_HEADER).append('\n');
    StringBuilder runCsv = new StringBuilder(RunFiles.RUN_HEADER).append('\n');
    for (Run r : runs) {
      RunFiles.appendProbes(csv, r);
      RunFiles.appendRun(runCsv, r);
    }
    try {
      Files.writeString(o.out().resolve("results.csv"), csv);
      Files.writeString(o.out().resolve("runs.csv"), runCsv);
      Files.writeString(o.out().resolve("table.md"), table(o, grid, runs));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results under " + o.out(), e);
    }
    plot(o, grid, runs);
  }

  static String table(Options o, List<UnrollStrategy> grid, List<Run> runs) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "# R2D2 stored-state / burn-in ablation on `%s` (preset %s)%n%n",
        o.env(), o.preset()));
    sb.append(String.format(Locale.ROOT, "%d env steps per run, burn-in l = %d, trace m = %d; mean ± 95%% CI"
        + " (Student t) over seeds. ΔQ: mean over the second half of the run's probes of the variant's own"
        + " unroll strategy; final return: last greedy evaluation (20 episodes; optimum 4.0).%n%n",
        o.steps(), o.burnIn(), o.trace()));
    sb.append("| trained variant | seeds | ΔQ first trained step | ΔQ last trained step | final greedy return |\n");
    sb.append("|---|---|---|---|---|\n");
    for (UnrollStrategy v : grid) {
      List<Run> rs = runs.stream().filter(r -> r.variant().equals(v)).toList();
      if (rs.isEmpty()) {
        continue;
      }
      double[] f = rs.stream().mapToDouble(r -> lateMean(r, v, true)).toArray();
      double[] l = rs.stream().mapToDouble(r -> lateMean(r, v, false)).toArray();
      double[] ret = rs.stream().mapToDouble(r -> r.result().evalMeanReturn()).toArray();
      sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |%n", v.label(), rs.size(),
          MeanCi.studentT(f).format(4), MeanCi.studentT(l).format(4), MeanCi.studentT(ret).format(2)));
    }
    sb.append("\nΔQ at the first trained step (mean over seeds, second half of training) of every unroll"
        + " strategy (columns) measured on the networks each variant trained (rows):\n\n| trained \\ measured |");
    for (UnrollStrategy s : grid) {
      sb.append(' ').append(s.label()).append(" |");
    }
    sb.append("\n|---|").append("---|".repeat(grid.size())).append('\n');
    for (UnrollStrategy v : grid) {
      List<Run> rs = runs.stream().filter(r -> r.variant().equals(v)).toList();
      if (rs.isEmpty()) {
        continue;
      }
      sb.append("| ").append(v.label()).append(" |");
      for (UnrollStrategy s : grid) {
        double[] f = rs.stream().mapToDouble(r -> lateMean(r, s, true)).toArray();
        sb.append(' ').append(MeanCi.studentT(f).format(4)).append(" |");
      }
      sb.append('\n');
    }
    // rank the four strategies probe by probe: same network, same episodes, so no seed noise between them
    int[][] counts = new int[grid.size()][4];
    int probes = 0;
    for (Run r : runs) {
      for (Probe p : r.probes()) {
        probes++;
        for (int which = 0; which < 2; which++) {
          int min = 0;
          int max = 0;
          for (int i = 1; i < grid.size(); i++) {
            if (value(p, grid.get(i), which) < value(p, grid.get(min), which)) {
              min = i;
            }
            if (value(p, grid.get(i), which) > value(p, grid.get(max), which)) {
              max = i;
            }
          }
          counts[min][2 * which]++;
          counts[max][2 * which + 1]++;
        }
      }
    }
    sb.append(String.format(Locale.ROOT, "%nHow often each strategy had the smallest / largest ΔQ of the four on"
        + " the same network and episodes, over all %d probes of all runs:%n%n", probes));
    sb.append("| strategy | smallest ΔQ first | largest ΔQ first | smallest ΔQ last | largest ΔQ last |\n");
    sb.append("|---|---|---|---|---|\n");
    for (int i = 0; i < grid.size(); i++) {
      sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |%n", grid.get(i).label(), counts[i][0],
          counts[i][1], counts[i][2], counts[i][3]));
    }
    return sb.toString();
  }

  private static double value(Probe p, UnrollStrategy s, int which) {
    DiscrepancyProbe.Result r = p.of(s);
    return which == 0 ? r.first() : r.last();
  }

  /** ΔQ(first), ΔQ(last) of each variant's own strategy and its greedy return, over env steps, mean over seeds. */
  static void plot(Options o, List<UnrollStrategy> grid, List<Run> runs) {
    int n = runs.stream().mapToInt(r -> r.probes().size()).max().orElse(0);
    if (n == 0) {
      return;
    }
    double[] x = new double[n];
    for (Run r : runs) {
      for (int i = 0; i < r.probes().size(); i++) {
        x[i] = r.probes().get(i).envSteps();
      }
    }
    List<LinePlot.Series> first = new ArrayList<>();
    List<LinePlot.Series> last = new ArrayList<>();
    List<LinePlot.Series> ret = new ArrayList<>();
    for (int vi = 0; vi < grid.size(); vi++) {
      UnrollStrategy v = grid.get(vi);
      List<Run> rs = runs.stream().filter(r -> r.variant().equals(v)).toList();
      if (rs.isEmpty()) {
        continue;
      }
      double[] f = new double[n];
      double[] l = new double[n];
      double[] e = new double[n];
      for (int i = 0; i < n; i++) {
        final int k = i;
        List<Probe> ps = rs.stream().filter(r -> r.probes().size() > k).map(r -> r.probes().get(k)).toList();
        f[i] = MeanCi.studentT(ps.stream().mapToDouble(p -> p.of(v).first()).toArray()).mean();
        l[i] = MeanCi.studentT(ps.stream().mapToDouble(p -> p.of(v).last()).toArray()).mean();
        e[i] = MeanCi.studentT(ps.stream().mapToDouble(Probe::evalReturn).toArray()).mean();
      }
      first.add(new LinePlot.Series(v.label(), vi, f));
      last.add(new LinePlot.Series(v.label(), vi, l));
      ret.add(new LinePlot.Series(v.label(), vi, e));
    }
    LinePlot.write(o.out().resolve("plot.png"), "env steps", List.of(
        new LinePlot.Panel("ΔQ at the first trained step (log)", x, first, true),
        new LinePlot.Panel("ΔQ at the last trained step (log)", x, last, true),
        new LinePlot.Panel("greedy return (optimum 4)", x, ret, false)));
  }
}
