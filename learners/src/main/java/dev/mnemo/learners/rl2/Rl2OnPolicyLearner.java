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
    TrialBatch batch = batches.size() == 1 ? batches.get(0) : TrialBatch.merge(batches, merged);
    if (batch.trials() != cfg.trialsPerUpdate()) {
      throw new IllegalArgumentException("an update takes " + cfg.trialsPerUpdate() + " trials, got " + batch.trials());
    }
    return ppo.update(batch, cfg.lrScale(envSteps), cfg.entropyCoef(envSteps));
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
