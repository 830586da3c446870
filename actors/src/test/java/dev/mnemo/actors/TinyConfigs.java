package dev.mnemo.actors;

import dev.mnemo.agents.r2d2.RecurrentQSpec;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.learners.agent.AgentShapes;
import dev.mnemo.learners.r2d2.R2d2Builder;
import dev.mnemo.learners.r2d2.R2d2Config;
import dev.mnemo.replay.ReplayConfig;
import dev.mnemo.replay.SequenceConfig;
import java.time.Duration;
import java.util.List;

/** Small, fast configurations for runtime tests. */
final class TinyConfigs {
  private TinyConfigs() {
  }

  /** CartPole, burn-in 4 + 8 trained + 2, LSTM 16, batch 8, replay 400, 0.5 samples per insert, refresh every 25 steps. */
  static R2d2Config r2d2(long budget) {
    return new R2d2Config("cartpole", 42L, 4, 4, 8, 4, 2, 0.9, List.of(16), "lstm", 16, 16, 8, 1e-3, 1e-3, 40.0, 50,
        0.9, R2d2Config.INITIAL_PRIORITY_ACTOR, 0.9, 0.6, 400, 16, 0.5, 0.1, 25, 0.4, 7.0, true, budget, 100, 2, 1.0,
        50, "gemm");
  }

  /** R2D2's builder for a config, and the shapes it derives for the config's env (what the runtime computes). */
  record R2d2Setup(R2d2Builder builder, AgentShapes shapes, RecurrentQSpec netSpec) {
    SequenceConfig sequence() {
      return shapes.sequence();
    }

    EnvSpec envSpec() {
      return shapes.env();
    }

    ReplayConfig replayConfig(boolean rateLimited) {
      return builder.replayConfig(shapes, rateLimited);
    }
  }

  static R2d2Setup setup(R2d2Config c) {
    R2d2Builder b = new R2d2Builder(c);
    EnvSpec env = EnvRegistry.make(c.env()).spec();
    return new R2d2Setup(b, b.shapes(env), b.networkSpec(env));
  }

  static RuntimeConfig runtime(int workers, int envs) {
    return RuntimeConfig.defaults().withWorkers(workers, envs).withFlow(4, 2, 10)
        .withStatusInterval(Duration.ofMillis(100));
  }
}
