package dev.mnemo.experiments.run;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Appends rows of {@code metrics.csv}: a step column then named columns of doubles. NaN is written as an
 * empty cell (a metric not measured at that step). Rows reach the disk at least every flush interval, so a
 * crashed or running run can be inspected; writing a row reuses one buffer (no per-row garbage beyond the
 * writer's own).
 */
public final class MetricsWriter implements Closeable {

  /** Column names: plain identifiers, so the file needs no quoting and names work as PNG file names. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_./-]*");

  private final Path file;
  private final List<String> columns;
  private final Writer out;
  private final StringBuilder line = new StringBuilder(256);
  private char[] chars = new char[256];
  private final LongSupplier nanoClock;
  private final long flushIntervalNanos;
  private long lastFlush;
  private long rows;
  private boolean closed;

  private MetricsWriter(Path file, List<String> columns, Writer out, long flushIntervalNanos, LongSupplier nanoClock) {
    this.file = file;
    this.columns = columns;
    this.out = out;
    this.flushIntervalNanos = flushIntervalNanos;
    this.nanoClock = nanoClock;
    this.lastFlush = nanoClock.getAsLong();
  }

  /**
   * Opens {@code file}; with {@code append} an existing file is continued when its header matches (resume).
   *
   * @throws IllegalArgumentException for a malformed or repeated column name
   * @throws IllegalStateException when appending to a file whose header differs
   */
  public static MetricsWriter open(Path file, String stepColumn, List<String> columns, boolean append,
      long flushIntervalNanos, LongSupplier nanoClock) throws IOException {
    List<String> all = new ArrayList<>();
    all.add(stepColumn);
    all.addAll(columns);
    Set<String> seen = new HashSet<>();
    for (String c : all) {
      if (c == null || !NAME.matcher(c).matches()) {
        throw new IllegalArgumentException("metrics column '" + c + "': expected a name matching " + NAME.pattern());
      }
      if (!seen.add(c)) {
        throw new IllegalArgumentException("metrics column '" + c + "' appears twice in " + all);
      }
    }
    String header = String.join(",", all);
    boolean continuing = append && Files.exists(file) && Files.size(file) > 0;
    if (continuing) {
      String existing;
      try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        existing = r.readLine();
      }
      if (!header.equals(existing)) {
        throw new IllegalStateException(file + ": cannot append, its columns are [" + existing
            + "] but the run now writes [" + header + "]");
      }
    }
    Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        continuing ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    if (!continuing) {
      w.write(header);
      w.write('\n');
      w.flush();
    }
    return new MetricsWriter(file, List.copyOf(all), w, flushIntervalNanos, nanoClock);
  }

  /**
   * Drops the rows of {@code file} whose step (first column) is beyond {@code step}, rewriting it atomically: a
   * run resumed from a checkpoint at {@code step} writes those rows again. A missing file is left alone.
   *
   * @return rows dropped
   */
  public static int dropRowsAfter(Path file, long step) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> kept = new ArrayList<>();
    int dropped = 0;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      int comma = l.indexOf(',');
      String first = comma < 0 ? l : l.substring(0, comma);
      if (i > 0 && !l.isEmpty() && Long.parseLong(first) > step) {
        dropped++;
      } else {
        kept.add(l);
      }
    }
    if (dropped > 0) {
      StringBuilder text = new StringBuilder();
      kept.forEach(l -> text.append(l).append('\n'));
      AtomicFiles.writeString(file, text.toString());
    }
    return dropped;
  }

  /** Step column first, then the named columns. */
  public List<String> columns() {
    return columns;
  }

  public Path file() {
    return file;
  }

  public synchronized long rows() {
    return rows;
  }

  /**
   * Writes one row; {@code values} follow the column order and may be a reused array.
   *
   * @throws IllegalArgumentException when the number of values differs from the number of columns
   */
  public synchronized void row(long step, double... values) {
    if (closed) {
      throw new IllegalStateException(file + ": row after close");
    }
    if (values.length != columns.size() - 1) {
      throw new IllegalArgumentException("metrics row: expected " + (columns.size() - 1) + " values "
          + columns.subList(1, columns.size()) + ", got " + values.length);
    }
    line.setLength(0);
    line.append(step);
    for (double v : values) {
      line.append(',');
      appendNumber(line, v);
    }
    line.append('\n');
    try {
      // Writer.append(CharSequence) would build a String per row; copy into a reused array instead.
      if (chars.length < line.length()) {
        chars = new char[line.length() * 2];
      }
      line.getChars(0, line.length(), chars, 0);
      out.write(chars, 0, line.length());
      rows++;
      long now = nanoClock.getAsLong();
      if (now - lastFlush >= flushIntervalNanos) {
        out.flush();
        lastFlush = now;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static void appendNumber(StringBuilder sb, double v) {
    if (Double.isNaN(v)) {
      return;
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      sb.append((long) v);
    } else {
      sb.append(v);
    }
  }

  public synchronized void flush() throws IOException {
    if (!closed) {
      out.flush();
      lastFlush = nanoClock.getAsLong();
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      out.close();
    }
  }
}
