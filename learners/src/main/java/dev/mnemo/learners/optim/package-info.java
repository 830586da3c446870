/**
 * Optimisers every learner shares, each in plain Java over one flat parameter array so that its state checkpoints
 * exactly ({@link dev.mnemo.learners.optim.AdamState}) and its steps are deterministic: Adam
 * ({@link dev.mnemo.learners.optim.Adam}), AdamW ({@link dev.mnemo.learners.optim.AdamW}) and global gradient-norm
 * clipping ({@link dev.mnemo.learners.optim.GlobalNormClip}). Names no algorithm.
 */
package dev.mnemo.learners.optim;
