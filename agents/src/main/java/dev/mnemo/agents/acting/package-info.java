/**
 * The acting step shared by every runtime and algorithm: vectorised envs, an
 * {@link dev.mnemo.agents.acting.ActingPolicy} (the seam an algorithm fills; a
 * {@link dev.mnemo.agents.acting.CategoricalPolicy} also shows the probabilities it drew from), and sequence adders
 * that store each sequence with the policy's recurrent state before its first step.
 */
package dev.mnemo.agents.acting;
