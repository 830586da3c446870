package dev.mnemo.agents.baselines.mdp;

import dev.mnemo.agents.stats.MeanCi;
import dev.mnemo.envs.meta.RandomMdpEnv;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Evaluates the tabular baselines on the RL² paper's random MDPs (10 states, 5 actions, episodes of 10 steps,
 * {@link RandomMdpEnv}) for trials of n episodes, and sets the figures beside the paper's Table 2.
 *
 * <p>Protocol. For each n, every value of each tuned constant's grid (OPSRL's samples, UCRL2's scale, BEB's β,
 * ε) is run on {@code tuneInstances} tuning tasks drawn from {@code tuneSeed}; the best mean is chosen (ties keep
 * the first grid value). Then every algorithm, tuned ones at their chosen value, is run on {@code instances}
 * evaluation tasks drawn from {@code seed} (tasks the tuning never saw), and the mean and 95% CI are reported.
 * (The RL² authors instead reported the best grid value on the evaluation tasks themselves.)
 *
 * <p>Common random numbers: task i of a seed is the same for every n and every algorithm, and so are its outcome
 * streams ({@link MdpTrialRunner}) and the agent's seed. All seeds derive from (seed, task index) only, so
 * results are bit-identical whatever the thread count.
 */
public final class MdpTableEvaluation {
  public static final int STATES = 10;
  public static final int ACTIONS = 5;
  public static final int HORIZON = 10;

  /** Algorithms in table order (the paper's columns after {@code oracle}). */
  static final List<String> ALGORITHMS = List.of("oracle", "random", "psrl", "opsrl", "ucrl2", "beb", "beb_tabularl",
      "eps_greedy", "eps_greedy_tabularl", "greedy", "greedy_tabularl");

  /** Suffix of the diagnostic rows that run an algorithm as the RL² authors' code (TabulaRL) did. */
  static final String TABULARL = "_tabularl";

