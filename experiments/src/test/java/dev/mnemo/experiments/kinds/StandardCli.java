package dev.mnemo.experiments.kinds;

import dev.mnemo.experiments.cli.MnemoCli;
import dev.mnemo.experiments.cli.Wiring;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The real {@code mnemo} CLI with the standard wiring, stdout discarded and stderr kept for messages. */
final class StandardCli {

  /**
   * A tiny R2D2 network and replay that updates within a few hundred env steps; run-kind tests add the
   * env, budget and evaluation keys.
   */
  static final String TINY_R2D2 = "kind = r2d2\nnum_envs = 2\nburn_in = 2\ntrace_length = 4\n"
      + "sequence_period = 2\nn_step = 2\ngamma = 0.9\nencoder_sizes = [8]\ncore_size = 8\nhead_size = 8\n"
      + "batch_size = 4\nreplay_capacity = 200\nmin_replay_size = 8\nsamples_per_insert = 1\n"
      + "actor_refresh_steps = 10\n";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int mnemo(String... args) {
    return MnemoCli.execute(Wiring.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  /** Everything the CLI wrote to stdout so far. */
  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Everything the CLI wrote to stderr so far. */
  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
