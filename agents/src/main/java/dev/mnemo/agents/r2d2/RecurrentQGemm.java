package dev.mnemo.agents.r2d2;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.LstmGates;
import dev.mnemo.agents.kernel.PackedMatrix;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link RecurrentQSpec}'s network with hand-derived backpropagation through time. The forward's
 * recurrence runs in Java: per step one register-tiled {@link BatchOps} product
 * {@code [e_t | h_{t-1}] [W_x; W_h] + b} (the input projection folded in) and the cell's elementwise math
 * with the Vector API where available, keeping the activations in Java arrays for the backward pass.
 * Everything else is one in-place ND4J {@code gemm} on preallocated arrays (the encoder, heads and all
 * weight gradients batched over all B*T rows; only {@code dz W_h^T} per step in the backward pass).
 *
 * <p>Why it exists: SameDiff 1.0.0-M2.1 spends ~0.1 ms of bookkeeping per graph op, and an unrolled
 * LSTM has ~14 ops per step, so a SameDiff update at the paper's scale costs about a second however small
 * the matrices. This class does the same math in ~6 native calls per step; {@link RecurrentQNetwork}
 * (SameDiff) stays the reference that tests hold it to.
 *
 * <p>Internally rows are time-major ({@code r = t*B + b}) so each step's block is contiguous; the API is
 * batch-major like {@link RecurrentQNetwork}. Not thread-safe.
 */
public final class RecurrentQGemm implements RecurrentQModel {

  private final RecurrentQSpec spec;
  private final List<ParamTensor> layout;
  private final float[] params;
  private final Map<String, INDArray> w = new HashMap<>();
  private final Map<String, INDArray> grads = new HashMap<>();
  /** One workspace per (batch, time) in use: a learner alternates whole-sequence and trained windows. */
  private final Map<Long, Workspace> workspaces = new HashMap<>();
  /** Bumped by every {@link #setParams}: a workspace's activations are reusable only for the same version. */
  private long paramVersion;
  private final GateMath gateMath = GateMath.best();
  /**
   * The recurrent step's product in Java: {@code [e_t | h_{t-1}] [W_x; W_h] + b} with {@link BatchOps}'
   * register-tiled kernel, which runs these 64 x 192 x 512 products several times faster per core than
   * ND4J's gemm (whose call overhead alone is tens of microseconds), and folds the input projection in.
   */
  private final BatchOps ops = BatchOps.best();
  private final PackedMatrix wxh;
  private final float[] lstmBias;
  /** W_h^T packed for the backward step's {@code dz_t W_h^T} (same kernel; ND4J's call cost dominated it). */
  private final PackedMatrix whT;
  private final float[] whTBuf;
  /** Per-phase CPU time, accumulated only while {@link #setProfiling} is on (the benchmark's profile). */
  private final long[] phaseNanos = new long[Phase.values().length];
  private boolean profiling;
  private long lapStart;
  private final java.lang.management.ThreadMXBean cpuClock =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** Where an update's time goes, for {@link #phaseNanos}. */
  public enum Phase {
    /** Input rows, encoder and copies into the recurrence's buffers. */
    INPUT_ENCODER,
    /** The recurrence's per-step product {@code [e_t | h_{t-1}] [W_x; W_h]}. */
    RECURRENT_PRODUCT,
    /** The LSTM cell's elementwise forward. */
    GATES,
    /** The dueling heads forward (and the Q result). */
    HEADS_FORWARD,
    /** The dueling heads backward: their weight gradients and dH. */
    HEADS_BACKWARD,
    /** The cell's elementwise backward per step. */
    BPTT_GATES,
    /** {@code dz_t W_h^T} per step. */
    BPTT_PRODUCT,
    /** The LSTM's weight and bias gradients. */
    LSTM_WEIGHT_GRADIENTS,
    /** The encoder's backward. */
    ENCODER_BACKWARD
  }

  public RecurrentQGemm(RecurrentQSpec spec, long seed) {
    this(spec, RecurrentQNetwork.initialParams(spec, seed));
  }

