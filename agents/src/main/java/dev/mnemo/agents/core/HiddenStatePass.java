package dev.mnemo.agents.core;

/**
 * What every training pass that keeps each step's whole state, output first, keeps the same way (GRU, LN-GRU,
 * Elman with states {@code [h]}; the attention-like cores with {@code [y | memory]}): the states of the window
 * {@code hJ} ({@code [(T+1)B, sw]}: block 0 the initial state, block {@code t + 1} the state after step t, whose
 * first {@code hs} floats are the output y_t), the outputs and states read from it, and the recurrent gradient
 * seeded from dLoss/dFinalState.
 */
abstract class HiddenStatePass extends WindowPass {

  /** Output width: the first {@code hs} floats of a state. */
  final int hs;
  /** State width ({@code hs} when the state is the output alone). */
  final int sw;
  /** [(T+1)B, sw]: block 0 = the initial states, block t+1 = the states after step t. */
  final float[] hJ;

  /** A pass whose state is its output, {@code [h]}. */
  HiddenStatePass(int bs, int time, int hs) {
    this(bs, time, hs, hs);
  }

  HiddenStatePass(int bs, int time, int hs, int sw) {
    super(bs, time);
    this.hs = hs;
    this.sw = sw;
    this.hJ = new float[(time + 1) * bs * sw];
  }

  @Override
  public final float[] output() {
    return hJ;
  }

  @Override
  public final int outputOffset() {
    return bs * sw;
  }

  @Override
  public final int outputStride() {
    return sw;
  }

  @Override
  public final void copyState(int t, int b, float[] dst, int dstOff) {
    System.arraycopy(hJ, (t + 1) * bs * sw + b * sw, dst, dstOff, sw);
  }

  /** Block 0 of {@link #hJ}: the {@code [batch, sw]} initial state at {@code state0Off}. */
  final void loadInitialState(float[] state0, int state0Off) {
    System.arraycopy(state0, state0Off, hJ, 0, bs * sw);
  }

  /** dhRec (rows {@code ldr} apart) = the output block of dLoss/d(final state) rows, or zeros when there is none. */
  final void seedRecurrentGradient(float[] dhRec, int ldr, float[] dFinalState) {
    java.util.Arrays.fill(dhRec, 0f);
    if (dFinalState != null) {
      for (int b = 0; b < bs; b++) {
        System.arraycopy(dFinalState, b * sw, dhRec, b * ldr, hs);
      }
    }
  }
}
