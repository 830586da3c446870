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
public final class AdamW extends AdamMoments {
  private final double eps;
  private final double weightDecay;

  public AdamW(int size, double eps, double weightDecay) {
    this(size, 0.9, 0.999, eps, weightDecay);
  }

  public AdamW(int size, double beta1, double beta2, double eps, double weightDecay) {
    super(size, beta1, beta2);
    if (!(eps > 0) || weightDecay < 0) {
      throw new IllegalArgumentException("need eps > 0 and weightDecay >= 0, got " + eps + ", " + weightDecay);
    }
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  /** One step of size {@code lr}. */
  public void apply(float[] params, float[] grad, double lr) {
    double c1 = nextStep();
    double c2 = c2();
    for (int i = 0; i < params.length; i++) {
      float g = grad[i];
      m[i] = (float) (beta1 * m[i] + (1 - beta1) * g);
      v[i] = (float) (beta2 * v[i] + (1 - beta2) * g * g);
      double p = params[i];
      params[i] = (float) (p - lr * ((m[i] / c1) / (Math.sqrt(v[i] / c2) + eps) + weightDecay * p));
    }
  }
}
