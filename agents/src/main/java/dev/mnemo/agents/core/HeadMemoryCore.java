package dev.mnemo.agents.core;

/**
 * What the attention-like cores ({@link LinearAttentionCore}, {@link FastWeightCore}) share around their memory:
 * <pre>
 *   P_t = x_t Wp + bp                     the step's projection, [q | k | v (| β logits)], one product
 *   o_t = memory rule per head            (the core's own; reads and writes a d x d matrix per head)
 *   y_t = tanh([o_t | x_t] Wy + by)       the readout, width H
 * </pre>
 * with {@code heads} heads of width {@code d = ⌈H / heads⌉} ({@code H / heads} when it divides), so the memory is
 * {@code heads d² ≈ H² / heads} floats instead of {@code H²}, and the attention width {@code A = heads d}.
 *
 * <p><b>Why {@code x_t} enters the readout.</b> Both rules' reads are averages or superpositions over every step
 * so far, in which the present step is one term of t; the direct path keeps the present visible however long the
 * episode, as a Transformer block's residual does. The tanh keeps the output in (-1, 1) like the LSTM's {@code h}
 * the heads were tuned on, whatever the memory's scale.
 *
 * <p>State rows are {@code [y | memory]}: the output first, as the contract asks, then the core's memory.
 */
interface HeadMemoryCore extends RecurrentCore {

  /** Number of heads. */
  int heads();

  /** d, each head's width: {@code ⌈H / heads⌉}. */
  int headSize();

  /** A = heads d: the width of q, k, v and of o. */
  default int attentionWidth() {
    return heads() * headSize();
  }

  /**
   * The input projection's column blocks, in the order their columns follow each other in {@code P}: per block
   * {@code {weight offset, bias offset, columns}}, offsets from the core's first parameter (weight {@code [in,
   * columns]} and bias {@code [1, columns]}, each a tensor of the layout).
   */
  int[][] projectionBlocks();

  /** Width of P: the columns of every block. */
  default int projectionWidth() {
    int w = 0;
    for (int[] b : projectionBlocks()) {
      w += b[2];
    }
    return w;
  }

  /** Offset of {@code Wy} ({@code [A + in, H]}) from the core's first parameter; {@code by} ({@code [1, H]}) follows. */
  int readoutOffset();

  /** Floats of memory per state row, after the output's H. */
  default int memorySize() {
    return stateSize() - hiddenSize();
  }

  /** d = ⌈hidden / heads⌉. */
  static int headSize(int hidden, int heads) {
    return (hidden + heads - 1) / heads;
  }

  /** The readout's multiply-adds per row: {@code [o | x] Wy}. */
  default long readoutMacs() {
    return (long) (attentionWidth() + inputSize()) * hiddenSize();
  }
}
