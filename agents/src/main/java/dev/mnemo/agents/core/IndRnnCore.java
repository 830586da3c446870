package dev.mnemo.agents.core;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The independently recurrent neural network (Li et al. 2018, "IndRNN"): a stack of {@code L} layers of ReLU
 * units, each unit recurrent only on itself through a scalar weight, layer {@code l}'s input being layer {@code
 * l - 1}'s output ({@code h^(0)_t = x_t}):
 * <pre>
 *   ū^(l)   = clamp(u^(l), -u_max, u_max)                               (element-wise)
 *   h^(l)_t = ReLU(h^(l-1)_t W^(l) + ū^(l) ⊙ h^(l)_{t-1} + b^(l)),       l = 1..L
 *   y_t     = h^(L)_t
 * </pre>
 * so unit {@code j} of layer {@code l} at step t reads its own previous value and nothing else of its layer's
 * state: the layers interact only through {@code W}. State {@code [h^(L) | h^(L-1) | ... | h^(1)]} ({@code L H}
 * floats, the layers from the top down, so the output comes first as the contract asks). Parameters, per layer
 * from the bottom: {@code indrnn.W1 [in, H]}, {@code indrnn.u1 [1, H]}, {@code indrnn.b1 [1, H]}, then {@code
 * indrnn.W2 [H, H]}, {@code indrnn.u2}, {@code indrnn.b2}, ...
 *
 * <p><b>The recurrent bound.</b> The paper keeps {@code |u_j| <= (γ)^(1/T)} so that a gradient carried T steps
 * back through a unit grows at most γ-fold ({@code 2^(1/T)} in its experiments), and clips the weights after
 * each update. Here the bound is part of the function: every face (acting kernel, training form, SameDiff graph,
 * the tests' double reference) uses the clamped {@code ū}, so whatever an optimizer does to {@code u}, the
 * network computed is always within the bound. Acting runs episodes of unbounded length, and the {@code T -> ∞}
 * limit of every such bound is 1, so the default is {@code u_max = 1}: no unit amplifies its own past (with ReLU
 * units, {@code h >= 0}, a unit with {@code ū = 1} integrates its input, one with {@code ū < 1} forgets it
 * geometrically). Another bound (e.g. {@code 2^(1/T)} for a known horizon) is a constructor argument.
 *
 * <p><b>The gradient through the clamp</b> is the clamp's exact derivative, zero outside the bound:
 * <pre>
 *   dLoss/du_j = dLoss/dū_j · 1[-u_max <= u_j <= u_max]
 *   dLoss/dū_j = sum_{t, b} dz_{t,b,j} h_{t-1,b,j}       (z the ReLU's argument)
 * </pre>
 * (inclusive at the bound, so a weight sitting exactly on it still learns in both directions). A weight pushed
 * past the bound therefore keeps its value and stops receiving gradient: its unit acts with {@code ū = ±u_max}
 * from then on (for memory units that is the full-memory setting the gradient was pushing towards). This choice,
 * unlike a straight-through gradient, is the derivative of the function every face computes, so the training
 * form, SameDiff's autodiff and finite differences agree everywhere off the bound itself.
 *
 * <p>Initialisation (the paper's, for ReLU units): {@code W^(l)} He-uniform (limit {@code sqrt(6 / fan_in)},
 * {@code fan_in} = the layer's input width), {@code u^(l) ~ U[0, u_max)} (so every unit starts inside the bound
 * with a memory between none and full), {@code b^(l) = 0}.
 *
 * @param inputSize width of x_t
 * @param hiddenSize H, the width of each layer (and of the output)
 * @param layers L, the number of stacked layers ({@value #DEFAULT_LAYERS} by default, as in the issue)
 * @param recurrentBound u_max ({@value #DEFAULT_RECURRENT_BOUND} by default)
 */
public record IndRnnCore(int inputSize, int hiddenSize, int layers, float recurrentBound) implements RecurrentCore {

  public static final String NAME = "indrnn";
  public static final int DEFAULT_LAYERS = 2;
  public static final float DEFAULT_RECURRENT_BOUND = 1f;

  public IndRnnCore {
    if (inputSize < 1 || hiddenSize < 1 || layers < 1) {
      throw new IllegalArgumentException("indrnn sizes must be positive: inputSize=" + inputSize + ", hiddenSize="
          + hiddenSize + ", layers=" + layers);
    }
    if (!(recurrentBound > 0) || Float.isInfinite(recurrentBound)) {
      throw new IllegalArgumentException("indrnn recurrentBound must be positive and finite, got "
          + recurrentBound);
    }
  }

  /** {@value #DEFAULT_LAYERS} layers, {@code u_max = }{@value #DEFAULT_RECURRENT_BOUND}: what {@code core = indrnn} builds. */
  public IndRnnCore(int inputSize, int hiddenSize) {
    this(inputSize, hiddenSize, DEFAULT_LAYERS, DEFAULT_RECURRENT_BOUND);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int stateSize() {
    return layers * hiddenSize;
  }

  /** Input width of layer {@code l} (0-based): x for the first, H above. */
  int layerInput(int l) {
    return l == 0 ? inputSize : hiddenSize;
  }

  /** Offset of layer {@code l}'s (0-based) {@code W} from the core's first parameter; u and b follow it. */
  int layerOffset(int l) {
    return l == 0 ? 0 : (inputSize + 2) * hiddenSize + (l - 1) * (hiddenSize + 2) * hiddenSize;
  }

  /** Offset of layer {@code l}'s (0-based) hidden vector in a state row: the layers are stored top down. */
  int stateOffset(int l) {
    return (layers - 1 - l) * hiddenSize;
  }

  /** {@code ū = clamp(u, -u_max, u_max)}, NaN staying NaN: the one clamp the Java faces share. */
  static float clamp(float u, float bound) {
    return u > bound ? bound : u < -bound ? -bound : u;
  }

  /** Whether the gradient reaches {@code u} through the clamp: {@code -u_max <= u <= u_max}. */
  static boolean insideBound(float u, float bound) {
    return u >= -bound && u <= bound;
  }

  /**
   * The element-wise half of a step, shared by the acting kernel and the training form so both give the same
   * bits: {@code h[r, j] = max(z[r, j] + ū[j] h_prev[r, j], 0)} over {@code rows x H} (a product, a sum and a
   * compare: IEEE-exact, no fused multiply-add in Java, whatever the JIT compiles).
   */
  static void recur(int rows, int hs, float[] z, int zOff, int ldz, float[] uBar, float[] hPrev, int pOff, int ldp,
      float[] h, int hOff, int ldh) {
    for (int r = 0; r < rows; r++) {
      int zr = zOff + r * ldz;
      int pr = pOff + r * ldp;
      int hr = hOff + r * ldh;
      for (int j = 0; j < hs; j++) {
        float v = z[zr + j] + uBar[j] * hPrev[pr + j];
        h[hr + j] = v > 0f ? v : 0f;
      }
    }
  }

  @Override
  public List<ParamTensor> layout() {
    List<ParamTensor> out = new ArrayList<>();
    int h = hiddenSize;
    for (int l = 0; l < layers; l++) {
      int off = layerOffset(l);
      int in = layerInput(l);
      out.add(new ParamTensor(NAME + ".W" + (l + 1), in, h, off));
      out.add(new ParamTensor(NAME + ".u" + (l + 1), 1, h, off + in * h));
      out.add(new ParamTensor(NAME + ".b" + (l + 1), 1, h, off + in * h + h));
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public void initialize(float[] p, int offset, SplittableRandom rng) {
    int h = hiddenSize;
    for (int l = 0; l < layers; l++) {
      int w = offset + layerOffset(l);
      int in = layerInput(l);
      double limit = Math.sqrt(6.0 / in);
      for (int k = 0; k < in * h; k++) {
        p[w + k] = (float) ((rng.nextDouble() * 2 - 1) * limit);
      }
      int u = w + in * h;
      for (int j = 0; j < h; j++) {
        // float(u_max * d) for d < 1 may round up to u_max itself: inside the (inclusive) bound either way.
        p[u + j] = (float) (rng.nextDouble() * recurrentBound);
      }
      java.util.Arrays.fill(p, u + h, u + 2 * h, 0f);
    }
  }

  @Override
  public long macsPerStep() {
    // The input products, plus the element-wise recurrence (one multiply-add per unit).
    return (long) (inputSize + (long) (layers - 1) * hiddenSize + layers) * hiddenSize;
  }

  @Override
  public CoreKernel kernel(BatchOps ops, int maxRows) {
    return new IndRnnKernel(this, ops, maxRows);
  }

  @Override
  public CoreTraining training(BatchOps ops) {
    return new IndRnnTraining(this, ops);
  }

  /**
   * {@code ū = m ⊙ u + (1 - m) ⊙ clipByValue(u, -u_max, u_max)} with the constant mask {@code m = 1[|u| <= u_max]}:
   * the clamp, with the derivative {@code m} taken inclusive at the bound as the other faces take it (ND4J's
   * {@code clipByValue} alone gives 0 on the bound itself). Both terms are exact: inside, {@code u · 1 + c · 0 =
   * u}; outside, {@code u · 0 + c · 1 = ±u_max}.
   */
  private SDVariable clampInclusive(SameDiff sd, SDVariable u) {
    SDVariable inside = sd.math().abs(u).lte(recurrentBound).castTo(u.dataType());
    SDVariable clipped = sd.math().clipByValue(u, -recurrentBound, recurrentBound);
    return u.mul(inside).add(clipped.mul(inside.rsub(1.0)));
  }

  /**
   * Per layer, its input projection over every step in one matmul and {@code ū = clamp(u, -u_max, u_max)};
   * inside the loop only {@code ReLU(proj_t + ū ⊙ h)}. The state after each step is the concatenation of the
   * layers' outputs, top down.
   */
  @Override
  public SDVariable[] sameDiff(SameDiff sd, Map<String, SDVariable> w, SDVariable x, SDVariable state0, int batch,
      int time) {
    int hs = hiddenSize;
    SDVariable input = x;
    SDVariable[] layerOutputs = new SDVariable[layers];
    for (int l = 0; l < layers; l++) {
      String n = NAME + "." + "%s" + (l + 1);
      SDVariable proj = sd.reshape(input.mmul(w.get(String.format(n, "W"))).add(w.get(String.format(n, "b"))),
          batch, time, hs);
      SDVariable uBar = clampInclusive(sd, w.get(String.format(n, "u")));
      int s0 = stateOffset(l);
      SDVariable h = state0.get(SDIndex.all(), SDIndex.interval(s0, s0 + hs));
      SDVariable[] hsOut = new SDVariable[time];
      for (int t = 0; t < time; t++) {
        h = sd.nn().relu(proj.get(SDIndex.all(), SDIndex.point(t), SDIndex.all()).add(h.mul(uBar)), 0);
        hsOut[t] = h;
      }
      layerOutputs[l] = sd.reshape(sd.stack(1, hsOut), (long) batch * time, hs);
      input = layerOutputs[l];
    }
    if (layers == 1) {
      return new SDVariable[] {layerOutputs[0], layerOutputs[0]};
    }
    SDVariable[] topDown = new SDVariable[layers];
    for (int l = 0; l < layers; l++) {
      topDown[l] = layerOutputs[layers - 1 - l];
    }
    return new SDVariable[] {layerOutputs[layers - 1], sd.concat(1, topDown)};
  }
}
