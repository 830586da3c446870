package dev.mnemo.experiments.kinds;

import com.typesafe.config.Config;
import dev.mnemo.agents.baselines.mdp.MdpPrior;
import dev.mnemo.agents.baselines.mdp.MdpTableEvaluation;
import dev.mnemo.agents.baselines.mdp.MdpTableEvaluation.Result;
import dev.mnemo.agents.baselines.mdp.MdpTableEvaluation.Row;
import dev.mnemo.agents.baselines.mdp.MdpTableEvaluation.Settings;
import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.KeyRule;
import dev.mnemo.experiments.config.Range;
import dev.mnemo.experiments.run.RunContext;
import dev.mnemo.experiments.run.RunKind;
import dev.mnemo.experiments.run.RunOutcome;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code kind = mdp-baselines}: the tabular baselines on the RL² paper's random MDPs (Table 2), constants tuned on
 * separate tasks. Writes {@code results.csv}, {@code tuning.csv} and {@code table.md} (each figure beside the
 * paper's) into the run directory.
 */
public final class MdpBaselinesRunKind implements RunKind {

  @Override
  public String name() {
    return "mdp-baselines";
  }

  @Override
  public String description() {
    return "Random, PSRL, OPSRL, UCRL2, BEB, eps-greedy and greedy on the RL² random-MDP table, beside the paper";
  }

  @Override
  public ConfigSchema schema() {
    Settings p = Settings.paper();
    String defaults = "episodes = " + p.episodes() + "\ninstances = " + p.instances() + "\ntune_instances = "
        + p.tuneInstances() + "\ntune_seed = " + p.tuneSeed() + "\nthreads = " + p.threads()
        + "\nprior_alpha0 = " + p.prior().alpha0() + "\nprior_mu0 = " + p.prior().mu0() + "\nprior_tau0 = "
        + p.prior().tau0() + "\nprior_tau = " + p.prior().tau() + "\nucrl2_delta = " + p.ucrl2Delta()
        + "\nopsrl_samples = " + p.opsrlSamples() + "\nucrl2_scales = " + list(p.ucrl2Scales())
        + "\nbeb_betas = " + list(p.bebBetas()) + "\nepsilons = " + list(p.epsilons()) + "\ntabularl_variants = "
        + p.tabulaRlVariants() + "\nbeb_tabularl_scalings = " + list(p.bebTabulaRlScalings()) + "\n";
    return ConfigSchema.builder(name())
        .defaults(defaults)
        .key(KeyRule.ofIntList("episodes").between(1, 100_000).doc("trial lengths n (episodes of 10 steps)"))
        .key(KeyRule.ofInt("instances").between(2, 10_000_000).doc("evaluation tasks per n (paper: 1000)"))
        .key(KeyRule.ofInt("tune_instances").between(1, 10_000_000)
            .doc("tuning tasks per n, drawn from tune_seed, never evaluated"))
        .key(KeyRule.ofLong("tune_seed").atLeast(0).doc("seed of the tuning tasks; must differ from seed"))
        .key(KeyRule.ofInt("threads").between(1, 256).doc("worker threads; figures do not depend on it"))
        .key(KeyRule.ofDouble("prior_alpha0").positive().doc("Dirichlet prior weight per next state"))
        .key(KeyRule.ofDouble("prior_mu0").doc("prior mean of a mean reward (TabulaRL: 0)"))
        .key(KeyRule.ofDouble("prior_tau0").positive().doc("prior precision of a mean reward"))
        .key(KeyRule.ofDouble("prior_tau").positive().doc("known precision of the reward noise"))
        .key(KeyRule.ofDouble("ucrl2_delta").range(Range.open(0, 1)).doc("UCRL2 confidence parameter delta"))
        .key(KeyRule.ofIntList("opsrl_samples").between(1, 10_000).doc("OPSRL grid: posterior draws per episode"))
        .key(KeyRule.ofDoubleList("ucrl2_scales").between(0, 1e6).doc("UCRL2 grid: scale of the confidence radii"))
        .key(KeyRule.ofDoubleList("beb_betas").between(0, 1e6).doc("BEB grid: bonus weight beta in beta/(1+n)"))
        .key(KeyRule.ofDoubleList("epsilons").between(0, 1).doc("eps-greedy grid: exploration rate"))
        .key(KeyRule.ofBoolean("tabularl_variants")
            .doc("also report BEB, eps-greedy and greedy as the RL² authors' code (TabulaRL) ran them"))
        .key(KeyRule.ofDoubleList("beb_tabularl_scalings").between(0, 1e6)
            .doc("grid of TabulaRL's BEB scaling (bonus 2 H^3 scaling / (1 + S + n) per step left)"))
        .check("the table's settings are consistent (tune_seed differs from seed, grids not empty)",
            c -> settings(c, c.getLong("seed")), "tune_seed", "episodes", "opsrl_samples", "ucrl2_scales",
            "beb_betas", "epsilons", "beb_tabularl_scalings")
        .build();
  }

  private static String list(List<Double> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
  }

  @Override
  public RunOutcome run(RunContext ctx) {
    Settings s = settings(ctx.config(), ctx.seed());
    Result r = MdpTableEvaluation.run(s, ctx.dir(), ctx.console());
    long steps = 0;
    for (int n : s.episodes()) {
      steps += (long) n * MdpTableEvaluation.HORIZON * s.instances();
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
    ctx.events().record("table_written", "results", "results.csv", "tuning", "tuning.csv", "markdown", "table.md");
    // Env steps count one policy's steps on the evaluation tasks (every algorithm replays the same tasks).
    return RunOutcome.of(steps).with("figures_compared_with_paper", compared)
        .with("figures_outside_paper_ci", outside).with("tuning_seconds", r.tuneSeconds());
  }

  static Settings settings(Config c, long seed) {
    MdpPrior prior = new MdpPrior(c.getDouble("prior_alpha0"), c.getDouble("prior_mu0"), c.getDouble("prior_tau0"),
        c.getDouble("prior_tau"));
    return new Settings(c.getIntList("episodes"), c.getInt("instances"), seed, c.getInt("tune_instances"),
        c.getLong("tune_seed"), c.getInt("threads"), prior, c.getDouble("ucrl2_delta"), c.getIntList("opsrl_samples"),
        c.getDoubleList("ucrl2_scales"), c.getDoubleList("beb_betas"), c.getDoubleList("epsilons"),
        c.getBoolean("tabularl_variants"), c.getDoubleList("beb_tabularl_scalings"));
  }
}
