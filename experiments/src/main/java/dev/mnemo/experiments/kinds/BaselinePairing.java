package dev.mnemo.experiments.kinds;

import com.typesafe.config.Config;
import dev.mnemo.agents.baselines.BanditTableEvaluation;
import dev.mnemo.agents.baselines.BanditTableEvaluation.InstanceTotals;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Row;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Setting;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Settings;
import dev.mnemo.agents.baselines.PaperReference;
import dev.mnemo.agents.baselines.mdp.MdpPaperReference;
import dev.mnemo.agents.baselines.mdp.MdpTableEvaluation;
import dev.mnemo.agents.stats.MeanCi;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.meta.BanditEnv;
import dev.mnemo.envs.meta.MetaTrial;
import dev.mnemo.envs.meta.MultiTaskEnv;
import dev.mnemo.envs.meta.RandomMdpEnv;
import dev.mnemo.experiments.run.RunKind;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A trial run's saved policy and a baseline table's algorithms on the same tasks, task by task ({@code mnemo eval
 * --baseline-tasks CONF}). The table's evaluation of the run's setting is re-run with CONF's seed, instances and grids
 * (and, for the MDP table, its tuning), keeping each algorithm's total on every task; the policy then plays one trial
 * on each of those tasks; each algorithm is reported with the mean of the per-task differences, policy − algorithm,
 * and its 95% interval.
 *
 * <p>Bandits ({@code kind = bandit-baselines}): the policy plays on the table's own random numbers (the same arm
 * probabilities, and the j-th pull of an arm pays what the j-th pull of that arm paid every baseline), and each
 * difference is also given by quarter of the tasks ranked by their best arm's margin over the second. Random MDPs
 * ({@code kind = mdp-baselines}): the same tasks (transition and reward tables); the outcomes of the policy's steps
 * are its own draws.
 *
 * <p>Why pair: the two means' own intervals are mostly the spread of the tasks (a task whose best arm pays 0.99
 * is worth more to every policy than one whose best pays 0.6) and the luck of the outcomes, which a difference on the
 * same task (and the same outcomes) cancels where the two policies act alike.
 */
public final class BaselinePairing {

  /**
   * One baseline on the shared tasks.
   *
   * @param mean the baseline's mean total (its table figure)
   * @param paper the paper's figure for it, NaN if none
   * @param difference mean over tasks of (policy's total − baseline's total)
   * @param differenceCi95 half-width of the 95% interval of that mean (Student t)
   */
  public record Comparison(String algorithm, String hyperparameter, double mean, double ci95, double paper,
      double difference, double differenceCi95, List<MarginQuartile> byMargin) {
    public Comparison {
      byMargin = List.copyOf(byMargin);
    }
  }

  /**
   * The paired difference over one quarter of the tasks, ranked by how far their best arm's success probability is
   * above the second best's (what finding the best arm is worth): where a policy loses to another, by kind of task.
   *
   * @param marginFrom smallest margin in the quarter
   * @param marginTo largest margin in the quarter
   */
  public record MarginQuartile(double marginFrom, double marginTo, int tasks, double difference,
      double differenceCi95) {}

  /**
   * @param family {@code bandit} or {@code mdp}
   * @param n pulls (bandits) or episodes (MDPs) per trial
   * @param k arms (bandits); 0 for MDPs
   * @param paperRl2 the paper's RL² figure for this setting, NaN if none
   * @param baselines in the table's row order
   */
  public record Result(String family, int n, int k, int tasks, long baselineSeed, double policyMean,
      double policyCi95, double paperRl2, List<Comparison> baselines) {
    public Result {
      baselines = List.copyOf(baselines);
    }
  }

  /** One baseline row of a table with its per-task totals. */
  private record BaselineRow(String algorithm, String hyperparameter, double mean, double ci95, double paper,
      double[] totals) {}

  private BaselinePairing() {}

  /**
   * @param runConfig the run's resolved config (its {@code env} must be a bandit trial)
   * @param baselineConfig a resolved {@code kind = bandit-baselines} config: seed, instances, grids
   * @param seed the policy's sampling (its pulls' outcomes are the table's)
   */
  public static Result bandits(RunKind kind, Config runConfig, Path runDir, String which, Config baselineConfig,
      long seed, PrintStream progress) {
    Setting cell = banditCell(runConfig.getString("env"));
    Settings settings = BanditBaselinesRunKind.settings(baselineConfig, baselineConfig.getLong("seed"));
    int tasks = settings.instances();
    List<Consumer<MultiTaskEnv>> pins = new ArrayList<>(tasks);
    double[] margins = new double[tasks];
    for (int i = 0; i < tasks; i++) {
      BanditTableEvaluation.Task t = BanditTableEvaluation.task(settings.seed(), cell, i);
      pins.add(task -> ((BanditEnv) task).setTask(t.p(), t.outcomes(), cell.horizon()));
      margins[i] = bestArmMargin(t.p());
    }
    // The policy first: a run without saved parameters fails before the baselines' minute of work.
    double[] policy = kind.returnsOnTasks(runConfig, runDir, which, pins, seed);
    InstanceTotals table = BanditTableEvaluation.instanceTotals(settings, cell, progress);
    List<BaselineRow> rows = new ArrayList<>();
    for (int r = 0; r < table.rows().size(); r++) {
      Row row = table.rows().get(r);
      rows.add(new BaselineRow(row.algorithm(), row.hyperparameter(), row.mean(), row.ci95(), row.paper(),
          table.totals()[r]));
    }
    double paperRl2 = PaperReference.load().figure(cell.horizon(), cell.arms(), "rl2").orElse(Double.NaN);
    return compare("bandit", cell.horizon(), cell.arms(), settings.seed(), policy, rows, margins, paperRl2);
  }

