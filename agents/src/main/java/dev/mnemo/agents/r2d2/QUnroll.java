package dev.mnemo.agents.r2d2;

/**
 * The result of unrolling a {@link RecurrentQModel} over {@code batch x time} steps. All arrays are
 * batch-major: row {@code b * time + t} holds step {@code t} of sequence {@code b}.
 *
 * @param batch sequences B
 * @param time steps T
 * @param numActions A
 * @param stateSize S, the core's state width
 * @param q Q-values {@code [B*T*A]}
 * @param states the core's state after each step {@code [B*T*S]} (output first)
 */
public record QUnroll(int batch, int time, int numActions, int stateSize, float[] q, float[] states) {

  /** Q(b, t, a). */
  public float q(int b, int t, int a) {
    return q[(b * time + t) * numActions + a];
  }

  /** Copies the state after step {@code t} of every sequence into {@code out} ({@code [B*S]}). */
  public void stateAfter(int t, float[] out) {
    for (int b = 0; b < batch; b++) {
      System.arraycopy(states, (b * time + t) * stateSize, out, b * stateSize, stateSize);
    }
  }

  /** The state after the last step, {@code [B*S]}. */
  public float[] finalState() {
    float[] out = new float[batch * stateSize];
    stateAfter(time - 1, out);
    return out;
  }
}
