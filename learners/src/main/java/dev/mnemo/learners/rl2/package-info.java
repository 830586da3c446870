/**
 * RL² (Duan et al. 2016) trained by PPO: whole trials collected on-policy over a vector of
 * {@code MetaTrial}s ({@link dev.mnemo.learners.rl2.TrialCollector}), a PPO learner over them
 * ({@link dev.mnemo.learners.rl2.PpoLearner}, with {@link dev.mnemo.learners.optim.AdamW}), the synchronous
 * loop that alternates the two ({@link dev.mnemo.learners.rl2.Rl2Trainer}) and the evaluation of a policy on
 * fresh tasks ({@link dev.mnemo.learners.rl2.TrialEvaluator}).
 */
package dev.mnemo.learners.rl2;
