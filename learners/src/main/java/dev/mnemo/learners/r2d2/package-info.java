/**
 * R2D2 (Kapturowski et al. 2019), the learner half: where each part of the algorithm lives.
 * <ul>
 *   <li>config, the single source of its defaults and ranges: {@link dev.mnemo.learners.r2d2.R2d2Config}
 *       (the paper's values; {@code reference.conf} is checked against it);</li>
 *   <li>wiring for every runtime: {@link dev.mnemo.learners.r2d2.R2d2Builder} (config to network spec,
 *       sequence cut, replay, learner, acting policy, evaluator) and {@link dev.mnemo.learners.r2d2.R2d2Kind}
 *       ({@code kind = r2d2});</li>
 *   <li>the update (burn-in from the stored state, n-step double Q, loss and priorities, Adam, target copy):
 *       {@link dev.mnemo.learners.r2d2.R2d2Learner}; the one-thread trainer
 *       {@link dev.mnemo.learners.r2d2.SynchronousTrainer}; greedy evaluation
 *       {@link dev.mnemo.learners.r2d2.GreedyEvaluator}; the stored-state ablation in {@code ablation};</li>
 *   <li>in module {@code agents}, package {@code dev.mnemo.agents.r2d2}: the network spec
 *       ({@code RecurrentQSpec}), its engines ({@code RecurrentQGemm}, {@code RecurrentQNetwork}), the targets
 *       and loss as pure math ({@code NStepDoubleQ}, {@code ValueRescaling}, {@code TdLoss}), the actor-side
 *       initial priority ({@code ActorPriority}, {@code initial_priority = actor}) and the acting policy
 *       ({@code EpsilonGreedyQPolicy}). The recurrent core is any of {@code dev.mnemo.agents.core}.</li>
 * </ul>
 */
package dev.mnemo.learners.r2d2;
