package dev.mnemo.experiments.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Benchmarks by name, each with a one-line description for {@code mnemo bench --list}. */
public final class BenchRegistry {

  /** A registered benchmark. */
  public record Entry(String name, String description, Benchmark benchmark) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  /**
   * @throws IllegalArgumentException for a duplicate or malformed name
   */
  public BenchRegistry register(String name, String description, Benchmark benchmark) {
    if (!name.matches("[a-z0-9][a-z0-9._-]*")) {
      throw new IllegalArgumentException("benchmark name '" + name + "': expected lower-case letters, digits, . _ -");
    }
    if (entries.putIfAbsent(name, new Entry(name, description, benchmark)) != null) {
      throw new IllegalArgumentException("benchmark '" + name + "' registered twice");
    }
    return this;
  }

  public Optional<Entry> find(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  public Map<String, Entry> all() {
    return Collections.unmodifiableMap(entries);
  }
}
