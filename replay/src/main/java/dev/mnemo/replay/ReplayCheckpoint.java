package dev.mnemo.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The replay's binary checkpoint format (big-endian), version 1:
 * <pre>
 *   magic "MNEMORPL" (8 bytes), format version (int)
 *   layout: capacity, T, obsSize, stateSize, numActions (ints), logits (byte)
 *   size (int), inserts, samples, sampleBatches, evictions, priorityUpdates, staleUpdates,
 *     insertWaits, sampleWaits, rngState (longs)
 *   per held slot 0..size-1: generation (long), priority (float), actorId (int), paramVersion (long),
 *     the slot's float record (obs, rewards, discounts, mask, prevRewards, episodeStarts, state0,
 *     logits if stored) and its int record (actions, prevActions), as laid out in the replay
 *   CRC32C of everything before it (int)
 * </pre>
 * Slots are saved by index, so the next insert position ({@code inserts mod capacity}), the
 * generations and therefore the FIFO order continue exactly after a restore.
 */
final class ReplayCheckpoint {
  static final long MAGIC = 0x4D4E454D4F52504CL; // "MNEMORPL"
  /**
   * 2: one opaque recurrent state per sequence (the core's state width) in place of separate h0 and c0.
   * A version-1 file is refused with both versions named: its records have another layout.
   */
  static final int VERSION = 2;
  static final int HEADER_BYTES = 8 + 4 + 5 * 4 + 1 + 4 + 9 * 8;
  private static final int CHUNK = 1 << 20;

  private ReplayCheckpoint() {}

  static long slotBytes(PrioritizedSequenceReplay r) {
    return 8 + 4 + 4 + 8 + 4L * r.recordLength + 8L * r.len;
  }

