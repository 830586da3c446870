package dev.mnemo.actors;

import dev.mnemo.learners.agent.Learner;
import dev.mnemo.replay.PrioritizedSequenceReplay;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * One checkpoint of a run, as the learner's node keeps it: {@code learner.ckpt} (the algorithm's
 * {@link Learner#save}), {@code replay.ckpt} and {@code runtime.ckpt}, written in that order, each atomically.
 * {@code runtime.ckpt} comes last and commits the other two: it holds the run's counters at the checkpoint
 * (env steps, episodes, ...) and the size and CRC32 of the two files it goes with, so a resume refuses a file
 * that is missing, corrupt, or from another checkpoint, naming it.
 *
 * <p>A checkpoint directory holds the final checkpoint (written when the run stops) at its top and the
 * periodic ones ({@code checkpoint_interval}) in {@code interval-<env steps>-<updates>/} subdirectories, the
 * last {@code checkpoint_keep} of them; each periodic one is written in a temporary directory renamed into
 * place, so a kill leaves it whole or absent. {@link #latest} finds the newest: the most env steps (then
 * updates), the top one on a tie.
 */
public final class RuntimeCheckpoint {

  public static final String LEARNER = "learner.ckpt";
  public static final String REPLAY = "replay.ckpt";
  public static final String RUNTIME = "runtime.ckpt";
  static final String INTERVAL_PREFIX = "interval-";
  private static final int FORMAT = 1;

  /**
   * The run's totals at a checkpoint, restored into {@link RuntimeCounters} on resume.
   */
  public record Counts(long envSteps, long episodes, double returnSum, long sequencesReceived,
      long sequencesInserted, long updates) {

    static Counts of(RuntimeCounters c, long updates) {
      return new Counts(c.envSteps(), c.episodes(), c.returnSum(), c.sequencesReceived(), c.sequencesInserted(),
          updates);
    }
  }

  /** A checkpoint found in {@code dir}, its counts ({@code null}: one written before runtime.ckpt existed). */
  public record Found(Path dir, Counts counts) {
  }

  private RuntimeCheckpoint() {
  }

  /** Writes a checkpoint's data files into a directory (before {@code runtime.ckpt} commits them). */
  @FunctionalInterface
  public interface FilesWriter {
    void write(Path dir) throws IOException;
  }

  /**
   * Writes the learner, the replay and then {@code runtime.ckpt} into {@code dir}. The counts are taken
   * before the replay is written: a chunk the replay service inserts meanwhile is in the replay but not in
   * the counts (at most one chunk per worker).
   */
  static void write(Path dir, Learner learner, PrioritizedSequenceReplay replay, RuntimeCounters counters)
      throws IOException {
    Files.createDirectories(dir);
    learner.save(dir.resolve(LEARNER));
    Counts counts = Counts.of(counters, learner.updates());
    replay.checkpoint(dir.resolve(REPLAY));
    commit(dir, counts, List.of(LEARNER, REPLAY));
  }

  /**
   * Writes {@code runtime.ckpt} into {@code dir}, committing the data files {@code files} already written there
   * (their sizes and checksums) with the run's counts. Used directly by a runtime whose checkpoint holds more
   * than the learner and the replay (the synchronous trainer's acting state).
   */
  public static void commit(Path dir, Counts counts, List<String> files) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", String.valueOf(FORMAT));
    m.put("env_steps", String.valueOf(counts.envSteps()));
    m.put("episodes", String.valueOf(counts.episodes()));
    m.put("return_sum", String.valueOf(counts.returnSum()));
    m.put("sequences_received", String.valueOf(counts.sequencesReceived()));
    m.put("sequences_inserted", String.valueOf(counts.sequencesInserted()));
    m.put("updates", String.valueOf(counts.updates()));
    m.put("files", String.join(",", files));
    for (String f : files) {
      long[] sc = sizeAndCrc(dir.resolve(f));
      m.put(f + ".bytes", String.valueOf(sc[0]));
      m.put(f + ".crc32", Long.toHexString(sc[1]));
    }
    StringBuilder text = new StringBuilder("# Mnemo runtime checkpoint: the run's counters, and the files they go "
        + "with\n");
    m.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
    CRC32 crc = new CRC32();
    crc.update(text.toString().getBytes(StandardCharsets.UTF_8));
    text.append("crc32 = ").append(Long.toHexString(crc.getValue())).append('\n');
    writeAtomically(dir.resolve(RUNTIME), text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes a periodic checkpoint under {@code checkpointDir} (a temporary directory renamed into place) and
   * removes all but the newest {@code keep} periodic ones.
   *
   * @return the new checkpoint's directory
   */
  static Path writeInterval(Path checkpointDir, Learner learner, PrioritizedSequenceReplay replay,
      RuntimeCounters counters, int keep) throws IOException {
    return writeInterval(checkpointDir, counters.envSteps(), learner.updates(), keep,
        tmp -> write(tmp, learner, replay, counters));
  }

  /**
   * As {@link #writeInterval(Path, Learner, PrioritizedSequenceReplay, RuntimeCounters, int)} for any runtime:
   * {@code writer} writes the data files and {@link #commit}s them into the directory it is given.
   *
   * @return the new checkpoint's directory
   */
  public static Path writeInterval(Path checkpointDir, long envSteps, long updates, int keep, FilesWriter writer)
      throws IOException {
    String name = String.format("%s%012d-%012d", INTERVAL_PREFIX, envSteps, updates);
    Path target = checkpointDir.resolve(name);
    if (Files.isDirectory(target)) {
      return target; // nothing happened since the last one
    }
    Path tmp = checkpointDir.resolve("." + name + ".tmp");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    writer.write(tmp);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    List<Path> all = intervals(checkpointDir);
    for (int i = 0; i < all.size() - keep; i++) {
      deleteTree(all.get(i));
    }
    try (Stream<Path> s = Files.list(checkpointDir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith("." + INTERVAL_PREFIX)).toList()) {
        deleteTree(p); // left by a kill during an earlier write
      }
    }
    return target;
  }

  /** The periodic checkpoints under {@code checkpointDir}, oldest first. */
  static List<Path> intervals(Path checkpointDir) throws IOException {
    if (!Files.isDirectory(checkpointDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(checkpointDir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(INTERVAL_PREFIX) && Files.isDirectory(p))
          .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    }
  }

  /**
   * The newest checkpoint in {@code checkpointDir}, checked against its {@code runtime.ckpt} (every file there,
   * of the recorded size and checksum).
   *
   * @throws IllegalStateException naming the file that is missing or does not match, and why it was expected
   */
  public static Found latest(Path checkpointDir) {
    try {
      List<Found> found = new ArrayList<>();
      List<Path> candidates = new ArrayList<>(intervals(checkpointDir));
      candidates.add(checkpointDir);
      for (Path d : candidates) {
        if (Files.isRegularFile(d.resolve(RUNTIME))) {
          found.add(new Found(d, readCounts(d.resolve(RUNTIME))));
        }
      }
      if (found.isEmpty()) {
        Path l = checkpointDir.resolve(LEARNER);
        Path r = checkpointDir.resolve(REPLAY);
        if (Files.isRegularFile(l) && Files.isRegularFile(r)) {
          return new Found(checkpointDir, null); // written before runtime.ckpt existed: counters start at 0
        }
        throw new IllegalStateException("no checkpoint in " + checkpointDir + ": " + RUNTIME + " (with " + LEARNER
            + " and " + REPLAY + ") is missing; a run writes them when it stops (at its budget, on a signal, "
            + "when it fails) and every actors.checkpoint_interval while it runs"
            + (Files.exists(l) || Files.exists(r) ? "" : ", so this run never reached a checkpoint"));
      }
      // Newest: most env steps, then most updates; the top-level (final) one wins a tie (listed last).
      Found best = found.get(0);
      for (Found f : found) {
        int c = Comparator.comparingLong(Counts::envSteps).thenComparingLong(Counts::updates)
            .compare(f.counts(), best.counts());
        if (c >= 0) {
          best = f;
        }
      }
      verify(best, found);
      return best;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checkpoints in " + checkpointDir + ": " + e, e);
    }
  }

  private static void verify(Found f, List<Found> all) throws IOException {
    Map<String, String> m = readMap(f.dir().resolve(RUNTIME));
    String others = all.stream().filter(o -> o != f).map(o -> o.dir().toString()).reduce((a, b) -> a + ", " + b)
        .map(s -> " (older checkpoints: " + s + "; move this one aside to resume from them)").orElse("");
    String listed = m.get("files");
    for (String name : listed == null ? List.of(LEARNER, REPLAY) : List.of(listed.split(","))) {
      Path p = f.dir().resolve(name);
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException(p + " is missing: " + f.dir().resolve(RUNTIME) + " records a checkpoint at "
            + f.counts().envSteps() + " env steps and " + f.counts().updates() + " learner updates whose "
            + (name.equals(LEARNER) ? "learner" : name.equals(REPLAY) ? "replay" : "state") + " was written to this file"
            + others);
      }
      long[] sc = sizeAndCrc(p);
      long bytes = Long.parseLong(m.get(name + ".bytes"));
      long crc = Long.parseUnsignedLong(m.get(name + ".crc32"), 16);
      if (sc[0] != bytes || sc[1] != crc) {
        throw new IllegalStateException(p + " does not match its checkpoint: " + RUNTIME + " recorded " + bytes
            + " bytes with CRC32 " + Long.toHexString(crc) + ", the file has " + sc[0] + " bytes with CRC32 "
            + Long.toHexString(sc[1]) + " (corrupt, or written by another checkpoint)" + others);
      }
    }
  }

  static Counts readCounts(Path file) throws IOException {
    Map<String, String> m = readMap(file);
    try {
      return new Counts(Long.parseLong(m.get("env_steps")), Long.parseLong(m.get("episodes")),
          Double.parseDouble(m.get("return_sum")), Long.parseLong(m.get("sequences_received")),
          Long.parseLong(m.get("sequences_inserted")), Long.parseLong(m.get("updates")));
    } catch (RuntimeException e) {
      throw new IllegalStateException("corrupt checkpoint " + file + ": " + e, e);
    }
  }

  private static Map<String, String> readMap(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int at = text.lastIndexOf("crc32 = ");
    if (at < 0) {
      throw new IllegalStateException("corrupt checkpoint " + file + ": no crc32 line");
    }
    CRC32 crc = new CRC32();
    crc.update(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
    String stored = text.substring(at + "crc32 = ".length()).trim();
    if (!stored.equals(Long.toHexString(crc.getValue()))) {
      throw new IllegalStateException("corrupt checkpoint " + file + ": CRC32 mismatch (stored " + stored
          + ", computed " + Long.toHexString(crc.getValue()) + ")");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : text.substring(0, at).split("\n")) {
      int eq = line.indexOf(" = ");
      if (!line.startsWith("#") && eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 3));
      }
    }
    if (!String.valueOf(FORMAT).equals(m.get("format"))) {
      throw new IllegalStateException("checkpoint " + file + " has format " + m.get("format") + ", expected "
          + FORMAT);
    }
    return m;
  }

  private static long[] sizeAndCrc(Path p) throws IOException {
    CRC32 crc = new CRC32();
    long n = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(p)) {
      for (int r; (r = in.read(buf)) > 0; ) {
        crc.update(buf, 0, r);
        n += r;
      }
    }
    return new long[] {n, crc.getValue()};
  }

  private static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(ByteBuffer.wrap(bytes));
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(q);
        } catch (NoSuchFileException e) {
          // gone already
        }
      }
    }
  }
}
