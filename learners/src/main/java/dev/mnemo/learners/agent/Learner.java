package dev.mnemo.learners.agent;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.replay.SequenceBatch;
import java.nio.file.Path;

/**
 * A learner as the runtime sees it (Acme's {@code Learner}): one step on a batch sampled from the replay,
 * returning the batch's new priorities; its parameters as a versioned snapshot for the actors; and
 * everything needed to continue exactly, saved and restored. Not thread-safe: one learner thread owns it.
 */
public interface Learner {

  /** Sequences per sampled batch. */
  int batchSize();

  /**
   * One update on a batch sampled from the replay (its importance weights included).
   *
   * @return the new priority of each row of the batch
   */
  float[] step(SequenceBatch batch);

  /** Updates done so far (also the version of {@link #snapshot()}). */
  long updates();

  /** The parameters the actors run, versioned by {@link #updates()}. */
  ParamSnapshot snapshot();

  /** Writes everything needed to continue exactly (atomically). */
  void save(Path file);

  /** Restores what {@link #save} wrote, refusing a file of another shape or format with its reason. */
  void restore(Path file);
}
