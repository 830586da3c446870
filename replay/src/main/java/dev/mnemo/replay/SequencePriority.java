package dev.mnemo.replay;

/**
 * Computes an actor-side priority for a finished sequence (e.g. from the Q-values stored as
 * behaviour logits). Return NaN to let the replay use its current maximum priority.
 */
@FunctionalInterface
public interface SequencePriority {
  /** Priority of row {@code row} of {@code sequence}; must not allocate (it runs on the actor). */
  float priority(SequenceBatch sequence, int row);
}
