package dev.mnemo.agents.core;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Legendre Memory Unit (Voelker, Kajić and Eliasmith 2019): a tanh RNN beside a fixed linear memory of one
 * scalar signal over a sliding window, the paper's cell with a bias added:
 * <pre>
 *   u_t = x_t e_x + h_{t-1} e_h + m_{t-1} e_m                    (a scalar: the signal the memory records)
 *   m_t = Ā m_{t-1} + B̄ u_t                                        (d floats; Ā, B̄ fixed, not trained)
 *   h_t = tanh(x_t W_x + h_{t-1} W_h + m_t W_m + b)
 * </pre>
 * with {@code Ā = e^(A/θ)}, {@code B̄ = A^(-1) (Ā − I) B} the zero-order-hold discretisation over one step of the
 * Legendre delay system {@code θ dm/dt = A m + B u} of order d ({@link LegendreMemory}: its A, B, the exponential,
 * and the decoder {@code u_(t−θ') ≈ Σ_i P̃_i(θ'/θ) m_i(t)} that makes m a memory of the last θ steps of u). State
 * {@code [h | m]} ({@code H + d} floats), output h. Parameters {@code lmu.Wx [in, H]}, {@code lmu.Wh [H, H]},
 * {@code lmu.Wm [d, H]}, {@code lmu.b [1, H]}, then the encoders {@code lmu.ex [in, 1]}, {@code lmu.eh [H, 1]},
 * {@code lmu.em [d, 1]}: W_x, W_h, W_m stack into one {@code [in + H + d, H]} matrix read by {@code [x | h | m_t]},
 * and the encoders into one vector read by {@code [x | h | m_{t−1}]}.
 *
 * <p><b>The defaults, d = {@value #DEFAULT_ORDER}, θ = {@value #DEFAULT_THETA} steps,</b> are sized for the tasks
 * Mnemo ships: θ covers a whole POPGym Easy card episode (52 steps: RepeatFirst, CountRecall, Autoencode) and a
 * T-Maze corridor several times over, and d = θ/2 resolves the window to about two steps (a smooth input comes
 * back to ~2e-3 anywhere inside it, {@code LmuCoreTest}), which RepeatPrevious's few-step delays need. The memory
 * costs {@code d² + d} multiply-adds a step, about 5% of the hidden product at H = 128, and d floats of state.
 * A longer θ at the same d blurs the window; a larger d costs d² and more inputs to W_m for resolution finer than
 * the step. Past θ the memory fades (an impulse's memory, norm ~0.4 inside the window, is below 1e-5 after 2θ):
 * whatever must outlive the window has to live in h.
 *
 * <p>Initialisation (after the paper's cell): {@code W_x, W_h, W_m} Glorot-uniform, {@code b = 0}; the encoders
 * {@code e_x} LeCun-uniform ({@code ±sqrt(3 / in)}), {@code e_h} LeCun-uniform ({@code ±sqrt(3 / H)}) and {@code
 * e_m = 0}, so the memory starts as the stable delay line it was designed as (with {@code e_m ≠ 0} the memory
 * feeds itself, {@code Ā + B̄ e_mᵀ}, and training may move it anywhere).
 *
 * @param inputSize width of x_t
 * @param hiddenSize H
 * @param order d, the number of Legendre memories
 * @param theta θ, the memory's window in steps
 */
public record LmuCore(int inputSize, int hiddenSize, int order, double theta) implements RecurrentCore {

  public static final String NAME = "lmu";
  public static final int DEFAULT_ORDER = 32;
  public static final double DEFAULT_THETA = 64;

  public LmuCore {
    if (inputSize < 1 || hiddenSize < 1 || order < 1) {
      throw new IllegalArgumentException("lmu sizes must be positive: inputSize=" + inputSize + ", hiddenSize="
          + hiddenSize + ", order=" + order);
    }
    if (!(theta > 0) || Double.isInfinite(theta)) {
      throw new IllegalArgumentException("lmu theta must be positive and finite, got " + theta);
    }
  }

  /** d = {@value #DEFAULT_ORDER}, θ = {@value #DEFAULT_THETA}: what {@code core = lmu} builds. */
  public LmuCore(int inputSize, int hiddenSize) {
    this(inputSize, hiddenSize, DEFAULT_ORDER, DEFAULT_THETA);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int stateSize() {
    return hiddenSize + order;
  }

  /** K = in + H + d: the rows of the stacked {@code [W_x; W_h; W_m]} and the length of the stacked encoders. */
  int stackedSize() {
    return inputSize + hiddenSize + order;
  }

  /** Offset of {@code lmu.b} from the core's first parameter. */
  int biasOffset() {
    return stackedSize() * hiddenSize;
  }

  /** Offset of {@code lmu.ex} (the stacked encoders {@code [e_x; e_h; e_m]}) from the core's first parameter. */
  int encoderOffset() {
    return biasOffset() + hiddenSize;
  }

  /**
   * Ā and B̄ as the float products want them: {@code [Āᵀ; B̄ᵀ]} row-major {@code [d + 1, d]}, so that {@code
   * [m_{t−1} | u_t] [Āᵀ; B̄ᵀ] = m_t} (as a row).
   */
  float[] memoryMatrix() {
    LegendreMemory.Discrete z = LegendreMemory.zeroOrderHold(order, theta);
    int d = order;
    float[] out = new float[(d + 1) * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        out[j * d + i] = (float) z.a()[i][j];
      }
      out[d * d + i] = (float) z.b()[i];
    }
    return out;
  }

  /**
   * {@code u = [x | h] · e[0, inH) + m · e[inH, inH + d)}, summed term by term in that order: the one encoder the
   * acting kernel and the training form share, so both give the same bits (products and sums of floats, no fused
   * multiply-add in Java, whatever the JIT compiles).
   */
  static float encode(float[] xh, int xhOff, int inH, float[] m, int mOff, int d, float[] e) {
    float acc = 0f;
    for (int k = 0; k < inH; k++) {
      acc += xh[xhOff + k] * e[k];
    }
    for (int i = 0; i < d; i++) {
      acc += m[mOff + i] * e[inH + i];
    }
    return acc;
  }

  @Override
  public List<ParamTensor> layout() {
    int h = hiddenSize;
    return RecurrentCore.layoutOf(NAME, new int[][] {{inputSize, h}, {h, h}, {order, h}, {1, h}, {inputSize, 1},
        {h, 1}, {order, 1}}, "Wx", "Wh", "Wm", "b", "ex", "eh", "em");
  }

  @Override
  public void initialize(float[] p, int offset, SplittableRandom rng) {
    int h = hiddenSize;
    int in = inputSize;
    RecurrentCore.glorot(p, offset, in, h, h, rng);
    RecurrentCore.glorot(p, offset + in * h, h, h, h, rng);
    RecurrentCore.glorot(p, offset + (in + h) * h, order, h, h, rng);
    int b = offset + biasOffset();
    java.util.Arrays.fill(p, b, b + h, 0f);
    int e = offset + encoderOffset();
    lecun(p, e, in, rng);
    lecun(p, e + in, h, rng);
    java.util.Arrays.fill(p, e + in + h, e + in + h + order, 0f);
  }

  /** LeCun-uniform draws for an encoder of fan-in {@code n}: {@code ±sqrt(3 / n)}. */
  private static void lecun(float[] p, int off, int n, SplittableRandom rng) {
    double limit = Math.sqrt(3.0 / n);
    for (int k = 0; k < n; k++) {
      p[off + k] = (float) ((rng.nextDouble() * 2 - 1) * limit);
    }
  }

  @Override
  public long macsPerStep() {
    // The encoder (K), the memory [m | u] [Āᵀ; B̄ᵀ] ((d + 1) d) and the hidden product [x | h | m] [Wx; Wh; Wm] (K H).
    long k = stackedSize();
    return k + (long) (order + 1) * order + k * hiddenSize;
  }

  @Override
  public CoreKernel kernel(BatchOps ops, int maxRows) {
    return new LmuKernel(this, ops, maxRows);
  }

  @Override
  public CoreTraining training(BatchOps ops) {
    return new LmuTraining(this, ops);
  }

  /**
   * The input's projections {@code x W_x + b} and {@code x e_x} of every step in one matmul each; inside the loop
   * {@code u = x e_x + h e_h + m e_m}, {@code m = m Āᵀ + u B̄ᵀ}, {@code h = tanh(x W_x + b + h W_h + m W_m)}, with
   * Ā and B̄ (the float values the other faces use) as constants.
   */
  @Override
  public SDVariable[] sameDiff(SameDiff sd, Map<String, SDVariable> w, SDVariable x, SDVariable state0, int batch,
      int time) {
    int hs = hiddenSize;
    int d = order;
    float[] mem = memoryMatrix();
    SDVariable aT = sd.constant(Nd4j.create(java.util.Arrays.copyOfRange(mem, 0, d * d), new long[] {d, d}, 'c'));
    SDVariable bT = sd.constant(Nd4j.create(java.util.Arrays.copyOfRange(mem, d * d, (d + 1) * d), new long[] {1, d},
        'c'));
    SDVariable proj = sd.reshape(x.mmul(w.get(NAME + ".Wx")).add(w.get(NAME + ".b")), batch, time, hs);
    SDVariable xe = sd.reshape(x.mmul(w.get(NAME + ".ex")), batch, time);
    SDVariable wh = w.get(NAME + ".Wh");
    SDVariable wm = w.get(NAME + ".Wm");
    SDVariable eh = w.get(NAME + ".eh");
    SDVariable em = w.get(NAME + ".em");
    SDVariable h = state0.get(SDIndex.all(), SDIndex.interval(0, hs));
    SDVariable m = state0.get(SDIndex.all(), SDIndex.interval(hs, hs + d));
    SDVariable[] hsOut = new SDVariable[time];
    SDVariable[] states = new SDVariable[time];
    for (int t = 0; t < time; t++) {
      SDVariable u = xe.get(SDIndex.all(), SDIndex.interval(t, t + 1)).add(h.mmul(eh)).add(m.mmul(em));
      m = m.mmul(aT).add(u.mmul(bT));
      h = sd.math().tanh(proj.get(SDIndex.all(), SDIndex.point(t), SDIndex.all()).add(h.mmul(wh))
          .add(m.mmul(wm)));
      hsOut[t] = h;
      states[t] = sd.concat(1, h, m);
    }
    SDVariable outputs = sd.reshape(sd.stack(1, hsOut), (long) batch * time, hs);
    SDVariable stateSeq = sd.reshape(sd.stack(1, states), (long) batch * time, stateSize());
    return new SDVariable[] {outputs, stateSeq};
  }
}
