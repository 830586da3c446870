package dev.mnemo.learners.rl2;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.acting.CategoricalPolicy;
import dev.mnemo.envs.Seeds;
import dev.mnemo.learners.agent.TrialSource;

/**
 * One worker's whole trials (RL²'s trials, ALD's episodes): a {@link TrialCollector} and its own sampling policy
 * (any {@link CategoricalPolicy}: a recurrent actor-critic, a Transformer with its key/value cache). Collection
 * {@code k} draws its tasks from {@code combine(seed, k)}, so a source never repeats a task set and sources of
 * different seeds do not share one. Each collection fills a new {@link TrialBatch}: the receiver keeps it while
 * this source goes on collecting.
 */
public final class PolicyTrialSource implements TrialSource<TrialBatch> {
  private final TrialCollector collector;
  private final CategoricalPolicy policy;
  private final long seed;
  private long collections;

  /**
   * @param policy acts for the collector's {@code trials} envs; loaded with each collection's parameters
   * @param seed collection {@code k}'s tasks come from {@code combine(seed, k)}
   */
  public PolicyTrialSource(TrialCollector collector, CategoricalPolicy policy, long seed) {
    this.collector = collector;
    this.seed = seed;
    this.policy = policy;
  }

  @Override
  public int trials() {
    return collector.trials();
  }

  @Override
  public long maxEnvSteps() {
    return (long) collector.trials() * collector.time();
  }

  @Override
  public Collected<TrialBatch> collect(ParamSnapshot params) {
    long t0 = System.nanoTime();
    long env0 = collector.envNanos();
    long act0 = collector.actNanos();
    long cpu0 = collector.actCpuNanos();
    long rows0 = collector.actedRows();
    policy.load(params);
    TrialBatch batch = collector.newBatch();
    collector.collect(policy, Seeds.combine(seed, collections++), batch);
    double returns = 0;
    for (int b = 0; b < batch.trials(); b++) {
      returns += batch.trialReturn(b);
    }
    return new Collected<>(batch, batch.paramVersion(), batch.trials(), batch.validSteps(), returns,
        (System.nanoTime() - t0) / 1e9, (collector.envNanos() - env0) / 1e9, (collector.actNanos() - act0) / 1e9,
        collector.hasCpuClock() ? (collector.actCpuNanos() - cpu0) / 1e9 : Double.NaN,
        collector.actedRows() - rows0);
  }
}
