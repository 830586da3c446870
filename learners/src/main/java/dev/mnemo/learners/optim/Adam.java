package dev.mnemo.learners.optim;

/**
 * Adam (Kingma and Ba 2015) with bias correction over one flat parameter array, in plain Java so that its
 * state (moments and step) checkpoints exactly and updates are deterministic. Not {@link AdamW} with no decay: this
 * rounds each step to float before subtracting it from the parameter (AdamW subtracts in double), the arithmetic
 * R2D2's checkpoints and committed runs were made with, so the two stay apart and share only their moments.
 */
public final class Adam extends AdamMoments {
  private final double lr;
  private final double eps;

  public Adam(int size, double lr, double eps) {
    this(size, lr, 0.9, 0.999, eps);
  }

  public Adam(int size, double lr, double beta1, double beta2, double eps) {
    super(size, beta1, beta2);
    this.lr = lr;
    this.eps = eps;
  }

  /** One step: params -= lr * mhat / (sqrt(vhat) + eps). */
  public void apply(float[] params, float[] grad) {
    double c1 = nextStep();
    double c2 = c2();
    for (int i = 0; i < params.length; i++) {
      float g = grad[i];
      m[i] = (float) (beta1 * m[i] + (1 - beta1) * g);
      v[i] = (float) (beta2 * v[i] + (1 - beta2) * g * g);
      params[i] -= (float) (lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps));
    }
  }
}
