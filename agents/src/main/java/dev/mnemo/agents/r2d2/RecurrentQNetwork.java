package dev.mnemo.agents.r2d2;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.QuietSameDiff;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import dev.mnemo.agents.blocks.InputRow;
import dev.mnemo.agents.core.RecurrentCore;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * R2D2's recurrent dueling Q-network in SameDiff, computing exactly the math of {@link RecurrentQSpec}
 * with its flat parameter layout (the pure-Java actor kernel must match it to 1e-5).
 *
 * <p>The core is unrolled from primitive SameDiff ops (its {@link RecurrentCore#sameDiff} face) rather than
 * built-in recurrent layers, whose backward pass leaks native memory in DL4J 1.0.0-M2.1 (DESIGN.md). The
 * encoder and the heads run for all {@code B*T} steps in one matmul each. Graphs
 * are built per {@code (batch, time)} and cached, because an unroll fixes T at build time.
 *
 * <p>Parameters live in one flat {@code float[]} (the source of truth, {@link RecurrentQSpec#layout()}
 * order); they are copied into a graph's variables lazily before it runs. Not thread-safe.
 */
public final class RecurrentQNetwork implements RecurrentQModel {

  private final RecurrentQSpec spec;
  private final List<ParamTensor> layout;
  private final float[] params;
  /** Bumped on every parameter change so graphs know when to re-copy. */
  private long paramsRevision;
  private final Map<Long, UnrollGraph> graphs = new HashMap<>();

  /** A network with freshly initialised parameters (see {@link #initialParams}). */
  public RecurrentQNetwork(RecurrentQSpec spec, long seed) {
    this(spec, initialParams(spec, seed));
  }

  /** A network holding a copy of {@code params} (layout order). */
  public RecurrentQNetwork(RecurrentQSpec spec, float[] params) {
    this.spec = spec;
    this.layout = spec.layout();
    this.params = new float[spec.paramCount()];
    setParams(params);
  }

  /**
   * Seeded initial parameters, one pass of one random stream over the layout: Glorot-uniform weights and
   * zero biases for the encoder and heads, the core's own initialisation for its block
   * ({@link RecurrentCore#initialize}; the LSTM's forget-gate bias starts at 1).
   */
  public static float[] initialParams(RecurrentQSpec spec, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] p = new float[spec.paramCount()];
    RecurrentCore core = spec.core();
    int coreStart = spec.coreOffset();
    int coreEnd = coreStart + core.paramCount();
    for (ParamTensor t : spec.layout()) {
      if (t.offset() == coreStart) {
        core.initialize(p, coreStart, rng);
        continue;
      }
      if (t.rows() == 1 || (t.offset() > coreStart && t.offset() < coreEnd)) {
        continue; // biases start at zero; the core initialised its own tensors
      }
      RecurrentCore.glorot(p, t.offset(), t.rows(), t.cols(), t.cols(), rng);
    }
    return p;
  }

  @Override
  public RecurrentQSpec spec() {
    return spec;
  }

  /** A copy of the flat parameters in layout order. */
  @Override
  public float[] params() {
    return params.clone();
  }

  /** Copies the flat parameters into {@code out} (length {@link RecurrentQSpec#paramCount()}). */
  public void copyParamsTo(float[] out) {
    checkLength("out", out, params.length);
    System.arraycopy(params, 0, out, 0, params.length);
  }

  /** Replaces every parameter (layout order). */
  @Override
  public void setParams(float[] newParams) {
    checkLength("params", newParams, params.length);
    System.arraycopy(newParams, 0, params, 0, params.length);
    paramsRevision++;
  }

  @Override
  public boolean holdsNativeMemory() {
    return true;
  }

  /** The parameters as a snapshot for actor kernels. */
  @Override
  public ParamSnapshot snapshot(long version) {
    return new ParamSnapshot(params(), version);
  }

  /** Loads a snapshot's parameters. */
  public void load(ParamSnapshot snapshot) {
    setParams(snapshot.params());
  }

  /**
   * Unrolls the network over steps {@code [t0, t0 + time)} of {@code batch} stored sequences of length
   * {@code seqLength}, starting from the core's state {@code state0}.
   *
   * @param obs {@code [B * seqLength * obsSize]} observations, batch-major
   * @param prevActions {@code [B * seqLength]}; -1 means "no previous action" (zero one-hot)
   * @param prevRewards {@code [B * seqLength]}
   * @param state0 {@code [B * stateSize]} the core's state before step t0
   */
  @Override
  public QUnroll unroll(int batch, int seqLength, int t0, int time, float[] obs, int[] prevActions,
      float[] prevRewards, float[] state0) {
    UnrollGraph g = graph(batch, time);
    g.fillInputs(seqLength, t0, obs, prevActions, prevRewards, state0);
    Map<String, INDArray> out = g.sd.output(g.placeholders, "q", "states");
    QUnroll u = new QUnroll(batch, time, spec.numActions(), spec.stateSize(), floats(out.get("q")),
        floats(out.get("states")));
    last = t0 == 0 && time == seqLength ? new LastUnroll(batch, seqLength, obs, prevActions, prevRewards,
        state0.clone(), u, paramsRevision) : null;
    return u;
  }

  /** {@link #unroll} over whole sequences ({@code t0 = 0, time = seqLength}). */
  public QUnroll unroll(int batch, int time, float[] obs, int[] prevActions, float[] prevRewards,
      float[] state0) {
    return unroll(batch, time, 0, time, obs, prevActions, prevRewards, state0);
  }

  /** What {@link #gradientOfLastUnroll} needs of the last whole-sequence unroll (the inputs are not copied). */
  private record LastUnroll(int batch, int seqLength, float[] obs, int[] prevActions, float[] prevRewards,
      float[] state0, QUnroll result, long revision) {
  }

  private LastUnroll last;

  /** SameDiff keeps no activations between calls: the gradient re-runs the window from the stored state. */
  @Override
  public void gradientOfLastUnroll(int batch, int seqLength, int t0, int time, float[] dQ, float[] gradOut) {
    LastUnroll l = last;
    if (l == null || l.batch() != batch || l.seqLength() != seqLength || l.revision() != paramsRevision) {
      throw new IllegalStateException("gradientOfLastUnroll: no whole-sequence unroll of batch " + batch
          + " and length " + seqLength + " under the current parameters");
    }
    float[] before = l.state0();
    if (t0 > 0) {
      before = new float[batch * spec.stateSize()];
      l.result().stateAfter(t0 - 1, before);
    }
    gradient(batch, seqLength, t0, time, l.obs(), l.prevActions(), l.prevRewards(), before, dQ, gradOut);
  }

  /**
   * Gradient of {@code sum_{b,t,a} dQ[b,t,a] * Q[b,t,a]} with respect to every parameter, written into
   * {@code gradOut} in layout order. Passing {@code dQ = dLoss/dQ} computed outside the graph gives
   * {@code dLoss/dθ} by the chain rule, so any loss that is a function of Q (the R2D2 TD loss) trains
   * through this one surrogate; the loss itself stays plain Java that tests call directly.
   *
   * @param dQ {@code [B * time * A]} batch-major upstream gradient
   */
  @Override
  public void gradient(int batch, int seqLength, int t0, int time, float[] obs, int[] prevActions,
      float[] prevRewards, float[] state0, float[] dQ, float[] gradOut) {
    checkLength("dQ", dQ, batch * time * spec.numActions());
    checkLength("gradOut", gradOut, params.length);
    UnrollGraph g = graph(batch, time);
    g.fillInputs(seqLength, t0, obs, prevActions, prevRewards, state0);
    g.dqArr.data().setData(dQ);
    g.placeholders.put("dq", g.dqArr);
    Map<String, INDArray> grads = QuietSameDiff.calculateGradients(g.sd, g.placeholders,
        g.paramNames);
    g.placeholders.remove("dq");
    for (ParamTensor t : layout) {
      INDArray gr = grads.get(t.name());
      if (gr == null) {
        throw new IllegalStateException("SameDiff returned no gradient for " + t.name());
      }
      float[] v = floats(gr);
      System.arraycopy(v, 0, gradOut, t.offset(), t.size());
    }
  }

  private UnrollGraph graph(int batch, int time) {
    if (batch < 1 || time < 1) {
      throw new IllegalArgumentException("batch and time must be >= 1, got batch=" + batch + ", time=" + time);
    }
    UnrollGraph g = graphs.computeIfAbsent(((long) batch << 32) | time, k -> new UnrollGraph(batch, time));
    if (g.revision != paramsRevision) {
      for (ParamTensor t : layout) {
        float[] slice = new float[t.size()];
        System.arraycopy(params, t.offset(), slice, 0, t.size());
        g.paramArrays.get(t.name()).data().setData(slice);
      }
      g.revision = paramsRevision;
    }
    return g;
  }

  private static float[] floats(INDArray a) {
    return a.dup('c').data().asFloat();
  }

  private static void checkLength(String name, float[] a, int expected) {
    if (a == null || a.length != expected) {
      throw new IllegalArgumentException(name + ": expected length " + expected + ", got "
          + (a == null ? "null" : a.length));
    }
  }

  /** One SameDiff unroll of fixed (B, T), with reusable input arrays. */
  private final class UnrollGraph {
    final int batch;
    final int time;
    final SameDiff sd = SameDiff.create();
    final Map<String, INDArray> paramArrays = new HashMap<>();
    final List<String> paramNames;
    final Map<String, INDArray> placeholders = new HashMap<>();
    final float[] xBuf;
    final INDArray xArr;
    final INDArray state0Arr;
    final INDArray dqArr;
    long revision = -1;

    UnrollGraph(int batch, int time) {
      this.batch = batch;
      this.time = time;
      int in = spec.inputSize();
      int ss = spec.stateSize();
      int a = spec.numActions();
      int n = batch * time;
      Map<String, SDVariable> w = new HashMap<>();
      for (ParamTensor t : layout) {
        INDArray arr = Nd4j.create(DataType.FLOAT, t.rows(), t.cols());
        paramArrays.put(t.name(), arr);
        w.put(t.name(), sd.var(t.name(), arr));
      }
      paramNames = layout.stream().map(ParamTensor::name).toList();
      SDVariable x = sd.placeHolder("x", DataType.FLOAT, n, in);
      SDVariable state0 = sd.placeHolder("state0", DataType.FLOAT, batch, ss);
      SDVariable e = x;
      for (int k = 0; k < spec.encoderSizes().size(); k++) {
        e = sd.nn().relu(e.mmul(w.get("enc" + k + ".W")).add(w.get("enc" + k + ".b")), 0);
      }
      SDVariable[] rec = spec.core().sameDiff(sd, w, e, state0, batch, time);
      SDVariable hAll = rec[0];
      rec[1].rename("states");
      SDVariable v = sd.nn().relu(hAll.mmul(w.get("v1.W")).add(w.get("v1.b")), 0)
          .mmul(w.get("v2.W")).add(w.get("v2.b"));
      SDVariable adv = sd.nn().relu(hAll.mmul(w.get("a1.W")).add(w.get("a1.b")), 0)
          .mmul(w.get("a2.W")).add(w.get("a2.b"));
      SDVariable q = v.add(adv.sub(adv.mean(true, 1))).rename("q");
      SDVariable dq = sd.placeHolder("dq", DataType.FLOAT, n, a);
      SDVariable surrogate = q.mul(dq).sum().rename("surrogate");
      sd.setLossVariables(surrogate);
      xBuf = new float[n * in];
      xArr = Nd4j.create(DataType.FLOAT, n, in);
      state0Arr = Nd4j.create(DataType.FLOAT, batch, ss);
      dqArr = Nd4j.create(DataType.FLOAT, n, a);
    }

    /** Builds x_t = [obs, onehot(prevAction), prevReward] for the window and sets the placeholders. */
    void fillInputs(int seqLength, int t0, float[] obs, int[] prevActions, float[] prevRewards, float[] state0) {
      int os = spec.obsSize();
      int na = spec.numActions();
      int in = spec.inputSize();
      if (t0 < 0 || t0 + time > seqLength) {
        throw new IllegalArgumentException("window [" + t0 + ", " + (t0 + time)
            + ") must lie inside sequences of length " + seqLength);
      }
      checkLength("obs", obs, batch * seqLength * os);
      if (prevActions == null || prevActions.length != batch * seqLength) {
        throw new IllegalArgumentException("prevActions: expected length " + batch * seqLength);
      }
      checkLength("prevRewards", prevRewards, batch * seqLength);
      checkLength("state0", state0, batch * spec.stateSize());
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < time; t++) {
          int src = b * seqLength + t0 + t;
          InputRow.fill(xBuf, (b * time + t) * in, obs, src * os, os, na, prevActions[src], prevRewards[src]);
        }
      }
      xArr.data().setData(xBuf);
      state0Arr.data().setData(state0);
      placeholders.put("x", xArr);
      placeholders.put("state0", state0Arr);
    }
  }
}
