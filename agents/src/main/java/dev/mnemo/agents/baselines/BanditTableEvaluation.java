package dev.mnemo.agents.baselines;

import dev.mnemo.agents.stats.MeanCi;
import dev.mnemo.envs.meta.BernoulliBandits;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Evaluates every classic baseline on the RL² paper's Bernoulli-bandit settings and sets the figures
 * beside the paper's Table 1.
 *
 * <p>Protocol (the authors' evaluation code): per (n, k), {@code instances} tasks p_i ~ U[0, 1]; each
 * tuned algorithm is run for every value of its grid (ε-greedy ε and UCB1 c in {0, 0.1, ..., 1}, OTS
 * samples in 1..20) on the same tasks and the best mean is reported, so tuned figures carry the
 * optimism of choosing on the evaluation set. Common random numbers: every algorithm and grid value
 * sees the same tasks, the same reward stream per arm (the j-th pull of arm i pays 1 iff
 * u[i][j] < p_i, the same Bernoulli law as {@link BernoulliBandits#pull}) and the same policy seed.
 * Each instance's seeds derive from (seed, n, k, instance) only, so results are bit-identical
 * whatever the thread count.
 */
public final class BanditTableEvaluation {

  /** One (n, k) cell of the table. */
  public record Setting(int horizon, int arms) {
    public Setting {
      if (horizon < 1) {
        throw new IllegalArgumentException("setting horizon n must be >= 1, got " + horizon);
      }
      if (arms < 1) {
        throw new IllegalArgumentException("setting arms k must be >= 1, got " + arms);
      }
    }

    /** Parses {@code NxK}, e.g. {@code 100x5}. */
    public static Setting parse(String text) {
      String[] parts = text.strip().split("x");
      if (parts.length != 2) {
        throw new IllegalArgumentException("setting must look like NxK (e.g. 100x5), got '" + text + "'");
      }
      try {
        return new Setting(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("setting must look like NxK (e.g. 100x5), got '" + text + "'");
      }
    }
  }

  /**
   * Everything the evaluation needs.
   *
   * @param settings (n, k) cells in output order
   * @param instances tasks per setting (paper: 1000)
   * @param seed master seed
   * @param threads size of the fixed worker pool
   * @param gittinsExactUpTo horizons up to this use exactly computed Gittins indices
   * @param gittinsGridSize retirement prices of the grid approximation for longer horizons
   * @param includeOtsMaxPerArm also report OTS by the paper's per-arm-maximum description (doubles the
   *     cost of the OTS sweep; off in {@link #paper()})
   * @param gittinsFixedLookahead when > 0, also report {@code gittins_fixed}: the Gittins index for a
   *     fixed look-ahead of this many pulls whatever the pulls left, like the authors' code (500); it
   *     needs a Gittins table of that horizon, so it is off in {@link #paper()} (tests stay fast)
   */
  public record Settings(
      List<Setting> settings,
      int instances,
      long seed,
      int threads,
      int gittinsExactUpTo,
      int gittinsGridSize,
      boolean includeOtsMaxPerArm,
      int gittinsFixedLookahead) {
    public Settings {
      if (gittinsFixedLookahead < 0) {
        throw new IllegalArgumentException("gittinsFixedLookahead must be >= 0 (0 = off), got " + gittinsFixedLookahead);
      }
      settings = List.copyOf(settings);
      if (settings.isEmpty()) {
        throw new IllegalArgumentException("settings must name at least one (n, k)");
      }
      if (instances < 2) {
        throw new IllegalArgumentException("instances must be >= 2 (a CI needs two), got " + instances);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      if (gittinsExactUpTo < 0) {
        throw new IllegalArgumentException("gittinsExactUpTo must be >= 0, got " + gittinsExactUpTo);
      }
      if (gittinsGridSize < 2) {
        throw new IllegalArgumentException("gittinsGridSize must be >= 2, got " + gittinsGridSize);
      }
    }

    /** The paper's table: n in {10, 100, 500}, k in {5, 10, 50}, 1000 instances, 2 threads. */
    public static Settings paper() {
      List<Setting> cells = new ArrayList<>();
      for (int n : new int[] {10, 100, 500}) {
        for (int k : new int[] {5, 10, 50}) {
          cells.add(new Setting(n, k));
        }
      }
      return new Settings(cells, 1000, 20161110L, 2, 100, 250, false, 0);
    }

    public Settings withSettings(List<Setting> s) {
      return new Settings(s, instances, seed, threads, gittinsExactUpTo, gittinsGridSize, includeOtsMaxPerArm, gittinsFixedLookahead);
    }

    public Settings withInstances(int i) {
      return new Settings(settings, i, seed, threads, gittinsExactUpTo, gittinsGridSize, includeOtsMaxPerArm, gittinsFixedLookahead);
    }

    public Settings withSeed(long s) {
      return new Settings(settings, instances, s, threads, gittinsExactUpTo, gittinsGridSize, includeOtsMaxPerArm, gittinsFixedLookahead);
    }

    public Settings withThreads(int t) {
      return new Settings(settings, instances, seed, t, gittinsExactUpTo, gittinsGridSize, includeOtsMaxPerArm, gittinsFixedLookahead);
    }

    public Settings withGittins(int exactUpTo, int gridSize) {
      return new Settings(settings, instances, seed, threads, exactUpTo, gridSize, includeOtsMaxPerArm, gittinsFixedLookahead);
    }

    public Settings withGittinsFixedLookahead(int lookahead) {
      return new Settings(settings, instances, seed, threads, gittinsExactUpTo, gittinsGridSize, includeOtsMaxPerArm,
          lookahead);
    }

    public Settings withOtsMaxPerArm(boolean include) {
      return new Settings(settings, instances, seed, threads, gittinsExactUpTo, gittinsGridSize, include, gittinsFixedLookahead);
    }
  }

  /**
   * One reported figure: the best grid value of one algorithm on one setting.
   *
   * @param paper the paper's figure, NaN when the paper has none
   */
  public record Row(int horizon, int arms, String algorithm, String hyperparameter, double mean,
      double ci95, double paper) {
    /** True when the paper has a figure and it lies outside our mean ± our 95% CI. */
    public boolean outsidePaper() {
      return !Double.isNaN(paper) && Math.abs(mean - paper) > ci95;
    }
  }

  /** All rows plus the run's wall time and how the Gittins indices were computed. */
  public record Result(List<Row> rows, double wallSeconds, List<String> gittinsTables) {
    public Result {
      rows = List.copyOf(rows);
      gittinsTables = List.copyOf(gittinsTables);
    }

    /** The row of one algorithm in one setting. */
    public Row row(int n, int k, String algorithm) {
      for (Row r : rows) {
        if (r.horizon() == n && r.arms() == k && r.algorithm().equals(algorithm)) {
          return r;
        }
      }
      throw new IllegalArgumentException("no row for n=" + n + ", k=" + k + ", algorithm=" + algorithm);
    }
  }

  /**
   * One setting's rows with each row's total on every task instance ({@code totals[row][instance]}, instances in
   * the order {@link #task} numbers them): what a paired comparison with another policy on the same
   * tasks needs.
   */
  public record InstanceTotals(Setting setting, List<Row> rows, double[][] totals) {
    public InstanceTotals {
      rows = List.copyOf(rows);
      if (totals.length != rows.size()) {
        throw new IllegalArgumentException(rows.size() + " rows but totals for " + totals.length);
      }
    }
  }

  /** Algorithms in the paper's column order. */
  static final List<String> ALGORITHMS =
      List.of("oracle", "random", "gittins", "gittins_fixed", "ts", "ots", "ots_max", "ucb1", "eps_greedy", "greedy");

  private BanditTableEvaluation() {}

  /** Evaluates, writes {@code results.csv} and {@code table.md} into {@code outDir}, returns the rows. */
  public static Result run(Settings settings, Path outDir, PrintStream progress) {
    Result result = evaluate(settings, progress);
    try {
      Files.createDirectories(outDir);
      writeCsv(result, outDir.resolve("results.csv"));
      writeMarkdown(result, settings, outDir.resolve("table.md"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results into " + outDir, e);
    }
    return result;
  }

  /** Evaluates every algorithm on every setting; prints one progress line per setting. */
  public static Result evaluate(Settings settings, PrintStream progress) {
    return evaluate(settings, progress, new ArrayList<>());
  }

  /**
   * The table's evaluation of one setting, keeping each row's total on every task instance: the same tasks, policies
   * and grid choices as {@link #evaluate} with {@code settings}' seed, so the rows are that table's rows.
   */
  public static InstanceTotals instanceTotals(Settings settings, Setting setting, PrintStream progress) {
    List<InstanceTotals> out = new ArrayList<>();
    evaluate(settings.withSettings(List.of(setting)), progress, out);
    return out.get(0);
  }

  /**
   * One task as the table plays it: its arms' success probabilities, the outcome uniforms of its pulls (the j-th
   * pull of arm i pays 1 iff {@code outcomes[i * n + j] < p[i]}), and the seed of every policy's own randomness.
   */
  public record Task(double[] p, double[] outcomes, long policySeed) {}

  /** Task {@code instance} of {@code setting} under {@code seed}, drawn as the table draws it. */
  public static Task task(long seed, Setting setting, int instance) {
    int n = setting.horizon();
    int k = setting.arms();
    SplittableRandom taskRng = taskStream(seed, n, k, instance);
    double[] p = new BernoulliBandits(k).sampleTask(taskRng);
    double[] outcomes = new double[k * n];
    for (int i = 0; i < outcomes.length; i++) {
      outcomes[i] = taskRng.nextDouble();
    }
    return new Task(p, outcomes, taskRng.nextLong());
  }

  private static SplittableRandom taskStream(long seed, int n, int k, int instance) {
    return new SplittableRandom(mix(seed, n, k, instance));
  }

  private static Result evaluate(Settings settings, PrintStream progress, List<InstanceTotals> perInstance) {
    long start = System.nanoTime();
    PaperReference paper = PaperReference.load();
    int maxExact = 0;
    int maxGrid = 0;
    for (Setting s : settings.settings()) {
      if (s.horizon() <= settings.gittinsExactUpTo()) {
        maxExact = Math.max(maxExact, s.horizon());
      } else {
        maxGrid = Math.max(maxGrid, s.horizon());
      }
    }
    List<String> tableNotes = new ArrayList<>();
    GittinsIndexTable exactTable = null;
    GittinsIndexTable gridTable = null;
    if (maxExact > 0) {
      long t0 = System.nanoTime();
      exactTable = GittinsIndexTable.build(maxExact, GittinsIndexTable.Method.EXACT,
          settings.gittinsGridSize(), settings.threads());
      tableNotes.add(exactTable.describe() + String.format(Locale.ROOT, ", built in %.1f s", seconds(t0)));
      progress.println("bandit-baselines: Gittins table " + tableNotes.get(tableNotes.size() - 1));
    }
    if (settings.gittinsFixedLookahead() > 0) {
      maxGrid = Math.max(maxGrid, settings.gittinsFixedLookahead());
    }
    if (maxGrid > 0) {
      long t0 = System.nanoTime();
      gridTable = GittinsIndexTable.build(maxGrid, GittinsIndexTable.Method.LAMBDA_GRID,
          settings.gittinsGridSize(), settings.threads());
      tableNotes.add(gridTable.describe() + String.format(Locale.ROOT, ", built in %.1f s", seconds(t0)));
      progress.println("bandit-baselines: Gittins table " + tableNotes.get(tableNotes.size() - 1));
    }

    List<Row> rows = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(settings.threads());
    try {
      for (Setting setting : settings.settings()) {
        long t0 = System.nanoTime();
        GittinsIndexTable table = setting.horizon() <= settings.gittinsExactUpTo() ? exactTable : gridTable;
        List<Supplier<BanditPolicy>> variants = variants(table, settings.includeOtsMaxPerArm(),
            settings.gittinsFixedLookahead() > 0 ? gridTable : null, settings.gittinsFixedLookahead());
        double[][] totals = runSetting(setting, variants, settings, pool);
        List<Integer> chosen = new ArrayList<>();
        List<Row> settingRows = summarise(setting, variants, totals, paper, chosen);
        rows.addAll(settingRows);
        double[][] rowTotals = new double[chosen.size()][];
        for (int r = 0; r < rowTotals.length; r++) {
          rowTotals[r] = totals[chosen.get(r)];
        }
        perInstance.add(new InstanceTotals(setting, settingRows, rowTotals));
        progress.println(progressLine(setting, variants.size(), settings.instances(), seconds(t0), settingRows));
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(rows, seconds(start), tableNotes);
  }

  /** Every (algorithm, grid value) pair evaluated in a setting, in {@link #ALGORITHMS} order. */
  static List<Supplier<BanditPolicy>> variants(GittinsIndexTable table, boolean otsMaxPerArm,
      GittinsIndexTable fixedTable, int fixedLookahead) {
    List<Supplier<BanditPolicy>> v = new ArrayList<>();
    v.add(OraclePolicy::new);
    v.add(RandomPolicy::new);
    v.add(() -> new GittinsIndexPolicy(table));
    if (fixedLookahead > 0) {
      v.add(() -> new GittinsIndexPolicy(fixedTable, fixedLookahead));
    }
    v.add(ThompsonSamplingPolicy::new);
    for (int s = 1; s <= 20; s++) {
      int samples = s;
      v.add(() -> new OptimisticThompsonSamplingPolicy(samples,
          OptimisticThompsonSamplingPolicy.Rule.MOST_PROBABLE_JOINT));
    }
    if (otsMaxPerArm) {
      for (int s = 1; s <= 20; s++) {
        int samples = s;
        v.add(() -> new OptimisticThompsonSamplingPolicy(samples,
            OptimisticThompsonSamplingPolicy.Rule.MAX_PER_ARM));
      }
    }
    for (int i = 0; i <= 10; i++) {
      double c = i / 10.0;
      v.add(() -> new Ucb1Policy(c));
    }
    for (int i = 0; i <= 10; i++) {
      double epsilon = i / 10.0;
      v.add(() -> new EpsilonGreedyPolicy(epsilon));
    }
    v.add(GreedyPolicy::new);
    return v;
  }

  /** totals[variant][instance]: total reward of each variant on each task instance. */
  private static double[][] runSetting(Setting setting, List<Supplier<BanditPolicy>> variants,
      Settings settings, ExecutorService pool) {
    int instances = settings.instances();
    double[][] totals = new double[variants.size()][instances];
    // Blocks small enough to balance two workers, large enough that per-block setup is noise.
    int blockSize = Math.max(1, Math.min(25, instances / (4 * settings.threads())));
    List<Future<?>> futures = new ArrayList<>();
    for (int from = 0; from < instances; from += blockSize) {
      int start = from;
      int end = Math.min(instances, from + blockSize);
      futures.add(pool.submit(() -> runBlock(setting, variants, settings.seed(), start, end, totals)));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while evaluating n=" + setting.horizon()
            + ", k=" + setting.arms(), e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("evaluation of n=" + setting.horizon() + ", k=" + setting.arms()
            + " failed", e.getCause());
      }
    }
    return totals;
  }

  private static void runBlock(Setting setting, List<Supplier<BanditPolicy>> variants, long seed,
      int from, int to, double[][] totals) {
    int n = setting.horizon();
    int k = setting.arms();
    List<BanditPolicy> policies = new ArrayList<>(variants.size());
    for (Supplier<BanditPolicy> s : variants) {
      policies.add(s.get());
    }
    int[] armPulls = new int[k];
    for (int instance = from; instance < to; instance++) {
      Task task = task(seed, setting, instance);
      for (int v = 0; v < policies.size(); v++) {
        totals[v][instance] = play(policies.get(v), task.p(), task.outcomes(), armPulls, n,
            new SplittableRandom(task.policySeed()));
      }
    }
  }

  /** Plays one task; the j-th pull of arm i pays 1 iff uniforms[i n + j] < p[i]. */
  static double play(BanditPolicy policy, double[] p, double[] uniforms, int[] armPulls, int n,
      SplittableRandom policyRng) {
    int k = p.length;
    if (policy instanceof OraclePolicy oracle) {
      oracle.reveal(p);
    }
    policy.reset(k, n, policyRng);
    java.util.Arrays.fill(armPulls, 0, k, 0);
    int total = 0;
    for (int t = 0; t < n; t++) {
      int arm = policy.selectArm();
      if (arm < 0 || arm >= k) {
        throw new IllegalStateException(policy.name() + " selected arm " + arm + " of " + k);
      }
      float reward = uniforms[arm * n + armPulls[arm]++] < p[arm] ? 1f : 0f;
      policy.observe(arm, reward);
      total += (int) reward;
    }
    return total;
  }

  /** The best variant of each algorithm as a row; {@code chosen} receives each row's variant index. */
  private static List<Row> summarise(Setting setting, List<Supplier<BanditPolicy>> variants,
      double[][] totals, PaperReference paper, List<Integer> chosen) {
    List<Row> rows = new ArrayList<>();
    for (String algorithm : ALGORITHMS) {
      Row best = null;
      int bestVariant = -1;
      for (int v = 0; v < variants.size(); v++) {
        BanditPolicy policy = variants.get(v).get();
        if (!policy.name().equals(algorithm)) {
          continue;
        }
        MeanCi stats = MeanCi.normal(totals[v]);
        double mean = stats.mean();
        double ci95 = stats.ci95();
        String column = switch (algorithm) {
          case "ots_max" -> "ots";
          case "gittins_fixed" -> "gittins";
          default -> algorithm;
        };
        OptionalDouble figure = paper.figure(setting.horizon(), setting.arms(), column);
        // Ties keep the first (smallest) grid value, as the authors' strict '>' did.
        if (best == null || mean > best.mean()) {
          // The oracle's "hyperparameter" cell carries its population mean n k / (k + 1) for comparison.
          String hyper = algorithm.equals("oracle")
              ? String.format(Locale.ROOT, "E=%.2f", setting.horizon() * setting.arms() / (setting.arms() + 1.0))
              : policy.hyperparameter();
          best = new Row(setting.horizon(), setting.arms(), algorithm, hyper, mean, ci95, figure.orElse(Double.NaN));
          bestVariant = v;
        }
      }
      if (best != null) {
        rows.add(best);
        chosen.add(bestVariant);
      }
    }
    return rows;
  }

  private static String progressLine(Setting setting, int variants, int instances, double secs, List<Row> rows) {
    int outside = 0;
    for (Row r : rows) {
      if (r.outsidePaper()) {
        outside++;
      }
    }
    Row gittins = null;
    for (Row r : rows) {
      if (r.algorithm().equals("gittins")) {
        gittins = r;
      }
    }
    return String.format(Locale.ROOT,
        "bandit-baselines n=%d k=%d: %d variants x %d instances in %.1f s; gittins %.2f (paper %.1f); "
            + "%d of %d figures outside paper +- CI",
        setting.horizon(), setting.arms(), variants, instances, secs, gittins.mean(), gittins.paper(), outside,
        rows.size());
  }

  /** Writes {@code n,k,algorithm,mean,ci95,paper} (paper empty where the paper has no figure). */
  public static void writeCsv(Result result, Path file) throws IOException {
    StringBuilder sb = new StringBuilder("n,k,algorithm,mean,ci95,paper\n");
    for (Row r : result.rows()) {
      sb.append(String.format(Locale.ROOT, "%d,%d,%s,%.3f,%.3f,%s%n", r.horizon(), r.arms(), r.algorithm(),
          r.mean(), r.ci95(), Double.isNaN(r.paper()) ? "" : String.format(Locale.ROOT, "%.1f", r.paper())));
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** Writes a markdown table: each figure beside the paper's, flagged when outside paper ± our CI. */
  public static void writeMarkdown(Result result, Settings settings, Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Bandit baselines vs. RL² Table 1 (Duan et al. 2016)\n\n");
    sb.append(String.format(Locale.ROOT,
        "Total reward over n pulls of k Bernoulli arms (p_i ~ U[0,1]), mean ± 95%% CI over %d instances, "
            + "seed %d, %d threads; wall time %.1f s.%n",
        settings.instances(), settings.seed(), settings.threads(), result.wallSeconds()));
    sb.append("Tuned algorithms report their best grid value on the evaluation instances (as the authors "
        + "did). `ots` = most probable of S joint posterior draws (authors' code); `ots_max` = per-arm "
        + "maximum of S draws (paper's wording), compared with the same paper column. Gittins: "
        + String.join("; ", result.gittinsTables()) + ".\n\n");
    sb.append("`oracle` always pulls the truly best arm: its figure against its population mean n·k/(k+1) "
        + "(column 'chosen') shows how lucky this set of tasks is; every algorithm shares that luck "
        + "(common random numbers). `gittins_fixed` (when present) uses a fixed look-ahead like the "
        + "authors' code instead of the pulls left, compared with the same paper column.\n\n");
    sb.append("**✗** marks a figure whose paper value lies outside ours ± our 95% CI.\n\n");
    sb.append("| n | k | algorithm | chosen | ours | ± ci95 | paper | |\n");
    sb.append("|---:|---:|---|---|---:|---:|---:|---|\n");
    int outside = 0;
    int compared = 0; // rows with a paper figure (not oracle)
    for (Row r : result.rows()) {
      boolean flag = r.outsidePaper();
      if (flag) {
        outside++;
      }
      if (!Double.isNaN(r.paper())) {
        compared++;
      }
      sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %.2f | %.2f | %s | %s |%n", r.horizon(),
          r.arms(), r.algorithm(), r.hyperparameter(), r.mean(), r.ci95(),
          Double.isNaN(r.paper()) ? "–" : String.format(Locale.ROOT, "%.1f", r.paper()), flag ? "**✗**" : ""));
    }
    sb.append(String.format(Locale.ROOT, "%n%d of the %d figures with a paper value outside it ± our CI.%n", outside,
        compared));
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** SplitMix64 finaliser over the seed and the cell coordinates: independent streams per instance. */
  static long mix(long seed, int n, int k, int instance) {
    long h = seed;
    for (long v : new long[] {n, k, instance}) {
      h = (h ^ v) * 0x9E3779B97F4A7C15L;
      h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
      h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
      h ^= h >>> 31;
    }
    return h;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /**
   * Command line: {@code [--settings 10x5,100x5,...] [--instances 1000] [--seed S] [--threads 2]
   * [--gittins-exact-up-to 100] [--gittins-grid 250] [--ots-max true|false]
   * [--gittins-fixed-lookahead 500] [--out DIR]}.
   */
  public static void main(String[] args) {
    Settings s = Settings.paper();
    Path out = Path.of("experiments", "bandit-baselines");
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--settings" -> {
          List<Setting> cells = new ArrayList<>();
          for (String cell : value.split(",")) {
            cells.add(Setting.parse(cell));
          }
          s = s.withSettings(cells);
        }
        case "--instances" -> s = s.withInstances(Integer.parseInt(value));
        case "--seed" -> s = s.withSeed(Long.parseLong(value));
        case "--threads" -> s = s.withThreads(Integer.parseInt(value));
        case "--gittins-exact-up-to" -> s = s.withGittins(Integer.parseInt(value), s.gittinsGridSize());
        case "--gittins-grid" -> s = s.withGittins(s.gittinsExactUpTo(), Integer.parseInt(value));
        case "--ots-max" -> s = s.withOtsMaxPerArm(Boolean.parseBoolean(value));
        case "--gittins-fixed-lookahead" -> s = s.withGittinsFixedLookahead(Integer.parseInt(value));
        case "--out" -> out = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + flag + "; expected one of "
            + "--settings, --instances, --seed, --threads, --gittins-exact-up-to, --gittins-grid, --ots-max, "
            + "--gittins-fixed-lookahead, --out");
      }
    }
    Result result = run(s, out, System.out);
    System.out.printf(Locale.ROOT, "bandit-baselines: %d rows written to %s in %.1f s%n", result.rows().size(),
        out, result.wallSeconds());
  }
}
