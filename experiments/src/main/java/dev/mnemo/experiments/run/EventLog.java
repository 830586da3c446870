package dev.mnemo.experiments.run;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code events.jsonl}: one JSON object a line, {@code {"time": ISO-8601 UTC, "type": ..., fields...}}, for
 * what is rare but matters afterwards (restarts, dropped episodes, membership changes, errors). Each event is
 * flushed at once, and the log may be written from several threads.
 */
public final class EventLog implements Closeable {

  private final Path file;
  private final Writer out;
  private final Clock clock;
  private boolean closed;

  private EventLog(Path file, Writer out, Clock clock) {
    this.file = file;
    this.out = out;
    this.clock = clock;
  }

  /** Opens for appending (a resumed run continues its log). */
  public static EventLog open(Path file, Clock clock) throws IOException {
    Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    return new EventLog(file, w, clock);
  }

  public Path file() {
    return file;
  }

  /** Records an event with fields given as alternating names and values: {@code record("restart", "worker", 3)}. */
  public void record(String type, Object... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("event " + type + ": expected name/value pairs, got " + keyValues.length
          + " arguments");
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      fields.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
    }
    record(type, fields);
  }

  public synchronized void record(String type, Map<String, ?> fields) {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("event type must be a non-blank name, got '" + type + "'");
    }
    if (closed) {
      throw new IllegalStateException(file + ": event '" + type + "' after close");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", clock.instant().toString());
    m.put("type", type);
    for (var e : fields.entrySet()) {
      if (e.getKey().equals("time") || e.getKey().equals("type")) {
        throw new IllegalArgumentException("event " + type + ": field name '" + e.getKey() + "' is reserved");
      }
      m.put(e.getKey(), e.getValue());
    }
    try {
      out.write(Json.line(m));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
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
