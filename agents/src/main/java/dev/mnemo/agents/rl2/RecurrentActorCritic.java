package dev.mnemo.agents.rl2;

import dev.mnemo.agents.blocks.PolicyHead;
import dev.mnemo.agents.blocks.ValueHead;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link ActorCriticSpec}'s network in its training form, on the {@link BatchOps} products: over a window of
 * whole trials ({@code batch} trials of {@code time} steps, every one starting from the zero state) it gives
 * every step's log-probabilities and value, and backpropagates dLoss/dlogits and dLoss/dV through the heads,
 * through time in the core(s) and through the encoder(s) into one flat gradient in layout order.
 *
 * <p>Rows are time-major everywhere ({@code r = t * batch + b}), so a step's rows are contiguous for the
 * core. One workspace per (batch, time) is kept, so the minibatches of an update allocate nothing. Not
 * thread-safe.
 */
public final class RecurrentActorCritic {
  private final ActorCriticSpec spec;
  private final ActorCriticSpec.Offsets off;
  private final float[] params;
  private final Tower policyTower;
  /** The value's own tower, or the policy's when the trunk is shared. */
  private final Tower valueTower;
  private final PolicyHead policyHead;
  private final ValueHead valueHead;
  private final Map<Long, Workspace> workspaces = new HashMap<>();

  public RecurrentActorCritic(ActorCriticSpec spec, float[] params) {
    this(spec, params, BatchOps.best());
  }

  public RecurrentActorCritic(ActorCriticSpec spec, float[] params, BatchOps ops) {
    this.spec = spec;
    this.off = spec.offsets();
    this.params = new float[off.total()];
    this.policyTower = new Tower(spec, ops, off.policyEncoder(), off.policyCore());
    this.valueTower = spec.separateValueNetwork() ? new Tower(spec, ops, off.valueEncoder(), off.valueCore())
        : policyTower;
    this.policyHead = new PolicyHead(ops, spec.coreSize(), spec.headSizes(), spec.numActions());
    this.valueHead = new ValueHead(ops, spec.coreSize(), spec.headSizes());
    setParams(params);
  }

  public ActorCriticSpec spec() {
    return spec;
  }

  /** Replaces every parameter (layout order). */
  public void setParams(float[] p) {
    if (p == null || p.length != params.length) {
      throw new IllegalArgumentException("params: expected length " + params.length + ", got "
          + (p == null ? "null" : p.length));
    }
    System.arraycopy(p, 0, params, 0, params.length);
    policyTower.load(params);
    if (valueTower != policyTower) {
      valueTower.load(params);
    }
    policyHead.load(params, off.policyHead());
    valueHead.load(params, off.valueHead());
  }

  /** The workspace for windows of {@code batch} trials by {@code time} steps (made on first use). */
  public Workspace workspace(int batch, int time) {
    if (batch < 1 || time < 1) {
      throw new IllegalArgumentException("batch and time must be >= 1, got " + batch + ", " + time);
    }
    return workspaces.computeIfAbsent(((long) batch << 32) | time, k -> new Workspace(batch, time));
  }

  /** One (batch, time) window's activations and gradients. */
  public final class Workspace {
    private final int batch;
    private final int time;
    private final int n;
    private final Tower.Pass pi;
    private final Tower.Pass v;
    private final PolicyHead.Pass piHead;
    private final ValueHead.Pass vHead;
    /** The input rows, time-major {@code [n, inputSize]}: fill before {@link #forward}. */
    private final float[] x;
    /** dLoss/dh of the shared trunk (both heads' gradients summed); null with separate towers. */
    private final float[] dhShared;

    Workspace(int batch, int time) {
      this.batch = batch;
      this.time = time;
      this.n = batch * time;
      pi = policyTower.newPass(batch, time);
      v = valueTower == policyTower ? pi : valueTower.newPass(batch, time);
      piHead = policyHead.newPass(n);
      vHead = valueHead.newPass(n);
      x = new float[n * spec.inputSize()];
      dhShared = valueTower == policyTower ? new float[n * spec.coreSize()] : null;
    }

    public int batch() {
      return batch;
    }

    public int time() {
      return time;
    }

    /** The input buffer: row {@code t * batch + b} holds x_t of trial b ({@code inputSize} floats). */
    public float[] input() {
      return x;
    }

    /** Forward over the whole window from the zero state, from {@link #input()}. */
    public void forward() {
      pi.forward(x, spec.inputSize());
      piHead.forward(pi.output(), pi.outputOffset(), pi.outputStride());
      if (v != pi) {
        v.forward(x, spec.inputSize());
      }
      vHead.forward(v.output(), v.outputOffset(), v.outputStride());
    }

    /** Log-probabilities, dense: row r's {@code numActions} floats at {@code r * numActions}. */
    public float[] logProbs() {
      return piHead.logProbs();
    }

    /** Row r's value V(h_t). */
    public float value(int r) {
      return vHead.value(r);
    }

    /** The policy core's state after step t of trial b ({@code t = -1}: the zero initial state). */
    public void copyPolicyState(int t, int b, float[] dst, int dstOff) {
      pi.copyState(t, b, dst, dstOff);
    }

    /**
     * Backward of the last {@link #forward}: {@code dLogits} dense ({@code numActions} per row) and {@code dV}
     * (one per row), both time-major over every row; writes (overwrites) every parameter's gradient into
     * {@code grad} (layout order).
     */
    public void backward(float[] dLogits, float[] dV, float[] grad) {
      if (dLogits.length < n * spec.numActions() || dV.length < n || grad.length != params.length) {
        throw new IllegalArgumentException("backward: need dLogits >= " + n * spec.numActions() + ", dV >= " + n
            + ", grad == " + params.length + "; got " + dLogits.length + ", " + dV.length + ", " + grad.length);
      }
      piHead.backward(0, n, dLogits, 0, grad, off.policyHead());
      vHead.backward(0, n, dV, 0, grad, off.valueHead());
      if (v != pi) {
        pi.backward(piHead.inputGradient(), piHead.inputGradientLd(), grad);
        v.backward(vHead.inputGradient(), vHead.inputGradientLd(), grad);
        return;
      }
      int h = spec.coreSize();
      float[] gp = piHead.inputGradient();
      float[] gv = vHead.inputGradient();
      int lp = piHead.inputGradientLd();
      int lv = vHead.inputGradientLd();
      for (int r = 0; r < n; r++) {
        for (int j = 0; j < h; j++) {
          dhShared[r * h + j] = gp[r * lp + j] + gv[r * lv + j];
        }
      }
      pi.backward(dhShared, h, grad);
    }
  }
}
