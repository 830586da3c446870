package dev.mnemo.learners.rl2;

import dev.mnemo.agents.rl2.PpoLoss;

/**
 * The PPO learner's hyperparameters.
 *
 * @param epochs passes over each batch of trials
 * @param minibatches minibatches per epoch, each of whole trials (the batch's trials must divide evenly)
 * @param gamma discount of the trial's return
 * @param gaeLambda lambda of GAE over the whole trial
 * @param loss the per-step loss (clip, value and entropy coefficients, Huber delta, value clip)
 * @param normalizeAdvantages standardise advantages over each batch's valid steps (off: the reproduction that
 *     matched the paper found it hurts)
 * @param learningRate AdamW's step size before the schedule
 * @param adamEpsilon AdamW's epsilon
 * @param weightDecay AdamW's decoupled weight decay
 * @param maxGradNorm global-norm clip of each minibatch's gradient; 0 off
 * @param targetKl stop an update's epochs early once a minibatch's KL(behaviour || current) exceeds 1.5 x this;
 *     0 off
 * @param popArtRate rate of the value targets' running moments with PopArt normalisation ({@link
 *     dev.mnemo.agents.rl2.PopArt}); 0: the value head predicts returns unnormalised
 * @param seed the minibatch-shuffling stream
 * @param valueLambda lambda of the value function's targets ({@link dev.mnemo.agents.rl2.Gae#lambdaReturns}); equal
 *     to {@code gaeLambda} they are GAE's own lambda-returns, 1 the trial's discounted return
 */
public record PpoConfig(int epochs, int minibatches, double gamma, double gaeLambda, PpoLoss loss,
    boolean normalizeAdvantages, double learningRate, double adamEpsilon, double weightDecay, double maxGradNorm,
    double targetKl, double popArtRate, long seed, double valueLambda) {

  public PpoConfig {
    if (epochs < 1 || minibatches < 1) {
      throw new IllegalArgumentException("epochs and minibatches must be >= 1, got " + epochs + ", " + minibatches);
    }
    if (!(gamma >= 0 && gamma <= 1) || !(gaeLambda >= 0 && gaeLambda <= 1)) {
      throw new IllegalArgumentException("gamma and gae_lambda must lie in [0, 1], got " + gamma + ", " + gaeLambda);
    }
    if (!(valueLambda >= 0 && valueLambda <= 1)) {
      throw new IllegalArgumentException("value_lambda must lie in [0, 1], got " + valueLambda);
    }
    if (!(popArtRate >= 0 && popArtRate <= 1)) {
      throw new IllegalArgumentException("popart_rate must lie in [0, 1], got " + popArtRate);
    }
    if (!(learningRate > 0) || !(adamEpsilon > 0) || weightDecay < 0 || maxGradNorm < 0 || targetKl < 0) {
      throw new IllegalArgumentException("need learning_rate > 0, adam_epsilon > 0, and weight_decay, max_grad_norm, "
          + "target_kl >= 0; got " + learningRate + ", " + adamEpsilon + ", " + weightDecay + ", " + maxGradNorm
          + ", " + targetKl);
    }
  }

  /** Value targets with GAE's own lambda. */
  public PpoConfig(int epochs, int minibatches, double gamma, double gaeLambda, PpoLoss loss,
      boolean normalizeAdvantages, double learningRate, double adamEpsilon, double weightDecay, double maxGradNorm,
      double targetKl, double popArtRate, long seed) {
    this(epochs, minibatches, gamma, gaeLambda, loss, normalizeAdvantages, learningRate, adamEpsilon, weightDecay,
        maxGradNorm, targetKl, popArtRate, seed, gaeLambda);
  }
}
