package dev.mnemo.learners.optim;

/**
 * AdamW (Loshchilov and Hutter 2019): Adam with bias correction and weight decay decoupled from the
 * gradient, over one flat parameter array:
 * <pre>
 *   m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2,   mhat = m / (1 - b1^k),   vhat = v / (1 - b2^k)
 *   theta = theta - lr (mhat / (sqrt(vhat) + eps) + wd theta)
 * </pre>
 * as PyTorch's {@code AdamW} (decay applied to every parameter). The step size is given per call, so a
 * schedule lives with the caller. State (moments, step) is plain arrays for exact checkpoints.
 */
public final class AdamW {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final float[] m;
  private final float[] v;
  private long step;

  public AdamW(int size, double eps, double weightDecay) {
    this(size, 0.9, 0.999, eps, weightDecay);
  }

  public AdamW(int size, double beta1, double beta2, double eps, double weightDecay) {
    if (!(eps > 0) || weightDecay < 0) {
      throw new IllegalArgumentException("need eps > 0 and weightDecay >= 0, got " + eps + ", " + weightDecay);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.m = new float[size];
    this.v = new float[size];
  }

  /** One step of size {@code lr}. */
  public void apply(float[] params, float[] grad, double lr) {
    step++;
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    for (int i = 0; i < params.length; i++) {
      float g = grad[i];
      m[i] = (float) (beta1 * m[i] + (1 - beta1) * g);
      v[i] = (float) (beta2 * v[i] + (1 - beta2) * g * g);
      double p = params[i];
      params[i] = (float) (p - lr * ((m[i] / c1) / (Math.sqrt(v[i] / c2) + eps) + weightDecay * p));
    }
  }

  public long step() {
    return step;
  }

  /** A copy of the moments and the step count: what a checkpoint of another package holds to continue exactly. */
  public AdamState state() {
    return new AdamState(m.clone(), v.clone(), step);
  }

  /** Continues from {@code s}, taken from an optimiser of this size (refused otherwise, naming both sizes). */
  public void restore(AdamState s) {
    s.copyInto("AdamW", m, v);
    step = s.step();
  }
}
