package dev.mnemo.gymhttp;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvInfo;
import dev.mnemo.envs.EnvParam;
import dev.mnemo.envs.EnvProvider;
import java.util.List;

/** Lets {@code EnvRegistry.make("gym-http://HOST:PORT/ENV_ID")} build a {@link GymHttpEnv}. */
public final class GymHttpEnvProvider implements EnvProvider {

  @Override
  public String scheme() {
    return GymHttpEnv.SCHEME;
  }

  @Override
  public Env make(String id) {
    return GymHttpEnv.fromId(id);
  }

  @Override
  public EnvInfo info() {
    return new EnvInfo("gym-http://HOST:PORT/ENV_ID", List.of(
        new EnvParam("maxSteps", "0", "episode bound the server applies (the protocol does not report it); 0 ="
            + " unknown"),
        new EnvParam("timeoutMs", "30000", "bound on each request, connection included")),
        "an env served over the Gym HTTP protocol (gym-http-api, or `mnemo serve-gym`); Discrete actions,"
            + " Box/Discrete observations; a Mnemo id with a query is percent-encoded: tmaze%3Flength%3D50");
  }
}
