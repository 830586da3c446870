package dev.mnemo.actors;

import dev.mnemo.replay.SequenceBatch;

/**
 * Finished sequences travelling from a worker to the replay: the first {@code count} rows of
 * {@code batch}, with the actor-side priority of each (NaN = enter at the replay's maximum).
 *
 * <p>Ownership passes with the message: the sender never touches {@code batch} again, so the receiver
 * (or the serializer) may read it without copying.
 */
public record SequenceChunk(SequenceBatch batch, int count, float[] priorities) {
  public SequenceChunk {
    if (batch == null || priorities == null) {
      throw new IllegalArgumentException("SequenceChunk batch and priorities must not be null");
    }
    if (count < 0 || count > batch.batchSize() || priorities.length < count) {
      throw new IllegalArgumentException("SequenceChunk count " + count + " outside [0, "
          + batch.batchSize() + "] or more than " + priorities.length + " priorities");
    }
  }
}
