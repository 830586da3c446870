/**
 * R2D2, the network half: the recurrent dueling Q-network's spec ({@link dev.mnemo.agents.r2d2.RecurrentQSpec}:
 * input row + encoder + any recurrent core + dueling head), its engines (the all-Java
 * {@link dev.mnemo.agents.r2d2.RecurrentQGemm} and the SameDiff {@link dev.mnemo.agents.r2d2.RecurrentQNetwork},
 * held to each other), the paper's math as small pure classes ({@link dev.mnemo.agents.r2d2.ValueRescaling},
 * {@link dev.mnemo.agents.r2d2.NStepDoubleQ}, {@link dev.mnemo.agents.r2d2.TdLoss}), the actors' initial priority
 * of a sequence from the Q-values they acted with ({@link dev.mnemo.agents.r2d2.ActorPriority}) and the acting
 * policy ({@link dev.mnemo.agents.r2d2.EpsilonGreedyQPolicy}). Config, learner and builder: {@code dev.mnemo.learners.r2d2}.
 */
package dev.mnemo.agents.r2d2;
