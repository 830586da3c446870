package dev.mnemo.experiments.kinds;

import com.typesafe.config.Config;
import dev.mnemo.agents.baselines.BanditTableEvaluation;
import dev.mnemo.agents.baselines.BanditTableEvaluation.InstanceTotals;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Row;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Setting;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Settings;
import dev.mnemo.agents.baselines.PaperReference;
import dev.mnemo.agents.stats.MeanCi;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.meta.BanditEnv;
import dev.mnemo.envs.meta.MetaTrial;
import dev.mnemo.envs.meta.MultiTaskEnv;
import dev.mnemo.experiments.run.RunKind;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A bandit run's saved policy and the bandit baselines on the same tasks, task by task ({@code mnemo eval
 * --baseline-tasks CONF}). The baseline table's evaluation of the run's (n, k) cell is re-run with CONF's seed,
 * instances and grids, keeping each algorithm's total on every task; the policy then plays one trial on each of those
 * tasks, on the table's own random numbers (the same arm probabilities, and the j-th pull of an arm pays what the
 * j-th pull of that arm paid every baseline); each algorithm is reported with the mean of the per-task differences,
 * policy − algorithm, and its 95% interval.
 *
 * <p>Why pair: the two means' own intervals are mostly the spread of the tasks (a task whose best arm pays 0.99
 * is worth more to every policy than one whose best pays 0.6) and the luck of the pulls, which a difference on the same
 * task and the same outcomes cancels where the two policies pull alike.
 */
public final class BanditPairing {

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
   * @param paperRl2 the paper's RL² figure for this cell, NaN if none
   * @param baselines in the table's column order
   */
  public record Result(int pulls, int arms, int tasks, long baselineSeed, double policyMean, double policyCi95,
      double paperRl2, List<Comparison> baselines) {
    public Result {
      baselines = List.copyOf(baselines);
    }
  }

  private BanditPairing() {}

  /**
   * @param runConfig the run's resolved config (its {@code env} must be a bandit trial)
   * @param baselineConfig a resolved {@code kind = bandit-baselines} config: seed, instances, grids
   * @param seed the policy's sampling and its pulls' outcomes
   */
  public static Result run(RunKind kind, Config runConfig, Path runDir, String which, Config baselineConfig,
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
    InstanceTotals baselines = BanditTableEvaluation.instanceTotals(settings, cell, progress);
    MeanCi own = MeanCi.studentT(policy);
    List<Comparison> out = new ArrayList<>();
    for (int r = 0; r < baselines.rows().size(); r++) {
      Row row = baselines.rows().get(r);
      double[] diff = differences(policy, baselines.totals()[r]);
      MeanCi d = MeanCi.studentT(diff);
      out.add(new Comparison(row.algorithm(), row.hyperparameter(), row.mean(), row.ci95(), row.paper(), d.mean(),
          d.ci95(), byMargin(diff, margins)));
    }
    double paperRl2 = PaperReference.load().figure(cell.horizon(), cell.arms(), "rl2").orElse(Double.NaN);
    return new Result(cell.horizon(), cell.arms(), tasks, settings.seed(), own.mean(), own.ci95(), paperRl2, out);
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
