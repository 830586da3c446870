package dev.mnemo.agents.r2d2;

/**
 * The result of unrolling a {@link RecurrentQNetwork} over {@code batch x time} steps. All arrays are
 * batch-major: row {@code b * time + t} holds step {@code t} of sequence {@code b}.
 *
 * @param batch sequences B
 * @param time steps T
 * @param numActions A
 * @param stateSize H
 * @param q Q-values {@code [B*T*A]}
 * @param h hidden state after each step {@code [B*T*H]}
 * @param c cell state after each step {@code [B*T*H]}
 */
public record QUnroll(int batch, int time, int numActions, int stateSize, float[] q, float[] h,
    float[] c) {

  /** Q(b, t, a). */
  public float q(int b, int t, int a) {
    return q[(b * time + t) * numActions + a];
  }

  /** Copies the state after step {@code t} of every sequence into {@code hOut, cOut} ({@code [B*H]}). */
  public void stateAfter(int t, float[] hOut, float[] cOut) {
    for (int b = 0; b < batch; b++) {
      System.arraycopy(h, (b * time + t) * stateSize, hOut, b * stateSize, stateSize);
      System.arraycopy(c, (b * time + t) * stateSize, cOut, b * stateSize, stateSize);
    }
  }

  /** The state after the last step, {@code [B*H]} each: {h, c}. */
  public float[][] finalState() {
    float[] hOut = new float[batch * stateSize];
    float[] cOut = new float[batch * stateSize];
    stateAfter(time - 1, hOut, cOut);
    return new float[][] {hOut, cOut};
  }
}