  public RecurrentQGemm(RecurrentQSpec spec, float[] params) {
    this.spec = spec;
    this.layout = spec.layout();
    this.params = new float[spec.paramCount()];
    ParamTensor wx = tensor("lstm.Wx");
    this.wxh = new PackedMatrix(wx.rows() + spec.lstmSize(), 4 * spec.lstmSize(), ops.lanes());
    this.lstmBias = new float[wxh.paddedCols()];
    this.whT = new PackedMatrix(4 * spec.lstmSize(), spec.lstmSize(), ops.lanes());
    this.whTBuf = new float[4 * spec.lstmSize() * spec.lstmSize()];
    for (ParamTensor t : layout) {
      w.put(t.name(), Nd4j.create(DataType.FLOAT, t.rows(), t.cols()));
      grads.put(t.name(), Nd4j.create(DataType.FLOAT, t.rows(), t.cols()));
    }
    setParams(params);
  }

  @Override
  public RecurrentQSpec spec() {
    return spec;
  }

  @Override
  public float[] params() {
    return params.clone();
  }

  @Override
  public void setParams(float[] newParams) {
    if (newParams == null || newParams.length != params.length) {
      throw new IllegalArgumentException("params: expected length " + params.length + ", got "
          + (newParams == null ? "null" : newParams.length));
    }
    System.arraycopy(newParams, 0, params, 0, params.length);
    paramVersion++;
    for (ParamTensor t : layout) {
      w.get(t.name()).data().asNioFloat().put(params, t.offset(), t.size());
    }
    ParamTensor wx = tensor("lstm.Wx");
    int g4 = 4 * spec.lstmSize();
    wxh.load(params, wx.offset(), g4, 0, 0, wx.rows(), g4);
    wxh.load(params, tensor("lstm.Wh").offset(), g4, wx.rows(), 0, spec.lstmSize(), g4);
    System.arraycopy(params, tensor("lstm.b").offset(), lstmBias, 0, g4);
    int hsz = spec.lstmSize();
    int whOff = tensor("lstm.Wh").offset();
    for (int j = 0; j < hsz; j++) {
      for (int k = 0; k < g4; k++) {
        whTBuf[k * hsz + j] = params[whOff + j * g4 + k];
      }
    }
    whT.load(whTBuf, 0, hsz, 0, 0, g4, hsz);
  }

  /** Starts or stops accumulating per-phase CPU time (costs ~1 us per phase boundary while on). */
  public void setProfiling(boolean on) {
    profiling = on;
  }

  /** CPU nanoseconds spent in a phase since the last {@link #resetPhaseTimes} while profiling. */
  public long phaseNanos(Phase p) {
    return phaseNanos[p.ordinal()];
  }

  public void resetPhaseTimes() {
    java.util.Arrays.fill(phaseNanos, 0);
  }

  private void lapStart() {
    if (profiling) {
      lapStart = cpuClock.getCurrentThreadCpuTime();
    }
  }

  /** Charges the CPU time since the previous lap to {@code p}. */
  private void lap(Phase p) {
    if (profiling) {
      long now = cpuClock.getCurrentThreadCpuTime();
      phaseNanos[p.ordinal()] += now - lapStart;
      lapStart = now;
    }
  }

  private ParamTensor tensor(String name) {
    for (ParamTensor t : layout) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalStateException("no parameter tensor " + name + " in the layout");
  }

  @Override
  public QUnroll unroll(int batch, int seqLength, int t0, int time, float[] obs, int[] prevActions,
      float[] prevRewards, float[] h0, float[] c0) {
    Workspace s = workspace(batch, time);
    s.forward(seqLength, t0, obs, prevActions, prevRewards, h0, c0);
    return s.result();
  }

  @Override
  public void gradient(int batch, int seqLength, int t0, int time, float[] obs, int[] prevActions,
      float[] prevRewards, float[] h0, float[] c0, float[] dQ, float[] gradOut) {
    if (dQ == null || dQ.length != batch * time * spec.numActions()) {
      throw new IllegalArgumentException("dQ: expected length " + batch * time * spec.numActions());
    }
    if (gradOut == null || gradOut.length != params.length) {
      throw new IllegalArgumentException("gradOut: expected length " + params.length);
    }
    Workspace s = workspace(batch, time);
    s.forward(seqLength, t0, obs, prevActions, prevRewards, h0, c0);
    s.backward(dQ, 0, time);
    copyGradients(gradOut);
  }

