package dev.mnemo.agents.core;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * A memory model {@code (s_t, y_t) = f(x_t, s_{t-1})} over a batch, as one value with four faces:
 * <ol>
 *   <li>the spec: this object (a record in every implementation): input width, output width {@link
 *       #hiddenSize()}, state width {@link #stateSize()}, the parameter {@link #layout()} with its
 *       {@link #initialize initialisation}, and the equations in the implementation's javadoc;</li>
 *   <li>an acting kernel ({@link #kernel}): one batched step, no allocation per step;</li>
 *   <li>a training form ({@link #training}): forward over a window from a given state and backpropagation
 *       through time on the {@link BatchOps} products;</li>
 *   <li>a SameDiff reference graph from primitive ops ({@link #sameDiff}): the autodiff oracle.</li>
 * </ol>
 *
 * <p>The recurrent state is opaque to everything outside the core: {@link #stateSize()} floats per batch
 * row, stored, replayed, serialized and checkpointed as one vector. By contract its first {@link
 * #hiddenSize()} floats are the output {@code y_t} that heads read (LSTM: {@code [h | c]}; GRU, Elman:
 * {@code [h]}); the zero vector is the state at an episode's (or trial's) start.
 *
 * <p>Parameter names are {@code name() + "." + tensor} (e.g. {@code lstm.Wx}); {@link #layout()} gives
 * offsets from the core's first parameter, and every face takes the offset where the core's block starts
 * in a network's flat parameter array.
 */
public interface RecurrentCore {

  /** The config name ({@code lstm}, {@code gru}, ...), also the prefix of the parameter names. */
  String name();

  /** Width of the input row x_t. */
  int inputSize();

  /** Width of the output y_t (the first {@code hiddenSize()} floats of the state). */
  int hiddenSize();

  /** Floats of recurrent state per batch row. */
  int stateSize();

  /** The parameter tensors in flat order, offsets from the core's first parameter. */
  List<ParamTensor> layout();

  /** Number of parameters. */
  default int paramCount() {
    List<ParamTensor> l = layout();
    return l.get(l.size() - 1).end();
  }

  /**
   * Writes seeded initial parameters into {@code params[offset, offset + paramCount())}, drawing from
   * {@code rng} in layout order (so a network's initialisation is one pass over its tensors).
   */
  void initialize(float[] params, int offset, SplittableRandom rng);

  /**
   * Sets the bias of the gate that keeps the previous state (a GRU's update gate z in {@code h = (1 - z) n + z h}) to
   * {@code bias} in {@code params} at the core's {@code offset}, after {@link #initialize}: at initialisation the
   * core then keeps {@code sigmoid(bias)} of its state per step instead of a half, so a gradient reaches back
   * {@code 1 / (1 - sigmoid(bias))} steps rather than two (the RL² reproduction's GRU starts with its keep gate at
   * {@code sigmoid(1) = 0.73}). Cores without such a gate refuse.
   */
  default void setKeepGateBias(float[] params, int offset, float bias) {
    throw new IllegalArgumentException("core '" + name() + "' has no gate that keeps its state to bias (core_keep_bias"
        + " applies to gru, ln_gru and ln_gru_relu), got bias " + bias);
  }

  /** Multiply-adds of one step for one batch row (the matrix products), for benchmarks' FLOP counts. */
  long macsPerStep();

  /** The acting kernel for up to {@code maxRows} rows per step. */
  CoreKernel kernel(BatchOps ops, int maxRows);

  /** The training form: weights loaded by {@link CoreTraining#load}, one pass object per (batch, time). */
  CoreTraining training(BatchOps ops);

  /**
   * Builds the unroll in {@code sd} from primitive ops.
   *
   * @param params the network's variables by full parameter name (this core's are {@code name() + ".*"})
   * @param x inputs {@code [batch * time, inputSize]}, batch-major (row {@code b * time + t})
   * @param state0 {@code [batch, stateSize]}
   * @return {@code {outputs [batch * time, hiddenSize], states [batch * time, stateSize]}}, batch-major:
   *     the output and the state after each step
   */
  SDVariable[] sameDiff(SameDiff sd, Map<String, SDVariable> params, SDVariable x, SDVariable state0, int batch,
      int time);

  /** Helper for layouts: appends {@code name.tensor} of {@code rows x cols} after the last tensor. */
  static List<ParamTensor> layoutOf(String name, int[][] shapes, String... tensors) {
    List<ParamTensor> out = new ArrayList<>();
    int off = 0;
    for (int i = 0; i < tensors.length; i++) {
      out.add(new ParamTensor(name + "." + tensors[i], shapes[i][0], shapes[i][1], off));
      off += shapes[i][0] * shapes[i][1];
    }
    return Collections.unmodifiableList(out);
  }

  /** Glorot-uniform draws for a {@code rows x cols} block, {@code fanOut} wide, at {@code off}. */
  static void glorot(float[] p, int off, int rows, int cols, int fanOut, SplittableRandom rng) {
    double limit = Math.sqrt(6.0 / (rows + fanOut));
    for (int k = 0; k < rows * cols; k++) {
      p[off + k] = (float) ((rng.nextDouble() * 2 - 1) * limit);
    }
  }
}
