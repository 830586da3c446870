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
 * The memory-less controls of a memory benchmark: a dense ReLU layer over the last {@code k} observations
 * (POPGym's frame stack; {@code k = 1} is the plain MLP, which sees only the present):
 * <pre>
 *   w_t = [x_t | x_{t-1} | ... | x_{t-k+1}]          (frames before the episode's start are zeros)
 *   y_t = ReLU(w_t W + b)
 *   s_t = [y_t | x_t | x_{t-1} | ... | x_{t-k+2}]     (H + (k - 1) in floats)
 * </pre>
 * Parameters {@code <name>.W [k in, H]} (row block j multiplies x_{t-j}) and {@code <name>.b [1, H]}; Glorot-uniform
 * W, zero b. The output y_t heads the state only because the contract puts the output first: it never feeds
 * back, so nothing older than k steps can influence an action, which is what makes these the controls
 * (the {@code mlp}, with {@code k = 1}, remembers nothing at all).
 *
 * @param name the config name and parameter prefix ({@code mlp} or {@code framestack})
 * @param inputSize width of x_t
 * @param hiddenSize H
 * @param frames k, the observations the layer sees (>= 1)
 */
public record FrameStackCore(String name, int inputSize, int hiddenSize, int frames) implements RecurrentCore {

  public static final String MLP = "mlp";
  public static final String FRAME_STACK = "framestack";
  /** POPGym's frame-stack baseline keeps a handful of observations; 4 is the Atari convention too. */
  public static final int DEFAULT_FRAMES = 4;

  public FrameStackCore {
    if (inputSize < 1 || hiddenSize < 1 || frames < 1) {
      throw new IllegalArgumentException(name + " sizes must be positive: inputSize=" + inputSize + ", hiddenSize="
          + hiddenSize + ", frames=" + frames);
    }
  }

  /** {@code y_t = ReLU(x_t W + b)}: no memory. */
  public static FrameStackCore mlp(int inputSize, int hiddenSize) {
    return new FrameStackCore(MLP, inputSize, hiddenSize, 1);
  }

  /** The last {@link #DEFAULT_FRAMES} observations. */
  public static FrameStackCore frameStack(int inputSize, int hiddenSize) {
    return new FrameStackCore(FRAME_STACK, inputSize, hiddenSize, DEFAULT_FRAMES);
  }

  /** Width of the window w_t. */
  public int windowSize() {
    return frames * inputSize;
  }

  @Override
  public int stateSize() {
    return hiddenSize + (frames - 1) * inputSize;
  }

  @Override
  public List<ParamTensor> layout() {
    return RecurrentCore.layoutOf(name, new int[][] {{windowSize(), hiddenSize}, {1, hiddenSize}}, "W", "b");
  }

  @Override
  public void initialize(float[] p, int offset, SplittableRandom rng) {
    RecurrentCore.glorot(p, offset, windowSize(), hiddenSize, hiddenSize, rng);
    int b = offset + windowSize() * hiddenSize;
    java.util.Arrays.fill(p, b, b + hiddenSize, 0f);
  }

  @Override
  public long macsPerStep() {
    return (long) windowSize() * hiddenSize;
  }

  @Override
  public CoreKernel kernel(BatchOps ops, int maxRows) {
    return new FrameStackKernel(this, ops, maxRows);
  }

  @Override
  public CoreTraining training(BatchOps ops) {
    return new FrameStackTraining(this, ops);
  }

  @Override
  public SDVariable[] sameDiff(SameDiff sd, Map<String, SDVariable> w, SDVariable x, SDVariable state0, int batch,
      int time) {
    int in = inputSize;
    int hs = hiddenSize;
    SDVariable x3 = sd.reshape(x, batch, time, in);
    // frame[j] = x_{t-j}, j = 0..k-1; the initial state's frames stand for the steps before the window.
    SDVariable[] prev = new SDVariable[frames - 1];
    for (int j = 0; j < frames - 1; j++) {
      prev[j] = state0.get(SDIndex.all(), SDIndex.interval(hs + j * in, hs + (j + 1) * in));
    }
    SDVariable[] outs = new SDVariable[time];
    SDVariable[] states = new SDVariable[time];
    for (int t = 0; t < time; t++) {
      SDVariable xt = x3.get(SDIndex.all(), SDIndex.point(t), SDIndex.all());
      SDVariable[] window = new SDVariable[frames];
      window[0] = xt;
      System.arraycopy(prev, 0, window, 1, frames - 1);
      SDVariable wt = frames == 1 ? xt : sd.concat(1, window);
      SDVariable y = sd.nn().relu(wt.mmul(w.get(name + ".W")).add(w.get(name + ".b")), 0);
      outs[t] = y;
      if (frames > 1) {
        SDVariable[] next = new SDVariable[frames - 1];
        next[0] = xt;
        System.arraycopy(prev, 0, next, 1, frames - 2);
        prev = next;
        SDVariable[] st = new SDVariable[frames];
        st[0] = y;
        System.arraycopy(prev, 0, st, 1, frames - 1);
        states[t] = sd.concat(1, st);
      } else {
        states[t] = y;
      }
    }
    SDVariable outputs = sd.reshape(sd.stack(1, outs), (long) batch * time, hs);
    SDVariable stateSeq = sd.reshape(sd.stack(1, states), (long) batch * time, stateSize());
    return new SDVariable[] {outputs, stateSeq};
  }
}
