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
 * The simple recurrent network (Elman 1990):
 * <pre>
 *   h_t = tanh(x_t Wx + h_{t-1} Wh + b)
 * </pre>
 * State {@code [h]} (H floats), output h. Parameters {@code elman.Wx [in, H]}, {@code elman.Wh [H, H]},
 * {@code elman.b [1, H]}.
 *
 * <p>Initialisation: Glorot-uniform for both matrices ({@code Wx} with limit {@code sqrt(6 / (in + H))}, {@code
 * Wh} with {@code sqrt(6 / 2H) = sqrt(3 / H)}), biases zero. For the square {@code Wh} that is entries of
 * variance {@code 1 / H}, whose eigenvalues fill the unit disc (circular law): the linearised recurrence
 * starts near the edge of stability, where signals neither die out nor blow up over the first steps, as an
 * orthogonal {@code Wh} would give. An orthogonal (or identity-scaled, Le et al. 2015) {@code Wh} keeps
 * every singular value at 1 and so helps long gradients more, but needs a QR decomposition outside the
 * one-draw-per-parameter initialisation every core shares, and the identity scheme was made for ReLU
 * units, not tanh; neither is worth it for the baseline this core is.
 *
 * @param inputSize width of x_t
 * @param hiddenSize H
 */
public record ElmanCore(int inputSize, int hiddenSize) implements RecurrentCore {

  public static final String NAME = "elman";

  public ElmanCore {
    if (inputSize < 1 || hiddenSize < 1) {
      throw new IllegalArgumentException("elman sizes must be positive: inputSize=" + inputSize + ", hiddenSize="
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
    int h = hiddenSize;
    return RecurrentCore.layoutOf(NAME, new int[][] {{inputSize, h}, {h, h}, {1, h}}, "Wx", "Wh", "b");
  }

  @Override
  public void initialize(float[] p, int offset, SplittableRandom rng) {
    int h = hiddenSize;
    RecurrentCore.glorot(p, offset, inputSize, h, h, rng);
    int wh = offset + inputSize * h;
    RecurrentCore.glorot(p, wh, h, h, h, rng);
    java.util.Arrays.fill(p, wh + h * h, wh + h * h + h, 0f);
  }

  @Override
  public long macsPerStep() {
    return (long) (inputSize + hiddenSize) * hiddenSize;
  }

  @Override
  public CoreKernel kernel(BatchOps ops, int maxRows) {
    return new ElmanKernel(this, ops, maxRows);
  }

  @Override
  public CoreTraining training(BatchOps ops) {
    return new ElmanTraining(this, ops);
  }

  /** The input projection of every step in one matmul; only {@code h Wh} is inside the loop. */
  @Override
  public SDVariable[] sameDiff(SameDiff sd, Map<String, SDVariable> w, SDVariable x, SDVariable state0, int batch,
      int time) {
    int hs = hiddenSize;
    SDVariable proj = sd.reshape(x.mmul(w.get("elman.Wx")).add(w.get("elman.b")), batch, time, hs);
    SDVariable wh = w.get("elman.Wh");
    SDVariable h = state0;
    SDVariable[] hsOut = new SDVariable[time];
    for (int t = 0; t < time; t++) {
      h = sd.math().tanh(proj.get(SDIndex.all(), SDIndex.point(t), SDIndex.all()).add(h.mmul(wh)));
      hsOut[t] = h;
    }
    SDVariable outputs = sd.reshape(sd.stack(1, hsOut), (long) batch * time, hs);
    // The state is the output: one variable, returned as both.
    return new SDVariable[] {outputs, outputs};
  }
}
