/**
 * Classic Bernoulli-bandit baselines (Random, Greedy, ε-greedy, UCB1, Thompson sampling, optimistic
 * Thompson sampling, finite-horizon Gittins index) and the evaluation that reproduces the RL² paper's
 * Table 1.
 */
package dev.mnemo.agents.baselines;
