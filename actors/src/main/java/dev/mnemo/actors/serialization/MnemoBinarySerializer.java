package dev.mnemo.actors.serialization;

import dev.mnemo.actors.EnvWorker;
import dev.mnemo.actors.ReplayService;
import dev.mnemo.actors.SequenceChunk;
import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.replay.SequenceBatch;
import java.io.NotSerializableException;
import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.ByteBufferSerializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Binary wire format of the bulk messages: chunks of sequences ({@link ReplayService.Insert}) and
 * parameter snapshots ({@link EnvWorker.NewParams}, {@link ParamSnapshot}). Arrays are written in bulk,
 * little-endian, as the contiguous prefix of the batch's row-major arrays that holds the chunk's rows.
 *
 * <p>Frame: {@code [version byte = 2][kind byte][fields...]}. Reading checks the version, the kind
 * against the manifest, every length against the bytes actually present (before allocating), and that
 * nothing trails the frame; a malformed frame is refused with a {@link NotSerializableException} naming
 * what was wrong, which Pekko logs and drops, so the node keeps running.
 *
 * <p>It implements {@link ByteBufferSerializer} so Artery writes straight into its envelope buffer.
 */
public final class MnemoBinarySerializer extends SerializerWithStringManifest implements ByteBufferSerializer {

  /** Format version written in every frame. */
  /**
   * 2: one opaque recurrent state per sequence (the core's state width) in place of h0 and c0. A frame of
   * another version is refused naming both versions (nodes of different builds must not exchange data).
   */
  public static final byte VERSION = 2;
  static final String INSERT = "I";
  static final String NEW_PARAMS = "N";
  static final String SNAPSHOT = "S";
  private static final int MAX_STRING = 64 * 1024;

  private final ActorRefResolver resolver;

  public MnemoBinarySerializer(ExtendedActorSystem system) {
    this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
  }

