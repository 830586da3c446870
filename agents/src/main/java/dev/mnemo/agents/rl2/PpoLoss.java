package dev.mnemo.agents.rl2;

import dev.mnemo.agents.blocks.Softmax;

/**
 * PPO's per-step loss (Schulman et al. 2017) and its gradient with respect to the logits and the value, for a
 * categorical policy. For one step with action a, advantage A, value target R, behaviour log-probabilities
 * {@code log mu} (the policy that acted) and the current {@code log pi}:
 * <pre>
 *   rho     = exp(log pi(a) - log mu(a))
 *   L_pi    = -min(rho A, clip(rho, 1 - eps, 1 + eps) A)
 *   L_V     = max(l(V - R), l(V_clip - R)),  V_clip = V_old + clip(V - V_old, -eps_V, eps_V)   (eps_V = 0: l(V - R))
 *             l(x) = x^2 / 2 (mse) or Huber: x^2 / 2 if |x| <= delta, else delta (|x| - delta / 2)
 *   L       = w (L_pi + c_V L_V - beta H(pi))
 * </pre>
 * with w the step's weight (1 / valid steps of the minibatch: the mean over valid steps; 0 for a padded
 * step). Gradients: {@code dL_pi/dlog pi(a) = -rho A} where the unclipped term is the minimum (else 0; where
 * both are equal the unclipped term's gradient is taken), turned into dL/dz by {@link
 * Softmax#logSoftmaxBackward}; {@code dH/dz} from {@link Softmax#addEntropyGradient}; dL_V/dV through
 * whichever branch the max takes (the clipped branch passes no gradient where the clip is active).
 *
 * <p>Also reported per step: the exact {@code KL(mu || pi) = sum_j mu_j (log mu_j - log pi_j)} over all
 * actions, the clip indicator {@code |rho - 1| > eps}, and the entropy. Pure but for {@link Stats}.
 *
 * @param clip eps of the ratio clip (PPO's 0.2; the RL² reproduction's 0.1)
 * @param valueCoef c_V
 * @param entropyCoef beta
 * @param huberDelta delta of the Huber value loss, or 0 for the squared error
 * @param valueClip eps_V, or 0 for no value clipping
 */
public record PpoLoss(double clip, double valueCoef, double entropyCoef, double huberDelta, double valueClip) {

  public PpoLoss {
    if (!(clip > 0) || valueCoef < 0 || entropyCoef < 0 || huberDelta < 0 || valueClip < 0) {
      throw new IllegalArgumentException("need clip > 0 and non-negative coefficients, got clip=" + clip
          + ", valueCoef=" + valueCoef + ", entropyCoef=" + entropyCoef + ", huberDelta=" + huberDelta
          + ", valueClip=" + valueClip);
    }
  }

  /** This loss with the entropy bonus {@code beta} replaced (a schedule's value for one update). */
  public PpoLoss withEntropyCoef(double beta) {
    return beta == entropyCoef ? this : new PpoLoss(clip, valueCoef, beta, huberDelta, valueClip);
  }

  /**
   * One step's loss and gradients.
   *
   * @param logp the current log-probabilities, {@code n} floats at {@code lOff}
   * @param logMu the behaviour log-probabilities, {@code n} floats at {@code muOff}
   * @param dz receives (overwrites) w dL/dz, {@code n} floats at {@code dzOff}
   * @return w dL/dV
   */
  public float step(float[] logp, int lOff, float[] logMu, int muOff, int n, int action, double advantage,
      double target, double value, double valueOld, double weight, float[] dz, int dzOff, Stats stats) {
    double logRatio = logp[lOff + action] - logMu[muOff + action];
    double rho = Math.exp(logRatio);
    double clipped = Math.max(1 - clip, Math.min(1 + clip, rho));
    double unclippedTerm = rho * advantage;
    double clippedTerm = clipped * advantage;
    boolean unclippedIsMin = unclippedTerm <= clippedTerm;
    double policyLoss = -Math.min(unclippedTerm, clippedTerm);
    double gLogPiA = unclippedIsMin ? -rho * advantage * weight : 0;
    for (int j = 0; j < n; j++) {
      dz[dzOff + j] = 0f;
    }
    dz[dzOff + action] = (float) gLogPiA;
    Softmax.logSoftmaxBackward(logp, lOff, n, dz, dzOff, dz, dzOff);
    double entropy = Softmax.entropy(logp, lOff, n);
    Softmax.addEntropyGradient(logp, lOff, n, -entropyCoef * weight, dz, dzOff);

    double err = value - target;
    double lossV = valueLoss(err);
    double dV = valueLossDerivative(err);
    if (valueClip > 0) {
      double delta = Math.max(-valueClip, Math.min(valueClip, value - valueOld));
      double errClipped = valueOld + delta - target;
      double lossClipped = valueLoss(errClipped);
      if (lossClipped > lossV) {
        lossV = lossClipped;
        dV = Math.abs(value - valueOld) < valueClip ? valueLossDerivative(errClipped) : 0;
      }
    }
    if (stats != null && weight > 0) {
      double kl = 0;
      for (int j = 0; j < n; j++) {
        double lm = logMu[muOff + j];
        kl += Math.exp(lm) * (lm - logp[lOff + j]);
      }
      stats.add(policyLoss, lossV, entropy, kl, Math.abs(rho - 1) > clip);
    }
    return (float) (weight * valueCoef * dV);
  }

  /** l(x): squared error / 2, or Huber with {@link #huberDelta}. */
  public double valueLoss(double x) {
    double a = Math.abs(x);
    if (huberDelta == 0 || a <= huberDelta) {
      return 0.5 * x * x;
    }
    return huberDelta * (a - 0.5 * huberDelta);
  }

  /** l'(x). */
  public double valueLossDerivative(double x) {
    if (huberDelta == 0 || Math.abs(x) <= huberDelta) {
      return x;
    }
    return Math.copySign(huberDelta, x);
  }

  /** Means over the valid steps given to {@link #step}: what an update reports. Not thread-safe. */
  public static final class Stats {
    private double policyLoss;
    private double valueLoss;
    private double entropy;
    private double kl;
    private long clipped;
    private long steps;

    void add(double pl, double vl, double h, double klStep, boolean wasClipped) {
      policyLoss += pl;
      valueLoss += vl;
      entropy += h;
      kl += klStep;
      clipped += wasClipped ? 1 : 0;
      steps++;
    }

    /** Adds another accumulator's steps (a shard of the same minibatch). */
    public void merge(Stats o) {
      policyLoss += o.policyLoss;
      valueLoss += o.valueLoss;
      entropy += o.entropy;
      kl += o.kl;
      clipped += o.clipped;
      steps += o.steps;
    }

    public void reset() {
      policyLoss = valueLoss = entropy = kl = 0;
      clipped = steps = 0;
    }

    public long steps() {
      return steps;
    }

    public double policyLoss() {
      return steps == 0 ? Double.NaN : policyLoss / steps;
    }

    public double valueLoss() {
      return steps == 0 ? Double.NaN : valueLoss / steps;
    }

    public double entropy() {
      return steps == 0 ? Double.NaN : entropy / steps;
    }

    /** Mean exact KL(mu || pi) per step. */
    public double kl() {
      return steps == 0 ? Double.NaN : kl / steps;
    }

    public double clipFraction() {
      return steps == 0 ? Double.NaN : (double) clipped / steps;
    }
  }
}
