/**
 * Recurrent cores: one memory model per class ({@link dev.mnemo.agents.core.LstmCore} and its siblings),
 * each with four faces that tests hold to each other: the spec (the record itself: sizes, parameter layout,
 * initialisation, equations in its javadoc), the acting kernel ({@link dev.mnemo.agents.core.CoreKernel}),
 * the training form ({@link dev.mnemo.agents.core.CoreTraining}) and a SameDiff reference graph. Nothing here
 * names an algorithm: R2D2's Q-network, RL²'s actor-critic and ALD's distilled actor are all built from a
 * core plus blocks. {@link dev.mnemo.agents.core.RecurrentCores} maps config names to cores.
 */
package dev.mnemo.agents.core;
