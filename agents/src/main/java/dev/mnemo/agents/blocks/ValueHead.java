package dev.mnemo.agents.blocks;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A state-value head over rows of the core's output h:
 * <pre>
 *   u_0 = h;   u_i = relu(u_{i-1} W_{i-1} + b_{i-1})  (i = 1..L, L = hidden.size() >= 0)
 *   v = u_L W_L + b_L                 [1]
 * </pre>
 * Parameters {@code W0, b0, ..., WL, bL} contiguous from the block's offset ({@link #layout}). Backward takes
 * dLoss/dv; each layer's weight gradient is one product and {@code dh} comes out in {@link
 * Pass#inputGradient()}.
 *
 * <p>The training form is {@link #newPass} (all rows of a window); the acting form is {@link #newActing} (up
 * to {@code maxRows} rows per step, nothing allocated per step). Both read the weights {@link #load} packed
 * here. Not thread-safe.
 */
public final class ValueHead {

  /** Gain of the output layer's initial weights: a plain Glorot layer. */
  public static final double OUTPUT_GAIN = 1.0;

  private final Mlp mlp;

  /**
   * @param inputWidth H, the core's output width
   * @param hidden widths of the Dense+ReLU layers, possibly none
   */
  public ValueHead(BatchOps ops, int inputWidth, List<Integer> hidden) {
    this.mlp = new Mlp(ops, inputWidth, hidden, 1);
  }

  public int paramCount() {
    return mlp.paramCount();
  }

  /** {@code name.W0, name.b0, ..., name.WL, name.bL}, offsets from the block's first parameter. */
  public List<ParamTensor> layout(String name) {
    return mlp.layout(name);
  }

  /** Glorot-uniform weights, biases zero. */
  public void initialize(float[] params, int offset, SplittableRandom rng) {
    mlp.initialize(params, offset, rng, OUTPUT_GAIN);
  }

  /** Copies the weights from {@code params}, whose block starts at {@code offset}. */
  public void load(float[] params, int offset) {
    mlp.load(params, offset);
  }

  public Pass newPass(int rows) {
    return new Pass(rows);
  }

  public Acting newActing(int maxRows) {
    return new Acting(maxRows);
  }

  /** One window's activations and gradients; rows in the caller's order. */
  public final class Pass {
    private final Mlp.Pass body;

    Pass(int n) {
      body = mlp.newPass(n);
    }

    /** Forward over all rows of h ({@code ldh} apart from {@code hOff}); h must stay unchanged until backward. */
    public void forward(float[] h, int hOff, int ldh) {
      body.forward(h, hOff, ldh);
    }

    /** Row r's value. */
    public float value(int r) {
      return body.output()[r * body.outputLd()];
    }

    /**
     * Backward over rows {@code [r0, r0 + nw)} given dLoss/dv of the window's rows (one float each, contiguous
     * from {@code dOff}); writes (overwrites) the head's parameter gradients at {@code grad[gradOff..]} and
     * dLoss/dh into {@link #inputGradient()} (window rows).
     */
    public void backward(int r0, int nw, float[] dV, int dOff, float[] grad, int gradOff) {
      body.backward(r0, nw, dV, dOff, 1, grad, gradOff);
    }

    /** dLoss/dh of the last backward's window rows, {@link #inputGradientLd()} apart. */
    public float[] inputGradient() {
      return body.inputGradient();
    }

    public int inputGradientLd() {
      return body.inputGradientLd();
    }
  }

  /** The acting form: values of up to {@code maxRows} rows per call, no allocation. */
  public final class Acting {
    private final int maxRows;
    private final float[][] act;

    Acting(int maxRows) {
      if (maxRows < 1) {
        throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
      }
      this.maxRows = maxRows;
      act = mlp.newActivations(maxRows);
    }

    /** Values of {@code rows} rows of h ({@code ldh} apart from {@code hOff}). */
    public void forward(int rows, float[] h, int hOff, int ldh) {
      if (rows < 0 || rows > maxRows) {
        throw new IllegalArgumentException("rows must be in [0, " + maxRows + "], got " + rows);
      }
      mlp.forward(rows, h, hOff, ldh, act);
    }

    /** Row r's value from the last forward. */
    public float value(int r) {
      return act[act.length - 1][r * mlp.ld(act.length - 1)];
    }
  }
}
