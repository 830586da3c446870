package dev.mnemo.agents.core;

/**
 * A core's acting face: one step for a batch of rows on weights copied from a flat parameter array, with
 * no allocation after construction. Not thread-safe: one kernel per acting thread.
 */
public interface CoreKernel {

  /** Copies the core's weights from {@code params}, whose core block starts at {@code offset}. */
  void load(float[] params, int offset);

  /**
   * Advances {@code rows} rows by one step: {@code stateOut = f(x, stateIn)}. States are dense {@code rows x
   * stateSize}; the output y_t is the first {@code hiddenSize} floats of each {@code stateOut} row.
   *
   * @param x input rows of {@code inputSize} floats, {@code ldx} apart from {@code xOff}
   * @param stateOut must not alias {@code stateIn}
   */
  void step(int rows, float[] x, int xOff, int ldx, float[] stateIn, float[] stateOut);

  /** Refuses a kernel for fewer than one row: every kernel's constructor checks its {@code maxRows} here. */
  static void checkMaxRows(int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
    }
  }
}
