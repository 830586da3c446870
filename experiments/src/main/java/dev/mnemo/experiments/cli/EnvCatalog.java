package dev.mnemo.experiments.cli;

import java.util.List;

/** What {@code mnemo envs} lists; the envs registry is adapted to this (see {@link Wiring}). */
@FunctionalInterface
public interface EnvCatalog {

  /** One environment family with the parameters its id accepts ({@code tmaze?length=50}). */
  record Entry(String id, String description, List<Param> params) {
    public Entry {
      params = List.copyOf(params);
    }
  }

  /** One parameter of an environment id: name, type, default and meaning. */
  record Param(String name, String type, String defaultValue, String description) {}

  List<Entry> environments();

  static EnvCatalog empty() {
    return List::of;
  }
}
