package dev.mnemo.replay;

/**
 * What resets the recurrent state, and therefore where a {@link SequenceAdder} cuts sequences.
 *
 * <p>R2D2 and Actor-Learner Distillation reset at every episode. RL² keeps its hidden state across the
 * episodes of a trial (that memory is the point of meta-learning), so there the trial is the unit: an
 * episode end inside a trial is recorded (discount, {@link SequenceBatch#episodeStarts}) but neither
 * cuts a sequence nor resets the previous action and reward.
 */
public enum SequenceBoundary {
  /** Sequences never cross an episode end; previous action/reward reset at each episode start. */
  EPISODE,
  /** Sequences never cross a trial end; episode ends inside a trial are only recorded. */
  TRIAL
}
