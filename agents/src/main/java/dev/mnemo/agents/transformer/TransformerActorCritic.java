package dev.mnemo.agents.transformer;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.blocks.PolicyHead;
import dev.mnemo.agents.blocks.ValueHead;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Transformer actor-critic ALD's learner trains (and the Transformer-only baseline acts with): one
 * {@link GtrxlTrunk} under a softmax {@link PolicyHead} and a {@link ValueHead}, in one flat parameter layout
 * {@code [trunk | pi | v]}. Training form over a batch of segments:
 * <pre>
 *   E = trunk(x; memory),   log pi = log softmax(pi_head(E)),   V = v_head(E)
 * </pre>
 * and its backward from dLoss/dlogits and dLoss/dV: each head's backward, their input gradients summed into
 * dLoss/dE, then the trunk's.
 */
public final class TransformerActorCritic {

  private final GtrxlTrunk trunk;
  private final List<Integer> headHidden;
  private final PolicyHead policy;
  private final ValueHead value;
  private final int numActions;
  private final int piOff;
  private final int vOff;
  private final int count;

  public TransformerActorCritic(GtrxlTrunk trunk, List<Integer> headHidden, int numActions, BatchOps ops) {
    this.trunk = trunk;
    this.headHidden = List.copyOf(headHidden);
    this.numActions = numActions;
    this.policy = new PolicyHead(ops, trunk.width(), headHidden, numActions);
    this.value = new ValueHead(ops, trunk.width(), headHidden);
    this.piOff = trunk.paramCount();
    this.vOff = piOff + policy.paramCount();
    this.count = vOff + value.paramCount();
  }

  public GtrxlTrunk trunk() {
    return trunk;
  }

  public int numActions() {
    return numActions;
  }

  public int paramCount() {
    return count;
  }

  /** Hidden Dense+ReLU widths of each head (possibly none: linear heads). */
  public List<Integer> headHidden() {
    return headHidden;
  }

  /** Where the policy head's parameters start in the flat layout. */
  public int policyOffset() {
    return piOff;
  }

  /** Where the value head's parameters start in the flat layout. */
  public int valueOffset() {
    return vOff;
  }

  /** {@code tr.*} (the trunk), {@code pi.*}, {@code v.*}. */
  public List<ParamTensor> layout() {
    List<ParamTensor> l = new ArrayList<>(trunk.layout("tr"));
    for (ParamTensor t : policy.layout("pi")) {
      l.add(new ParamTensor(t.name(), t.rows(), t.cols(), piOff + t.offset()));
    }
    for (ParamTensor t : value.layout("v")) {
      l.add(new ParamTensor(t.name(), t.rows(), t.cols(), vOff + t.offset()));
    }
    return l;
  }

  public float[] initialParams(long seed) {
    float[] p = new float[count];
    SplittableRandom rng = new SplittableRandom(seed);
    trunk.initialize(p, 0, rng);
    policy.initialize(p, piOff, rng);
    value.initialize(p, vOff, rng);
    return p;
  }

  public Pass newPass(int batch) {
    return new Pass(batch);
  }

  /** One forward and backward over a batch of segments. Not thread-safe. */
  public final class Pass {
    private final GtrxlTrunk.Pass trunkPass;
    private final PolicyHead.Pass piPass;
    private final ValueHead.Pass vPass;
    private final float[] dE;
    private final int rows;
    private int batchRows;

    private Pass(int batch) {
      this.rows = batch * trunk.segment();
      trunkPass = trunk.newPass(batch);
      piPass = policy.newPass(rows);
      vPass = value.newPass(rows);
      dE = new float[rows * trunk.width()];
    }

    /**
     * Log-probabilities ({@link #logProbs()}) and values ({@link #value(int)}) of the batch's steps; the rows of a
     * partial batch beyond {@code batch x T} are computed on stale trunk rows and must be ignored.
     */
    public void forward(int batch, float[] params, float[] x, int xOff, boolean[] episodeStart,
        GtrxlTrunk.Memory memory) {
      batchRows = batch * trunk.segment();
      trunkPass.forward(batch, params, 0, x, xOff, episodeStart, memory);
      policy.load(params, piOff);
      value.load(params, vOff);
      piPass.forward(trunkPass.output(), 0, trunk.width());
      vPass.forward(trunkPass.output(), 0, trunk.width());
    }

    /** Row-major {@code rows x A} log-probabilities of the last forward. */
    public float[] logProbs() {
      return piPass.logProbs();
    }

    public float value(int row) {
      return vPass.value(row);
    }

    /** The memory that follows the last forward's segments (see {@link GtrxlTrunk.Pass#nextMemory}). */
    public void nextMemory(GtrxlTrunk.Memory previous, GtrxlTrunk.Memory next) {
      trunkPass.nextMemory(previous, next);
    }

    /**
     * From dLoss/dlogits ({@code rows x A}) and dLoss/dV ({@code rows}) of the forward's rows, writes the
     * gradient of every parameter into {@code grad} (overwritten).
     */
    public void backward(float[] params, float[] dLogits, float[] dValues, float[] grad) {
      java.util.Arrays.fill(grad, 0, count, 0f);
      int d = trunk.width();
      piPass.backward(0, batchRows, dLogits, 0, grad, piOff);
      float[] gPi = piPass.inputGradient();
      int ldPi = piPass.inputGradientLd();
      for (int r = 0; r < batchRows; r++) {
        System.arraycopy(gPi, r * ldPi, dE, r * d, d);
      }
      vPass.backward(0, batchRows, dValues, 0, grad, vOff);
      float[] gV = vPass.inputGradient();
      int ldV = vPass.inputGradientLd();
      for (int r = 0; r < batchRows; r++) {
        for (int c = 0; c < d; c++) {
          dE[r * d + c] += gV[r * ldV + c];
        }
      }
      trunkPass.backward(params, 0, dE, 0, grad, 0);
    }
  }
}
