package dev.mnemo.learners.optim;

/**
 * The whole state of {@link Adam} or {@link AdamW}: what a checkpoint holds so that a restored optimiser takes the
 * same steps, bit for bit, as one that never stopped.
 *
 * @param m first moments
 * @param v second moments
 * @param step steps taken (the bias corrections' k)
 */
public record AdamState(float[] m, float[] v, long step) {

  public AdamState {
    if (m == null || v == null || m.length != v.length || step < 0) {
      throw new IllegalArgumentException("Adam's state needs two moment arrays of one length and a step >= 0, got "
          + (m == null ? "null" : m.length) + " and " + (v == null ? "null" : v.length) + " moments, step " + step);
    }
  }

  /** Copies the moments into an optimiser's own arrays, refusing moments of another size (both sizes named). */
  void copyInto(String optimiser, float[] toM, float[] toV) {
    if (m.length != toM.length) {
      throw new IllegalArgumentException(optimiser + " of " + toM.length + " parameters cannot take moments of "
          + m.length);
    }
    System.arraycopy(m, 0, toM, 0, m.length);
    System.arraycopy(v, 0, toV, 0, v.length);
  }
}
