package dev.mnemo.learners.optim;

/**
 * Adam (Kingma and Ba 2015) with bias correction over one flat parameter array, in plain Java so that its
 * state (moments and step) checkpoints exactly and updates are deterministic.
 */
public final class Adam {
  private final double lr;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final float[] m;
  private final float[] v;
  private long step;

  public Adam(int size, double lr, double eps) {
    this(size, lr, 0.9, 0.999, eps);
  }

  public Adam(int size, double lr, double beta1, double beta2, double eps) {
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.m = new float[size];
    this.v = new float[size];
  }

  /** One step: params -= lr * mhat / (sqrt(vhat) + eps). */
  public void apply(float[] params, float[] grad) {
    step++;
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    for (int i = 0; i < params.length; i++) {
      float g = grad[i];
      m[i] = (float) (beta1 * m[i] + (1 - beta1) * g);
      v[i] = (float) (beta2 * v[i] + (1 - beta2) * g * g);
      params[i] -= (float) (lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps));
    }
  }

  public long step() {
    return step;
  }

  /** A copy of the moments and the step count, for a checkpoint. */
  public AdamState state() {
    return new AdamState(m.clone(), v.clone(), step);
  }

  /** Continues from {@code s}, taken from an optimiser of this size (refused otherwise, naming both sizes). */
  public void restore(AdamState s) {
    s.copyInto("Adam", m, v);
    step = s.step();
  }
}
