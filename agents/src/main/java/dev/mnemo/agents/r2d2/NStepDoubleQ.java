package dev.mnemo.agents.r2d2;

/**
 * R2D2's n-step double-Q targets with value rescaling, over batch-major sequences:
 * <pre>
 *   y_t = h( sum_{k<n} gamma^k r_{t+k}  +  gamma^n h^-1( Q_target(s_{t+n}, argmax_a Q_online(s_{t+n}, a)) ) )
 * </pre>
 * with the episode's end handled as Gymnasium defines it:
 * <ul>
 *   <li>termination at step e ({@code discounts[e] == 0}): rewards up to e, no bootstrap;</li>
 *   <li>truncation after the last real step e: the padding step e+1 ({@code mask == 0}) holds the final
 *       observation, so the target bootstraps from Q at e+1 with discount {@code gamma^(e+1-t)};</li>
 *   <li>a padded step t itself gets no target ({@code valid[t] = 0}).</li>
 * </ul>
 * {@code discounts} multiply gamma per step, so values in (0, 1] other than 0/1 also work.
 */
public final class NStepDoubleQ {

  private NStepDoubleQ() {}

  /**
   * Writes targets for steps {@code [start, start + count)} of each sequence.
   *
   * @param seqLength stored sequence length L (rewards, discounts, mask are {@code [B*L]})
   * @param qOnline online Q over whole sequences {@code [B*L*A]} (selects the bootstrap action)
   * @param qTarget target-network Q over whole sequences {@code [B*L*A]} (evaluates it)
   * @param yOut {@code [B*count]} targets, in rescaled space
   * @param validOut {@code [B*count]} 1 where step t is a real step with a target, else 0
   */
  public static void targets(int batch, int seqLength, int numActions, int start, int count, int n,
      double gamma, float[] rewards, float[] discounts, float[] mask, float[] qOnline, float[] qTarget,
      float[] yOut, float[] validOut) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    if (start < 0 || start + count + n > seqLength) {
      throw new IllegalArgumentException("trained steps [" + start + ", " + (start + count)
          + ") plus n=" + n + " bootstrap steps must fit in sequence length " + seqLength);
    }
    require("rewards", rewards, batch * seqLength);
    require("discounts", discounts, batch * seqLength);
    require("mask", mask, batch * seqLength);
    require("qOnline", qOnline, batch * seqLength * numActions);
    require("qTarget", qTarget, batch * seqLength * numActions);
    require("yOut", yOut, batch * count);
    require("validOut", validOut, batch * count);
    for (int b = 0; b < batch; b++) {
      int base = b * seqLength;
      for (int i = 0; i < count; i++) {
        int t = start + i;
        int out = b * count + i;
        if (mask[base + t] == 0f) {
          yOut[out] = 0f;
          validOut[out] = 0f;
          continue;
        }
        double ret = 0;
        double disc = 1;
        int bootstrap = t + n;
        for (int k = 0; k < n; k++) {
          int j = t + k;
          if (mask[base + j] == 0f) {
            // The episode was truncated before j: this padding step holds the final observation.
            bootstrap = j;
            break;
          }
          ret += disc * rewards[base + j];
          disc *= gamma * discounts[base + j];
          if (disc == 0) {
            bootstrap = -1; // terminated: nothing to bootstrap from
            break;
          }
        }
        if (bootstrap >= 0) {
          ret += disc * ValueRescaling.hInverse(doubleQ(qOnline, qTarget, (base + bootstrap) * numActions,
              numActions));
        }
        yOut[out] = (float) ValueRescaling.h(ret);
        validOut[out] = 1f;
      }
    }
  }

  /** Q_target(s, argmax_a Q_online(s, a)) for the row starting at {@code row}. */
  public static float doubleQ(float[] qOnline, float[] qTarget, int row, int numActions) {
    int best = 0;
    for (int a = 1; a < numActions; a++) {
      if (qOnline[row + a] > qOnline[row + best]) {
        best = a;
      }
    }
    return qTarget[row + best];
  }

  static void require(String name, float[] a, int n) {
    if (a == null || a.length != n) {
      throw new IllegalArgumentException(name + ": expected length " + n + ", got "
          + (a == null ? "null" : a.length));
    }
  }
}
