package dev.mnemo.actors;

import dev.mnemo.replay.SequenceBatch;
import dev.mnemo.replay.SequenceConfig;
import dev.mnemo.replay.SequenceSink;

/**
 * A worker's outgoing buffer of finished sequences: the {@link SequenceSink} its adders write to. Rows
 * accumulate in a batch of {@code rows}; {@link #drain()} hands the filled rows over as a
 * {@link SequenceChunk} and starts a fresh batch, so one message carries many sequences (cheaper to
 * send and serialize than one per sequence). One allocation per chunk, none per step.
 */
public final class SequenceOutbox implements SequenceSink {
  private final SequenceConfig cfg;
  private final int rows;
  private SequenceBatch batch;
  private float[] priorities;
  private int filled;

  public SequenceOutbox(SequenceConfig cfg, int rows) {
    if (cfg == null) {
      throw new IllegalArgumentException("SequenceOutbox cfg must not be null");
    }
    if (rows < 1) {
      throw new IllegalArgumentException("SequenceOutbox rows must be >= 1, got " + rows);
    }
    this.cfg = cfg;
    this.rows = rows;
    fresh();
  }

  @Override
  public void accept(SequenceBatch sequence, int row, float priority) {
    if (filled == rows) {
      // Workers drain whenever the outbox is full, but a single vector step can finish several
      // sequences at once: grow this chunk rather than refuse (it is sent right after the step).
      SequenceBatch bigger = new SequenceBatch(rows * 2 + batch.batchSize(), cfg);
      for (int r = 0; r < filled; r++) {
        bigger.copyRowFrom(batch, r, r);
      }
      float[] p = new float[bigger.batchSize()];
      System.arraycopy(priorities, 0, p, 0, filled);
      batch = bigger;
      priorities = p;
    }
    batch.copyRowFrom(sequence, row, filled);
    priorities[filled++] = priority;
  }

  /** Sequences waiting to be sent. */
  public int size() {
    return filled;
  }

  /** True once at least {@code rows} sequences are waiting. */
  public boolean full() {
    return filled >= rows;
  }

  /** The waiting sequences as a chunk (possibly empty); the outbox starts a new batch. */
  public SequenceChunk drain() {
    SequenceChunk c = new SequenceChunk(batch, filled, priorities);
    fresh();
    return c;
  }

  /** Forgets the waiting sequences (a restart drops them); returns how many there were. */
  public int discard() {
    int n = filled;
    filled = 0;
    return n;
  }

  private void fresh() {
    batch = new SequenceBatch(rows, cfg);
    priorities = new float[rows];
    filled = 0;
  }
}
