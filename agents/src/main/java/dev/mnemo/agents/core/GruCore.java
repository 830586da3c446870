package dev.mnemo.agents.core;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The gated recurrent unit (Cho et al. 2014) in the "reset after" form of PyTorch's {@code nn.GRU} and
 * cuDNN, where the reset gate scales the hidden projection including its bias:
 * <pre>
 *   r_t = sigmoid(x_t W_ir + b_ir + h_{t-1} W_hr + b_hr)
 *   z_t = sigmoid(x_t W_iz + b_iz + h_{t-1} W_hz + b_hz)
 *   n_t = tanh(x_t W_in + b_in + r_t * (h_{t-1} W_hn + b_hn))
 *   h_t = (1 - z_t) * n_t + z_t * h_{t-1}
 * </pre>
 * (The original paper's "reset before" form, {@code n = tanh(x W_in + (r * h) W_hn + b_n)}, is a different
 * function; this one lets a step compute both projections before the gates, and matches PyTorch weights.)
 * State {@code [h]} (H floats), output h. Parameters {@code gru.Wx [in, 3H]}, {@code gru.Wh [H, 3H]},
 * {@code gru.bx [1, 3H]}, {@code gru.bh [1, 3H]}, column blocks {@code [r | z | n]}; two biases because
 * {@code b_hn} sits inside {@code r * (...)} (for r and z only their sum matters).
 *
 * <p>Initialisation: Glorot-uniform per gate block (each block scaled as its own {@code [rows, H]} layer, as
 * {@link LstmCore}), biases zero (as Keras). Why zero: both gates then start at 1/2, so every step already
 * carries half of {@code h} straight through {@code z} (the role the LSTM's forget bias of 1 plays for its
 * cell), and the reset gate starts by halving only the weights' part of the candidate's hidden input.
 *
 * @param inputSize width of x_t
 * @param hiddenSize H
 */
public record GruCore(int inputSize, int hiddenSize) implements RecurrentCore {

  public static final String NAME = "gru";

  public GruCore {
    if (inputSize < 1 || hiddenSize < 1) {
      throw new IllegalArgumentException("gru sizes must be positive: inputSize=" + inputSize + ", hiddenSize="
          + hiddenSize);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int stateSize() {
    return hiddenSize;
  }

  @Override
  public List<ParamTensor> layout() {
    int g3 = 3 * hiddenSize;
    return RecurrentCore.layoutOf(NAME, new int[][] {{inputSize, g3}, {hiddenSize, g3}, {1, g3}, {1, g3}}, "Wx",
        "Wh", "bx", "bh");
  }

  @Override
  public void initialize(float[] p, int offset, SplittableRandom rng) {
    int g3 = 3 * hiddenSize;
    RecurrentCore.glorot(p, offset, inputSize, g3, hiddenSize, rng);
    int wh = offset + inputSize * g3;
    RecurrentCore.glorot(p, wh, hiddenSize, g3, hiddenSize, rng);
    int b = wh + hiddenSize * g3;
    java.util.Arrays.fill(p, b, b + 2 * g3, 0f);
  }

  /** Sets {@code bx}'s z block (z's input and hidden biases only ever appear summed; {@code bh}'s stays 0). */
  @Override
  public void setKeepGateBias(float[] p, int offset, float bias) {
    int g3 = 3 * hiddenSize;
    int bx = offset + (inputSize + hiddenSize) * g3;
    java.util.Arrays.fill(p, bx + hiddenSize, bx + 2 * hiddenSize, bias);
  }

  @Override
  public long macsPerStep() {
    return (long) (inputSize + hiddenSize) * 3 * hiddenSize;
  }

  @Override
  public CoreKernel kernel(BatchOps ops, int maxRows) {
    return new GruKernel(this, ops, maxRows);
  }

  @Override
  public CoreTraining training(BatchOps ops) {
    return new GruTraining(this, ops);
  }

  /** The input projection of every step in one matmul; only {@code h Wh + bh} is inside the loop. */
  @Override
  public SDVariable[] sameDiff(SameDiff sd, Map<String, SDVariable> w, SDVariable x, SDVariable state0, int batch,
      int time) {
    int hs = hiddenSize;
    SDVariable a = sd.reshape(x.mmul(w.get("gru.Wx")).add(w.get("gru.bx")), batch, time, 3L * hs);
    SDVariable wh = w.get("gru.Wh");
    SDVariable bh = w.get("gru.bh");
    SDVariable h = state0;
    SDVariable[] out = new SDVariable[time];
    for (int t = 0; t < time; t++) {
      SDVariable at = a.get(SDIndex.all(), SDIndex.point(t), SDIndex.all());
      h = sameDiffCell(sd, at, h.mmul(wh).add(bh), h, hs);
      out[t] = h;
    }
    SDVariable hsOut = sd.reshape(sd.stack(1, out), (long) batch * time, hs);
    return new SDVariable[] {hsOut, hsOut};
  }

  /**
   * The cell of {@link GruCell} from primitive ops, given the step's input projection {@code a} and hidden
   * projection {@code c} ({@code [batch, 3H]}, blocks {@code [r | z | n]}): returns h'.
   */
  static SDVariable sameDiffCell(SameDiff sd, SDVariable a, SDVariable c, SDVariable h, int hs) {
    return sameDiffCell(sd, a, c, h, hs, false);
  }

  /** {@link #sameDiffCell(SameDiff, SDVariable, SDVariable, SDVariable, int)}, the candidate a ReLU if {@code relu}. */
  static SDVariable sameDiffCell(SameDiff sd, SDVariable a, SDVariable c, SDVariable h, int hs, boolean relu) {
    SDVariable rz = sd.nn().sigmoid(a.get(SDIndex.all(), SDIndex.interval(0, 2 * hs))
        .add(c.get(SDIndex.all(), SDIndex.interval(0, 2 * hs))));
    SDVariable r = rz.get(SDIndex.all(), SDIndex.interval(0, hs));
    SDVariable z = rz.get(SDIndex.all(), SDIndex.interval(hs, 2 * hs));
    SDVariable pre = a.get(SDIndex.all(), SDIndex.interval(2 * hs, 3 * hs))
        .add(r.mul(c.get(SDIndex.all(), SDIndex.interval(2 * hs, 3 * hs))));
    SDVariable n = relu ? sd.nn().relu(pre, 0) : sd.math().tanh(pre);
    return z.rsub(1.0).mul(n).add(z.mul(h));
  }
}
