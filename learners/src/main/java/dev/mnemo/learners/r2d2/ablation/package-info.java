/** R2D2's stored-state / burn-in ablation and the paper's Q-value discrepancy diagnostic. */
package dev.mnemo.learners.r2d2.ablation;
