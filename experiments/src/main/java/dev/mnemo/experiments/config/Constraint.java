package dev.mnemo.experiments.config;

import com.typesafe.config.Config;
import java.util.List;
import java.util.function.Predicate;

/**
 * A rule across keys (e.g. burn-in shorter than the sequence), checked only once every key has the right
 * type, so the predicate may read typed values freely.
 *
 * @param paths the keys involved (the first names the problem)
 * @param requirement what must hold, as the error message says it
 * @param holds the check
 */
public record Constraint(List<String> paths, String requirement, Predicate<Config> holds) {

  public Constraint {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("constraint '" + requirement + "': name at least one key");
    }
    paths = List.copyOf(paths);
  }
}
