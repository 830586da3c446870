package dev.mnemo.agents.kernel;

/**
 * The Vector API exp of the recurrent cores' gates ({@link LstmGates#expScaled}), for other packages' blocks (the
 * Transformer acting kernel's softmax): {@code x = e^x} in place, arguments clamped to {@code [-30, 30]} (below
 * -30 it returns {@code e^-30 ~ 9e-14}: under a softmax whose largest term is 1 that is far below float
 * resolution), relative error ~1e-7, the same bits whatever the JIT has compiled. Vector API only: load this class
 * only when {@link BatchOps#vectorApi()}.
 */
public final class ExpLanes {

  private ExpLanes() {}

  /** {@code x[off, off + len) = e^x}. */
  public static void expInPlace(float[] x, int off, int len) {
    LstmGates.expScaled(x, off, x, off, len, 1f);
  }
}
