package dev.mnemo.learners.r2d2.ablation;

/** Where a replayed unroll starts its recurrent state: all zeros, or the state stored with the sequence. */
public enum StartState {
  ZERO,
  STORED
}
