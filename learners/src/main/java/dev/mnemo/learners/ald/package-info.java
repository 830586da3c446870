/**
 * Actor-Learner Distillation (Parisotto and Salakhutdinov 2021), the learner half: a GTrXL learner trained by PPO on
 * the actors' episodes and distilled into the LSTM the actors run ({@link dev.mnemo.learners.ald.AldLearner}, with the
 * LSTM in {@link dev.mnemo.learners.ald.LstmActor} and the distillation stage, in turn or on its own thread, in
 * {@link dev.mnemo.learners.ald.ActorDistillation}), and the experiment's baselines as modes of the same learner
 * (Transformer-only, asymmetric); the synchronous loop ({@link dev.mnemo.learners.ald.AldTrainer}), the on-policy
 * runtime's seam ({@link dev.mnemo.learners.ald.AldBuilder}, {@link dev.mnemo.learners.ald.AldOnPolicyLearner}) and the
 * learner's checkpoint ({@link dev.mnemo.learners.ald.AldStateFile}). The Transformer's blocks, acting kernel and the
 * distillation loss as pure math live in module {@code agents} ({@code dev.mnemo.agents.transformer},
 * {@code dev.mnemo.agents.ald}).
 */
package dev.mnemo.learners.ald;
