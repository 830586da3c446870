/**
 * Tabular MDP baselines for the RL² paper's Table 2 (random, PSRL, optimistic PSRL, UCRL2, BEB, ε-greedy,
 * greedy), the finite-horizon planners they share (backward induction, extended value iteration) and the
 * evaluation that sets their figures beside the paper's.
 */
package dev.mnemo.agents.baselines.mdp;
