package dev.mnemo.agents.r2d2;

/**
 * R2D2's masked, importance-weighted TD loss over the trained steps and the eta-mixed sequence priority.
 * <pre>
 *   delta_bt = y_bt - Q(s_bt, a_bt)
 *   loss     = sum_bt w_b valid_bt delta_bt^2 / 2  /  sum_bt valid_bt      (padded steps in neither sum)
 *   p_b      = eta max_t |delta_bt| + (1 - eta) mean_t |delta_bt|         over the valid steps of b
 * </pre>
 */
public final class TdLoss {

  private TdLoss() {}

  /** Loss value and statistics of one batch; {@code dLossDq} is filled as a side effect. */
  public record Result(double loss, double meanAbsTd, double meanQ, int validSteps) {}

  /**
   * Computes the loss, dLoss/dQ ({@code [B*count*A]}, zero except at taken actions of valid steps) and the
   * per-sequence priorities ({@link #priorities}).
   *
   * @param q online Q over the trained steps {@code [B*count*A]}
   * @param actions actions over the trained steps {@code [B*count]} (read at {@code actionOffset})
   * @param y targets {@code [B*count]}
   * @param valid {@code [B*count]} 1 real, 0 padding
   * @param weights importance weights {@code [B]}
   */
  public static Result compute(int batch, int count, int numActions, float[] q, int[] actions,
      float[] y, float[] valid, float[] weights, double eta, float[] dLossDq, float[] prioritiesOut) {
    NStepDoubleQ.require("weights", weights, batch);
    NStepDoubleQ.require("dLossDq", dLossDq, batch * count * numActions);
    priorities(batch, count, numActions, q, actions, y, valid, eta, prioritiesOut);
    java.util.Arrays.fill(dLossDq, 0f);
    double validTotal = 0;
    for (float v : valid) {
      validTotal += v;
    }
    double norm = validTotal > 0 ? 1.0 / validTotal : 0;
    double loss = 0;
    double absSum = 0;
    double qSum = 0;
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < count; i++) {
        int s = b * count + i;
        if (valid[s] == 0f) {
          continue;
        }
        int a = actions[s];
        double qsa = q[s * numActions + a];
        double delta = y[s] - qsa;
        loss += weights[b] * 0.5 * delta * delta * norm;
        dLossDq[s * numActions + a] = (float) (-weights[b] * delta * norm);
        absSum += Math.abs(delta);
        qSum += qsa;
      }
    }
    return new Result(loss, validTotal > 0 ? absSum / validTotal : 0, validTotal > 0 ? qSum / validTotal : 0,
        (int) validTotal);
  }

  /**
   * Writes each sequence's priority {@code p_b = eta max_t |delta_bt| + (1 - eta) mean_t |delta_bt|} over its
   * valid steps (0 when it has none), with {@code delta_bt = y_bt - Q(s_bt, a_bt)}. Allocates nothing, so an
   * actor can call it per sequence ({@link ActorPriority}).
   *
   * @param q Q over the trained steps {@code [B*count*A]}
   * @param actions actions over the trained steps {@code [B*count]}
   * @param y targets {@code [B*count]}
   * @param valid {@code [B*count]} 1 real, 0 padding
   * @param prioritiesOut {@code [B]}
   */
  public static void priorities(int batch, int count, int numActions, float[] q, int[] actions, float[] y,
      float[] valid, double eta, float[] prioritiesOut) {
    NStepDoubleQ.require("q", q, batch * count * numActions);
    NStepDoubleQ.require("y", y, batch * count);
    NStepDoubleQ.require("valid", valid, batch * count);
    NStepDoubleQ.require("prioritiesOut", prioritiesOut, batch);
    if (actions == null || actions.length != batch * count) {
      throw new IllegalArgumentException("actions: expected length " + batch * count);
    }
    if (eta < 0 || eta > 1) {
      throw new IllegalArgumentException("eta must be in [0, 1], got " + eta);
    }
    for (int b = 0; b < batch; b++) {
      double maxAbs = 0;
      double sumAbs = 0;
      int n = 0;
      for (int i = 0; i < count; i++) {
        int s = b * count + i;
        if (valid[s] == 0f) {
          continue;
        }
        int a = actions[s];
        if (a < 0 || a >= numActions) {
          throw new IllegalArgumentException("actions[" + s + "] = " + a + " at a valid step, expected 0.."
              + (numActions - 1));
        }
        double qsa = q[s * numActions + a];
        double abs = Math.abs(y[s] - qsa);
        maxAbs = Math.max(maxAbs, abs);
        sumAbs += abs;
        n++;
      }
      prioritiesOut[b] = (float) priority(maxAbs, n == 0 ? 0 : sumAbs / n, eta);
    }
  }

  /** p = eta max|delta| + (1 - eta) mean|delta|. */
  public static double priority(double maxAbsTd, double meanAbsTd, double eta) {
    return eta * maxAbsTd + (1 - eta) * meanAbsTd;
  }
}
