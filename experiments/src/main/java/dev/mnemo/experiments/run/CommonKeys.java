package dev.mnemo.experiments.run;

import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.KeyRule;
import dev.mnemo.experiments.config.Range;

/** The keys every run config has, whatever its kind. */
public final class CommonKeys {

  public static final String KIND = "kind";
  public static final String SEED = "seed";
  public static final String DESCRIPTION = "description";
  public static final String PROGRESS_INTERVAL = "progress_interval";
  public static final String SHUTDOWN_GRACE = "shutdown_grace";

  private CommonKeys() {}

  public static ConfigSchema schema() {
    return ConfigSchema.builder("common")
        .defaults("seed = 0\ndescription = \"\"\nprogress_interval = 2s\nshutdown_grace = 60s\n")
        .key(KeyRule.ofString(KIND).doc("what to run; `mnemo kinds` lists them"))
        .key(KeyRule.ofLong(SEED).range(Range.atLeast(0)).doc("master seed: the run is deterministic given it"))
        .key(KeyRule.ofString(DESCRIPTION).doc("free text kept with the run"))
        .key(KeyRule.ofDuration(PROGRESS_INTERVAL).doc("how often the one-line console status is printed and "
            + "metrics.csv flushed; 0: at every update"))
        .key(KeyRule.ofDuration(SHUTDOWN_GRACE)
            .doc("on SIGINT/SIGTERM, how long the run may take to stop and checkpoint before the JVM exits; 0: no "
                + "wait"))
        .build();
  }
}
