package dev.mnemo.experiments.kinds;

import com.typesafe.config.Config;
import dev.mnemo.agents.baselines.BanditTableEvaluation;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Result;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Row;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Setting;
import dev.mnemo.agents.baselines.BanditTableEvaluation.Settings;
import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.KeyRule;
import dev.mnemo.experiments.run.RunContext;
import dev.mnemo.experiments.run.RunKind;
import dev.mnemo.experiments.run.RunOutcome;
import java.util.List;

/**
 * {@code kind = bandit-baselines}: the classic bandit baselines on the RL² paper's Table 1 settings, tuned
 * per setting as the authors did. Writes {@code results.csv} and {@code table.md} (each figure beside the
 * paper's) into the run directory.
 */
public final class BanditBaselinesRunKind implements RunKind {

  @Override
  public String name() {
    return "bandit-baselines";
  }

  @Override
  public String description() {
    return "Random, Greedy, eps-greedy, UCB1, TS, OTS and Gittins on the RL² bandit table, beside the paper";
  }

  @Override
  public ConfigSchema schema() {
    Settings paper = Settings.paper();
    StringBuilder cells = new StringBuilder();
    for (Setting s : paper.settings()) {
      cells.append(cells.length() == 0 ? "" : ", ").append('"').append(s.horizon()).append('x')
          .append(s.arms()).append('"');
    }
    return ConfigSchema.builder(name())
        .defaults("settings = [" + cells + "]\ninstances = " + paper.instances() + "\nthreads = "
            + paper.threads() + "\ngittins_exact_up_to = " + paper.gittinsExactUpTo() + "\ngittins_grid = "
            + paper.gittinsGridSize() + "\nots_max_per_arm = false\ngittins_fixed_lookahead = 0\n")
        .key(KeyRule.ofStringList("settings").doc("(n, k) cells as \"NxK\": n pulls of k arms"))
        .key(KeyRule.ofInt("instances").between(2, 10_000_000).doc("tasks per setting (paper: 1000)"))
        .key(KeyRule.ofInt("threads").between(1, 256).doc("worker threads; figures do not depend on it"))
        .key(KeyRule.ofInt("gittins_exact_up_to").between(0, 1000)
            .doc("horizons up to this use exactly computed Gittins indices"))
        .key(KeyRule.ofInt("gittins_grid").between(2, 100_000)
            .doc("retirement prices of the Gittins approximation for longer horizons"))
        .key(KeyRule.ofBoolean("ots_max_per_arm")
            .doc("also report OTS as the paper words it (per-arm maximum of the samples)"))
        .key(KeyRule.ofInt("gittins_fixed_lookahead").between(0, 100_000)
            .doc("also report the Gittins index for a fixed look-ahead, like the authors' code (500); 0 off"))
        .check("settings parse as NxK with n, k >= 1", c -> settings(c, 0L), "settings")
        .build();
  }

  @Override
  public RunOutcome run(RunContext ctx) {
    Settings s = settings(ctx.config(), ctx.seed());
    Result r = BanditTableEvaluation.run(s, ctx.dir(), ctx.console());
    long pulls = 0;
    for (Setting cell : s.settings()) {
      pulls += (long) cell.horizon() * s.instances();
    }
    int outside = 0;
    int compared = 0;
    for (Row row : r.rows()) {
      if (!Double.isNaN(row.paper())) {
        compared++;
        if (row.outsidePaper()) {
          outside++;
        }
      }
    }
    ctx.events().record("table_written", "results", "results.csv", "markdown", "table.md");
    // Env steps count the pulls of one policy over every setting (each algorithm replays the same tasks).
    return RunOutcome.of(pulls).with("figures_compared_with_paper", compared)
        .with("figures_outside_paper_ci", outside);
  }

  static Settings settings(Config c, long seed) {
    List<Setting> cells = c.getStringList("settings").stream().map(Setting::parse).toList();
    return new Settings(cells, c.getInt("instances"), seed, c.getInt("threads"), c.getInt("gittins_exact_up_to"),
        c.getInt("gittins_grid"), c.getBoolean("ots_max_per_arm"), c.getInt("gittins_fixed_lookahead"));
  }
}
