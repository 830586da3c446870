package dev.mnemo.learners.agent;

import dev.mnemo.agents.ParamSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32;

/**
 * A run's result parameters on disk ({@code checkpoints/result.params}): the snapshot summary.json's
 * evaluation is about, with its version. Big-endian: magic, format version, snapshot version, float count,
 * floats, then the CRC32 of all of it; written to a temporary file and renamed, so a reader sees the old
 * file or the new one.
 */
public final class ParamsFile {
  private static final String MAGIC = "mnemo-params";
  private static final int FORMAT = 1;

  private ParamsFile() {}

  public static void write(Path file, ParamSnapshot p) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 4 * p.params().length);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeUTF(MAGIC);
      out.writeInt(FORMAT);
      out.writeLong(p.version());
      out.writeInt(p.params().length);
      for (float f : p.params()) {
        out.writeFloat(f);
      }
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeLong(crc.getValue());
      out.flush();
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      Files.write(tmp, bytes.toByteArray());
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write parameters " + file + ": " + e.getMessage(), e);
    }
  }

  public static ParamSnapshot read(Path file) {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read parameters " + file + ": " + e.getMessage(), e);
    }
    if (all.length < 8) {
      throw new IllegalStateException("corrupt parameters file " + file + ": only " + all.length + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    if (ByteBuffer.wrap(all, all.length - 8, 8).getLong() != crc.getValue()) {
      throw new IllegalStateException("corrupt parameters file " + file + ": CRC32 mismatch");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8))) {
      String magic = in.readUTF();
      int format = in.readInt();
      if (!MAGIC.equals(magic) || format != FORMAT) {
        throw new IllegalStateException(file + " is not a parameters file of format " + FORMAT + " ('" + magic
            + "' format " + format + ")");
      }
      long version = in.readLong();
      float[] p = new float[in.readInt()];
      for (int i = 0; i < p.length; i++) {
        p[i] = in.readFloat();
      }
      return new ParamSnapshot(p, version);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt parameters file " + file + ": " + e.getMessage(), e);
    }
  }
}
