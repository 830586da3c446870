package dev.mnemo.actors;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds event maps in one shape: {@code event}, {@code time_ms}, then the given key/value pairs. */
public final class Events {
  private Events() {
  }

  /** An event of kind {@code kind} with the given key/value pairs, in order. */
  public static Map<String, Object> of(String kind, Object... kv) {
    if (kv.length % 2 != 0) {
      throw new IllegalArgumentException("event " + kind + ": key/value pairs expected, got " + kv.length
          + " items");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event", kind);
    m.put("time_ms", System.currentTimeMillis());
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
