package dev.mnemo.experiments.run;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The run kinds {@code mnemo run} knows, by name. */
public final class RunKindRegistry {

  private final Map<String, RunKind> kinds = new LinkedHashMap<>();

  /**
   * @throws IllegalArgumentException when a kind of that name is already registered
   */
  public RunKindRegistry register(RunKind kind) {
    if (kinds.putIfAbsent(kind.name(), kind) != null) {
      throw new IllegalArgumentException("run kind '" + kind.name() + "' registered twice");
    }
    return this;
  }

  public Optional<RunKind> find(String name) {
    return Optional.ofNullable(kinds.get(name));
  }

  public Set<String> names() {
    return Collections.unmodifiableSet(kinds.keySet());
  }

  public Collection<RunKind> all() {
    return Collections.unmodifiableCollection(kinds.values());
  }
}
