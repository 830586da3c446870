/** R2D2's learner (stored-state burn-in, n-step double-Q, prioritized sequence replay), its config and checkpoints. */
package dev.mnemo.learners.r2d2;