  /**
   * Everything the evaluation needs.
   *
   * @param episodes trial lengths n, in output order
   * @param instances evaluation tasks per n (paper: 1000)
   * @param seed seed of the evaluation tasks
   * @param tuneInstances tuning tasks per n
   * @param tuneSeed seed of the tuning tasks; must differ from {@code seed}
   * @param threads size of the fixed worker pool (figures do not depend on it)
   * @param prior the Bayesian agents' prior (PSRL, OPSRL, BEB, greedy, ε-greedy)
   * @param ucrl2Delta UCRL2's confidence parameter δ
   * @param opsrlSamples OPSRL's grid of posterior draws per episode
   * @param ucrl2Scales UCRL2's grid of confidence-radius scales
   * @param bebBetas BEB's grid of bonus weights β
   * @param epsilons ε-greedy's grid of exploration rates
   * @param tabulaRlVariants also report BEB, ε-greedy and greedy as TabulaRL implements them (the RL² authors'
   *     code), suffixed {@code _tabularl} and compared with the same paper column
   * @param bebTabulaRlScalings grid of TabulaRL's BEB {@code scaling}
   */
  public record Settings(List<Integer> episodes, int instances, long seed, int tuneInstances, long tuneSeed,
      int threads, MdpPrior prior, double ucrl2Delta, List<Integer> opsrlSamples, List<Double> ucrl2Scales,
      List<Double> bebBetas, List<Double> epsilons, boolean tabulaRlVariants, List<Double> bebTabulaRlScalings) {
    public Settings {
      bebTabulaRlScalings = List.copyOf(bebTabulaRlScalings);
      episodes = List.copyOf(episodes);
      opsrlSamples = List.copyOf(opsrlSamples);
      ucrl2Scales = List.copyOf(ucrl2Scales);
      bebBetas = List.copyOf(bebBetas);
      epsilons = List.copyOf(epsilons);
      if (episodes.isEmpty()) {
        throw new IllegalArgumentException("episodes must name at least one n");
      }
      for (int n : episodes) {
        if (n < 1) {
          throw new IllegalArgumentException("episodes: every n must be >= 1, got " + n);
        }
      }
      if (instances < 2) {
        throw new IllegalArgumentException("instances must be >= 2 (a CI needs two), got " + instances);
      }
      if (tuneInstances < 1) {
        throw new IllegalArgumentException("tune_instances must be >= 1, got " + tuneInstances);
      }
      if (tuneSeed == seed) {
        throw new IllegalArgumentException("tune_seed must differ from seed (tuning on the evaluation tasks), both "
            + seed);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      requireGrid("opsrl_samples", opsrlSamples);
      requireGrid("ucrl2_scales", ucrl2Scales);
      requireGrid("beb_betas", bebBetas);
      requireGrid("epsilons", epsilons);
      requireGrid("beb_tabularl_scalings", bebTabulaRlScalings);
      // The agents' constructors check each grid value's range and name it.
      opsrlSamples.forEach(s -> new OptimisticPsrlAgent(prior, s));
      ucrl2Scales.forEach(c -> new Ucrl2Agent(c, ucrl2Delta));
      bebBetas.forEach(b -> new BebAgent(prior, b));
      epsilons.forEach(e -> PosteriorMeanAgent.epsilonGreedy(prior, e));
      bebTabulaRlScalings.forEach(c -> new TabulaRlBebAgent(prior, c));
    }

    private static void requireGrid(String key, List<?> grid) {
      if (grid.isEmpty()) {
        throw new IllegalArgumentException(key + " must hold at least one value");
      }
    }

    /**
     * The paper's table: n in {10, 25, 50, 75, 100}, 1000 evaluation tasks, 250 tuning tasks, TabulaRL's prior,
     * δ = 0.05, and grids: OPSRL samples {1, 2, 3, 5, 7, 10, 15, 20} (the authors swept 1..20), UCRL2 scale and
     * BEB β on log grids (scale 10^-4..1 in 21 steps like the authors'; β 10^-2..10^2 in 17 steps), ε in
     * {0.1, ..., 1.0} (the authors' grid; ε = 0 is the greedy column); the TabulaRL variants on, their BEB
     * scaling on the authors' grid (21 log-spaced values in [1e-4, 1]).
     */
    public static Settings paper() {
      List<Double> scales = logGrid(1e-4, 1.0, 21);
      List<Double> betas = logGrid(1e-2, 1e2, 17);
      List<Double> eps = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        eps.add(i / 10.0);
      }
      return new Settings(List.of(10, 25, 50, 75, 100), 1000, 20161110L, 250, 1L, 2, MdpPrior.tabulaRl(), 0.05,
          List.of(1, 2, 3, 5, 7, 10, 15, 20), scales, betas, eps, true, scales);
    }

    /** {@code count} values from {@code from} to {@code to}, evenly spaced in log scale, rounded to 4 digits. */
    public static List<Double> logGrid(double from, double to, int count) {
      List<Double> grid = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        double x = Math.exp(Math.log(from) + (Math.log(to) - Math.log(from)) * i / (count - 1));
        grid.add(Double.parseDouble(String.format(Locale.ROOT, "%.4g", x)));
      }
      return grid;
    }

    public Settings withEpisodes(List<Integer> n) {
      return new Settings(n, instances, seed, tuneInstances, tuneSeed, threads, prior, ucrl2Delta, opsrlSamples,
          ucrl2Scales, bebBetas, epsilons, tabulaRlVariants, bebTabulaRlScalings);
    }

    public Settings withInstances(int evaluation, int tuning) {
      return new Settings(episodes, evaluation, seed, tuning, tuneSeed, threads, prior, ucrl2Delta, opsrlSamples,
          ucrl2Scales, bebBetas, epsilons, tabulaRlVariants, bebTabulaRlScalings);
    }

    public Settings withSeeds(long evaluation, long tuning) {
      return new Settings(episodes, instances, evaluation, tuneInstances, tuning, threads, prior, ucrl2Delta,
          opsrlSamples, ucrl2Scales, bebBetas, epsilons, tabulaRlVariants, bebTabulaRlScalings);
    }

    public Settings withThreads(int t) {
      return new Settings(episodes, instances, seed, tuneInstances, tuneSeed, t, prior, ucrl2Delta, opsrlSamples,
          ucrl2Scales, bebBetas, epsilons, tabulaRlVariants, bebTabulaRlScalings);
    }

