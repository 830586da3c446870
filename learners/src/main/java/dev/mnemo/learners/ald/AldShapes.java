package dev.mnemo.learners.ald;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.transformer.GtrxlTrunk;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import dev.mnemo.envs.EnvSpec;
import java.util.List;

/**
 * The sizes of ALD's two networks (keys of {@code mnemo.ald}), and the networks they give for an env: the GTrXL
 * learner with its policy and value heads on the trunk, and the LSTM (or any core's) actor with no encoder or head
 * layers.
 *
 * @param dModel the Transformer's width
 * @param layers its blocks
 * @param heads attention heads per block
 * @param memory Transformer-XL memory rows per layer (0: none)
 * @param segment steps per segment; 0 for the env's whole episode
 * @param ffSize the blocks' MLP width
 * @param gateBias the GRU-type gates' b_g
 * @param core the actor's recurrent core
 * @param coreSize its width
 */
public record AldShapes(int dModel, int layers, int heads, int memory, int segment, int ffSize, double gateBias,
    String core, int coreSize) {

  /** The Transformer actor-critic for {@code spec}'s observations, actions and episode length. */
  public TransformerActorCritic transformer(EnvSpec spec) {
    int seg = segment == 0 ? spec.maxEpisodeSteps() : segment;
    GtrxlTrunk trunk = new GtrxlTrunk(spec.obsSize(), dModel, layers, heads, memory, seg, ffSize, gateBias,
        BatchOps.best());
    return new TransformerActorCritic(trunk, List.of(), spec.numActions(), BatchOps.best());
  }

  /**
   * The actor's shape in {@code mode}: none where the Transformer acts; its own value network in ALD (distilled from
   * the Transformer's values), a shared trunk in the asymmetric baseline (whose value head is never trained: the
   * Transformer is the critic).
   */
  public ActorCriticSpec actor(EnvSpec spec, AldLearner.Mode mode) {
    return mode.actsWithTransformer() ? null : new ActorCriticSpec(spec.obsSize(), spec.numActions(), List.of(), core,
        coreSize, List.of(), mode == AldLearner.Mode.ALD);
  }
}
