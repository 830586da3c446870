/**
 * The gated Transformer (GTrXL, Parisotto et al. 2020) that Actor-Learner Distillation trains as its learner:
 * its blocks with forward and backward ({@link dev.mnemo.agents.transformer.GtrxlGate},
 * {@link dev.mnemo.agents.transformer.CausalMemoryAttention}), each checked against SameDiff and finite
 * differences; {@link dev.mnemo.agents.transformer.GtrxlTrunk} stacks them, and
 * {@link dev.mnemo.agents.transformer.GtrxlKernel} is its acting form (one batched step with a key/value cache);
 * {@link dev.mnemo.agents.transformer.TransformerActorCritic} puts policy and value heads on it, and
 * {@link dev.mnemo.agents.transformer.TransformerActorCriticPolicy} is that actor-critic's acting policy (the
 * Transformer-only baseline's actors).
 * Plain row-major loops ({@link dev.mnemo.agents.transformer.RowMajor}) for now: correctness first;
 * the packed-gemm path the recurrent cores use comes with the learner's benchmark.
 */
package dev.mnemo.agents.transformer;
