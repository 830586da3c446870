package dev.mnemo.actors;

import dev.mnemo.replay.SequenceBatch;
import dev.mnemo.replay.SequenceConfig;
import dev.mnemo.replay.SequenceSink;
import java.util.ArrayDeque;

/**
 * A worker's outgoing buffer of finished sequences: the {@link SequenceSink} its adders write to. Rows
 * accumulate in a batch; {@link #full()} says when {@code rows} are waiting and {@link #drain()} hands
 * the filled rows over as a {@link SequenceChunk}, so one message carries many sequences (cheaper to send
 * and serialize than one per sequence).
 *
 * <p>Two things keep the acting thread from allocating per chunk, which at a million env steps per
 * second is hundreds of MB/s of fresh batches for the GC:
 * <ul>
 *   <li>A batch has {@code headroom} rows beyond {@code rows}: a worker drains after a vector step once
 *       the outbox is full, and one step can finish several sequences per env
 *       ({@link #maxSequencesPerStep}), so with that headroom a step never overflows the batch. (Without
 *       it the batch grows, copying its rows: correct, but an allocation and a copy.)
 *   <li>{@link #recycle} takes back the batch of a chunk the replay has acknowledged (it no longer reads
 *       it, and a remote send has been serialized by then), and {@link #drain()} starts the next chunk in
 *       a recycled batch when there is one. Every row of a batch is overwritten before it is sent, so a
 *       recycled batch needs no clearing.
 * </ul>
 */
public final class SequenceOutbox implements SequenceSink {
  private final SequenceConfig cfg;
  private final int rows;
  private final int capacity;
  private final int maxFree;
  private final ArrayDeque<SequenceBatch> freeBatches = new ArrayDeque<>();
  private final ArrayDeque<float[]> freePriorities = new ArrayDeque<>();
  private SequenceBatch batch;
  private float[] priorities;
  private int filled;

  /** An outbox of {@code rows} without headroom (it grows when a step overflows it). */
  public SequenceOutbox(SequenceConfig cfg, int rows) {
    this(cfg, rows, 0, 0);
  }

  /**
   * @param rows sequences per chunk ({@link #full()} from then on)
   * @param headroom extra rows a batch holds so the step that fills it cannot overflow it (see
   *     {@link #maxSequencesPerStep})
   * @param maxFree acknowledged batches kept for reuse (a worker needs its credit window plus one)
   */
  public SequenceOutbox(SequenceConfig cfg, int rows, int headroom, int maxFree) {
    if (cfg == null) {
      throw new IllegalArgumentException("SequenceOutbox cfg must not be null");
    }
    if (rows < 1 || headroom < 0 || maxFree < 0) {
      throw new IllegalArgumentException("SequenceOutbox needs rows >= 1, headroom >= 0 and maxFree >= 0, got "
          + rows + ", " + headroom + ", " + maxFree);
    }
    this.cfg = cfg;
    this.rows = rows;
    this.capacity = rows + headroom;
    this.maxFree = maxFree;
    fresh();
  }

  /**
   * The most sequences one vector step of {@code envs} envs can finish: per env, the one whose window the
   * step completes, plus at an episode end every sequence still open (a window of T steps starting every
   * {@code period} steps overlaps at most ceil(T / period) open ones).
   */
  public static int maxSequencesPerStep(SequenceConfig cfg, int envs) {
    int open = (cfg.length() + cfg.period() - 1) / cfg.period();
    return envs * (1 + open);
  }

  @Override
  public void accept(SequenceBatch sequence, int row, float priority) {
    if (filled == batch.batchSize()) {
      // More sequences in one step than the headroom allows for: grow this chunk rather than refuse (it
      // is sent right after the step). Doubling keeps repeated growth rare.
      SequenceBatch bigger = new SequenceBatch(2 * filled, cfg);
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

  /** The waiting sequences as a chunk (possibly empty); the outbox starts a new (or recycled) batch. */
  public SequenceChunk drain() {
    SequenceChunk c = new SequenceChunk(batch, filled, priorities);
    fresh();
    return c;
  }

  /**
   * Takes back the batch of a drained chunk that nothing reads any more (the replay acknowledged it). A
   * batch that grew past the outbox's size, or one beyond {@code maxFree} kept, is left to the GC.
   */
  public void recycle(SequenceChunk c) {
    SequenceBatch b = c.batch();
    if (b.batchSize() == capacity && freeBatches.size() < maxFree && b != batch) {
      freeBatches.addLast(b);
      freePriorities.addLast(c.priorities());
    }
  }

  /** Forgets the waiting sequences (a restart drops them); returns how many there were. */
  public int discard() {
    int n = filled;
    filled = 0;
    return n;
  }

  private void fresh() {
    if (freeBatches.isEmpty()) {
      batch = new SequenceBatch(capacity, cfg);
      priorities = new float[capacity];
    } else {
      batch = freeBatches.pollFirst();
      priorities = freePriorities.pollFirst();
    }
    filled = 0;
  }
}
