package dev.mnemo.learners.optim;

/**
 * The moment estimates {@link Adam} and {@link AdamW} keep, and their bias corrections:
 * <pre>
 *   m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2,   c1 = 1 - b1^k,   c2 = 1 - b2^k   (k: steps taken)
 * </pre>
 * The optimisers (its two subclasses) update {@link #m} and {@link #v} inside their own parameter loops (one pass
 * over memory); this class holds them, counts the steps and carries them through a checkpoint ({@link AdamState}).
 */
public abstract sealed class AdamMoments permits Adam, AdamW {
  final double beta1;
  final double beta2;
  final float[] m;
  final float[] v;
  private long step;

  AdamMoments(int size, double beta1, double beta2) { // package-private: only the two optimisers extend it
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

  /** Steps taken. */
  public long step() {
    return step;
  }

  /** A copy of the moments and the step count: what a checkpoint holds to continue exactly. */
  public AdamState state() {
    return new AdamState(m.clone(), v.clone(), step);
  }

  /** Continues from {@code s}, taken from an optimiser of this size (refused otherwise, naming both sizes). */
  public void restore(AdamState s) {
    s.copyInto(getClass().getSimpleName(), m, v);
    step = s.step();
  }
}
