package dev.mnemo.learners.ald;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.agent.OnPolicyLearner;
import dev.mnemo.learners.rl2.TrialBatch;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@link AldLearner} behind {@link AldBuilder}: the collections of one update are laid side by side into one
 * batch of {@code trials_per_update} episodes (each keeps its behaviour log-probabilities, so an episode collected by
 * an older actor is corrected by PPO's clipped ratio like any other), then one {@link AldLearner#update}; what the
 * workers get is {@link AldLearner#actingSnapshot} (ALD's distilled LSTM, never the Transformer, except in
 * Transformer-only).
 *
 * <p>{@link #save} and {@link #restore} are {@link AldLearner}'s: the whole learner (both networks, their AdamW
 * states, the minibatch shuffle's position, the published parameters), so a restored learner continues bit-identically
 * to one that never stopped. {@link #close} joins a distillation under way and stops the distillation thread.
 */
final class AldOnPolicyLearner implements OnPolicyLearner<TrialBatch, AldLearner.Stats> {
  private final AldLearner learner;
  private final int trials;
  /** The update's batch when it is made of several collections (reused: shapes are fixed for a run). */
  private final TrialBatch merged;

  AldOnPolicyLearner(AldLearner learner, int trials, int time, int obsSize, int numActions) {
    this.learner = learner;
    this.trials = trials;
    this.merged = new TrialBatch(trials, time, obsSize, numActions);
  }

  @Override
  public long updates() {
    return learner.updates();
  }

  @Override
  public ParamSnapshot snapshot() {
    return learner.actingSnapshot();
  }

  @Override
  public AldLearner.Stats update(List<TrialBatch> batches, long envSteps) {
    TrialBatch batch = batches.size() == 1 ? batches.get(0) : TrialBatch.merge(batches, merged);
    if (batch.trials() != trials) {
      throw new IllegalArgumentException("an ALD update takes " + trials + " episodes, got " + batch.trials());
    }
    return learner.update(batch);
  }

  @Override
  public void save(Path file) {
    learner.save(file);
  }

  @Override
  public void restore(Path file) {
    learner.restore(file);
  }

  /** The Transformer's current parameters (the learner's, whatever acts). */
  float[] learnerParams() {
    return learner.learnerParams();
  }

  @Override
  public void close() {
    learner.close();
  }
}
