package dev.mnemo.agents.acting;

/**
 * An {@link ActingPolicy} that draws each env's action from a categorical distribution {@code pi(.|history)} and
 * shows the log-probabilities it drew from: what an on-policy learner stores as the behaviour policy {@code mu} of
 * its importance ratios {@code pi(a) / mu(a)}.
 */
public interface CategoricalPolicy extends ActingPolicy {

  /**
   * Every env's log-probabilities from the last {@link #act}, dense {@code [N x numActions]} (row {@code i} for env
   * {@code i}); the policy's own buffer, valid until the next {@link #act}.
   */
  float[] logProbs();
}
