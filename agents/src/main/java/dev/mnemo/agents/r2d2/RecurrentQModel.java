package dev.mnemo.agents.r2d2;

import dev.mnemo.agents.ParamSnapshot;

/**
 * A trainable implementation of {@link RecurrentQSpec}'s math over one flat parameter array: the learner
 * unrolls it forward from a given state and asks for the gradient of {@code sum(dQ * Q)}. Two exist:
 * {@link RecurrentQNetwork} (SameDiff, the reference and the GPU engine) and {@link RecurrentQGemm} (the
 * all-Java blocks and core, the CPU engine), and tests hold them to each other.
 */
public interface RecurrentQModel {

  RecurrentQSpec spec();

  /** A copy of the flat parameters in layout order. */
  float[] params();

  /** Replaces every parameter (layout order). */
  void setParams(float[] params);

  /**
   * Whether this engine keeps ND4J (native) arrays whose memory is freed only when the JVM collects their
   * owners, so a training loop must trigger collection periodically (DESIGN.md). The all-Java engine does not.
   */
  default boolean holdsNativeMemory() {
    return false;
  }

  default ParamSnapshot snapshot(long version) {
    return new ParamSnapshot(params(), version);
  }

  /**
   * Unrolls over steps {@code [t0, t0 + time)} of {@code batch} sequences of length {@code seqLength}
   * (inputs batch-major) from the core's state {@code state0} ({@code [B * stateSize]}); -1 in
   * {@code prevActions} means no previous action.
   */
  QUnroll unroll(int batch, int seqLength, int t0, int time, float[] obs, int[] prevActions,
      float[] prevRewards, float[] state0);

  /**
   * Writes into {@code gradOut} the gradient of {@code sum_{b,t,a} dQ[b,t,a] Q[b,t,a]} over the same window
   * (dQ batch-major {@code [B*time*A]}): with {@code dQ = dLoss/dQ} this is {@code dLoss/dθ}.
   */
  void gradient(int batch, int seqLength, int t0, int time, float[] obs, int[] prevActions,
      float[] prevRewards, float[] state0, float[] dQ, float[] gradOut);

  /**
   * The gradient over {@code [t0, t0 + time)} of the most recent whole-sequence unroll of {@code batch}
   * sequences of {@code seqLength}, from the state it reached before {@code t0}, without running the forward
   * again where the engine keeps its activations (the learner unrolls the whole sequence for its targets
   * anyway). Fails if there is no such unroll under the current parameters.
   */
  void gradientOfLastUnroll(int batch, int seqLength, int t0, int time, float[] dQ, float[] gradOut);
}
