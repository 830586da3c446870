package dev.mnemo.learners.rl2;

/**
 * What one PPO update reports.
 *
 * @param updates updates done, this one included
 * @param epochs epochs run (fewer than configured when the KL target stopped it)
 * @param gradientSteps minibatch steps taken
 * @param policyLoss mean clipped-surrogate loss over the valid steps of every minibatch
 * @param valueLoss mean value loss (before its coefficient)
 * @param entropy mean policy entropy (nats)
 * @param kl mean exact KL(behaviour || current) over the last epoch's minibatches, each measured before its step
 * @param clipFraction share of steps whose ratio left [1 - eps, 1 + eps]
 * @param gradNorm mean global gradient norm before clipping
 * @param explainedVariance 1 - Var(R - V) / Var(R) of the values the advantages were computed with
 * @param learningRate the step size used
 */
public record PpoStats(long updates, int epochs, int gradientSteps, double policyLoss, double valueLoss,
    double entropy, double kl, double clipFraction, double gradNorm, double explainedVariance, double learningRate) {
}
