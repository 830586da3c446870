package dev.mnemo.actors;

import dev.mnemo.learners.r2d2.R2d2Config;
import java.time.Duration;
import java.util.List;

/** Small, fast configurations for runtime tests. */
final class TinyConfigs {
  private TinyConfigs() {
  }

  /** CartPole, burn-in 4 + 8 trained + 2, LSTM 16, batch 8, replay 400, 0.5 samples per insert, refresh every 25 steps. */
  static R2d2Config r2d2(long budget) {
    return new R2d2Config("cartpole", 42L, 4, 4, 8, 4, 2, 0.9, List.of(16), "lstm", 16, 16, 8, 1e-3, 1e-3, 40.0, 50,
        0.9, 0.9, 0.6, 400, 16, 0.5, 0.1, 25, 0.4, 7.0, true, budget, 100, 2, 1.0, 50, "gemm");
  }

  static RuntimeConfig runtime(int workers, int envs) {
    return RuntimeConfig.defaults().withWorkers(workers, envs).withFlow(4, 2, 10)
        .withStatusInterval(Duration.ofMillis(100));
  }
}