  /**
   * @param runConfig the run's resolved config (its {@code env} must be a trial of the table's random MDPs)
   * @param baselineConfig a resolved {@code kind = mdp-baselines} config: seeds, instances, grids
   * @param seed the policy's sampling and its steps' outcomes
   */
  public static Result mdps(RunKind kind, Config runConfig, Path runDir, String which, Config baselineConfig,
      long seed, PrintStream progress) {
    int episodes = mdpEpisodes(runConfig.getString("env"));
    MdpTableEvaluation.Settings settings = MdpBaselinesRunKind.settings(baselineConfig,
        baselineConfig.getLong("seed"));
    int tasks = settings.instances();
    List<Consumer<MultiTaskEnv>> pins = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      long taskSeed = MdpTableEvaluation.taskSeed(settings.seed(), i);
      pins.add(task -> task.sampleTask(taskSeed));
    }
    double[] policy = kind.returnsOnTasks(runConfig, runDir, which, pins, seed);
    MdpTableEvaluation.InstanceTotals table = MdpTableEvaluation.instanceTotals(settings, episodes, progress);
    List<BaselineRow> rows = new ArrayList<>();
    for (int r = 0; r < table.rows().size(); r++) {
      MdpTableEvaluation.Row row = table.rows().get(r);
      rows.add(new BaselineRow(row.algorithm(), row.hyperparameter(), row.mean(), row.ci95(), row.paper(),
          table.totals()[r]));
    }
    double paperRl2 = MdpPaperReference.load().figure(episodes, "rl2").orElse(Double.NaN);
    return compare("mdp", episodes, 0, settings.seed(), policy, rows, null, paperRl2);
  }

  /** The paired differences of {@code policy} with every row; by margin quarter where {@code margins} is given. */
  private static Result compare(String family, int n, int k, long baselineSeed, double[] policy,
      List<BaselineRow> rows, double[] margins, double paperRl2) {
    MeanCi own = MeanCi.studentT(policy);
    List<Comparison> out = new ArrayList<>();
    for (BaselineRow row : rows) {
      double[] diff = differences(policy, row.totals());
      MeanCi d = MeanCi.studentT(diff);
      out.add(new Comparison(row.algorithm(), row.hyperparameter(), row.mean(), row.ci95(), row.paper(), d.mean(),
          d.ci95(), margins == null ? List.of() : byMargin(diff, margins)));
    }
    return new Result(family, n, k, policy.length, baselineSeed, own.mean(), own.ci95(), paperRl2, out);
  }

  /** The best arm's probability minus the second best's ({@code p[0]} with one arm). */
  static double bestArmMargin(double[] p) {
    double best = Double.NEGATIVE_INFINITY;
    double second = 0;
    for (double v : p) {
      if (v > best) {
        second = Math.max(second, best);
        best = v;
      } else {
        second = Math.max(second, v);
      }
    }
    return best - second;
  }

  /**
   * The mean of {@code diff} over each quarter of the tasks ranked by {@code margins} (ties in task order; the
   * quarters differ in size by at most one task). Needs at least 8 tasks (2 per quarter, for an interval).
   */
  static List<MarginQuartile> byMargin(double[] diff, double[] margins) {
    int n = diff.length;
    if (n < 8) {
      return List.of();
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> margins[i]));
    List<MarginQuartile> out = new ArrayList<>(4);
    for (int q = 0; q < 4; q++) {
      int from = q * n / 4;
      int to = (q + 1) * n / 4;
      double[] part = new double[to - from];
      for (int j = from; j < to; j++) {
        part[j - from] = diff[order[j]];
      }
      MeanCi m = MeanCi.studentT(part);
      out.add(new MarginQuartile(margins[order[from]], margins[order[to - 1]], part.length, m.mean(), m.ci95()));
    }
    return out;
  }

  /** {@code a[i] - b[i]} for every task. */
  static double[] differences(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("paired totals over " + a.length + " and " + b.length + " tasks");
    }
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  /**
   * The episodes per trial of a trial env id over the MDP table's random MDPs (its states, actions and horizon); a
   * clear error for any other env.
   */
  static int mdpEpisodes(String env) {
    try (Env e = EnvRegistry.make(env)) {
      if (e instanceof MetaTrial trial && trial.taskEnv() instanceof RandomMdpEnv mdp
          && mdp.spec().obsSize() == MdpTableEvaluation.STATES && mdp.spec().numActions() == MdpTableEvaluation.ACTIONS
          && mdp.horizon() == MdpTableEvaluation.HORIZON) {
        return trial.episodesPerTrial();
      }
    }
    throw new IllegalArgumentException("the run's env " + env + " is not a trial of the MDP table's random MDPs ("
        + MdpTableEvaluation.STATES + " states, " + MdpTableEvaluation.ACTIONS + " actions, episodes of "
        + MdpTableEvaluation.HORIZON + " steps: mdp?episodes=N)");
  }

  /** The (n, k) cell of a bandit trial env id; a clear error for any other env. */
  static Setting banditCell(String env) {
    try (Env e = EnvRegistry.make(env)) {
      if (e instanceof MetaTrial trial && trial.taskEnv() instanceof BanditEnv) {
        return new Setting(trial.episodesPerTrial(), trial.spec().numActions());
      }
    }
    throw new IllegalArgumentException("the run's env " + env + " is not a bandit trial (bandit?arms=K&pulls=N): "
        + "the baseline tasks are the bandit table's");
  }
}
