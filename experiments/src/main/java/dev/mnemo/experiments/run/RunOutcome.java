package dev.mnemo.experiments.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a run kind returns on completion; it becomes {@code summary.json}.
 *
 * @param envSteps environment steps taken
 * @param learnerUpdates learner updates made, empty for kinds without a learner
 * @param eval the final evaluation, or null for kinds that evaluate no policy
 * @param extra further machine-readable results (numbers, strings, lists, maps), written as top-level keys
 */
public record RunOutcome(long envSteps, OptionalLong learnerUpdates, EvalResult eval, Map<String, Object> extra) {

  /** Keys the framework writes itself; {@code extra} may not use them. */
  public static final Set<String> RESERVED = Set.of("status", "error", "kind", "config_name", "seed", "wall_seconds",
      "env_steps", "learner_updates", "eval", "started_utc", "finished_utc", "run_dir", "resumed", "stop_requested");

  public RunOutcome {
    if (envSteps < 0) {
      throw new IllegalArgumentException("outcome: envSteps must be >= 0, got " + envSteps);
    }
    for (String k : extra.keySet()) {
      if (RESERVED.contains(k)) {
        throw new IllegalArgumentException("outcome: extra key '" + k + "' is reserved; reserved keys: " + RESERVED);
      }
    }
    extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  public static RunOutcome of(long envSteps) {
    return new RunOutcome(envSteps, OptionalLong.empty(), null, Map.of());
  }

  public RunOutcome withLearnerUpdates(long updates) {
    return new RunOutcome(envSteps, OptionalLong.of(updates), eval, extra);
  }

  public RunOutcome withEval(EvalResult e) {
    return new RunOutcome(envSteps, learnerUpdates, e, extra);
  }

  public RunOutcome with(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(extra);
    m.put(key, value);
    return new RunOutcome(envSteps, learnerUpdates, eval, m);
  }
}
