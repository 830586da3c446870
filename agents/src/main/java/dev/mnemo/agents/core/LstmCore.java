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
 * The LSTM with a forget gate (Hochreiter & Schmidhuber 1997; Gers et al. 2000), no peepholes:
 * <pre>
 *   z_t = x_t Wx + h_{t-1} Wh + b             [4H], gate blocks in order [i, f, g, o]
 *   i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);   g = tanh(z_g)
 *   c_t = f * c_{t-1} + i * g;    h_t = o * tanh(c_t)
 * </pre>
 * State {@code [h | c]} (2H floats), output h. Parameters {@code lstm.Wx [in, 4H]}, {@code lstm.Wh [H, 4H]},
 * {@code lstm.b [1, 4H]}, column block {@code q*H .. (q+1)*H} holding gate q. Initialisation: Glorot-uniform
 * per gate block (each block scaled as its own {@code [rows, H]} layer), biases zero except the forget gate's,
 * which starts at 1 so early gradients flow through the cell (Jozefowicz et al. 2015).
 *
 * @param inputSize width of x_t
 * @param hiddenSize H
 */
public record LstmCore(int inputSize, int hiddenSize) implements RecurrentCore {

  public static final String NAME = "lstm";

  public LstmCore {
    if (inputSize < 1 || hiddenSize < 1) {
      throw new IllegalArgumentException("lstm sizes must be positive: inputSize=" + inputSize + ", hiddenSize="
          + hiddenSize);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int stateSize() {
    return 2 * hiddenSize;
  }

  @Override
  public List<ParamTensor> layout() {
    int g4 = 4 * hiddenSize;
    return RecurrentCore.layoutOf(NAME, new int[][] {{inputSize, g4}, {hiddenSize, g4}, {1, g4}}, "Wx", "Wh", "b");
  }

  @Override
  public void initialize(float[] p, int offset, SplittableRandom rng) {
    int g4 = 4 * hiddenSize;
    RecurrentCore.glorot(p, offset, inputSize, g4, hiddenSize, rng);
    int wh = offset + inputSize * g4;
    RecurrentCore.glorot(p, wh, hiddenSize, g4, hiddenSize, rng);
    int b = wh + hiddenSize * g4;
    java.util.Arrays.fill(p, b, b + g4, 0f);
    java.util.Arrays.fill(p, b + hiddenSize, b + 2 * hiddenSize, 1f);
  }

  @Override
  public long macsPerStep() {
    return (long) (inputSize + hiddenSize) * 4 * hiddenSize;
  }

  @Override
  public CoreKernel kernel(BatchOps ops, int maxRows) {
    return new LstmKernel(this, ops, maxRows);
  }

  @Override
  public CoreTraining training(BatchOps ops) {
    return new LstmTraining(this, ops);
  }

  /** The input projection of every step in one matmul; only {@code h Wh} is inside the loop. */
  @Override
  public SDVariable[] sameDiff(SameDiff sd, Map<String, SDVariable> w, SDVariable x, SDVariable state0, int batch,
      int time) {
    int hs = hiddenSize;
    SDVariable proj = sd.reshape(x.mmul(w.get("lstm.Wx")).add(w.get("lstm.b")), batch, time, 4L * hs);
    SDVariable wh = w.get("lstm.Wh");
    SDVariable h = state0.get(SDIndex.all(), SDIndex.interval(0, hs));
    SDVariable c = state0.get(SDIndex.all(), SDIndex.interval(hs, 2 * hs));
    SDVariable[] hsOut = new SDVariable[time];
    SDVariable[] statesOut = new SDVariable[time];
    for (int t = 0; t < time; t++) {
      SDVariable z = proj.get(SDIndex.all(), SDIndex.point(t), SDIndex.all()).add(h.mmul(wh));
      SDVariable s = sd.nn().sigmoid(z);
      SDVariable i = s.get(SDIndex.all(), SDIndex.interval(0, hs));
      SDVariable f = s.get(SDIndex.all(), SDIndex.interval(hs, 2 * hs));
      SDVariable o = s.get(SDIndex.all(), SDIndex.interval(3 * hs, 4 * hs));
      SDVariable g = sd.math().tanh(z.get(SDIndex.all(), SDIndex.interval(2 * hs, 3 * hs)));
      c = f.mul(c).add(i.mul(g));
      h = o.mul(sd.math().tanh(c));
      hsOut[t] = h;
      statesOut[t] = sd.concat(1, h, c);
    }
    int n = batch * time;
    return new SDVariable[] {sd.reshape(sd.stack(1, hsOut), n, hs), sd.reshape(sd.stack(1, statesOut), n, 2 * hs)};
  }
}