  /**
   * The same gradient as {@link #gradient} over steps {@code [t0, t0 + time)} started from the state that the
   * most recent whole-sequence {@code unroll(batch, seqLength, 0, seqLength, ...)} reached after step
   * {@code t0 - 1}, but without running the forward again: it backpropagates through that unroll's
   * activations (held from the state before {@code t0} as a constant, like the burn-in). Why: the learner
   * unrolls the online network over the whole sequence anyway for its targets, and recomputing the trained
   * steps cost ~16% of an update's FLOPs. Fails if no such unroll exists or the parameters changed since.
   */
  public void gradientOfLastUnroll(int batch, int seqLength, int t0, int time, float[] dQ, float[] gradOut) {
    if (dQ == null || dQ.length != batch * time * spec.numActions()) {
      throw new IllegalArgumentException("dQ: expected length " + batch * time * spec.numActions());
    }
    if (gradOut == null || gradOut.length != params.length) {
      throw new IllegalArgumentException("gradOut: expected length " + params.length);
    }
    if (t0 < 0 || time < 1 || t0 + time > seqLength) {
      throw new IllegalArgumentException("window [" + t0 + ", " + (t0 + time)
          + ") must lie inside sequences of length " + seqLength);
    }
    Workspace s = workspaces.get(((long) batch << 32) | seqLength);
    if (s == null || s.forwardVersion != paramVersion || s.forwardT0 != 0 || s.forwardSeqLength != seqLength) {
      throw new IllegalStateException("gradientOfLastUnroll: no whole-sequence unroll of batch " + batch
          + " and length " + seqLength + " under the current parameters; call unroll(" + batch + ", "
          + seqLength + ", 0, " + seqLength + ", ...) first");
    }
    s.backward(dQ, t0, time);
    copyGradients(gradOut);
  }

  private void copyGradients(float[] gradOut) {
    for (ParamTensor t : layout) {
      grads.get(t.name()).data().asNioFloat().get(gradOut, t.offset(), t.size());
    }
  }

  private Workspace workspace(int batch, int time) {
    if (batch < 1 || time < 1) {
      throw new IllegalArgumentException("batch and time must be >= 1, got batch=" + batch + ", time=" + time);
    }
    return workspaces.computeIfAbsent(((long) batch << 32) | time, k -> new Workspace(batch, time));
  }

  private static INDArray rows(INDArray a, long from, long to) {
    return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
  }


