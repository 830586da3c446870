package dev.mnemo.learners.agent;

import dev.mnemo.agents.acting.ActingPolicy;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.replay.ReplayConfig;
import dev.mnemo.replay.SequencePriority;

/**
 * One algorithm's wiring (Acme's builder): from its config to the shapes, the replay, the learner, the
 * acting policy and the evaluator of a run. The runtime calls nothing else of an algorithm, so a new
 * algorithm is a new builder (and its {@link AgentKind}), not an edit of the runtime. Implementations are
 * immutable values.
 */
public interface AgentBuilder {

  /** The algorithm's name, for events and logs ({@code r2d2}). */
  String algorithm();

  /** The env id every worker makes its envs from (EnvRegistry syntax). */
  String envId();

  /** The master seed every random stream of the run derives from. */
  long seed();

  /** This builder with another master seed (cluster actor nodes decorrelate their streams with it). */
  AgentBuilder withSeed(long seed);

  /** Env steps of the run's budget. */
  long totalEnvSteps();

  /** Env steps of each actor between parameter refreshes. */
  int actorRefreshSteps();

  /** The network and sequence shapes for an env with this spec. */
  AgentShapes shapes(EnvSpec env);

  /** The replay for these shapes; {@code rateLimited}: apply the algorithm's samples-per-insert limiter. */
  ReplayConfig replayConfig(AgentShapes shapes, boolean rateLimited);

  /** A fresh learner (initial parameters from the seed). */
  Learner newLearner(AgentShapes shapes);

  /**
   * The acting policy of actors {@code first .. first + count - 1} of {@code total} (per-actor settings such
   * as R2D2's epsilon ladder depend on the index), seeded with {@code seed}.
   */
  ActingPolicy newPolicy(AgentShapes shapes, int first, int count, int total, long seed);

  /**
   * The actor-side priority of new sequences (Acme's adder priority function) for one acting loop (it runs on
   * that loop's thread), or null: they enter the replay at its maximum priority. It reads what the sequences
   * store, so it matches {@link #shapes} (R2D2: Q-values stored as behaviour logits).
   */
  default SequencePriority newSequencePriority(AgentShapes shapes) {
    return null;
  }

  /** The periodic evaluator (the config's episodes per evaluation), or null when the config asks for none. */
  Evaluator newEvaluator(AgentShapes shapes);

  /**
   * An evaluator of {@code episodes} episodes per evaluation, seeded apart from training and from
   * {@link #newEvaluator(AgentShapes)}: the larger evaluation of {@link SolvedRule} that confirms "solved"
   * and gives a run's final figures; null for an algorithm that has no evaluation.
   */
  Evaluator newEvaluator(AgentShapes shapes, int episodes);
}
