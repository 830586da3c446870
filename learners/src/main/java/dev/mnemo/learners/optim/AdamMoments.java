package dev.mnemo.learners.optim;

/**
 * The moment estimates {@link Adam} and {@link AdamW} keep, and their bias corrections:
 * <pre>
 *   m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2,   c1 = 1 - b1^k,   c2 = 1 - b2^k   (k: steps taken)
 * </pre>
 * The optimisers update {@link #m} and {@link #v} inside their own parameter loops (one pass over memory); this class
 * holds them, counts the steps and carries them through a checkpoint ({@link AdamState}).
 */
final class AdamMoments {
  final double beta1;
  final double beta2;
  final float[] m;
  final float[] v;
  private long step;

  AdamMoments(int size, double beta1, double beta2) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.m = new float[size];
    this.v = new float[size];
  }

  /** Counts a new step; returns its first bias correction {@code c1}, then read {@link #c2()}. */
  double nextStep() {
    step++;
    return 1 - Math.pow(beta1, step);
  }

  /** The second bias correction {@code c2} of the current step. */
  double c2() {
    return 1 - Math.pow(beta2, step);
  }

  long step() {
    return step;
  }

  AdamState state() {
    return new AdamState(m.clone(), v.clone(), step);
  }

  void restore(String optimiser, AdamState s) {
    s.copyInto(optimiser, m, v);
    step = s.step();
  }
}
