package dev.mnemo.learners.ald;

import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.agents.transformer.GtrxlGate;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;

/** Small {@link AldBuilder}s for tests: a short I-Maze, a one-layer GTrXL and an LSTM, sizes chosen per test. */
final class AldFixtures {

  static final String SHORT_IMAZE = "imaze?length=2&arm=1";

  private AldFixtures() {}

  /**
   * A builder of {@code trials} episodes per update, the LSTM actor of {@code coreSize} (none in Transformer-only).
   *
   * @param learnerSeed the learner's shuffle seed (its initial parameters come from {@code seed})
   */
  static AldBuilder builder(AldLearner.Mode mode, boolean thread, int trials, int coreSize, long seed,
      long learnerSeed) {
    EnvSpec spec = EnvRegistry.spec(SHORT_IMAZE);
    AldShapes shapes = new AldShapes(8, 1, 2, 0, 0, 16, GtrxlGate.DEFAULT_GATE_BIAS, "lstm", coreSize);
    TransformerActorCritic transformer = shapes.transformer(spec);
    ActorCriticSpec actor = shapes.actor(spec, mode);
    AldLearner.Config cfg = new AldLearner.Config(0.99, 0.95, new PpoLoss(0.2, 0.5, 0.01, 0, 0), 2, 2, 1e-3, 3e-3,
        1e-5, 0.01, 1.0, 1.0, 0.5, mode == AldLearner.Mode.ALD ? 0.1 : 0, 3, thread, learnerSeed, mode);
    return new AldBuilder(SHORT_IMAZE, spec, transformer, actor, cfg, trials, seed, Long.MAX_VALUE, 1000, 8, 8);
  }
}