  static void write(PrioritizedSequenceReplay r, Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, abs.getFileName().toString() + ".", ".tmp");
    boolean done = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        writeBody(r, new Out(ch));
        ch.force(true);
      }
      // Readers see the old checkpoint or the new one, never a partial file.
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static void writeBody(PrioritizedSequenceReplay r, Out out) throws IOException {
    out.putLong(MAGIC);
    out.putInt(VERSION);
    out.putInt(r.capacity);
    out.putInt(r.len);
    out.putInt(r.obsSize);
    out.putInt(r.stateSize);
    out.putInt(r.numActions);
    out.put((byte) (r.logits ? 1 : 0));
    out.putInt(r.size);
    out.putLong(r.inserts);
    out.putLong(r.samples);
    out.putLong(r.sampleBatches);
    out.putLong(r.evictions);
    out.putLong(r.priorityUpdates);
    out.putLong(r.staleUpdates);
    out.putLong(r.insertWaits);
    out.putLong(r.sampleWaits);
    out.putLong(r.rngState);
    for (int slot = 0; slot < r.size; slot++) {
      out.putLong(r.generations[slot]);
      out.putFloat(r.priorities[slot]);
      out.putInt(r.actorIds[slot]);
      out.putLong(r.paramVersions[slot]);
      out.putFloats(r.records[slot], 0, r.recordLength);
      out.putInts(r.intRecords[slot], 0, 2 * r.len);
    }
    out.finish();
  }

  static void read(PrioritizedSequenceReplay r, Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ReplayCheckpointException("replay checkpoint " + file + " does not exist");
    }
    long fileLength = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      // Pass 1: validate everything without touching the replay.
      if (fileLength < HEADER_BYTES + 4) {
        throw new ReplayCheckpointException("replay checkpoint " + file + " is truncated: " + fileLength
            + " bytes, shorter than the " + (HEADER_BYTES + 4) + "-byte header");
      }
      ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES);
      readFully(ch, head, 0);
      head.flip();
      if (head.getLong() != MAGIC) {
        throw new ReplayCheckpointException(file + " is not a Mnemo replay checkpoint (bad magic)");
      }
      int version = head.getInt();
      if (version != VERSION) {
        throw new ReplayCheckpointException("replay checkpoint " + file + " has format version " + version
            + ", this build reads version " + VERSION + (version == 1 ? " (version 1 stored h0 and c0 separately;"
            + " version 2 stores one recurrent state per sequence: start the run afresh)" : ""));
      }
      int capacity = head.getInt();
      int len = head.getInt();
      int obsSize = head.getInt();
      int stateSize = head.getInt();
      int numActions = head.getInt();
      boolean logits = head.get() != 0;
      int size = head.getInt();
      if (capacity != r.capacity || len != r.len || obsSize != r.obsSize || stateSize != r.stateSize
          || numActions != r.numActions || logits != r.logits) {
        throw new ReplayCheckpointException("replay checkpoint " + file + " has layout [capacity="
            + capacity + ", T=" + len + ", obs=" + obsSize + ", state=" + stateSize + ", actions="
            + numActions + ", logits=" + logits + "], this replay has [capacity=" + r.capacity + ", T="
            + r.len + ", obs=" + r.obsSize + ", state=" + r.stateSize + ", actions=" + r.numActions
            + ", logits=" + r.logits + "]");
      }
      if (size < 0 || size > capacity) {
        throw new ReplayCheckpointException("replay checkpoint " + file + " is corrupted: size " + size
            + " outside [0, " + capacity + "]");
      }
      long expected = HEADER_BYTES + size * slotBytes(r) + 4;
      if (fileLength != expected) {
        throw new ReplayCheckpointException("replay checkpoint " + file + " is "
            + (fileLength < expected ? "truncated" : "longer than its header says") + ": expected "
            + expected + " bytes for " + size + " sequences, found " + fileLength);
      }
      CRC32C crc = new CRC32C();
      ByteBuffer buf = ByteBuffer.allocate(CHUNK);
      long pos = 0;
      long body = fileLength - 4;
      while (pos < body) {
        buf.clear();
        buf.limit((int) Math.min(CHUNK, body - pos));
        readFully(ch, buf, pos);
        buf.flip();
        crc.update(buf);
        pos += buf.limit();
      }
      ByteBuffer tail = ByteBuffer.allocate(4);
      readFully(ch, tail, body);
      tail.flip();
      int stored = tail.getInt();
      if (stored != (int) crc.getValue()) {
        throw new ReplayCheckpointException("replay checkpoint " + file
            + " is corrupted: checksum mismatch (stored " + Integer.toHexString(stored) + ", computed "
            + Integer.toHexString((int) crc.getValue()) + ")");
      }

      // Pass 2: the file is intact; load it.
      In in = new In(ch, HEADER_BYTES - 4 - 9 * 8);
      r.size = in.getInt();
      r.inserts = in.getLong();
      r.samples = in.getLong();
      r.sampleBatches = in.getLong();
      r.evictions = in.getLong();
      r.priorityUpdates = in.getLong();
      r.staleUpdates = in.getLong();
      r.insertWaits = in.getLong();
      r.sampleWaits = in.getLong();
      r.rngState = in.getLong();
      Arrays.fill(r.generations, -1L);
      Arrays.fill(r.priorities, 0f);
      for (int slot = 0; slot < size; slot++) {
        r.generations[slot] = in.getLong();
        r.priorities[slot] = in.getFloat();
        r.actorIds[slot] = in.getInt();
        r.paramVersions[slot] = in.getLong();
        in.getFloats(r.records[slot], 0, r.recordLength);
        in.getInts(r.intRecords[slot], 0, 2 * r.len);
      }
      r.rebuildTree();
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long p = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, p);
      if (n < 0) {
        throw new ReplayCheckpointException("unexpected end of replay checkpoint at byte " + p);
      }
      p += n;
    }
  }

  /** Buffered big-endian writer that checksums what it writes. */
  private static final class Out {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    private final CRC32C crc = new CRC32C();

    Out(FileChannel ch) {
      this.ch = ch;
    }

    private void room(int n) throws IOException {
      if (buf.remaining() < n) {
        drain();
      }
    }

    private void drain() throws IOException {
      buf.flip();
      crc.update(buf.duplicate());
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      buf.clear();
    }

    void put(byte b) throws IOException {
      room(1);
      buf.put(b);
    }

    void putInt(int v) throws IOException {
      room(4);
      buf.putInt(v);
    }

    void putLong(long v) throws IOException {
      room(8);
      buf.putLong(v);
    }

    void putFloat(float v) throws IOException {
      room(4);
      buf.putFloat(v);
    }

    void putFloats(float[] a, int off, int n) throws IOException {
      int i = 0;
      while (i < n) {
        room(4);
        int k = Math.min(n - i, buf.remaining() / 4);
        buf.asFloatBuffer().put(a, off + i, k);
        buf.position(buf.position() + 4 * k);
        i += k;
      }
    }

    void putInts(int[] a, int off, int n) throws IOException {
      int i = 0;
      while (i < n) {
        room(4);
        int k = Math.min(n - i, buf.remaining() / 4);
        buf.asIntBuffer().put(a, off + i, k);
        buf.position(buf.position() + 4 * k);
        i += k;
      }
    }

    void finish() throws IOException {
      drain();
      ByteBuffer tail = ByteBuffer.allocate(4);
      tail.putInt((int) crc.getValue());
      tail.flip();
      while (tail.hasRemaining()) {
        ch.write(tail);
      }
    }
  }

  /** Buffered big-endian reader from a file position. */
  private static final class In {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    private long filePos;

    In(FileChannel ch, long start) {
      this.ch = ch;
      this.filePos = start;
      buf.limit(0);
    }

    private void need(int n) throws IOException {
      if (buf.remaining() >= n) {
        return;
      }
      buf.compact();
      while (buf.position() < n) {
        int k = ch.read(buf, filePos);
        if (k < 0) {
          throw new ReplayCheckpointException("unexpected end of replay checkpoint at byte " + filePos);
        }
        filePos += k;
      }
      buf.flip();
    }

    int getInt() throws IOException {
      need(4);
      return buf.getInt();
    }

    long getLong() throws IOException {
      need(8);
      return buf.getLong();
    }

    float getFloat() throws IOException {
      need(4);
      return buf.getFloat();
    }

    void getFloats(float[] a, int off, int n) throws IOException {
      int i = 0;
      while (i < n) {
        need(4);
        int k = Math.min(n - i, buf.remaining() / 4);
        buf.asFloatBuffer().get(a, off + i, k);
        buf.position(buf.position() + 4 * k);
        i += k;
      }
    }

    void getInts(int[] a, int off, int n) throws IOException {
      int i = 0;
      while (i < n) {
        need(4);
        int k = Math.min(n - i, buf.remaining() / 4);
        buf.asIntBuffer().get(a, off + i, k);
        buf.position(buf.position() + 4 * k);
        i += k;
      }
    }
  }
}
