package dev.mnemo.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed-capacity prioritized replay of sequences in preallocated struct-of-arrays storage.
 *
 * <ul>
 *   <li>FIFO eviction: the i-th insert (counting from 0 over the replay's life) goes to slot
 *       {@code i mod capacity} and gets generation {@code i}, overwriting the oldest sequence.
 *   <li>Proportional sampling: P(i) = p_i^α / Σ p^α through a sum tree, stratified over the batch
 *       (row k draws from the k-th of B equal slices of the total mass, which keeps every P(i) exact and
 *       lowers the variance of a batch).
 *   <li>Importance weights w_i = (N·P(i))^-β divided by the largest w in the batch.
 *   <li>Priority updates are keyed by (slot, generation): an update for a sequence evicted since it was
 *       sampled is ignored and counted.
 *   <li>New sequences enter at the priority the actor supplies or, if none (NaN), at the maximum
 *       priority held ({@link ReplayConfig#initialMaxPriority()} when empty).
 *   <li>A samples-per-insert {@link RateLimiterConfig rate limiter}: {@link #insert} and
 *       {@link #sample} wait (interruptibly, with timeouts) until the limiter allows them.
 * </ul>
 *
 * <p>Thread-safe: any number of actor threads may insert while learners sample and update
 * priorities. One lock guards everything, including the copies in and out, so no reader ever sees a
 * half-written sequence; a copy of one sequence is a few microseconds.
 *
 * <p>Inserts and samples allocate nothing; storage is allocated once in the constructor.
 */
public final class PrioritizedSequenceReplay implements SequenceSink, AutoCloseable {
  final ReplayConfig cfg;
  final int capacity;
  final int len;
  final int obsSize;
  final int stateSize;
  final int numActions;
  final boolean logits;
  private final double alpha;
  private final double beta;
  private final double minPriority;
  private final RateLimiterConfig limiter;

  // Storage: one contiguous float record and one int record per slot, so sampling a sequence reads
  // two sequential blocks instead of a dozen scattered ones. Float record layout (offsets below):
  // obs [T*obsSize] | rewards [T] | discounts [T] | mask [T] | prevRewards [T] | episodeStarts [T] |
  // state0 [stateSize] | behaviourLogits [T*numActions, if stored]. Int record:
  // actions [T] | prevActions [T].
  final float[][] records;
  final int[][] intRecords;
  final int recordLength;
  private final int oRewards;
  private final int oDiscounts;
  private final int oMask;
  private final int oPrevRewards;
  private final int oEpisodeStarts;
  private final int oState0;
  private final int oLogits;
  final int[] actorIds;
  final long[] paramVersions;
  final long[] generations;
  final float[] priorities;
  private final PriorityTree tree;
  /**
   * Stride of {@link #touchPages}: the floats (or ints) in a 4 KB page, the smallest page the JVM's heap uses
   * (with larger pages the pass only makes a few more loads than needed).
   */
  private static final int PAGE_ELEMENTS = 1024;

  final ReentrantLock lock = new ReentrantLock();
  private final Condition insertAllowed = lock.newCondition();
  private final Condition sampleAllowed = lock.newCondition();

  // Guarded by lock; all of it is saved in a checkpoint.
  int size;
  long inserts;
  long samples;
  long sampleBatches;
  long evictions;
  long priorityUpdates;
  long staleUpdates;
  long insertWaits;
  long sampleWaits;
  long rngState;
  private boolean closed;
  /** What {@link #touchPages} read, kept so the JIT cannot drop its loads; never used otherwise. */
  private int touched;
  /** Scratch of {@link #sample}: the batch's draws. */
  private double[] drawScratch = new double[0];

  public PrioritizedSequenceReplay(ReplayConfig cfg) {
    this.cfg = cfg;
    SequenceConfig seq = cfg.sequence();
    capacity = cfg.capacity();
    len = seq.length();
    obsSize = seq.obsSize();
    stateSize = seq.stateSize();
    numActions = seq.numActions();
    logits = seq.storeLogits();
    alpha = cfg.priorityExponent();
    beta = cfg.importanceExponent();
    minPriority = cfg.minPriority();
    limiter = cfg.rateLimiter();
    long record = (long) len * (obsSize + 5 + (logits ? numActions : 0)) + stateSize;
    if (record > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("one sequence of " + record + " floats exceeds a Java array");
    }
    recordLength = (int) record;
    oRewards = len * obsSize;
    oDiscounts = oRewards + len;
    oMask = oDiscounts + len;
    oPrevRewards = oMask + len;
    oEpisodeStarts = oPrevRewards + len;
    oState0 = oEpisodeStarts + len;
    oLogits = oState0 + stateSize;
    records = new float[capacity][recordLength];
    intRecords = new int[capacity][2 * len];
    actorIds = new int[capacity];
    paramVersions = new long[capacity];
    generations = new long[capacity];
    Arrays.fill(generations, -1L);
    priorities = new float[capacity];
    tree = new PriorityTree(capacity);
    rngState = cfg.seed();
  }

  public ReplayConfig config() {
    return cfg;
  }

  /** A batch of {@code batchSize} rows shaped for this replay's sequences. */
  public SequenceBatch newBatch(int batchSize) {
    return new SequenceBatch(batchSize, cfg.sequence());
  }

  // ---------------------------------------------------------------------------------------- insert

  /** Blocking insert for adders: waits as long as the rate limiter requires. */
  @Override
  public void accept(SequenceBatch sequence, int row, float priority) throws InterruptedException {
    if (!insert(sequence, row, priority, Long.MAX_VALUE, TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("replay is closed: cannot insert");
    }
  }

  /**
   * Inserts row {@code row} of {@code src}, waiting up to {@code timeout} for the rate limiter.
   *
   * @param priority the sequence's priority, or NaN for the current maximum
   * @return false if the timeout elapsed or the replay was closed; the sequence was not inserted
   * @throws InterruptedException if interrupted while waiting (nothing inserted)
   */
  public boolean insert(SequenceBatch src, int row, float priority, long timeout, TimeUnit unit)
      throws InterruptedException {
    checkShape(src);
    if (row < 0 || row >= src.batchSize()) {
      throw new IndexOutOfBoundsException("row " + row + " outside [0, " + src.batchSize() + ")");
    }
    if (!Float.isNaN(priority) && !(priority >= 0 && priority < Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("priority must be finite and >= 0 (or NaN for max), got "
          + priority);
    }
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      boolean waited = false;
      while (!closed && !limiter.canInsert(size, inserts, samples)) {
        if (!waited) {
          insertWaits++;
          waited = true;
        }
        if (nanos <= 0) {
          return false;
        }
        nanos = insertAllowed.awaitNanos(nanos);
      }
      if (closed) {
        return false;
      }
      int slot = (int) (inserts % capacity);
      if (size == capacity) {
        // The evicted sequence must not set the maximum its successor enters at.
        tree.set(slot, 0, 0);
        evictions++;
      } else {
        size++;
      }
      copyIn(src, row, slot);
      generations[slot] = inserts;
      double p = Float.isNaN(priority) ? currentMaxPriority() : Math.max(priority, minPriority);
      setPriority(slot, p);
      inserts++;
      sampleAllowed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------- sample

  /** Blocking sample: waits as long as the rate limiter requires; fails if the replay is closed. */
  public void sample(SequenceBatch dst) throws InterruptedException {
    if (!sample(dst, Long.MAX_VALUE, TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("replay is closed: cannot sample");
    }
  }

  /**
   * Samples {@code dst.batchSize()} sequences into {@code dst} (with replacement, proportional to
   * priority^α), filling its slots, generations and importance weights.
   *
   * @return false if the timeout elapsed or the replay was closed ({@code dst} unchanged)
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean sample(SequenceBatch dst, long timeout, TimeUnit unit) throws InterruptedException {
    checkShape(dst);
    int b = dst.batchSize();
    limiter.checkBatchFits(b);
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      boolean waited = false;
      while (!closed && !limiter.canSample(b, size, inserts, samples)) {
        if (!waited) {
          sampleWaits++;
          waited = true;
        }
        if (nanos <= 0) {
          return false;
        }
        nanos = sampleAllowed.awaitNanos(nanos);
      }
      if (closed) {
        return false;
      }
      // Three passes instead of one per row (same draws, same order, same arithmetic): all tree descents
      // first (they overlap; see PriorityTree.findAll), then the weights, then the copies back to back, so
      // the memory-bound copies are no longer interleaved with latency-bound descents.
      double total = tree.total();
      double slice = total / b;
      double lastU = Math.nextDown(total);
      double[] us = draws(b);
      for (int k = 0; k < b; k++) {
        us[k] = Math.min((k + nextUniform()) * slice, lastU);
      }
      int[] slots = dst.slots;
      tree.findAll(us, slots, b);
      // Start every page of every sampled record before the weights' pow calls, so the misses (and the TLB
      // walks: the storage is far larger than the TLB reach) overlap them and one another instead of each
      // copy stalling on its records' first lines in turn. R2D2's batch of 64: median 74.5-77.0 us before,
      // 56.4-65.6 us after (replay/bench-sample-2026-12-04-v2.txt).
      touched ^= touchPages(slots, b);
      float[] weights = dst.weights;
      double maxWeight = 0;
      for (int k = 0; k < b; k++) {
        double prob = tree.mass(slots[k]) / total;
        double w = Math.pow(size * prob, -beta);
        weights[k] = (float) w;
        maxWeight = Math.max(maxWeight, w);
      }
      for (int k = 0; k < b; k++) {
        weights[k] = (float) (weights[k] / maxWeight);
      }
      for (int k = 0; k < b; k++) {
        copyOut(slots[k], dst, k);
      }
      samples += b;
      sampleBatches++;
      insertAllowed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Floats of storage per sequence: the float record a sample reads for each row (bench baselines). */
  public int storedFloatsPerSequence() {
    return recordLength;
  }

  /** Ints of storage per sequence: the int record a sample reads for each row (bench baselines). */
  public int storedIntsPerSequence() {
    return 2 * len;
  }

  /**
   * Copies the stored records of {@code slots[0..n)} as they lie in storage, row {@code k}'s float record to
   * {@code floats[k * storedFloatsPerSequence()]} and its int record to {@code ints[k * storedIntsPerSequence()]}:
   * one arraycopy per record, under the lock as a sample. It reads exactly the storage bytes a sample of those
   * slots reads, without the sample's descent, weights, page touches or split into a batch's fields; the bench
   * measures sampling against it ("the same bytes from the same storage"). Allocates nothing.
   *
   * @throws IllegalArgumentException if a slot is outside the capacity or the arrays are too small
   */
  public void copyStoredRecords(int[] slots, int n, float[] floats, int[] ints) {
    int intsPer = 2 * len;
    if (n < 0 || n > slots.length || (long) n * recordLength > floats.length || (long) n * intsPer > ints.length) {
      throw new IllegalArgumentException("copyStoredRecords: " + n + " records of " + recordLength + " floats and "
          + intsPer + " ints do not fit slots " + slots.length + ", floats " + floats.length + ", ints "
          + ints.length);
    }
    for (int k = 0; k < n; k++) {
      if (slots[k] < 0 || slots[k] >= capacity) {
        throw new IllegalArgumentException("slot[" + k + "] must be in [0, " + capacity + "), got " + slots[k]);
      }
    }
    lock.lock();
    try {
      for (int k = 0; k < n; k++) {
        System.arraycopy(records[slots[k]], 0, floats, k * recordLength, recordLength);
        System.arraycopy(intRecords[slots[k]], 0, ints, k * intsPer, intsPer);
      }
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------------------------ priorities

  /** Updates the priorities of the rows of a sampled batch; see {@link #updatePriorities(int[], long[], float[], int)}. */
  public int updatePriorities(SequenceBatch sampled, float[] newPriorities) {
    return updatePriorities(sampled.slots, sampled.generations, newPriorities, sampled.batchSize());
  }

  /**
   * Sets the priority of each (slot, generation) key that still names a held sequence; keys of
   * sequences evicted since they were sampled are ignored and counted. Priorities below
   * {@link ReplayConfig#minPriority()} are raised to it.
   *
   * @return the number of updates applied
   * @throws IllegalArgumentException if a priority is negative or not finite, or a slot is out of range
   *     (nothing is applied then)
   */
  public int updatePriorities(int[] slots, long[] keys, float[] newPriorities, int count) {
    if (count < 0 || count > slots.length || count > keys.length || count > newPriorities.length) {
      throw new IllegalArgumentException("count " + count + " exceeds the arrays (slots "
          + slots.length + ", generations " + keys.length + ", priorities " + newPriorities.length + ")");
    }
    for (int i = 0; i < count; i++) {
      float p = newPriorities[i];
      if (!(p >= 0 && p < Float.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException("priority[" + i + "] must be finite and >= 0, got " + p);
      }
      if (slots[i] < 0 || slots[i] >= capacity) {
        throw new IllegalArgumentException("slot[" + i + "] must be in [0, " + capacity + "), got "
            + slots[i]);
      }
    }
    lock.lock();
    try {
      int applied = 0;
      for (int i = 0; i < count; i++) {
        int slot = slots[i];
        if (generations[slot] != keys[i]) {
          staleUpdates++;
          continue;
        }
        setPriority(slot, Math.max(newPriorities[i], minPriority));
        applied++;
      }
      priorityUpdates += applied;
      return applied;
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------------------ lifecycle, stats

  /** Wakes every waiting caller; later inserts and samples fail. Checkpointing still works. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      insertAllowed.signalAll();
      sampleAllowed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  public ReplayStats stats() {
    lock.lock();
    try {
      double sum = 0;
      for (int i = 0; i < size; i++) {
        sum += priorities[i];
      }
      return new ReplayStats(size, capacity, inserts, samples, sampleBatches, evictions, priorityUpdates,
          staleUpdates, size == 0 ? 0 : sum / size, currentMaxPriority(), insertWaits, sampleWaits);
    } finally {
      lock.unlock();
    }
  }

  /** Priority of the sequence in {@code slot} if it still has {@code generation}, else NaN. */
  public double priority(int slot, long generation) {
    if (slot < 0 || slot >= capacity) {
      throw new IllegalArgumentException("slot must be in [0, " + capacity + "), got " + slot);
    }
    lock.lock();
    try {
      return generations[slot] == generation ? priorities[slot] : Double.NaN;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes of preallocated storage (sequence arrays, keys, priorities and tree). */
  public long storageBytes() {
    long perSlot = (16 + 4L * recordLength) + (16 + 8L * len) // the two records with array headers
        + 8 + 8 // references to them
        + 4 + 8 + 8 + 4; // actorId, paramVersion, generation, priority
    return capacity * perSlot + tree.bytes();
  }

  /** Bytes of raw sequence payload at full capacity (what the batches carry). */
  public long payloadBytes() {
    return capacity * SequenceBatch.payloadBytesPerSequence(len, obsSize, stateSize, numActions, logits);
  }

  // --------------------------------------------------------------------------------- checkpoints

  /**
   * Writes every held sequence, priority, generation, counter and the sampling random state to
   * {@code file} atomically (a temporary file in the same directory, forced to disk, then renamed).
   * Holds the lock while writing, so inserts and samples wait.
   */
  public void checkpoint(Path file) throws IOException {
    lock.lock();
    try {
      ReplayCheckpoint.write(this, file);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Replaces this replay's contents by a checkpoint. The file is fully validated (format, version,
   * layout, length, checksum) before anything changes: a truncated, corrupted or mismatched file
   * throws {@link ReplayCheckpointException} and leaves the replay as it was. The priority exponent
   * may differ from the one the checkpoint was written with (the tree is rebuilt).
   */
  public void restore(Path file) throws IOException {
    lock.lock();
    try {
      ReplayCheckpoint.read(this, file);
      insertAllowed.signalAll();
      sampleAllowed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Rebuilds the tree from {@link #priorities} after a restore. Lock held. */
  void rebuildTree() {
    tree.clear();
    for (int i = 0; i < size; i++) {
      tree.set(i, Math.pow(priorities[i], alpha), priorities[i]);
    }
  }

  // ------------------------------------------------------------------------------------- internals

  /** The draws of one sample, in an array kept for the largest batch seen (no allocation in steady state). */
  private double[] draws(int b) {
    if (drawScratch.length < b) {
      drawScratch = new double[b];
    }
    return drawScratch;
  }

  /**
   * Loads one element of every 4 KB page of the float and int records of {@code slots[0..b)}, first and last
   * element included (a record straddles pages anywhere). The loads are independent, so the CPU has them all
   * in flight at once, and the copies that follow find the pages mapped in the TLB and their first lines
   * arriving; a plain arraycopy of a record starts each page's stream only when it gets there.
   */
  private int touchPages(int[] slots, int b) {
    int acc = 0;
    for (int k = 0; k < b; k++) {
      float[] rec = records[slots[k]];
      for (int i = 0; i < rec.length; i += PAGE_ELEMENTS) {
        acc |= Float.floatToRawIntBits(rec[i]);
      }
      acc |= Float.floatToRawIntBits(rec[rec.length - 1]);
      int[] ints = intRecords[slots[k]];
      for (int i = 0; i < ints.length; i += PAGE_ELEMENTS) {
        acc |= ints[i];
      }
      acc |= ints[ints.length - 1];
    }
    return acc;
  }

  private double currentMaxPriority() {
    return size == 0 || tree.max() <= 0 ? cfg.initialMaxPriority() : tree.max();
  }

  private void setPriority(int slot, double p) {
    priorities[slot] = (float) p;
    tree.set(slot, Math.pow((float) p, alpha), (float) p);
  }

  /** SplitMix64: a savable random stream so a restored replay samples exactly as the original would. */
  private double nextUniform() {
    long z = (rngState += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }

  private void checkShape(SequenceBatch b) {
    if (b.length() != len || b.obsSize() != obsSize || b.stateSize() != stateSize
        || b.numActions() != numActions || b.hasLogits() != logits) {
      throw new IllegalArgumentException("batch shape " + b.shape() + " does not match the replay's [T="
          + len + ", obs=" + obsSize + ", state=" + stateSize + ", actions=" + numActions + ", logits="
          + logits + "]");
    }
  }

  private void copyIn(SequenceBatch src, int row, int slot) {
    int s = row * len;
    float[] rec = records[slot];
    int[] ints = intRecords[slot];
    System.arraycopy(src.obs, s * obsSize, rec, 0, len * obsSize);
    System.arraycopy(src.rewards, s, rec, oRewards, len);
    System.arraycopy(src.discounts, s, rec, oDiscounts, len);
    System.arraycopy(src.mask, s, rec, oMask, len);
    System.arraycopy(src.prevRewards, s, rec, oPrevRewards, len);
    System.arraycopy(src.episodeStarts, s, rec, oEpisodeStarts, len);
    System.arraycopy(src.state0, row * stateSize, rec, oState0, stateSize);
    if (logits) {
      System.arraycopy(src.behaviourLogits, s * numActions, rec, oLogits, len * numActions);
    }
    System.arraycopy(src.actions, s, ints, 0, len);
    System.arraycopy(src.prevActions, s, ints, len, len);
    actorIds[slot] = src.actorIds[row];
    paramVersions[slot] = src.paramVersions[row];
  }

  private void copyOut(int slot, SequenceBatch dst, int row) {
    int d = row * len;
    float[] rec = records[slot];
    int[] ints = intRecords[slot];
    System.arraycopy(rec, 0, dst.obs, d * obsSize, len * obsSize);
    System.arraycopy(rec, oRewards, dst.rewards, d, len);
    System.arraycopy(rec, oDiscounts, dst.discounts, d, len);
    System.arraycopy(rec, oMask, dst.mask, d, len);
    System.arraycopy(rec, oPrevRewards, dst.prevRewards, d, len);
    System.arraycopy(rec, oEpisodeStarts, dst.episodeStarts, d, len);
    System.arraycopy(rec, oState0, dst.state0, row * stateSize, stateSize);
    if (logits) {
      System.arraycopy(rec, oLogits, dst.behaviourLogits, d * numActions, len * numActions);
    }
    System.arraycopy(ints, 0, dst.actions, d, len);
    System.arraycopy(ints, len, dst.prevActions, d, len);
    dst.actorIds[row] = actorIds[slot];
    dst.paramVersions[row] = paramVersions[slot];
    dst.generations[row] = generations[slot];
  }
}
