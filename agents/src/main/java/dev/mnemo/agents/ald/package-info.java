/**
 * Actor-Learner Distillation's own math (Parisotto and Salakhutdinov 2021): the distillation losses that pull the
 * actors' LSTM toward the Transformer learner and, optionally, the learner toward the actor.
 */
package dev.mnemo.agents.ald;
