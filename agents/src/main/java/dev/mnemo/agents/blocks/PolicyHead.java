package dev.mnemo.agents.blocks;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A categorical policy head over rows of the core's output h:
 * <pre>
 *   u_0 = h;   u_i = relu(u_{i-1} W_{i-1} + b_{i-1})  (i = 1..L, L = hidden.size() >= 0)
 *   z = u_L W_L + b_L                 logits [A]
 *   log pi = z - logsumexp(z)         {@link Softmax#logSoftmax}
 * </pre>
 * Parameters {@code W0, b0, ..., WL, bL} contiguous from the block's offset ({@link #layout}). Backward
 * takes dLoss/dz (the caller turns its loss on log pi into that with {@link Softmax}); each layer's weight
 * gradient is one product and {@code dh} comes out in {@link Pass#inputGradient()}.
 *
 * <p>The training form is {@link #newPass} (all rows of a window); the acting form is {@link #newActing} (up
 * to {@code maxRows} rows per step, nothing allocated per step). Both read the weights {@link #load} packed
 * here: an actor builds its own head and loads its parameter snapshot into it. Not thread-safe.
 */
public final class PolicyHead {

  /**
   * Gain of the output layer's initial weights: logits start 100x smaller than a Glorot layer's, so the first
   * policy is near uniform (Andrychowicz et al. 2021, "What matters in on-policy RL", C.2).
   */
  public static final double OUTPUT_GAIN = 0.01;

  private final Mlp mlp;
  private final int na;

  /**
   * @param inputWidth H, the core's output width
   * @param hidden widths of the Dense+ReLU layers, possibly none
   * @param numActions A
   */
  public PolicyHead(BatchOps ops, int inputWidth, List<Integer> hidden, int numActions) {
    this.mlp = new Mlp(ops, inputWidth, hidden, numActions);
    this.na = numActions;
  }

  public int paramCount() {
    return mlp.paramCount();
  }

  public int numActions() {
    return na;
  }

  /** {@code name.W0, name.b0, ..., name.WL, name.bL}, offsets from the block's first parameter. */
  public List<ParamTensor> layout(String name) {
    return mlp.layout(name);
  }

  /** Glorot-uniform weights, the output layer's times {@link #OUTPUT_GAIN}; biases zero. */
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
    private final float[] logp;

    Pass(int n) {
      body = mlp.newPass(n);
      logp = new float[n * na];
    }

    /** Forward over all rows of h ({@code ldh} apart from {@code hOff}); h must stay unchanged until backward. */
    public void forward(float[] h, int hOff, int ldh) {
      body.forward(h, hOff, ldh);
      float[] z = body.output();
      int ld = body.outputLd();
      for (int r = 0; r < body.n; r++) {
        Softmax.logSoftmax(z, r * ld, na, logp, r * na);
      }
    }

    /** The logits, row r's at {@code r * logitsLd()}. */
    public float[] logits() {
      return body.output();
    }

    public int logitsLd() {
      return body.outputLd();
    }

    /** The log-probabilities, dense: row r's {@code A} floats at {@code r * A}. */
    public float[] logProbs() {
      return logp;
    }

    /**
     * Backward over rows {@code [r0, r0 + nw)} given dLoss/dz of the window's rows ({@code A} floats each,
     * contiguous from {@code dOff}); writes (overwrites) the head's parameter gradients at {@code
     * grad[gradOff..]} and dLoss/dh into {@link #inputGradient()} (window rows).
     */
    public void backward(int r0, int nw, float[] dLogits, int dOff, float[] grad, int gradOff) {
      body.backward(r0, nw, dLogits, dOff, na, grad, gradOff);
    }

    /** dLoss/dh of the last backward's window rows, {@link #inputGradientLd()} apart. */
    public float[] inputGradient() {
      return body.inputGradient();
    }

    public int inputGradientLd() {
      return body.inputGradientLd();
    }
  }

  /** The acting form: logits and log-probabilities of up to {@code maxRows} rows per call, no allocation. */
  public final class Acting {
    private final int maxRows;
    private final float[][] act;
    private final float[] logp;

    Acting(int maxRows) {
      if (maxRows < 1) {
        throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
      }
      this.maxRows = maxRows;
      act = mlp.newActivations(maxRows);
      logp = new float[maxRows * na];
    }

    /** Logits and log-probabilities of {@code rows} rows of h ({@code ldh} apart from {@code hOff}). */
    public void forward(int rows, float[] h, int hOff, int ldh) {
      if (rows < 0 || rows > maxRows) {
        throw new IllegalArgumentException("rows must be in [0, " + maxRows + "], got " + rows);
      }
      mlp.forward(rows, h, hOff, ldh, act);
      float[] z = act[act.length - 1];
      int ld = mlp.ld(act.length - 1);
      for (int r = 0; r < rows; r++) {
        Softmax.logSoftmax(z, r * ld, na, logp, r * na);
      }
    }

    /** The last forward's logits, row r's at {@code r * logitsLd()}; overwritten by the next call. */
    public float[] logits() {
      return act[act.length - 1];
    }

    public int logitsLd() {
      return mlp.ld(act.length - 1);
    }

    /** The last forward's log-probabilities, dense: row r's {@code A} floats at {@code r * A}. */
    public float[] logProbs() {
      return logp;
    }
  }
}
