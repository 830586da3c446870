package dev.mnemo.agents.r2d2;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.LstmGates;
import dev.mnemo.agents.kernel.PackedMatrix;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link RecurrentQSpec}'s network with hand-derived backpropagation through time, entirely in Java on
 * the register-tiled {@link BatchOps} product (Vector API where available) and preallocated arrays:
 * <ul>
 *   <li>forward: the encoder and both dueling head layers as one product each over all B*T rows, the
 *       recurrence as one product {@code [e_t | h_{t-1}] [W_x; W_h] + b} per step (the input projection
 *       folded in) and the cell's deterministic gate math ({@link LstmGates});</li>
 *   <li>backward: per step only the cell's elementwise backward and {@code dz_t W_h^T}; every weight
 *       gradient is ONE product over all rows of the window, {@code X^T dY}, with X transposed once and a
 *       row of ones appended so the bias gradient (the column sums of dY) comes out of the same product.</li>
 * </ul>
 *
 * <p>Why no ND4J: SameDiff 1.0.0-M2.1 spends ~0.1 ms of bookkeeping per graph op (an update at the paper's
 * scale cost seconds), and ND4J's bundled OpenBLAS 0.3.19 falls back to its generic SSE3 kernels on CPUs
 * newer than itself (~25 GFLOP/s on this machine's core instead of ~130) unless OPENBLAS_CORETYPE is set.
 * The Java kernel runs these shapes at 100+ GFLOP/s whatever the BLAS, allocates no native memory (so no GC
 * pressure from native buffers) and gives the same bits in every run. {@link RecurrentQNetwork} (SameDiff)
 * stays the reference that tests hold this class to.
 *
 * <p>Internally rows are time-major ({@code r = t*B + b}) so each step's block is contiguous; the API is
 * batch-major like {@link RecurrentQNetwork}. Not thread-safe.
 */
public final class RecurrentQGemm implements RecurrentQModel {

  private final RecurrentQSpec spec;
  private final List<ParamTensor> layout;
  private final Map<String, ParamTensor> byName;
  private final float[] params;
  /** One workspace per (batch, time) in use: a learner alternates whole-sequence and trained windows. */
  private final Map<Long, Workspace> workspaces = new HashMap<>();
  /** Bumped by every {@link #setParams}: a workspace's activations are reusable only for the same version. */
  private long paramVersion;
  private final GateMath gateMath = GateMath.best();
  private final BatchOps ops = BatchOps.best();
  private final int hs;
  private final int na;
  private final int k;
  /** Widths: {@code widths[0]} the input row, {@code widths[i + 1]} encoder layer i's output. */
  private final int[] widths;
  private final int lstmIn;
  /** Encoder layer i: W_i, its padded bias, and W_i^T (i >= 1: the backward's dPrev = dE_i W_i^T). */
  private final PackedMatrix[] encW;
  private final float[][] encB;
  private final PackedMatrix[] encWT;
  /** Offsets of encoder layer i's W and b in the flat parameters (the backward writes gradients there). */
  private final int[] encWOff;
  private final int[] encBOff;
  /** [W_x; W_h] for the step product, its bias; W_h^T for dz_t W_h^T; W_x^T for the encoder's dE = dZ W_x^T. */
  private final PackedMatrix wxh;
  private final float[] lstmBias;
  private final PackedMatrix whT;
  private final PackedMatrix wxT;
  /** Heads: w1 = [v1.W | a1.W], w2 = [[v2.W, 0], [0, a2.W]] (block-diagonal), and their transposes. */
  private final PackedMatrix w1;
  private final float[] b1;
  private final PackedMatrix w1T;
  private final PackedMatrix w2;
  private final float[] b2;
  private final PackedMatrix w2T;
  /** Row-major staging for the transposed and block-assembled weights loaded by {@link #setParams}. */
  private final float[] stage;
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
    this.byName = spec.layoutByName();
    this.params = new float[spec.paramCount()];
    this.hs = spec.lstmSize();
    this.na = spec.numActions();
    this.k = spec.headSize();
    List<Integer> es = spec.encoderSizes();
    int lanes = ops.lanes();
    widths = new int[es.size() + 1];
    widths[0] = spec.inputSize();
    encW = new PackedMatrix[es.size()];
    encB = new float[es.size()][];
    encWT = new PackedMatrix[es.size()];
    encWOff = new int[es.size()];
    encBOff = new int[es.size()];
    int maxStage = 0;
    for (int i = 0; i < es.size(); i++) {
      widths[i + 1] = es.get(i);
      encWOff[i] = tensor("enc" + i + ".W").offset();
      encBOff[i] = tensor("enc" + i + ".b").offset();
      encW[i] = new PackedMatrix(widths[i], widths[i + 1], lanes);
      encB[i] = new float[encW[i].paddedCols()];
      if (i > 0) {
        encWT[i] = new PackedMatrix(widths[i + 1], widths[i], lanes);
      }
      maxStage = Math.max(maxStage, widths[i] * widths[i + 1]);
    }
    lstmIn = widths[es.size()];
    int g4 = 4 * hs;
    wxh = new PackedMatrix(lstmIn + hs, g4, lanes);
    lstmBias = new float[wxh.paddedCols()];
    whT = new PackedMatrix(g4, hs, lanes);
    wxT = es.isEmpty() ? null : new PackedMatrix(g4, lstmIn, lanes);
    w1 = new PackedMatrix(hs, 2 * k, lanes);
    b1 = new float[w1.paddedCols()];
    w1T = new PackedMatrix(2 * k, hs, lanes);
    w2 = new PackedMatrix(2 * k, 1 + na, lanes);
    b2 = new float[w2.paddedCols()];
    w2T = new PackedMatrix(1 + na, 2 * k, lanes);
    maxStage = Math.max(maxStage, Math.max(g4 * Math.max(hs, lstmIn), Math.max(hs * 2 * k, 2 * k * (1 + na))));
    stage = new float[maxStage];
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
    for (int i = 0; i < encW.length; i++) {
      int rows = widths[i];
      int cols = widths[i + 1];
      encW[i].load(params, encWOff[i], cols, 0, 0, rows, cols);
      System.arraycopy(params, encBOff[i], encB[i], 0, cols);
      if (encWT[i] != null) {
        loadTransposed(encWT[i], encWOff[i], rows, cols, 0, 0);
      }
    }
    ParamTensor wx = tensor("lstm.Wx");
    ParamTensor wh = tensor("lstm.Wh");
    int g4 = 4 * hs;
    wxh.load(params, wx.offset(), g4, 0, 0, wx.rows(), g4);
    wxh.load(params, wh.offset(), g4, wx.rows(), 0, hs, g4);
    System.arraycopy(params, tensor("lstm.b").offset(), lstmBias, 0, g4);
    loadTransposed(whT, wh, 0, 0);
    if (wxT != null) {
      loadTransposed(wxT, wx, 0, 0);
    }
    // Heads: [v1.W | a1.W] side by side; [[v2.W, 0], [0, a2.W]] block-diagonal (zero blocks stay zero).
    ParamTensor v1 = tensor("v1.W");
    ParamTensor a1 = tensor("a1.W");
    w1.load(params, v1.offset(), k, 0, 0, hs, k);
    w1.load(params, a1.offset(), k, 0, k, hs, k);
    System.arraycopy(params, tensor("v1.b").offset(), b1, 0, k);
    System.arraycopy(params, tensor("a1.b").offset(), b1, k, k);
    loadTransposed(w1T, v1, 0, 0);
    loadTransposed(w1T, a1, k, 0);
    ParamTensor v2 = tensor("v2.W");
    ParamTensor a2 = tensor("a2.W");
    w2.load(params, v2.offset(), 1, 0, 0, k, 1);
    w2.load(params, a2.offset(), na, k, 1, k, na);
    b2[0] = params[tensor("v2.b").offset()];
    System.arraycopy(params, tensor("a2.b").offset(), b2, 1, na);
    loadTransposed(w2T, v2, 0, 0);
    loadTransposed(w2T, a2, 1, k);
  }

  /** Loads parameter tensor {@code t} transposed into {@code dst} at (row0, col0), via {@link #stage}. */
  private void loadTransposed(PackedMatrix dst, ParamTensor t, int row0, int col0) {
    loadTransposed(dst, t.offset(), t.rows(), t.cols(), row0, col0);
  }

  private void loadTransposed(PackedMatrix dst, int off, int rows, int cols, int row0, int col0) {
    transpose(rows, cols, params, off, cols, stage, 0, rows);
    dst.load(stage, 0, rows, row0, col0, cols, rows);
  }

  /** {@code dst[j, i] = src[i, j]} for a {@code rows x cols} block, in 16-row strips (cache-friendly). */
  static void transpose(int rows, int cols, float[] src, int srcOff, int lds, float[] dst, int dstOff, int ldd) {
    for (int i0 = 0; i0 < rows; i0 += 16) {
      int i1 = Math.min(rows, i0 + 16);
      for (int j = 0; j < cols; j++) {
        int d = dstOff + j * ldd;
        for (int i = i0; i < i1; i++) {
          dst[d + i] = src[srcOff + i * lds + j];
        }
      }
    }
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
    ParamTensor t = byName.get(name);
    if (t == null) {
      throw new IllegalStateException("no parameter tensor " + name + " in the layout");
    }
    return t;
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
    s.backward(dQ, 0, time, gradOut);
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
    s.backward(dQ, t0, time, gradOut);
  }

  private Workspace workspace(int batch, int time) {
    if (batch < 1 || time < 1) {
      throw new IllegalArgumentException("batch and time must be >= 1, got batch=" + batch + ", time=" + time);
    }
    return workspaces.computeIfAbsent(((long) batch << 32) | time, key -> new Workspace(batch, time));
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

    /**
     * The cell's backward for one step (see {@link LstmGates#backward}): dz from the gates {@code g}, tanh(c)
     * and c_{t-1} at {@code prev}, dh = dhA + dhB, and the carried cell gradient {@code dcNext} (updated
     * in place).
     */
    void backward(int bs, int hs, float[] g, int gOff, float[] tc, float[] c, int prev, float[] dhA, int dhAOff,
        int ldA, float[] dhB, int ldB, float[] dcNext, float[] dz, int dzOff);

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

    @Override
    public void backward(int bs, int hs, float[] g, int gOff, float[] tc, float[] c, int prev, float[] dhA,
        int dhAOff, int ldA, float[] dhB, int ldB, float[] dcNext, float[] dz, int dzOff) {
      int h4 = 4 * hs;
      for (int b = 0; b < bs; b++) {
        int g0 = gOff + b * h4;
        int z0 = dzOff + b * h4;
        for (int j = 0; j < hs; j++) {
          int s = b * hs + j;
          float ig = g[g0 + j];
          float fg = g[g0 + hs + j];
          float gg = g[g0 + 2 * hs + j];
          float og = g[g0 + 3 * hs + j];
          float t = tc[prev + s];
          float cPrev = c[prev + s];
          float dh = dhA[dhAOff + b * ldA + j] + dhB[b * ldB + j];
          float dc = dcNext[s] + dh * og * (1 - t * t);
          dz[z0 + j] = dc * gg * ig * (1 - ig);
          dz[z0 + hs + j] = dc * cPrev * fg * (1 - fg);
          dz[z0 + 2 * hs + j] = dc * ig * (1 - gg * gg);
          dz[z0 + 3 * hs + j] = dh * t * og * (1 - og);
          dcNext[s] = dc * fg;
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

    @Override
    public void backward(int bs, int hs, float[] g, int gOff, float[] tc, float[] c, int prev, float[] dhA,
        int dhAOff, int ldA, float[] dhB, int ldB, float[] dcNext, float[] dz, int dzOff) {
      LstmGates.backward(bs, hs, g, gOff, tc, prev, c, prev, dhA, dhAOff, ldA, dhB, 0, ldB, dcNext, dz, dzOff);
    }
  }

  /** Preallocated activations and gradients for one (B, T). */
  private final class Workspace {
    final int bs;
    final int time;
    final int n;
    /** What the arrays hold: the parameter version and window of the last forward (-1: none). */
    long forwardVersion = -1;
    int forwardT0 = -1;
    int forwardSeqLength = -1;
    /** Per backward window [t0, t0 + tw): its packed and transposed operands, built once. */
    final Map<Long, Window> windows = new HashMap<>();
    final int ldu;
    final int ldva;
    final int ldh;
    final int[] ldEnc;
    final float[] x;      // [n, in]: [obs | onehot(prevAction) | prevReward]
    final float[][] enc;  // [n, ldEnc[i]]: encoder outputs after ReLU
    final float[] xh;     // [n, lstmIn + H]: row r = [e_r | h_{r-1}]
    final float[] zJ;     // one step's pre-activations
    final float[] gJ;     // [n, 4H] activated gates
    final float[] cJ;     // [(T+1)B, H]: block 0 = c0, block t+1 = c_t
    final float[] tcJ;    // [n, H]: tanh(c_t)
    final float[] hJ;     // [(T+1)B, H]: block 0 = h0, block t+1 = h_t
    final float[] u;      // [n, ldu]: [relu(v1) | relu(a1)]
    final float[] va;     // [n, ldva]: [v | a]
    final float[] dva;
    final float[] dU;
    final float[] dHs;    // [n, ldh]: dLoss/dh_t through the heads
    final float[] dZ;     // [n, 4H]
    final float[][] dE;   // [n, ldEnc[i]]
    final float[] dcNext;
    final float[] dhRec;

    Workspace(int bs, int time) {
      this.bs = bs;
      this.time = time;
      this.n = bs * time;
      int h4 = 4 * hs;
      ldu = w1.paddedCols();
      ldva = w2.paddedCols();
      ldh = w1T.paddedCols();
      ldEnc = new int[encW.length];
      x = new float[n * widths[0]];
      enc = new float[encW.length][];
      dE = new float[encW.length][];
      for (int i = 0; i < encW.length; i++) {
        ldEnc[i] = encW[i].paddedCols();
        enc[i] = new float[n * ldEnc[i]];
        dE[i] = new float[n * ldEnc[i]];
      }
      xh = new float[n * (lstmIn + hs)];
      zJ = new float[bs * wxh.paddedCols()];
      gJ = new float[n * h4];
      cJ = new float[(time + 1) * bs * hs];
      tcJ = new float[n * hs];
      hJ = new float[(time + 1) * bs * hs];
      u = new float[n * ldu];
      va = new float[n * ldva];
      dva = new float[n * ldva];
      dU = new float[n * ldu];
      dHs = new float[n * ldh];
      dZ = new float[n * h4];
      dcNext = new float[bs * hs];
      dhRec = new float[bs * whT.paddedCols()];
    }

    void forward(int seqLength, int t0, float[] obs, int[] prevActions, float[] prevRewards, float[] h0,
        float[] c0) {
      forwardVersion = -1;
      lapStart();
      fillInputs(seqLength, t0, obs, prevActions, prevRewards, h0, c0);
      float[] e = x;
      int lde = widths[0];
      for (int i = 0; i < encW.length; i++) {
        ops.gemm(n, e, 0, lde, encW[i], encB[i], enc[i], 0, ldEnc[i]);
        ops.relu(n, ldEnc[i], enc[i], 0, ldEnc[i]);
        e = enc[i];
        lde = ldEnc[i];
      }
      // Rows of xh are [e_t | h_{t-1}]: the encoder output once per forward, each h when it is computed.
      int ldx = lstmIn + hs;
      for (int r = 0; r < n; r++) {
        System.arraycopy(e, r * lde, xh, r * ldx, lstmIn);
      }
      for (int b = 0; b < bs; b++) {
        System.arraycopy(hJ, b * hs, xh, b * ldx + lstmIn, hs);
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
            System.arraycopy(hJ, curBase + b * hs, xh, ((t + 1) * bs + b) * ldx + lstmIn, hs);
          }
        }
        lap(Phase.GATES);
      }
      // Heads over all rows: u = relu(h [v1.W | a1.W] + b1), [v | a] = u W2 + b2 (block-diagonal W2).
      ops.gemm(n, hJ, bs * hs, hs, w1, b1, u, 0, ldu);
      ops.relu(n, ldu, u, 0, ldu);
      ops.gemm(n, u, 0, ldu, w2, b2, va, 0, ldva);
      lap(Phase.HEADS_FORWARD);
      forwardVersion = paramVersion;
      forwardT0 = t0;
      forwardSeqLength = seqLength;
    }

    QUnroll result() {
      float[] q = new float[n * na];
      float[] hOut = new float[n * hs];
      float[] cOut = new float[n * hs];
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          int r = t * bs + b;
          int o = b * time + t;
          int vr = r * ldva;
          double mean = 0;
          for (int a = 0; a < na; a++) {
            mean += va[vr + 1 + a];
          }
          float m = (float) (mean / na);
          for (int a = 0; a < na; a++) {
            q[o * na + a] = va[vr] + (va[vr + 1 + a] - m);
          }
          System.arraycopy(hJ, (r + bs) * hs, hOut, o * hs, hs);
          System.arraycopy(cJ, (r + bs) * hs, cOut, o * hs, hs);
        }
      }
      lap(Phase.HEADS_FORWARD);
      return new QUnroll(bs, time, na, hs, q, hOut, cOut);
    }

    /**
     * Backpropagates dQ (batch-major {@code [B*tw*A]}) through steps {@code [t0, t0 + tw)} of the current
     * forward into {@code gradOut} (layout order); the state before {@code t0} is a constant. Rows are
     * time-major, so a window is a contiguous block of rows; backward arrays are indexed from the window's
     * first row.
     */
    void backward(float[] dQin, int t0, int tw, float[] gradOut) {
      lapStart();
      int oV2W = tensor("v2.W").offset();
      int oA2W = tensor("a2.W").offset();
      int oV1W = tensor("v1.W").offset();
      int oA1W = tensor("a1.W").offset();
      int oWx = tensor("lstm.Wx").offset();
      int oWh = tensor("lstm.Wh").offset();
      Window v = windows.computeIfAbsent(((long) t0 << 32) | tw, key -> new Window(tw));
      int r0 = t0 * bs;
      int nw = tw * bs;
      // Dueling head: Q = V + A - mean(A)  =>  dV = sum_a dQ,  dA = dQ - mean_a dQ.
      for (int t = 0; t < tw; t++) {
        for (int b = 0; b < bs; b++) {
          int w = t * bs + b;
          int o = (b * tw + t) * na;
          float sum = 0;
          for (int a = 0; a < na; a++) {
            sum += dQin[o + a];
          }
          dva[w * ldva] = sum;
          for (int a = 0; a < na; a++) {
            dva[w * ldva + 1 + a] = dQin[o + a] - sum / na;
          }
        }
      }
      // Second head layer: [W2; b2] gradient = [u; 1]^T dva; then dU = dva W2^T, masked by ReLU.
      v.dva.load(dva, 0, ldva, 0, 0, nw, 1 + na);
      transpose(nw, 2 * k, u, r0 * ldu, ldu, v.uT, 0, v.ldT);
      ops.gemm(2 * k + 1, v.uT, 0, v.ldT, v.dva, null, v.g2, 0, ldva);
      for (int j = 0; j < k; j++) {
        gradOut[oV2W + j] = v.g2[j * ldva];
        System.arraycopy(v.g2, (k + j) * ldva + 1, gradOut, oA2W + j * na, na);
      }
      gradOut[tensor("v2.b").offset()] = v.g2[2 * k * ldva];
      System.arraycopy(v.g2, 2 * k * ldva + 1, gradOut, tensor("a2.b").offset(), na);
      ops.gemm(nw, dva, 0, ldva, w2T, null, dU, 0, ldu);
      reluBackward(nw, 2 * k, dU, 0, ldu, u, r0 * ldu, ldu);
      // First head layer: [W1; b1] gradient = [h; 1]^T dU; the heads' dH = dU W1^T.
      v.dU.load(dU, 0, ldu, 0, 0, nw, 2 * k);
      transpose(nw, hs, hJ, (r0 + bs) * hs, hs, v.hT, 0, v.ldT);
      ops.gemm(hs + 1, v.hT, 0, v.ldT, v.dU, null, v.g1, 0, ldu);
      for (int i = 0; i < hs; i++) {
        System.arraycopy(v.g1, i * ldu, gradOut, oV1W + i * k, k);
        System.arraycopy(v.g1, i * ldu + k, gradOut, oA1W + i * k, k);
      }
      System.arraycopy(v.g1, hs * ldu, gradOut, tensor("v1.b").offset(), k);
      System.arraycopy(v.g1, hs * ldu + k, gradOut, tensor("a1.b").offset(), k);
      ops.gemm(nw, dU, 0, ldu, w1T, null, dHs, 0, ldh);
      lap(Phase.HEADS_BACKWARD);

      // Backpropagation through time; dhRec carries dz_{t+1} W_h^T into step t.
      java.util.Arrays.fill(dcNext, 0f);
      java.util.Arrays.fill(dhRec, 0f);
      int ldr = whT.paddedCols();
      int h4 = 4 * hs;
      for (int t = t0 + tw - 1; t >= t0; t--) {
        int prevBase = t * bs * hs;
        int gOff = t * bs * h4;
        int zOff = (t - t0) * bs * h4;
        int dhOff = (t - t0) * bs * ldh;
        gateMath.backward(bs, hs, gJ, gOff, tcJ, cJ, prevBase, dHs, dhOff, ldh, dhRec, ldr, dcNext, dZ, zOff);
        lap(Phase.BPTT_GATES);
        if (t > t0) {
          // dh_{t-1} from the recurrence (the heads' part is in dHs): dz_t W_h^T, read at step t-1.
          ops.gemm(bs, dZ, zOff, h4, whT, null, dhRec, 0, ldr);
          lap(Phase.BPTT_PRODUCT);
        }
      }
      // [W_x; W_h; b] gradient = [e | h_prev | 1]^T dZ in one product: xh's rows are [e_t | h_{t-1}].
      int ldx = lstmIn + hs;
      v.dZ.load(dZ, 0, h4, 0, 0, nw, h4);
      transpose(nw, ldx, xh, r0 * ldx, ldx, v.xhT, 0, v.ldT);
      int ldl = v.dZ.paddedCols();
      ops.gemm(ldx + 1, v.xhT, 0, v.ldT, v.dZ, null, v.gl, 0, ldl);
      for (int i = 0; i < lstmIn; i++) {
        System.arraycopy(v.gl, i * ldl, gradOut, oWx + i * h4, h4);
      }
      for (int i = 0; i < hs; i++) {
        System.arraycopy(v.gl, (lstmIn + i) * ldl, gradOut, oWh + i * h4, h4);
      }
      System.arraycopy(v.gl, ldx * ldl, gradOut, tensor("lstm.b").offset(), h4);
      lap(Phase.LSTM_WEIGHT_GRADIENTS);
      if (encW.length > 0) {
        int last = encW.length - 1;
        ops.gemm(nw, dZ, 0, h4, wxT, null, dE[last], 0, ldEnc[last]);
        for (int i = last; i >= 0; i--) {
          int out = widths[i + 1];
          int in = widths[i];
          reluBackward(nw, out, dE[i], 0, ldEnc[i], enc[i], r0 * ldEnc[i], ldEnc[i]);
          v.dE[i].load(dE[i], 0, ldEnc[i], 0, 0, nw, out);
          float[] src = i == 0 ? x : enc[i - 1];
          int lds = i == 0 ? widths[0] : ldEnc[i - 1];
          transpose(nw, in, src, r0 * lds, lds, v.inT[i], 0, v.ldT);
          ops.gemm(in + 1, v.inT[i], 0, v.ldT, v.dE[i], null, v.ge[i], 0, ldEnc[i]);
          for (int r = 0; r < in; r++) {
            System.arraycopy(v.ge[i], r * ldEnc[i], gradOut, encWOff[i] + r * out, out);
          }
          System.arraycopy(v.ge[i], in * ldEnc[i], gradOut, encBOff[i], out);
          if (i > 0) {
            ops.gemm(nw, dE[i], 0, ldEnc[i], encWT[i], null, dE[i - 1], 0, ldEnc[i - 1]);
          }
        }
      }
      lap(Phase.ENCODER_BACKWARD);
    }

    /**
     * A window's operands of the weight-gradient products {@code [X | 1]^T dY}: every dY packed in column
     * panels over the window's rows (the product's reduction), every X transposed with a last row of ones
     * (set once here), and the products' outputs.
     */
    final class Window {
      final PackedMatrix dva;
      final PackedMatrix dU;
      final PackedMatrix dZ;
      final PackedMatrix[] dE;
      final float[] uT;
      final float[] hT;
      final float[] xhT;
      final float[][] inT;
      final float[] g2;
      final float[] g1;
      final float[] gl;
      final float[][] ge;
      /**
       * Row stride of the transposed operands: nw plus 16 floats, so that the eight rows a tile reads are
       * not a multiple of 4 KB apart (with nw = 5120 they all fell into one L1 set).
       */
      final int ldT;

      Window(int tw) {
        int nw = tw * bs;
        ldT = nw + 16;
        int lanes = ops.lanes();
        dva = new PackedMatrix(nw, 1 + na, lanes);
        dU = new PackedMatrix(nw, 2 * k, lanes);
        dZ = new PackedMatrix(nw, 4 * hs, lanes);
        uT = withOnesRow(2 * k, nw);
        hT = withOnesRow(hs, nw);
        xhT = withOnesRow(lstmIn + hs, nw);
        g2 = new float[(2 * k + 1) * ldva];
        g1 = new float[(hs + 1) * ldu];
        gl = new float[(lstmIn + hs + 1) * dZ.paddedCols()];
        dE = new PackedMatrix[encW.length];
        inT = new float[encW.length][];
        ge = new float[encW.length][];
        for (int i = 0; i < encW.length; i++) {
          dE[i] = new PackedMatrix(nw, widths[i + 1], lanes);
          inT[i] = withOnesRow(widths[i], nw);
          ge[i] = new float[(widths[i] + 1) * ldEnc[i]];
        }
      }

      /** A [rows + 1, ldT] array whose last row holds {@code cols} ones (the bias gradient's column sums). */
      private float[] withOnesRow(int rows, int cols) {
        float[] a = new float[(rows + 1) * ldT];
        java.util.Arrays.fill(a, rows * ldT, rows * ldT + cols, 1f);
        return a;
      }
    }

    private void reluBackward(int rows, int cols, float[] d, int dOff, int ldd, float[] out, int oOff, int ldo) {
      ops.reluBackward(rows, cols, d, dOff, ldd, out, oOff, ldo);
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
      java.util.Arrays.fill(x, 0f);
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          int src = b * seqLength + t0 + t;
          int row = (t * bs + b) * in;
          System.arraycopy(obs, src * os, x, row, os);
          int pa = prevActions[src];
          if (pa >= na || pa < -1) {
            throw new IllegalArgumentException("prevActions[" + src + "] = " + pa + ", expected -1.." + (na - 1));
          }
          if (pa >= 0) {
            x[row + os + pa] = 1f;
          }
          x[row + os + na] = prevRewards[src];
        }
      }
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
