package dev.mnemo.learners.r2d2.ablation;

/**
 * The paper's Q-value discrepancy of one replayed window at its first and last trained step.
 *
 * @param first ΔQ at the first trained step (i = 0)
 * @param last ΔQ at the last trained step (i = m - 1)
 */
public record Discrepancy(double first, double last) {}
