package dev.mnemo.learners.rl2;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.learners.agent.OnPolicyLearner;
import java.nio.file.Path;
import java.util.List;

/**
 * The PPO learner behind {@link Rl2Builder}: the collections of one update are laid side by side into one batch
 * of {@code trials_per_update} trials (each trial keeps its own behaviour log-probabilities, so trials collected
 * by an older parameter version are corrected by PPO's clipped ratio like any other), then one
 * {@link PpoLearner#update} with the schedule's learning-rate factor at the run's env steps.
 */
final class Rl2OnPolicyLearner implements OnPolicyLearner<TrialBatch, PpoStats> {
  private final Rl2Config cfg;
  private final PpoLearner ppo;
  /** The update's batch when it is made of several collections (reused: shapes are fixed for a run). */
  private final TrialBatch merged;

  Rl2OnPolicyLearner(Rl2Config cfg, PpoLearner ppo, EnvSpec env) {
    this.cfg = cfg;
    this.ppo = ppo;
    this.merged = new TrialBatch(cfg.trialsPerUpdate(), env.maxEpisodeSteps(), ppo.spec().inputSize(),
        env.numActions());
  }

  @Override
  public long updates() {
    return ppo.updates();
  }

  @Override
  public ParamSnapshot snapshot() {
    return ppo.snapshot();
  }

  @Override
  public PpoStats update(List<TrialBatch> batches, long envSteps) {
    TrialBatch batch = batches.size() == 1 ? batches.get(0) : merge(batches, merged);
    if (batch.trials() != cfg.trialsPerUpdate()) {
      throw new IllegalArgumentException("an update takes " + cfg.trialsPerUpdate() + " trials, got " + batch.trials());
    }
    return ppo.update(batch, cfg.lrScale(envSteps));
  }

  /**
   * Lays {@code parts} side by side into {@code into} (time-major rows {@code t * trials + b}: each part's rows of
   * step t become a contiguous run of step t's row), whose trial count must be their sum.
   */
  static TrialBatch merge(List<TrialBatch> parts, TrialBatch into) {
    int total = 0;
    for (TrialBatch p : parts) {
      if (p.time() != into.time() || p.obsSize() != into.obsSize() || p.numActions() != into.numActions()) {
        throw new IllegalArgumentException("cannot merge a batch of " + p.time() + " steps, obs " + p.obsSize()
            + ", actions " + p.numActions() + " into one of " + into.time() + ", " + into.obsSize() + ", "
            + into.numActions());
      }
      total += p.trials();
    }
    if (total != into.trials()) {
      throw new IllegalArgumentException("batches of " + total + " trials in all do not fill " + into.trials());
    }
    int n = into.trials();
    int obs = into.obsSize();
    int na = into.numActions();
    long oldest = Long.MAX_VALUE;
    int first = 0;
    for (TrialBatch p : parts) {
      int m = p.trials();
      for (int t = 0; t < into.time(); t++) {
        int src = t * m;
        int dst = t * n + first;
        System.arraycopy(p.obs, src * obs, into.obs, dst * obs, m * obs);
        System.arraycopy(p.actions, src, into.actions, dst, m);
        System.arraycopy(p.rewards, src, into.rewards, dst, m);
        System.arraycopy(p.logMu, src * na, into.logMu, dst * na, m * na);
        System.arraycopy(p.mask, src, into.mask, dst, m);
      }
      System.arraycopy(p.trialReturns, 0, into.trialReturns, first, m);
      System.arraycopy(p.lengths, 0, into.lengths, first, m);
      oldest = Math.min(oldest, p.paramVersion);
      first += m;
    }
    into.paramVersion = oldest;
    return into;
  }

  @Override
  public void save(Path file) {
    ppo.save(file);
  }

  @Override
  public void restore(Path file) {
    ppo.restore(file);
  }

  @Override
  public void close() {
    ppo.close();
  }
}