  @Override
  public int identifier() {
    return 42_7301;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof ReplayService.Insert) {
      return INSERT;
    }
    if (o instanceof EnvWorker.NewParams) {
      return NEW_PARAMS;
    }
    if (o instanceof ParamSnapshot) {
      return SNAPSHOT;
    }
    throw new IllegalArgumentException("MnemoBinarySerializer cannot serialize " + o.getClass().getName());
  }

  // ------------------------------------------------------------------------------------------ write

  @Override
  public byte[] toBinary(Object o) {
    byte[] out = new byte[size(o)];
    ByteBuffer buf = ByteBuffer.wrap(out);
    toBinary(o, buf);
    if (buf.hasRemaining()) {
      throw new IllegalStateException("MnemoBinarySerializer size mismatch: " + buf.remaining() + " bytes unused");
    }
    return out;
  }

  @Override
  public void toBinary(Object o, ByteBuffer buf) {
    ByteOrder saved = buf.order();
    buf.order(ByteOrder.LITTLE_ENDIAN);
    try {
      buf.put(VERSION);
      if (o instanceof ReplayService.Insert m) {
        buf.put((byte) 'I');
        writeInsert(m, buf);
      } else if (o instanceof EnvWorker.NewParams p) {
        buf.put((byte) 'N');
        writeSnapshot(p.snapshot(), buf);
      } else if (o instanceof ParamSnapshot s) {
        buf.put((byte) 'S');
        writeSnapshot(s, buf);
      } else {
        throw new IllegalArgumentException("MnemoBinarySerializer cannot serialize " + o.getClass().getName());
      }
    } finally {
      buf.order(saved);
    }
  }

  /** Exact frame size of {@code o} in bytes. */
  public int size(Object o) {
    long n = 2;
    if (o instanceof ReplayService.Insert m) {
      n += strSize(m.source()) + 8 * 4 + 8 + strSize(resolver.toSerializationFormat(m.replyTo()));
      SequenceChunk c = m.chunk();
      SequenceBatch b = c.batch();
      long rows = c.count();
      long steps = rows * b.length();
      n += 5 * 4 + 1;
      n += 4 * (steps * b.obsSize() + 7 * steps + rows * b.stateSize() + rows) + 8 * rows + 4 * rows;
      if (b.hasLogits()) {
        n += 4 * steps * b.numActions();
      }
    } else if (o instanceof EnvWorker.NewParams p) {
      n += 12 + 4L * p.snapshot().params().length;
    } else if (o instanceof ParamSnapshot s) {
      n += 12 + 4L * s.params().length;
    } else {
      throw new IllegalArgumentException("MnemoBinarySerializer cannot serialize " + o.getClass().getName());
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("message of " + n + " bytes is too large for one frame");
    }
    return (int) n;
  }

  private void writeInsert(ReplayService.Insert m, ByteBuffer buf) {
    putString(buf, m.source());
    buf.putLong(m.seq());
    buf.putLong(m.envSteps());
    buf.putLong(m.episodes());
    buf.putLong(m.paramVersion());
    buf.putDouble(m.returnSum());
    putString(buf, resolver.toSerializationFormat(m.replyTo()));
    SequenceChunk c = m.chunk();
    SequenceBatch b = c.batch();
    int rows = c.count();
    int steps = rows * b.length();
    buf.putInt(rows);
    buf.putInt(b.length());
    buf.putInt(b.obsSize());
    buf.putInt(b.stateSize());
    buf.putInt(b.numActions());
    buf.put((byte) (b.hasLogits() ? 1 : 0));
    putFloats(buf, b.obs, steps * b.obsSize());
    putInts(buf, b.actions, steps);
    putFloats(buf, b.rewards, steps);
    putFloats(buf, b.discounts, steps);
    putFloats(buf, b.mask, steps);
    putInts(buf, b.prevActions, steps);
    putFloats(buf, b.prevRewards, steps);
    putFloats(buf, b.episodeStarts, steps);
    putFloats(buf, b.state0, rows * b.stateSize());
    putInts(buf, b.actorIds, rows);
    buf.asLongBuffer().put(b.paramVersions, 0, rows);
    buf.position(buf.position() + 8 * rows);
    if (b.hasLogits()) {
      putFloats(buf, b.behaviourLogits, steps * b.numActions());
    }
    putFloats(buf, c.priorities(), rows);
  }

  private static void writeSnapshot(ParamSnapshot s, ByteBuffer buf) {
    buf.putLong(s.version());
    buf.putInt(s.params().length);
    putFloats(buf, s.params(), s.params().length);
  }

  // ------------------------------------------------------------------------------------------- read

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    return fromBinary(ByteBuffer.wrap(bytes), manifest);
  }

  @Override
  public Object fromBinary(ByteBuffer buf, String manifest) throws NotSerializableException {
    ByteOrder saved = buf.order();
    buf.order(ByteOrder.LITTLE_ENDIAN);
    try {
      if (buf.remaining() < 2) {
        throw refuse(manifest, "frame of " + buf.remaining() + " bytes is shorter than its 2-byte header");
      }
      byte version = buf.get();
      if (version != VERSION) {
        throw refuse(manifest, "format version " + version + ", expected " + VERSION);
      }
      char kind = (char) buf.get();
      if (!String.valueOf(kind).equals(manifest)) {
        throw refuse(manifest, "frame kind '" + kind + "' does not match the manifest");
      }
      Object result = switch (manifest) {
        case INSERT -> readInsert(buf);
        case NEW_PARAMS -> new EnvWorker.NewParams(readSnapshot(buf));
        case SNAPSHOT -> readSnapshot(buf);
        default -> throw refuse(manifest, "unknown manifest");
      };
      if (buf.hasRemaining()) {
        throw refuse(manifest, buf.remaining() + " bytes trail the frame");
      }
      return result;
    } catch (BufferUnderflowException e) {
      throw refuse(manifest, "frame truncated");
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw refuse(manifest, e.getMessage());
    } finally {
      buf.order(saved);
    }
  }

  private ReplayService.Insert readInsert(ByteBuffer buf) throws NotSerializableException {
    String source = getString(buf, "source");
    long seq = buf.getLong();
    long envSteps = buf.getLong();
    long episodes = buf.getLong();
    long paramVersion = buf.getLong();
    double returnSum = buf.getDouble();
    String replyPath = getString(buf, "replyTo");
    int rows = buf.getInt();
    int length = buf.getInt();
    int obsSize = buf.getInt();
    int stateSize = buf.getInt();
    int numActions = buf.getInt();
    byte logitsFlag = buf.get();
    if (rows < 0 || length < 1 || obsSize < 1 || stateSize < 0 || numActions < 1 || logitsFlag < 0
        || logitsFlag > 1) {
      throw refuse(INSERT, "bad chunk shape rows=" + rows + ", length=" + length + ", obsSize=" + obsSize
          + ", stateSize=" + stateSize + ", numActions=" + numActions + ", logits=" + logitsFlag);
    }
    boolean logits = logitsFlag == 1;
    long steps = (long) rows * length;
    long need = 4 * (steps * obsSize + 7 * steps + (long) rows * stateSize + rows) + 8L * rows + 4L * rows
        + (logits ? 4 * steps * numActions : 0);
    if (need != buf.remaining()) {
      throw refuse(INSERT, "chunk of " + rows + " x " + length + " steps needs " + need + " payload bytes, frame has "
          + buf.remaining());
    }
    SequenceBatch b = new SequenceBatch(Math.max(1, rows), length, obsSize, stateSize, numActions, logits);
    int s = (int) steps;
    getFloats(buf, b.obs, s * obsSize);
    getInts(buf, b.actions, s);
    getFloats(buf, b.rewards, s);
    getFloats(buf, b.discounts, s);
    getFloats(buf, b.mask, s);
    getInts(buf, b.prevActions, s);
    getFloats(buf, b.prevRewards, s);
    getFloats(buf, b.episodeStarts, s);
    getFloats(buf, b.state0, rows * stateSize);
    getInts(buf, b.actorIds, rows);
    buf.asLongBuffer().get(b.paramVersions, 0, rows);
    buf.position(buf.position() + 8 * rows);
    if (logits) {
      getFloats(buf, b.behaviourLogits, s * numActions);
    }
    float[] priorities = new float[rows];
    getFloats(buf, priorities, rows);
    ActorRef<EnvWorker.Command> replyTo = resolver.resolveActorRef(replyPath);
    return new ReplayService.Insert(source, seq, envSteps, episodes, returnSum, paramVersion,
        new SequenceChunk(b, rows, priorities), replyTo);
  }

  private static ParamSnapshot readSnapshot(ByteBuffer buf) throws NotSerializableException {
    long version = buf.getLong();
    int n = buf.getInt();
    if (version < 0 || n < 0 || 4L * n != buf.remaining()) {
      throw refuse(SNAPSHOT, "snapshot version " + version + " with " + n + " params, but " + buf.remaining()
          + " bytes follow (expected " + 4L * n + ")");
    }
    float[] p = new float[n];
    getFloats(buf, p, n);
    return new ParamSnapshot(p, version);
  }

  // ---------------------------------------------------------------------------------------- helpers

  private static NotSerializableException refuse(String manifest, String why) {
    return new NotSerializableException("malformed mnemo-binary frame (manifest '" + manifest + "'): " + why);
  }

  private static int strSize(String s) {
    return 4 + s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void putString(ByteBuffer buf, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    buf.putInt(b.length);
    buf.put(b);
  }

  private static String getString(ByteBuffer buf, String what) throws NotSerializableException {
    int n = buf.getInt();
    if (n < 0 || n > MAX_STRING || n > buf.remaining()) {
      throw refuse(INSERT, what + " string length " + n + " outside [0, min(" + MAX_STRING + ", "
          + buf.remaining() + ")]");
    }
    byte[] b = new byte[n];
    buf.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void putFloats(ByteBuffer buf, float[] a, int n) {
    if (4L * n > buf.remaining()) {
      throw new BufferOverflowException();
    }
    buf.asFloatBuffer().put(a, 0, n);
    buf.position(buf.position() + 4 * n);
  }

  private static void putInts(ByteBuffer buf, int[] a, int n) {
    buf.asIntBuffer().put(a, 0, n);
    buf.position(buf.position() + 4 * n);
  }

  private static void getFloats(ByteBuffer buf, float[] a, int n) {
    buf.asFloatBuffer().get(a, 0, n);
    buf.position(buf.position() + 4 * n);
  }

  private static void getInts(ByteBuffer buf, int[] a, int n) {
    buf.asIntBuffer().get(a, 0, n);
    buf.position(buf.position() + 4 * n);
  }
}
