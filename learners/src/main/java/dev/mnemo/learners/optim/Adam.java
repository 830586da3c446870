package dev.mnemo.learners.optim;

/**
 * Adam (Kingma and Ba 2015) with bias correction over one flat parameter array, in plain Java so that its
 * state (moments and step) checkpoints exactly and updates are deterministic. Not {@link AdamW} with no decay: this
 * rounds each step to float before subtracting it from the parameter (AdamW subtracts in double), the arithmetic
 * R2D2's checkpoints and committed runs were made with, so the two stay apart and share only their moments.
 */
public final class Adam {
  private final double lr;
  private final double eps;
  private final AdamMoments moments;

  public Adam(int size, double lr, double eps) {
    this(size, lr, 0.9, 0.999, eps);
  }

  public Adam(int size, double lr, double beta1, double beta2, double eps) {
    this.lr = lr;
    this.eps = eps;
    this.moments = new AdamMoments(size, beta1, beta2);
  }

  /** One step: params -= lr * mhat / (sqrt(vhat) + eps). */
  public void apply(float[] params, float[] grad) {
    double c1 = moments.nextStep();
    double c2 = moments.c2();
    double beta1 = moments.beta1;
    double beta2 = moments.beta2;
    float[] m = moments.m;
    float[] v = moments.v;
    for (int i = 0; i < params.length; i++) {
      float g = grad[i];
      m[i] = (float) (beta1 * m[i] + (1 - beta1) * g);
      v[i] = (float) (beta2 * v[i] + (1 - beta2) * g * g);
      params[i] -= (float) (lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps));
    }
  }

  public long step() {
    return moments.step();
  }

  /** A copy of the moments and the step count, for a checkpoint. */
  public AdamState state() {
    return moments.state();
  }

  /** Continues from {@code s}, taken from an optimiser of this size (refused otherwise, naming both sizes). */
  public void restore(AdamState s) {
    moments.restore("Adam", s);
  }
}
