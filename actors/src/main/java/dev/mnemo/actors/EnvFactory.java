package dev.mnemo.actors;

import dev.mnemo.envs.Env;

/** Makes env copy {@code copy} of worker {@code worker} (tests inject failing envs through this). */
@FunctionalInterface
public interface EnvFactory {
  Env make(int worker, int copy);
}
