package dev.mnemo.agents.r2d2;

import dev.mnemo.agents.ParamTensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * The shape of R2D2's recurrent Q-network and the one flat parameter layout that the SameDiff network
 * (learner side) and the pure-Java kernel (actor side) share. Both sides must follow this contract:
 *
 * <pre>
 *   x_t   = [obs_t (obsSize), onehot(prevAction_t) (numActions), prevReward_t (1)]      inputSize
 *   e_t   = relu(... relu(x_t W_enc0 + b_enc0) ...)     one Dense+ReLU per encoderSizes entry
 *   z_t   = e_t Wx + h_{t-1} Wh + b                       [4H], gate blocks in order [i, f, g, o]
 *   i,f,o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  g = tanh(z_g)
 *   c_t   = f * c_{t-1} + i * g;   h_t = o * tanh(c_t)
 *   v_t   = relu(h_t Wv1 + bv1) Wv2 + bv2                [1]
 *   a_t   = relu(h_t Wa1 + ba1) Wa2 + ba2                [numActions]
 *   q_t   = v_t + a_t - mean(a_t)                         dueling head
 * </pre>
 * Matrices are {@code [in, out]} row-major (so {@code y = x W}); biases are {@code [1, out]}.
 * The flat order is the order of {@link #layout()}.
 *
 * @param obsSize floats per observation
 * @param numActions discrete actions
 * @param encoderSizes widths of the Dense+ReLU encoder layers before the LSTM (may be empty)
 * @param lstmSize LSTM hidden size H
 * @param headSize hidden width of each dueling stream
 */
public record RecurrentQSpec(int obsSize, int numActions, List<Integer> encoderSizes, int lstmSize,
    int headSize) {

  public RecurrentQSpec {
    if (obsSize < 1 || numActions < 1 || lstmSize < 1 || headSize < 1) {
      throw new IllegalArgumentException("sizes must be positive: obsSize=" + obsSize + ", numActions="
          + numActions + ", lstmSize=" + lstmSize + ", headSize=" + headSize);
    }
    encoderSizes = List.copyOf(encoderSizes);
    for (int s : encoderSizes) {
      if (s < 1) {
        throw new IllegalArgumentException("encoder sizes must be positive, got " + encoderSizes);
      }
    }
  }

  /** Width of x_t: observation, one-hot previous action, previous reward. */
  public int inputSize() {
    return obsSize + numActions + 1;
  }

  /** Width of the LSTM's input e_t. */
  public int lstmInputSize() {
    return encoderSizes.isEmpty() ? inputSize() : encoderSizes.get(encoderSizes.size() - 1);
  }

  /** Every parameter tensor in flat order. Names: enc{k}.W, enc{k}.b, lstm.Wx, lstm.Wh, lstm.b, v1.W, ... */
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
    add(out, off, "lstm.Wx", in, 4 * lstmSize);
    add(out, off, "lstm.Wh", lstmSize, 4 * lstmSize);
    add(out, off, "lstm.b", 1, 4 * lstmSize);
    add(out, off, "v1.W", lstmSize, headSize);
    add(out, off, "v1.b", 1, headSize);
    add(out, off, "v2.W", headSize, 1);
    add(out, off, "v2.b", 1, 1);
    add(out, off, "a1.W", lstmSize, headSize);
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
