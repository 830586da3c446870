package dev.mnemo.agents.core;

/**
 * A core's training face: its weights in the layouts the {@link dev.mnemo.agents.kernel.BatchOps} products
 * want (loaded once per parameter change), and {@link Pass}es holding one (batch, time) window's
 * activations for backpropagation through time. Not thread-safe.
 */
public interface CoreTraining {

  /** Copies the core's weights from {@code params}, whose core block starts at {@code offset}. */
  void load(float[] params, int offset);

  /** Activations and gradient scratch for windows of {@code batch} rows by {@code time} steps. */
  Pass newPass(int batch, int time);

  /** Refuses a pass shape below one row or one step, naming both. */
  static void checkShape(int batch, int time) {
    if (batch < 1 || time < 1) {
      throw new IllegalArgumentException("batch and time must be >= 1, got " + batch + ", " + time);
    }
  }

  /** Refuses a backward window {@code [t0, t0 + tw)} outside a pass of {@code time} steps. */
  static void checkWindow(int t0, int tw, int time) {
    if (t0 < 0 || tw < 1 || t0 + tw > time) {
      throw new IllegalArgumentException("window [" + t0 + ", " + (t0 + tw) + ") outside the pass's " + time
          + " steps");
    }
  }

  /** One (batch, time) window. Rows are time-major everywhere: row {@code t * batch + b}. */
  interface Pass {

    int batch();

    int time();

    /**
     * Unrolls {@code time} steps from {@code state0} ({@code [batch, stateSize]} dense at {@code state0Off})
     * with the weights loaded now, keeping what the backward needs.
     *
     * @param x input rows, time-major, {@code inputSize} floats each, {@code ldx} apart from {@code xOff}
     */
    void forward(float[] x, int xOff, int ldx, float[] state0, int state0Off);

    /** The array holding the outputs: y_t of row b at {@code outputOffset() + (t * batch + b) * outputStride()}. */
    float[] output();

    int outputOffset();

    int outputStride();

    /** Copies the state after step {@code t} ({@code -1}: the initial state) of row {@code b} to {@code dst[dstOff..]}. */
    void copyState(int t, int b, float[] dst, int dstOff);

    /**
     * Backpropagation through steps {@code [t0, t0 + tw)} of the last forward; the state before {@code t0} is
     * held constant (as after a burn-in).
     *
     * @param dOut dLoss/dy_t, window rows {@code (t - t0) * batch + b} at {@code dOutOff}, {@code ldd} apart
     * @param dFinalState dLoss/d(state after step {@code t0 + tw - 1}), {@code [batch, stateSize]}, or null
     * @param dX receives dLoss/dx_t (window rows, {@code lddx} apart, {@code lddx >=}
     *     {@link dev.mnemo.agents.kernel.PackedMatrix#paddedCols} of inputSize: padding columns are written
     *     as zeros), or null when the input needs no gradient
     * @param grad receives (overwrites) the core's parameter gradients in layout order at {@code gradOff}
     */
    void backward(int t0, int tw, float[] dOut, int dOutOff, int ldd, float[] dFinalState, float[] dX, int dxOff,
        int lddx, float[] grad, int gradOff);
  }
}