  private static void gemm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double beta) {
    Nd4j.gemm(a, b, c, ta, tb, 1.0, beta);
  }


  /** The LSTM cell's elementwise forward for one step, in place on Java arrays. */
  interface GateMath {
    /**
     * Activates the pre-activations {@code z[zOff..]} ({@code [B, 4H]}, blocks [i, f, g, o], rows
     * {@code ldz} apart) into {@code g[gOff..]} (rows {@code 4H} apart) and writes {@code c[cur..] = f c[prev..] + i g}, {@code tc[prev..] = tanh(c[cur..])} and
     * {@code h[cur..] = o tc} (states dense {@code [B, H]}).
     */
    void step(int bs, int hs, float[] z, int zOff, int ldz, float[] g, int gOff, float[] c, int prev, int cur,
        float[] tc, float[] h);

    static GateMath best() {
      return BatchOps.vectorApiAvailable() ? new VectorGateMath() : new ScalarGateMath();
    }
  }

  /** Plain loops with double-precision exp: the fallback without {@code jdk.incubator.vector}. */
  static final class ScalarGateMath implements GateMath {
    @Override
    public void step(int bs, int hs, float[] z, int zOff, int ldz, float[] g, int gOff, float[] c, int prev,
        int cur, float[] tc, float[] h) {
      int h4 = 4 * hs;
      for (int b = 0; b < bs; b++) {
        int g0 = gOff + b * h4;
        int z0 = zOff + b * ldz;
        int s0 = b * hs;
        for (int j = 0; j < hs; j++) {
          float ig = sigmoid(z[z0 + j]);
          float fg = sigmoid(z[z0 + hs + j]);
          float gg = tanh(z[z0 + 2 * hs + j]);
          float og = sigmoid(z[z0 + 3 * hs + j]);
          g[g0 + j] = ig;
          g[g0 + hs + j] = fg;
          g[g0 + 2 * hs + j] = gg;
          g[g0 + 3 * hs + j] = og;
          float cc = fg * c[prev + s0 + j] + ig * gg;
          float t = tanh(cc);
          c[cur + s0 + j] = cc;
          tc[prev + s0 + j] = t;
          h[cur + s0 + j] = og * t;
        }
      }
    }

    private static float sigmoid(float x) {
      return (float) (1 / (1 + Math.exp(-x)));
    }

    /** 1 - 2 / (e^{2x} + 1) in double: exact to float precision, and Math.exp is far cheaper than tanh. */
    private static float tanh(float x) {
      return (float) (1 - 2 / (Math.exp(2.0 * x) + 1));
    }
  }

  /**
   * The Vector API version: {@link LstmGates}, whose exp uses IEEE-exact operations only, so results do not
   * change when C2 compiles the loop (the actor kernel uses the same code). Only {@link LstmGates} names
   * {@code jdk.incubator.vector}, so the engine still loads without the module.
   */
  static final class VectorGateMath implements GateMath {
    @Override
    public void step(int bs, int hs, float[] z, int zOff, int ldz, float[] g, int gOff, float[] c, int prev,
        int cur, float[] tc, float[] h) {
      LstmGates.step(bs, hs, z, zOff, ldz, g, gOff, 4 * hs, c, prev, c, cur, tc, prev, h, cur);
    }
  }

  /** Preallocated activations and gradients for one (B, T). */
  private final class Workspace {
    final int bs;
    final int time;
    final int n;
    final int hs;
    final int na;
    /** What the arrays hold: the parameter version and window of the last forward (-1: none). */
    long forwardVersion = -1;
    int forwardT0 = -1;
    int forwardSeqLength = -1;
    /** Row views of a backward window [t0, t0 + tw), built once per window. */
    final Map<Long, Window> windows = new HashMap<>();
    final float[] xBuf;
    final INDArray x;
    final INDArray[] enc;
    final INDArray[] dEnc;
    final INDArray hExt;        // [(T+1)B, H]: block 0 = h0, block t+1 = h_t (gemm operand)
    final INDArray hs1;         // view: h_t for all t
    final INDArray hPrevAll;    // view: h_{t-1} for all t
    final INDArray v1;
    final INDArray v;
    final INDArray a1;
    final INDArray adv;
    final INDArray dv;
    final INDArray dAdv;
    final INDArray dA1;
    final INDArray dV1;
    final INDArray dHs;
    final INDArray dZ;
    final float[] dcNext;
    final INDArray ones;        // [N, 1] of ones: bias adds and bias gradients as gemms
    float[] scratchA = new float[0];
    float[] scratchB = new float[0];
    final float[] eJ;   // the LSTM input rows, xh = [e_t | h_{t-1}] rows, one step's pre-activations
    final float[] xh;
    final float[] zJ;
    final float[] gJ;   // Java copies of gates, cells (with c0 block), tanh(c), hidden states (with h0 block)
    final float[] cJ;
    final float[] tcJ;
    final float[] hJ;
    final float[] dhJ;
    final float[] dzJ;
    final float[] dhRec;
    final FloatBuffer hBuf;

    Workspace(int bs, int time) {
      this.bs = bs;
      this.time = time;
      this.n = bs * time;
      this.hs = spec.lstmSize();
      this.na = spec.numActions();
      int k = spec.headSize();
      xBuf = new float[n * spec.inputSize()];
      x = Nd4j.create(DataType.FLOAT, n, spec.inputSize());
      List<Integer> es = spec.encoderSizes();
      enc = new INDArray[es.size()];
      dEnc = new INDArray[es.size()];
      for (int i = 0; i < es.size(); i++) {
        enc[i] = Nd4j.create(DataType.FLOAT, n, es.get(i));
        dEnc[i] = Nd4j.create(DataType.FLOAT, n, es.get(i));
      }
      hExt = Nd4j.create(DataType.FLOAT, (long) (time + 1) * bs, hs);
      hs1 = rows(hExt, bs, (long) (time + 1) * bs);
      hPrevAll = rows(hExt, 0, n);
      dv = Nd4j.create(DataType.FLOAT, n, 1);
      dAdv = Nd4j.create(DataType.FLOAT, n, na);
      dA1 = Nd4j.create(DataType.FLOAT, n, k);
      dV1 = Nd4j.create(DataType.FLOAT, n, k);
      dHs = Nd4j.create(DataType.FLOAT, n, hs);
      dZ = Nd4j.create(DataType.FLOAT, n, 4L * hs);
      v1 = Nd4j.create(DataType.FLOAT, n, k);
      v = Nd4j.create(DataType.FLOAT, n, 1);
      a1 = Nd4j.create(DataType.FLOAT, n, k);
      adv = Nd4j.create(DataType.FLOAT, n, na);
      dcNext = new float[bs * hs];
      ones = Nd4j.ones(DataType.FLOAT, n, 1);
      int lstmIn = tensor("lstm.Wx").rows();
      eJ = new float[n * lstmIn];
      xh = new float[n * (lstmIn + hs)];
      zJ = new float[bs * wxh.paddedCols()];
      gJ = new float[n * 4 * hs];
      cJ = new float[(time + 1) * bs * hs];
      hJ = new float[(time + 1) * bs * hs];
      tcJ = new float[n * hs];
      dhJ = new float[bs * hs];
      dzJ = new float[bs * 4 * hs];
      dhRec = new float[bs * whT.paddedCols()];
      hBuf = hExt.data().asNioFloat();
    }

    void forward(int seqLength, int t0, float[] obs, int[] prevActions, float[] prevRewards, float[] h0,
        float[] c0) {
      forwardVersion = -1;
      lapStart();
      fillInputs(seqLength, t0, obs, prevActions, prevRewards, h0, c0);
      INDArray e = x;
      for (int i = 0; i < enc.length; i++) {
        gemm(e, w.get("enc" + i + ".W"), enc[i], false, false, 0);
        addBias(enc[i], w.get("enc" + i + ".b"));
        Transforms.relu(enc[i], false);
        e = enc[i];
      }
      // Rows of xh are [e_t | h_{t-1}]: the encoder output once per forward, each h when it is computed.
      int in = (int) e.size(1);
      int ldx = in + hs;
      e.data().asNioFloat().get(0, eJ, 0, n * in);
      for (int r = 0; r < n; r++) {
        System.arraycopy(eJ, r * in, xh, r * ldx, in);
      }
      for (int b = 0; b < bs; b++) {
        System.arraycopy(hJ, b * hs, xh, b * ldx + in, hs);
      }
      int h4 = 4 * hs;
      int ldz = wxh.paddedCols();
      lap(Phase.INPUT_ENCODER);
      for (int t = 0; t < time; t++) {
        ops.gemm(bs, xh, t * bs * ldx, ldx, wxh, lstmBias, zJ, 0, ldz);
        lap(Phase.RECURRENT_PRODUCT);
        int prevBase = t * bs * hs;
        int curBase = (t + 1) * bs * hs;
        gateMath.step(bs, hs, zJ, 0, ldz, gJ, t * bs * h4, cJ, prevBase, curBase, tcJ, hJ);
        if (t + 1 < time) {
          for (int b = 0; b < bs; b++) {
            System.arraycopy(hJ, curBase + b * hs, xh, ((t + 1) * bs + b) * ldx + in, hs);
          }
        }
        lap(Phase.GATES);
      }
      hBuf.put(bs * hs, hJ, bs * hs, n * hs);
      gemm(hs1, w.get("v1.W"), v1, false, false, 0);
      addBias(v1, w.get("v1.b"));
      Transforms.relu(v1, false);
      gemm(v1, w.get("v2.W"), v, false, false, 0);
      addBias(v, w.get("v2.b"));
      gemm(hs1, w.get("a1.W"), a1, false, false, 0);
      addBias(a1, w.get("a1.b"));
      Transforms.relu(a1, false);
      gemm(a1, w.get("a2.W"), adv, false, false, 0);
      addBias(adv, w.get("a2.b"));
      lap(Phase.HEADS_FORWARD);
      forwardVersion = paramVersion;
      forwardT0 = t0;
      forwardSeqLength = seqLength;
    }

    QUnroll result() {
      float[] vv = v.data().asFloat();
      float[] aa = adv.data().asFloat();
      float[] hh = hJ;
      float[] cc = cJ;
      float[] q = new float[n * na];
      float[] hOut = new float[n * hs];
      float[] cOut = new float[n * hs];
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          int r = t * bs + b;
          int o = b * time + t;
          double mean = 0;
          for (int a = 0; a < na; a++) {
            mean += aa[r * na + a];
          }
          float m = (float) (mean / na);
          for (int a = 0; a < na; a++) {
            q[o * na + a] = vv[r] + (aa[r * na + a] - m);
          }
          System.arraycopy(hh, (r + bs) * hs, hOut, o * hs, hs);
          System.arraycopy(cc, (r + bs) * hs, cOut, o * hs, hs);
        }
      }
      lap(Phase.HEADS_FORWARD);
      return new QUnroll(bs, time, na, hs, q, hOut, cOut);
    }

    /**
     * Backpropagates dQ (batch-major {@code [B*tw*A]}) through steps {@code [t0, t0 + tw)} of the current
     * forward into {@link #grads}; the state before {@code t0} is a constant. Rows are time-major, so a
     * window is a contiguous block of rows and every batched gemm runs on row views.
     */
    void backward(float[] dQin, int t0, int tw) {
      lapStart();
      Window v = windows.computeIfAbsent(((long) t0 << 32) | tw, k -> new Window(t0, tw));
      // Dueling head: Q = V + A - mean(A)  =>  dV = sum_a dQ,  dA = dQ - mean_a dQ.
      FloatBuffer dvb = dv.data().asNioFloat();
      FloatBuffer dab = dAdv.data().asNioFloat();
      for (int t = t0; t < t0 + tw; t++) {
        for (int b = 0; b < bs; b++) {
          int r = t * bs + b;
          int o = b * tw + (t - t0);
          float sum = 0;
          for (int a = 0; a < na; a++) {
            sum += dQin[o * na + a];
          }
          dvb.put(r, sum);
          for (int a = 0; a < na; a++) {
            dab.put(r * na + a, dQin[o * na + a] - sum / na);
          }
        }
      }
      gemm(v.a1, v.dAdv, grads.get("a2.W"), true, false, 0);
      colSum(v.ones, v.dAdv, grads.get("a2.b"));
      gemm(v.dAdv, w.get("a2.W"), v.dA1, false, true, 0);
      reluBackward(v.dA1, v.a1);
      gemm(v.hs1, v.dA1, grads.get("a1.W"), true, false, 0);
      colSum(v.ones, v.dA1, grads.get("a1.b"));
      gemm(v.dA1, w.get("a1.W"), v.dHs, false, true, 0);

      gemm(v.v1, v.dv, grads.get("v2.W"), true, false, 0);
      colSum(v.ones, v.dv, grads.get("v2.b"));
      gemm(v.dv, w.get("v2.W"), v.dV1, false, true, 0);
      reluBackward(v.dV1, v.v1);
      gemm(v.hs1, v.dV1, grads.get("v1.W"), true, false, 0);
      colSum(v.ones, v.dV1, grads.get("v1.b"));
      gemm(v.dV1, w.get("v1.W"), v.dHs, false, true, 1);

      lap(Phase.HEADS_BACKWARD);
      // Backpropagation through time; dHs[t-1] accumulates dz_t W_h^T before step t-1 is visited.
      FloatBuffer dhb = dHs.data().asNioFloat();
      FloatBuffer dzb = dZ.data().asNioFloat();
      java.util.Arrays.fill(dcNext, 0f);
      java.util.Arrays.fill(dhRec, 0f);
      int ldr = whT.paddedCols();
      int h4 = 4 * hs;
      for (int t = t0 + tw - 1; t >= t0; t--) {
        int prevBase = t * bs * hs;
        int gOff = t * bs * h4;
        dhb.get(prevBase, dhJ, 0, bs * hs);
        for (int b = 0; b < bs; b++) {
          int g0 = gOff + b * h4;
          for (int j = 0; j < hs; j++) {
            int s = b * hs + j;
            float ig = gJ[g0 + j];
            float fg = gJ[g0 + hs + j];
            float gg = gJ[g0 + 2 * hs + j];
            float og = gJ[g0 + 3 * hs + j];
            float tc = tcJ[prevBase + s];
            float cPrev = cJ[prevBase + s];
            float dh = dhJ[s] + dhRec[b * ldr + j];
            float dc = dcNext[s] + dh * og * (1 - tc * tc);
            dzJ[b * h4 + j] = dc * gg * ig * (1 - ig);
            dzJ[b * h4 + hs + j] = dc * cPrev * fg * (1 - fg);
            dzJ[b * h4 + 2 * hs + j] = dc * ig * (1 - gg * gg);
            dzJ[b * h4 + 3 * hs + j] = dh * tc * og * (1 - og);
            dcNext[s] = dc * fg;
          }
        }
        dzb.put(gOff, dzJ, 0, bs * h4);
        lap(Phase.BPTT_GATES);
        if (t > t0) {
          // dh_{t-1} from the recurrence (the heads' part is in dHs): dz_t W_h^T, read at step t-1.
          ops.gemm(bs, dzJ, 0, h4, whT, null, dhRec, 0, ldr);
          lap(Phase.BPTT_PRODUCT);
        }
      }
      gemm(v.hPrev, v.dZ, grads.get("lstm.Wh"), true, false, 0);
      gemm(v.eLast, v.dZ, grads.get("lstm.Wx"), true, false, 0);
      colSum(v.ones, v.dZ, grads.get("lstm.b"));
      lap(Phase.LSTM_WEIGHT_GRADIENTS);
      if (enc.length > 0) {
        gemm(v.dZ, w.get("lstm.Wx"), v.dEnc[enc.length - 1], false, true, 0);
        for (int i = enc.length - 1; i >= 0; i--) {
          reluBackward(v.dEnc[i], v.enc[i]);
          INDArray in = i == 0 ? v.x : v.enc[i - 1];
          gemm(in, v.dEnc[i], grads.get("enc" + i + ".W"), true, false, 0);
          colSum(v.ones, v.dEnc[i], grads.get("enc" + i + ".b"));
          if (i > 0) {
            gemm(v.dEnc[i], w.get("enc" + i + ".W"), v.dEnc[i - 1], false, true, 0);
          }
        }
      }
      lap(Phase.ENCODER_BACKWARD);
    }

    /** Row views [t0*B, (t0+tw)*B) of every array the backward pass reads or writes. */
    final class Window {
      final INDArray dAdv;
      final INDArray dv;
      final INDArray dA1;
      final INDArray dV1;
      final INDArray a1;
      final INDArray v1;
      final INDArray hs1;
      final INDArray hPrev;
      final INDArray dHs;
      final INDArray dZ;
      final INDArray eLast;
      final INDArray x;
      final INDArray[] enc;
      final INDArray[] dEnc;
      final INDArray ones;

      Window(int t0, int tw) {
        long r0 = (long) t0 * bs;
        long r1 = (long) (t0 + tw) * bs;
        dAdv = rows(Workspace.this.dAdv, r0, r1);
        dv = rows(Workspace.this.dv, r0, r1);
        dA1 = rows(Workspace.this.dA1, r0, r1);
        dV1 = rows(Workspace.this.dV1, r0, r1);
        a1 = rows(Workspace.this.a1, r0, r1);
        v1 = rows(Workspace.this.v1, r0, r1);
        hs1 = rows(hExt, r0 + bs, r1 + bs);
        hPrev = rows(hExt, r0, r1);
        dHs = rows(Workspace.this.dHs, r0, r1);
        dZ = rows(Workspace.this.dZ, r0, r1);
        x = rows(Workspace.this.x, r0, r1);
        enc = new INDArray[Workspace.this.enc.length];
        dEnc = new INDArray[enc.length];
        for (int i = 0; i < enc.length; i++) {
          enc[i] = rows(Workspace.this.enc[i], r0, r1);
          dEnc[i] = rows(Workspace.this.dEnc[i], r0, r1);
        }
        eLast = enc.length == 0 ? x : enc[enc.length - 1];
        ones = rows(Workspace.this.ones, 0, r1 - r0);
      }
    }

    /** d *= (out > 0): the ReLU's derivative read from its output (plain Java, no temporaries). */
    private void reluBackward(INDArray d, INDArray out) {
      // Both are contiguous row blocks of row-major arrays: their elements start at offset().
      int len = (int) d.length();
      if (scratchA.length < len) {
        scratchA = new float[len];
        scratchB = new float[len];
      }
      FloatBuffer db = d.data().asNioFloat();
      int dOff = (int) d.offset();
      db.get(dOff, scratchA, 0, len);
      out.data().asNioFloat().get((int) out.offset(), scratchB, 0, len);
      for (int i = 0; i < len; i++) {
        if (scratchB[i] <= 0f) {
          scratchA[i] = 0f;
        }
      }
      db.put(dOff, scratchA, 0, len);
    }

    /**
     * x += 1 b: the bias of every row as a rank-1 gemm. ND4J's addiRowVector builds temporary
     * broadcast-dimension arrays, and under GC pressure one was freed while native code still read it
     * (a SIGSEGV in execBroadcast, seen once here); gemm reads only the arrays we hold.
     */
    private void addBias(INDArray x, INDArray bias) {
      gemm(ones, bias, x, false, false, 1);
    }

    /** biasGrad = 1^T x: the column sums as a gemm (no temporaries). */
    private void colSum(INDArray onesRows, INDArray x, INDArray biasGrad) {
      gemm(onesRows, x, biasGrad, true, false, 0);
    }

    void fillInputs(int seqLength, int t0, float[] obs, int[] prevActions, float[] prevRewards, float[] h0,
        float[] c0) {
      int os = spec.obsSize();
      int in = spec.inputSize();
      if (t0 < 0 || t0 + time > seqLength) {
        throw new IllegalArgumentException("window [" + t0 + ", " + (t0 + time)
            + ") must lie inside sequences of length " + seqLength);
      }
      check("obs", obs.length, bs * seqLength * os);
      check("prevActions", prevActions.length, bs * seqLength);
      check("prevRewards", prevRewards.length, bs * seqLength);
      check("h0", h0.length, bs * hs);
      check("c0", c0.length, bs * hs);
      java.util.Arrays.fill(xBuf, 0f);
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          int src = b * seqLength + t0 + t;
          int row = (t * bs + b) * in;
          System.arraycopy(obs, src * os, xBuf, row, os);
          int pa = prevActions[src];
          if (pa >= na || pa < -1) {
            throw new IllegalArgumentException("prevActions[" + src + "] = " + pa + ", expected -1.." + (na - 1));
          }
          if (pa >= 0) {
            xBuf[row + os + pa] = 1f;
          }
          xBuf[row + os + na] = prevRewards[src];
        }
      }
      x.data().asNioFloat().put(xBuf);
      hBuf.put(0, h0);
      System.arraycopy(h0, 0, hJ, 0, h0.length);
      System.arraycopy(c0, 0, cJ, 0, c0.length);
    }

    private void check(String name, int got, int expected) {
      if (got != expected) {
        throw new IllegalArgumentException(name + ": expected length " + expected + ", got " + got);
      }
    }
  }
}
