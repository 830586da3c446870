package dev.mnemo.replay;

/**
 * Receives finished sequences from a {@link SequenceAdder}. The replay implements it; an actor runtime
 * may implement it to forward sequences over the network.
 */
@FunctionalInterface
public interface SequenceSink {
  /** Priority value meaning "enter at the replay's current maximum priority". */
  float MAX_PRIORITY = Float.NaN;

  /**
   * Takes row {@code row} of {@code sequence}. The batch is reused by the caller after this returns, so
   * an implementation copies what it keeps. May block (a rate limiter holding back a fast actor).
   *
   * @param priority the actor's priority for this sequence, or {@link #MAX_PRIORITY} (NaN)
   * @throws InterruptedException if interrupted while waiting
   */
  void accept(SequenceBatch sequence, int row, float priority) throws InterruptedException;
}
