package dev.mnemo.experiments.run;

import dev.mnemo.experiments.config.ConfigSchema;
import dev.mnemo.experiments.config.KeyRule;
import dev.mnemo.experiments.config.Range;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny run kind for tests: counts steps, logs metrics and events, evaluates a fixed return sequence, can
 * fail at a configured step, and resumes from a one-number checkpoint.
 */
public final class CountingKind implements RunKind {

  @Override
  public String name() {
    return "counting";
  }

  @Override
  public String description() {
    return "counts steps (test kind)";
  }

  @Override
  public ConfigSchema schema() {
    return ConfigSchema.builder("counting")
        .defaultsResource(CountingKind.class, "counting.conf")
        .key(KeyRule.ofInt("steps").between(1, 1_000_000).doc("env steps to count"))
        .key(KeyRule.ofLong("fail_at").atLeast(-1).doc("throw at this step; -1 never"))
        .key(KeyRule.ofString("schedule").oneOf("linear", "constant"))
        .key(KeyRule.ofStringList("tags"))
        .key(KeyRule.ofObject("env_params"))
        .key(KeyRule.ofDuration("timeout"))
        .key(KeyRule.ofDouble("learner.lr").range(Range.openClosed(0, 1)).doc("learning rate"))
        .key(KeyRule.ofInt("learner.updates_per_step").between(0, 100))
        .key(KeyRule.ofInt("eval.episodes").between(1, 10_000))
        .key(KeyRule.ofDouble("eval.success_threshold").optional())
        .constraint("fail_at < steps", c -> c.getLong("fail_at") < c.getInt("steps"), "fail_at", "steps")
        .build();
  }

  @Override
  public boolean supportsResume() {
    return true;
  }

  @Override
  public RunOutcome run(RunContext ctx) throws Exception {
    int steps = ctx.config().getInt("steps");
    long failAt = ctx.config().getLong("fail_at");
    int perStep = ctx.config().getInt("learner.updates_per_step");
    Path ckpt = ctx.checkpointDir().resolve("step.txt");
    int start = 0;
    if (ctx.resumed() && Files.exists(ckpt)) {
      start = Integer.parseInt(Files.readString(ckpt, StandardCharsets.UTF_8).trim());
      ctx.events().record("restored", "step", start);
    }
    MetricsWriter m = ctx.metrics("step", "loss", "return");
    double[] row = new double[2];
    long updates = (long) start * perStep;
    int s = start;
    while (s < steps && !ctx.stopRequested()) {
      s++;
      updates += perStep;
      if (s == failAt) {
        ctx.events().record("about_to_fail", "step", s);
        throw new IllegalStateException("boom at step " + s);
      }
      if (s % 10 == 0) {
        row[0] = 1.0 / s;
        row[1] = s % 20 == 0 ? s * 0.5 : Double.NaN;
        m.row(s, row);
      }
      ctx.progress(s, updates);
    }
    Files.writeString(ckpt, Integer.toString(s), StandardCharsets.UTF_8);
    int episodes = ctx.config().getInt("eval.episodes");
    double[] returns = new double[episodes];
    for (int i = 0; i < episodes; i++) {
      returns[i] = i % 2;
    }
    double threshold = EvalResult.threshold(ctx.config(), "eval.success_threshold");
    return RunOutcome.of(s).withLearnerUpdates(updates).withEval(EvalResult.of(returns, threshold))
        .with("final_loss", 1.0 / s);
  }
}
