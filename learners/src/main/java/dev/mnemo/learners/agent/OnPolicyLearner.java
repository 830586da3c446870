package dev.mnemo.learners.agent;

import dev.mnemo.agents.ParamSnapshot;
import java.nio.file.Path;
import java.util.List;

/**
 * An on-policy learner as a runtime sees it: one update on whole trials, versioned parameters, save/restore.
 * The trials of one update may come from several collections and several parameter versions (a runtime keeps
 * only those within its parameter-lag limit); every batch carries its behaviour policy's probabilities, so the
 * update corrects for the difference as the algorithm does (PPO: the clipped ratio against them). Not
 * thread-safe: one learner thread owns it.
 *
 * @param <B> the batch of whole trials
 * @param <R> one update's report
 */
public interface OnPolicyLearner<B, R> extends AutoCloseable {

  /** Updates done so far (also the version of {@link #snapshot()}). */
  long updates();

  /** The parameters the workers act with, versioned by {@link #updates()}. */
  ParamSnapshot snapshot();

  /**
   * One update on {@code batches}, whose trials add up to the builder's {@code trialsPerUpdate}.
   *
   * @param envSteps env steps the run has taken so far (learning-rate schedules read it)
   */
  R update(List<B> batches, long envSteps);

  /** Writes everything needed to continue exactly (atomically). */
  void save(Path file);

  /** Restores what {@link #save} wrote, refusing a file of another shape or format with its reason. */
  void restore(Path file);

  /** Releases the learner's threads, if any. */
  @Override
  void close();
}
