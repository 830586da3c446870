package dev.mnemo.envs;

import java.util.List;

/**
 * One registry entry, for listing ({@code mnemo envs}).
 *
 * @param id the id without parameters, e.g. {@code tmaze} or {@code popgym/RepeatPrevious-Medium}
 * @param params its parameters with defaults (empty when it takes none)
 * @param description one line
 */
public record EnvInfo(String id, List<EnvParam> params, String description) {
  public EnvInfo {
    params = List.copyOf(params);
  }

  /** {@code id?name=default&...}: the id with every parameter at its default. */
  public String exampleId() {
    if (params.isEmpty()) {
      return id;
    }
    StringBuilder b = new StringBuilder(id).append('?');
    for (int i = 0; i < params.size(); i++) {
      if (i > 0) {
        b.append('&');
      }
      b.append(params.get(i).name()).append('=').append(params.get(i).defaultValue());
    }
    return b.toString();
  }
}
