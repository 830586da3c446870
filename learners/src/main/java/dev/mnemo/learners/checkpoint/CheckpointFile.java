package dev.mnemo.learners.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * A checksummed binary file written atomically: the payload goes to a temporary file in the same
 * directory, is forced to disk, then renamed over the target, so a crash leaves the old or the new
 * checkpoint and never half of one. The last 8 bytes hold the CRC32 of everything before them; a file
 * whose checksum, magic or format version does not match is refused with a message saying which.
 */
public final class CheckpointFile {

  /** Writes the payload. */
  @FunctionalInterface
  public interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  /** Reads the payload. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private CheckpointFile() {}

  public static void write(Path file, String magic, int version, Writer payload) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeUTF(magic);
      out.writeInt(version);
      payload.write(out);
      out.flush();
      CRC32 crc = new CRC32();
      byte[] body = bytes.toByteArray();
      crc.update(body);
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(body));
        ch.write(ByteBuffer.allocate(8).putLong(0, crc.getValue()));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  public static <T> T read(Path file, String magic, int version, Reader<T> payload) {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
    }
    if (all.length < 8) {
      throw new IllegalStateException("corrupt checkpoint " + file + ": only " + all.length + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw new IllegalStateException("corrupt checkpoint " + file + ": CRC32 mismatch (stored "
          + Long.toHexString(stored) + ", computed " + Long.toHexString(crc.getValue())
          + "); refusing to restore from it");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8))) {
      String m = in.readUTF();
      if (!m.equals(magic)) {
        throw new IllegalStateException("checkpoint " + file + " holds '" + m + "', expected '" + magic + "'");
      }
      int v = in.readInt();
      if (v != version) {
        throw new IllegalStateException("checkpoint " + file + " has format version " + v + ", expected "
            + version);
      }
      return payload.read(in);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  public static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    for (float f : a) {
      out.writeFloat(f);
    }
  }

  public static float[] readFloats(DataInputStream in, int expected, String what) throws IOException {
    int n = in.readInt();
    if (n != expected) {
      throw new IllegalStateException(what + ": checkpoint holds " + n + " floats, expected " + expected);
    }
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = in.readFloat();
    }
    return a;
  }
}
