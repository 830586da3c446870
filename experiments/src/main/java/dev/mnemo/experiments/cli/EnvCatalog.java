package dev.mnemo.experiments.cli;

import dev.mnemo.envs.EnvInfo;
import java.util.List;

/** What {@code mnemo envs} lists: normally {@code EnvRegistry::list}; tests pass their own. */
@FunctionalInterface
public interface EnvCatalog {

  List<EnvInfo> environments();

  static EnvCatalog empty() {
    return List::of;
  }
}
