package dev.mnemo.agents.ald;

/**
 * Actor-Learner Distillation's per-step distillation losses (Parisotto and Salakhutdinov 2021) for categorical
 * policies given as log-probabilities, with their gradients with respect to the trained network's logits and
 * value. The teacher's side is a constant in each (no gradient flows into it).
 *
 * <p>The actor (the LSTM the actors run) is pulled toward the learner (the Transformer):
 * <pre>
 *   L_A  = w (alpha KL(pi_L || pi_A) + beta (V_A - V_L)^2 / 2)
 *   KL(pi_L || pi_A) = sum_j pi_L,j (log pi_L,j - log pi_A,j)
 *   dL_A/dz_A,j = w alpha (pi_A,j - pi_L,j),     dL_A/dV_A = w beta (V_A - V_L)
 * </pre>
 * and the learner may be regularised toward the actor (weight {@code lambda}, 0 allowed):
 * <pre>
 *   L_R  = w lambda KL(pi_A || pi_L),      dL_R/dz_L,j = w lambda (pi_L,j - pi_A,j)
 * </pre>
 * With {@code z} the logits and {@code log pi = log softmax(z)}, the gradients follow from
 * {@code d log pi_k / d z_j = [k = j] - pi_j}. {@code w} is the step's weight (1 / valid steps, 0 for padding).
 * KL(pi_L || pi_A) is the "forward" direction the paper distils with: the actor must cover every action the learner
 * takes. Pure functions.
 */
public final class PolicyDistillation {

  private PolicyDistillation() {
  }

  /**
   * The actor's loss {@code L_A} for one step; writes (overwrites) {@code dL_A/dz_A} into {@code dz} and returns
   * {@code dL_A/dV_A} in {@code dv[dvOff]}.
   *
   * @param logPiL the learner's log-probabilities (the teacher), {@code n} floats at {@code lOff}
   * @param logPiA the actor's log-probabilities, {@code n} floats at {@code aOff}
   * @return the step's loss {@code L_A}
   */
  public static double actorStep(float[] logPiL, int lOff, float[] logPiA, int aOff, int n, double valueL,
      double valueA, double alpha, double beta, double weight, float[] dz, int dzOff, float[] dv, int dvOff) {
    double kl = 0;
    for (int j = 0; j < n; j++) {
      double pl = Math.exp(logPiL[lOff + j]);
      double pa = Math.exp(logPiA[aOff + j]);
      if (pl > 0) {
        kl += pl * (logPiL[lOff + j] - logPiA[aOff + j]);
      }
      dz[dzOff + j] = (float) (weight * alpha * (pa - pl));
    }
    double err = valueA - valueL;
    dv[dvOff] = (float) (weight * beta * err);
    return weight * (alpha * kl + beta * err * err / 2);
  }

  /**
   * The learner's regulariser {@code L_R} for one step; writes (overwrites) {@code dL_R/dz_L} into {@code dz}.
   *
   * @return the step's {@code L_R}
   */
  public static double learnerStep(float[] logPiL, int lOff, float[] logPiA, int aOff, int n, double lambda,
      double weight, float[] dz, int dzOff) {
    double kl = 0;
    for (int j = 0; j < n; j++) {
      double pl = Math.exp(logPiL[lOff + j]);
      double pa = Math.exp(logPiA[aOff + j]);
      if (pa > 0) {
        kl += pa * (logPiA[aOff + j] - logPiL[lOff + j]);
      }
      dz[dzOff + j] = (float) (weight * lambda * (pl - pa));
    }
    return weight * lambda * kl;
  }

  /** {@code KL(p || q) = sum_j p_j (log p_j - log q_j)} of two log-probability rows (a diagnostic). */
  public static double kl(float[] logP, int pOff, float[] logQ, int qOff, int n) {
    double kl = 0;
    for (int j = 0; j < n; j++) {
      double p = Math.exp(logP[pOff + j]);
      if (p > 0) {
        kl += p * (logP[pOff + j] - logQ[qOff + j]);
      }
    }
    return kl;
  }
}
