package dev.mnemo.agents.ald;

/**
 * The decoupled PPO objective (Hilton, Cobbe and Schulman 2021, "Batch size-invariance for policy optimization") for a
 * learner trained on another policy's data: the trust region is centred on the learner's own policy before the update
 * (the proximal policy {@code pi_prox}) instead of on the behaviour policy {@code mu} that acted, and the behaviour
 * is corrected by a truncated importance weight:
 * <pre>
 *   r    = pi(a) / pi_prox(a)
 *   w_IS = min(pi_prox(a) / mu(a), rho_max)
 *   L_pi = -w_IS min(r A, clip(r, 1 - eps, 1 + eps) A)
 * </pre>
 * so {@code PpoLoss.step} with {@code pi_prox}'s log-probabilities in the behaviour's place and the advantage scaled
 * by {@code w_IS} is this loss and its gradient ({@code w_IS} is a constant of the step).
 *
 * <p>Why ALD wants it: clipped against the LSTM actor's {@code mu}, the Transformer learner's ratio {@code pi / mu}
 * leaves the clip range as soon as the learner is {@code eps} more decided than the actor it was distilled into,
 * and gets no further gradient there: the learner can move only {@code eps} past the actor per update, whatever the
 * actor has not yet absorbed holding the learner back. Against {@code pi_prox} the learner takes its own PPO step
 * every update; {@code w_IS} keeps the estimate about the actor's data (truncated at {@code rho_max}, V-trace's
 * rho-bar, 1 by default, so a rare action the learner favours cannot blow the step up). Where {@code pi_prox = mu}
 * (on-policy) it is plain PPO. Pure.
 */
public final class ProximalCorrection {

  private ProximalCorrection() {
  }

  /**
   * {@code w_IS = min(exp(log pi_prox(a) - log mu(a)), rhoMax)}.
   *
   * @param logProx the proximal (pre-update learner) log-probabilities, row at {@code proxOff}
   * @param logMu the behaviour (actor) log-probabilities, row at {@code muOff}
   * @param rhoMax the truncation, > 0
   */
  public static double weight(float[] logProx, int proxOff, float[] logMu, int muOff, int action, double rhoMax) {
    return Math.min(Math.exp((double) logProx[proxOff + action] - logMu[muOff + action]), rhoMax);
  }
}
