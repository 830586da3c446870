package dev.mnemo.agents.blocks;

/**
 * The recurrent network's input row, assembled in this one place for every engine and the actor kernel:
 * <pre>
 *   x = [obs (obsSize) | onehot(prevAction) (numActions) | prevReward (1)]     prevAction -1: all zeros
 * </pre>
 */
public final class InputRow {

  private InputRow() {}

  /** Width of the row. */
  public static int width(int obsSize, int numActions) {
    return obsSize + numActions + 1;
  }

  /**
   * Writes one row at {@code dst[dstOff..]}.
   *
   * @throws IllegalArgumentException if {@code prevAction} is neither -1 nor in {@code [0, numActions)}
   */
  public static void fill(float[] dst, int dstOff, float[] obs, int obsOff, int obsSize, int numActions,
      int prevAction, float prevReward) {
    System.arraycopy(obs, obsOff, dst, dstOff, obsSize);
    int o = dstOff + obsSize;
    for (int a = 0; a < numActions; a++) {
      dst[o + a] = 0f;
    }
    if (prevAction >= 0 && prevAction < numActions) {
      dst[o + prevAction] = 1f;
    } else if (prevAction != -1) {
      throw new IllegalArgumentException("previous action " + prevAction + ", expected -1 (none) or an action in [0, "
          + numActions + ")");
    }
    dst[o + numActions] = prevReward;
  }
}
