package dev.mnemo.agents.core;

/**
 * What every training pass of a core whose state is its output {@code [h]} (GRU, LN-GRU, Elman) keeps the same
 * way: the shape, the states of the window {@code hJ} ({@code [(T+1)B, H]}: block 0 the initial state, block
 * {@code t + 1} the state after step t, which is also the output y_t), the outputs and states read from it, the
 * window check, and the recurrent gradient seeded from dLoss/dFinalState.
 */
abstract class HiddenStatePass implements CoreTraining.Pass {

  final int bs;
  final int time;
  final int hs;
  /** bs * time: rows of the window. */
  final int n;
  /** [(T+1)B, H]: block 0 = h0, block t+1 = h_t. */
  final float[] hJ;

  HiddenStatePass(int bs, int time, int hs) {
    CoreTraining.checkShape(bs, time);
    this.bs = bs;
    this.time = time;
    this.hs = hs;
    this.n = bs * time;
    this.hJ = new float[(time + 1) * bs * hs];
  }

  @Override
  public final int batch() {
    return bs;
  }

  @Override
  public final int time() {
    return time;
  }

  @Override
  public final float[] output() {
    return hJ;
  }

  @Override
  public final int outputOffset() {
    return bs * hs;
  }

  @Override
  public final int outputStride() {
    return hs;
  }

  @Override
  public final void copyState(int t, int b, float[] dst, int dstOff) {
    System.arraycopy(hJ, (t + 1) * bs * hs + b * hs, dst, dstOff, hs);
  }

  /** Block 0 of {@link #hJ}: the {@code [batch, H]} initial state at {@code state0Off}. */
  final void loadInitialState(float[] state0, int state0Off) {
    System.arraycopy(state0, state0Off, hJ, 0, bs * hs);
  }

  /** dhRec (rows {@code ldr} apart) = dLoss/d(final state) rows, or zeros when there is none. */
  final void seedRecurrentGradient(float[] dhRec, int ldr, float[] dFinalState) {
    java.util.Arrays.fill(dhRec, 0f);
    if (dFinalState != null) {
      for (int b = 0; b < bs; b++) {
        System.arraycopy(dFinalState, b * hs, dhRec, b * ldr, hs);
      }
    }
  }
}