    public Settings withGrids(List<Integer> samples, List<Double> scales, List<Double> betas, List<Double> eps) {
      return new Settings(episodes, instances, seed, tuneInstances, tuneSeed, threads, prior, ucrl2Delta, samples,
          scales, betas, eps, tabulaRlVariants, bebTabulaRlScalings);
    }

    public Settings withTabulaRlVariants(boolean on) {
      return new Settings(episodes, instances, seed, tuneInstances, tuneSeed, threads, prior, ucrl2Delta,
          opsrlSamples, ucrl2Scales, bebBetas, epsilons, on, bebTabulaRlScalings);
    }
  }

  /**
   * One reported figure.
   *
   * @param paper the paper's figure, NaN when the paper has none
   */
  public record Row(int episodes, String algorithm, String hyperparameter, double mean, double ci95, double paper) {
    /** True when the paper has a figure and it lies outside our mean ± our 95% CI. */
    public boolean outsidePaper() {
      return !Double.isNaN(paper) && Math.abs(mean - paper) > ci95;
    }
  }

  /** One grid value of a tuned algorithm on the tuning tasks. */
  public record TuningRow(int episodes, String algorithm, String hyperparameter, double mean, double ci95,
      boolean chosen) {}

  /** Rows, tuning rows and timings. */
  public record Result(List<Row> rows, List<TuningRow> tuning, double wallSeconds, double tuneSeconds) {
    public Result {
      rows = List.copyOf(rows);
      tuning = List.copyOf(tuning);
    }

    public Row row(int n, String algorithm) {
      for (Row r : rows) {
        if (r.episodes() == n && r.algorithm().equals(algorithm)) {
          return r;
        }
      }
      throw new IllegalArgumentException("no row for n=" + n + ", algorithm=" + algorithm);
    }
  }

  private MdpTableEvaluation() {}

  /** Evaluates and writes {@code results.csv}, {@code tuning.csv} and {@code table.md} into {@code outDir}. */
  public static Result run(Settings settings, Path outDir, PrintStream progress) {
    Result result = evaluate(settings, progress);
    try {
      MdpTableFiles.write(result, settings, outDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results into " + outDir, e);
    }
    return result;
  }

  /**
   * One n's rows with each row's total on every evaluation task ({@code totals[row][task]}, task i being the task of
   * {@link #taskSeed}{@code (seed, i)}): what a paired comparison with another policy on the same tasks needs.
   */
  public record InstanceTotals(int episodes, List<Row> rows, double[][] totals) {
    public InstanceTotals {
      rows = List.copyOf(rows);
      if (totals.length != rows.size()) {
        throw new IllegalArgumentException(rows.size() + " rows but totals for " + totals.length);
      }
    }
  }

  /** Tunes and evaluates every algorithm for every n; one progress line per n. */
  public static Result evaluate(Settings settings, PrintStream progress) {
    return evaluate(settings, progress, new ArrayList<>());
  }

  /**
   * The table's evaluation of trials of {@code episodes} episodes (tuning included), keeping each row's total on every
   * evaluation task: the same tasks, agents and tuned constants as {@link #evaluate} with {@code settings}.
   */
  public static InstanceTotals instanceTotals(Settings settings, int episodes, PrintStream progress) {
    List<InstanceTotals> out = new ArrayList<>();
    evaluate(settings.withEpisodes(List.of(episodes)), progress, out);
    return out.get(0);
  }

  private static Result evaluate(Settings settings, PrintStream progress, List<InstanceTotals> perInstance) {
    long start = System.nanoTime();
    double tuneSeconds = 0;
    MdpPaperReference paper = MdpPaperReference.load();
    List<Row> rows = new ArrayList<>();
    List<TuningRow> tuning = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(settings.threads());
    try {
      for (int n : settings.episodes()) {
        long t0 = System.nanoTime();
        List<Supplier<MdpAgent>> grid = tuningGrid(settings);
        double[][] tuneTotals = runTasks(grid, n, settings.tuneInstances(), settings.tuneSeed(), settings.threads(),
            pool);
        List<TuningRow> nTuning = new ArrayList<>();
        List<Supplier<MdpAgent>> chosen = chooseBest(n, grid, tuneTotals, nTuning);
        tuning.addAll(nTuning);
        double tuneSecs = seconds(t0);
        tuneSeconds += tuneSecs;

        long t1 = System.nanoTime();
        List<Supplier<MdpAgent>> evaluated = evaluationVariants(settings, chosen);
        double[][] totals = runTasks(evaluated, n, settings.instances(), settings.seed(), settings.threads(), pool);
        List<Row> nRows = summarise(n, evaluated, totals, paper);
        rows.addAll(nRows);
        perInstance.add(new InstanceTotals(n, nRows, totals));
        progress.println(progressLine(n, grid.size(), settings, tuneSecs, seconds(t1), nRows));
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(rows, tuning, seconds(start), tuneSeconds);
  }

  /** Every (tuned algorithm, grid value) pair, grouped by algorithm in table order. */
  static List<Supplier<MdpAgent>> tuningGrid(Settings s) {
    List<Supplier<MdpAgent>> v = new ArrayList<>();
    for (int samples : s.opsrlSamples()) {
      v.add(() -> new OptimisticPsrlAgent(s.prior(), samples));
    }
    for (double scale : s.ucrl2Scales()) {
      v.add(() -> new Ucrl2Agent(scale, s.ucrl2Delta()));
    }
    for (double beta : s.bebBetas()) {
      v.add(() -> new BebAgent(s.prior(), beta));
    }
    for (double eps : s.epsilons()) {
      v.add(() -> PosteriorMeanAgent.epsilonGreedy(s.prior(), eps));
    }
    if (s.tabulaRlVariants()) {
      for (double scaling : s.bebTabulaRlScalings()) {
        v.add(() -> new TabulaRlBebAgent(s.prior(), scaling));
      }
      for (double eps : s.epsilons()) {
        v.add(() -> PosteriorMeanAgent.tabulaRl(eps));
      }
    }
    return v;
  }

  /** Per tuned algorithm, the grid value with the best tuning mean (first on ties); records every grid value. */
  private static List<Supplier<MdpAgent>> chooseBest(int n, List<Supplier<MdpAgent>> grid, double[][] totals,
      List<TuningRow> out) {
    List<Supplier<MdpAgent>> chosen = new ArrayList<>();
    for (String algorithm : ALGORITHMS) {
      int best = -1;
      double bestMean = Double.NEGATIVE_INFINITY;
      int firstRow = out.size();
      for (int v = 0; v < grid.size(); v++) {
        MdpAgent agent = grid.get(v).get();
        if (!agent.name().equals(algorithm)) {
          continue;
        }
        MeanCi stats = MeanCi.normal(totals[v]);
        out.add(new TuningRow(n, algorithm, agent.hyperparameter(), stats.mean(), stats.ci95(), false));
        if (stats.mean() > bestMean) {
          bestMean = stats.mean();
          best = v;
        }
      }
      if (best >= 0) {
        chosen.add(grid.get(best));
        String hyper = grid.get(best).get().hyperparameter();
        for (int i = firstRow; i < out.size(); i++) {
          TuningRow r = out.get(i);
          if (r.hyperparameter().equals(hyper)) {
            out.set(i, new TuningRow(r.episodes(), r.algorithm(), r.hyperparameter(), r.mean(), r.ci95(), true));
          }
        }
      }
    }
    return chosen;
  }

  /** Oracle, random, PSRL, the tuned algorithms at their chosen values, greedy (and its TabulaRL twin). */
  private static List<Supplier<MdpAgent>> evaluationVariants(Settings s, List<Supplier<MdpAgent>> tuned) {
    List<Supplier<MdpAgent>> v = new ArrayList<>();
    v.add(OracleMdpAgent::new);
    v.add(RandomMdpAgent::new);
    v.add(() -> new PsrlAgent(s.prior()));
    v.addAll(tuned);
    v.add(() -> PosteriorMeanAgent.greedy(s.prior()));
    if (s.tabulaRlVariants()) {
      v.add(() -> PosteriorMeanAgent.tabulaRl(0.0));
    }
    return v;
  }

  /** totals[variant][task]: total reward of each variant over an n-episode trial of each task. */
  static double[][] runTasks(List<Supplier<MdpAgent>> variants, int episodes, int instances, long seed, int threads,
      ExecutorService pool) {
    double[][] totals = new double[variants.size()][instances];
    // Blocks small enough to balance the workers, large enough that per-block setup is noise.
    int blockSize = Math.max(1, Math.min(25, instances / (4 * threads)));
    List<Future<?>> futures = new ArrayList<>();
    for (int from = 0; from < instances; from += blockSize) {
      int start = from;
      int end = Math.min(instances, from + blockSize);
      futures.add(pool.submit(() -> runBlock(variants, episodes, seed, start, end, totals)));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while evaluating n=" + episodes, e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("evaluation of n=" + episodes + " failed", e.getCause());
      }
    }
    return totals;
  }

  private static void runBlock(List<Supplier<MdpAgent>> variants, int episodes, long seed, int from, int to,
      double[][] totals) {
    RandomMdpEnv env = new RandomMdpEnv("rl2-mdp", STATES, ACTIONS, HORIZON);
    TabularMdp task = new TabularMdp(STATES, ACTIONS);
    List<MdpAgent> agents = new ArrayList<>(variants.size());
    for (Supplier<MdpAgent> s : variants) {
      agents.add(s.get());
    }
    for (int i = from; i < to; i++) {
      sampleTask(env, task, seed, i);
      long outcomeSeed = SeedMix.mix(seed, i, 1);
      long policySeed = SeedMix.mix(seed, i, 2);
      for (int v = 0; v < agents.size(); v++) {
        MdpAgent agent = agents.get(v);
        if (agent instanceof OracleMdpAgent oracle) {
          oracle.reveal(task);
        }
        totals[v][i] = MdpTrialRunner.run(agent, task, episodes, HORIZON, outcomeSeed, policySeed);
      }
    }
  }

  /** Task {@code index} of {@code seed}: the {@link RandomMdpEnv} task of seed mix(seed, index, 0). */
  static void sampleTask(RandomMdpEnv env, TabularMdp into, long seed, int index) {
    env.sampleTask(taskSeed(seed, index));
    into.copyTask(env);
  }

  /** The {@link RandomMdpEnv#sampleTask} seed of evaluation task {@code index} under {@code seed}. */
  public static long taskSeed(long seed, int index) {
    return SeedMix.mix(seed, index, 0);
  }

  private static List<Row> summarise(int n, List<Supplier<MdpAgent>> variants, double[][] totals,
      MdpPaperReference paper) {
    List<Row> rows = new ArrayList<>();
    for (int v = 0; v < variants.size(); v++) {
      MdpAgent agent = variants.get(v).get();
      MeanCi stats = MeanCi.normal(totals[v]);
      String hyper = switch (agent.name()) {
        // The random policy's expected total over the task distribution is n H E[mu] = n H exactly: the gap to
        // it measures the luck of this set of tasks and outcomes, which every algorithm shares.
        case "random" -> String.format(Locale.ROOT, "E=%d", n * HORIZON);
        default -> agent.hyperparameter();
      };
      String column = agent.name().replace(TABULARL, "");
      rows.add(new Row(n, agent.name(), hyper, stats.mean(), stats.ci95(), paper.figure(n, column).orElse(Double.NaN)));
    }
    return rows;
  }

  private static String progressLine(int n, int gridSize, Settings s, double tuneSecs, double evalSecs,
      List<Row> rows) {
    int outside = 0;
    StringBuilder chosen = new StringBuilder();
    for (Row r : rows) {
      if (r.outsidePaper()) {
        outside++;
      }
      if (!r.hyperparameter().isEmpty() && !r.algorithm().equals("random")) {
        chosen.append(' ').append(r.algorithm()).append(' ').append(r.hyperparameter()).append(';');
      }
    }
    return String.format(Locale.ROOT,
        "mdp-baselines n=%d: tuned %d grid values x %d tasks in %.1f s, evaluated %d x %d tasks in %.1f s;%s "
            + "%d of %d figures outside paper +- CI",
        n, gridSize, s.tuneInstances(), tuneSecs, rows.size(), s.instances(), evalSecs, chosen, outside,
        rows.size() - 1);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
