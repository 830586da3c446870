package dev.mnemo.agents.r2d2;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.core.LstmCore;
import dev.mnemo.agents.core.RecurrentCore;
import dev.mnemo.agents.core.RecurrentCores;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of R2D2's recurrent Q-network and the one flat parameter layout that every engine (the
 * all-Java {@link RecurrentQGemm}, the SameDiff {@link RecurrentQNetwork}) and the actor kernel share:
 *
 * <pre>
 *   x_t   = [obs_t (obsSize), onehot(prevAction_t) (numActions), prevReward_t (1)]      inputSize
 *   e_t   = relu(... relu(x_t W_enc0 + b_enc0) ...)     one Dense+ReLU per encoderSizes entry
 *   s_t   = core(e_t, s_{t-1});  h_t = the first coreSize floats of s_t    (LSTM: s = [h | c])
 *   v_t   = relu(h_t Wv1 + bv1) Wv2 + bv2                [1]
 *   a_t   = relu(h_t Wa1 + ba1) Wa2 + ba2                [numActions]
 *   q_t   = v_t + a_t - mean(a_t)                         dueling head
 * </pre>
 * The core is any {@link RecurrentCore} ({@link RecurrentCores#names()}); its equations are in its javadoc.
 * Matrices are {@code [in, out]} row-major (so {@code y = x W}); biases are {@code [1, out]}. The flat order
 * is the order of {@link #layout()}: encoder, core, value stream, advantage stream.
 *
 * @param obsSize floats per observation
 * @param numActions discrete actions
 * @param encoderSizes widths of the Dense+ReLU encoder layers before the core (may be empty)
 * @param coreName the core's config name ({@code lstm}, {@code gru}, ...)
 * @param coreSize the core's hidden size H
 * @param headSize hidden width of each dueling stream
 */
public record RecurrentQSpec(int obsSize, int numActions, List<Integer> encoderSizes, String coreName,
    int coreSize, int headSize) {

  public RecurrentQSpec {
    if (obsSize < 1 || numActions < 1 || coreSize < 1 || headSize < 1) {
      throw new IllegalArgumentException("sizes must be positive: obsSize=" + obsSize + ", numActions="
          + numActions + ", coreSize=" + coreSize + ", headSize=" + headSize);
    }
    encoderSizes = List.copyOf(encoderSizes);
    for (int s : encoderSizes) {
      if (s < 1) {
        throw new IllegalArgumentException("encoder sizes must be positive, got " + encoderSizes);
      }
    }
    RecurrentCores.create(coreName, 1, 1); // fails early, naming the known cores, on an unknown name
  }

  /** The paper's network: an LSTM core of {@code lstmSize}. */
  public RecurrentQSpec(int obsSize, int numActions, List<Integer> encoderSizes, int lstmSize, int headSize) {
    this(obsSize, numActions, encoderSizes, LstmCore.NAME, lstmSize, headSize);
  }

  /** Width of x_t: observation, one-hot previous action, previous reward. */
  public int inputSize() {
    return obsSize + numActions + 1;
  }

  /** Width of the core's input e_t. */
  public int coreInputSize() {
    return encoderSizes.isEmpty() ? inputSize() : encoderSizes.get(encoderSizes.size() - 1);
  }

  /** The recurrent core (a value: equal specs give equal cores). */
  public RecurrentCore core() {
    return RecurrentCores.create(coreName, coreInputSize(), coreSize);
  }

  /** Floats of recurrent state per env or sequence: the core's state width. */
  public int stateSize() {
    return core().stateSize();
  }

  /** Offset of the core's first parameter in the flat layout. */
  public int coreOffset() {
    int off = 0;
    int in = inputSize();
    for (int w : encoderSizes) {
      off += (in + 1) * w;
      in = w;
    }
    return off;
  }

  /** Offset of the dueling head's first parameter ({@code v1.W}). */
  public int headOffset() {
    return coreOffset() + core().paramCount();
  }

  /** Every parameter tensor in flat order. Names: enc{k}.W, enc{k}.b, the core's, v1.W, v1.b, v2.W, ... */
  public List<ParamTensor> layout() {
    List<ParamTensor> out = new ArrayList<>();
    int[] off = {0};
    int in = inputSize();
    for (int k = 0; k < encoderSizes.size(); k++) {
      int w = encoderSizes.get(k);
      add(out, off, "enc" + k + ".W", in, w);
      add(out, off, "enc" + k + ".b", 1, w);
      in = w;
    }
    for (ParamTensor t : core().layout()) {
      out.add(new ParamTensor(t.name(), t.rows(), t.cols(), off[0] + t.offset()));
    }
    off[0] += core().paramCount();
    add(out, off, "v1.W", coreSize, headSize);
    add(out, off, "v1.b", 1, headSize);
    add(out, off, "v2.W", headSize, 1);
    add(out, off, "v2.b", 1, 1);
    add(out, off, "a1.W", coreSize, headSize);
    add(out, off, "a1.b", 1, headSize);
    add(out, off, "a2.W", headSize, numActions);
    add(out, off, "a2.b", 1, numActions);
    return Collections.unmodifiableList(out);
  }

  /** The layout keyed by name, in flat order. */
  public Map<String, ParamTensor> layoutByName() {
    Map<String, ParamTensor> m = new LinkedHashMap<>();
    for (ParamTensor t : layout()) {
      m.put(t.name(), t);
    }
    return m;
  }

  /** Total number of parameters. */
  public int paramCount() {
    List<ParamTensor> l = layout();
    return l.get(l.size() - 1).end();
  }

  private static void add(List<ParamTensor> out, int[] off, String name, int rows, int cols) {
    out.add(new ParamTensor(name, rows, cols, off[0]));
    off[0] += rows * cols;
  }
}
