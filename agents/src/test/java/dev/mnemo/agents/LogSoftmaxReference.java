package dev.mnemo.agents;

/**
 * The tests' reference log-softmax, in double: {@code log pi_j = z_j - max(z) - log sum_k exp(z_k - max(z))}
 * (shifted by the maximum so that large logits do not overflow), apart from the engine's {@code Softmax} it checks.
 */
public final class LogSoftmaxReference {

  private LogSoftmaxReference() {}

  /** log pi of the logits {@code z}, in double. */
  public static double[] logSoftmaxD(double... z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    double lse = max + Math.log(sum);
    double[] out = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      out[i] = z[i] - lse;
    }
    return out;
  }

  /** {@link #logSoftmaxD} rounded to float, as the engine stores log-probabilities. */
  public static float[] logSoftmax(double... z) {
    double[] d = logSoftmaxD(z);
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
