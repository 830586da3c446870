package dev.mnemo.agents.r2d2;

import dev.mnemo.agents.blocks.DenseReluStack;
import dev.mnemo.agents.blocks.DuelingHead;
import dev.mnemo.agents.blocks.InputRow;
import dev.mnemo.agents.core.CoreTraining;
import dev.mnemo.agents.core.RecurrentCore;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link RecurrentQSpec}'s network composed of its blocks' training forms, entirely in Java on the
 * {@link BatchOps} products: input row ({@link InputRow}) + encoder ({@link DenseReluStack}) + recurrent core
 * ({@link RecurrentCore#training}) + dueling head ({@link DuelingHead}). Forward runs the encoder and the head
 * as one product per layer over all B*T rows and the core step by step; backward runs the head, then
 * backpropagation through time in the core, then the encoder, each weight gradient one product over the
 * window.
 *
 * <p>Why no ND4J: SameDiff 1.0.0-M2.1 spends ~0.1 ms of bookkeeping per graph op (an update at the paper's
 * scale cost seconds), and ND4J's bundled OpenBLAS 0.3.19 falls back to its generic SSE3 kernels on CPUs
 * newer than itself unless OPENBLAS_CORETYPE is set. The Java kernels run these shapes at 100+ GFLOP/s,
 * allocate no native memory and give the same bits in every run. {@link RecurrentQNetwork} (SameDiff) stays
 * the reference that tests hold this class to.
 *
 * <p>Internally rows are time-major ({@code r = t*B + b}) so each step's block is contiguous; the API is
 * batch-major like {@link RecurrentQNetwork}. Not thread-safe.
 */
public final class RecurrentQGemm implements RecurrentQModel {

  private final RecurrentQSpec spec;
  private final float[] params;
  private final BatchOps ops = BatchOps.best();
  private final int na;
  private final int in;
  private final int stateSize;
  private final int coreOff;
  private final int headOff;
  /** Null when the spec has no encoder layers (the core then reads the input row). */
  private final DenseReluStack encoder;
  private final CoreTraining core;
  private final DuelingHead head;
  /** One workspace per (batch, time) in use: a learner alternates whole-sequence and trained windows. */
  private final Map<Long, Workspace> workspaces = new HashMap<>();
  /** Bumped by every {@link #setParams}: a workspace's activations are reusable only for the same version. */
  private long paramVersion;
  /** Per-phase CPU time, accumulated only while {@link #setProfiling} is on (the benchmark's profile). */
  private final long[] phaseNanos = new long[Phase.values().length];
  private boolean profiling;
  private long lapStart;
  private final java.lang.management.ThreadMXBean cpuClock =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** Where an update's time goes, for {@link #phaseNanos}. */
  public enum Phase {
    /** Input rows and the encoder's forward. */
    INPUT_ENCODER,
    /** The core's forward over every step. */
    CORE_FORWARD,
    /** The dueling head's forward (and the Q result). */
    HEADS_FORWARD,
    /** The dueling head's backward: its weight gradients and dH. */
    HEADS_BACKWARD,
    /** The core's backpropagation through time, its weight gradients and dX. */
    CORE_BACKWARD,
    /** The encoder's backward. */
    ENCODER_BACKWARD
  }

  public RecurrentQGemm(RecurrentQSpec spec, long seed) {
    this(spec, RecurrentQNetwork.initialParams(spec, seed));
  }

  public RecurrentQGemm(RecurrentQSpec spec, float[] params) {
    this.spec = spec;
    this.params = new float[spec.paramCount()];
    this.na = spec.numActions();
    this.in = spec.inputSize();
    RecurrentCore c = spec.core();
    this.stateSize = c.stateSize();
    this.coreOff = spec.coreOffset();
    this.headOff = spec.headOffset();
    this.encoder = spec.encoderSizes().isEmpty() ? null : new DenseReluStack(ops, in, spec.encoderSizes());
    this.core = c.training(ops);
    this.head = new DuelingHead(ops, spec.coreSize(), spec.headSize(), na);
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
    if (encoder != null) {
      encoder.load(params, 0);
    }
    core.load(params, coreOff);
    head.load(params, headOff);
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

  @Override
  public QUnroll unroll(int batch, int seqLength, int t0, int time, float[] obs, int[] prevActions,
      float[] prevRewards, float[] state0) {
    Workspace s = workspace(batch, time);
    s.forward(seqLength, t0, obs, prevActions, prevRewards, state0);
    return s.result();
  }

  @Override
  public void gradient(int batch, int seqLength, int t0, int time, float[] obs, int[] prevActions,
      float[] prevRewards, float[] state0, float[] dQ, float[] gradOut) {
    checkGradientArgs(batch, time, dQ, gradOut);
    Workspace s = workspace(batch, time);
    s.forward(seqLength, t0, obs, prevActions, prevRewards, state0);
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
  @Override
  public void gradientOfLastUnroll(int batch, int seqLength, int t0, int time, float[] dQ, float[] gradOut) {
    checkGradientArgs(batch, time, dQ, gradOut);
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

  private void checkGradientArgs(int batch, int time, float[] dQ, float[] gradOut) {
    if (dQ == null || dQ.length != batch * time * na) {
      throw new IllegalArgumentException("dQ: expected length " + batch * time * na);
    }
    if (gradOut == null || gradOut.length != params.length) {
      throw new IllegalArgumentException("gradOut: expected length " + params.length);
    }
  }

  private Workspace workspace(int batch, int time) {
    if (batch < 1 || time < 1) {
      throw new IllegalArgumentException("batch and time must be >= 1, got batch=" + batch + ", time=" + time);
    }
    return workspaces.computeIfAbsent(((long) batch << 32) | time, key -> new Workspace(batch, time));
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
    final float[] x;      // [n, in]: [obs | onehot(prevAction) | prevReward], time-major rows
    final float[] dqT;    // [n, A]: dLoss/dQ of a window, time-major rows
    final DenseReluStack.Pass enc;
    final CoreTraining.Pass rec;
    final DuelingHead.Pass heads;

    Workspace(int bs, int time) {
      this.bs = bs;
      this.time = time;
      this.n = bs * time;
      x = new float[n * in];
      dqT = new float[n * na];
      enc = encoder == null ? null : encoder.newPass(n);
      rec = core.newPass(bs, time);
      heads = head.newPass(n);
    }

    void forward(int seqLength, int t0, float[] obs, int[] prevActions, float[] prevRewards, float[] state0) {
      forwardVersion = -1;
      lapStart();
      fillInputs(seqLength, t0, obs, prevActions, prevRewards, state0);
      float[] e = x;
      int lde = in;
      if (enc != null) {
        enc.forward(x, 0, in);
        e = enc.output();
        lde = enc.outputLd();
      }
      lap(Phase.INPUT_ENCODER);
      rec.forward(e, 0, lde, state0, 0);
      lap(Phase.CORE_FORWARD);
      heads.forward(rec.output(), rec.outputOffset(), rec.outputStride());
      lap(Phase.HEADS_FORWARD);
      forwardVersion = paramVersion;
      forwardT0 = t0;
      forwardSeqLength = seqLength;
    }

    QUnroll result() {
      float[] q = new float[n * na];
      float[] states = new float[n * stateSize];
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          int o = b * time + t;
          heads.q(t * bs + b, q, o * na);
          rec.copyState(t, b, states, o * stateSize);
        }
      }
      lap(Phase.HEADS_FORWARD);
      return new QUnroll(bs, time, na, stateSize, q, states);
    }

    /**
     * Backpropagates dQ (batch-major {@code [B*tw*A]}) through steps {@code [t0, t0 + tw)} of the current
     * forward into {@code gradOut} (layout order); the state before {@code t0} is a constant.
     */
    void backward(float[] dQin, int t0, int tw, float[] gradOut) {
      lapStart();
      for (int t = 0; t < tw; t++) {
        for (int b = 0; b < bs; b++) {
          System.arraycopy(dQin, (b * tw + t) * na, dqT, (t * bs + b) * na, na);
        }
      }
      int r0 = t0 * bs;
      int nw = tw * bs;
      heads.backward(r0, nw, dqT, 0, gradOut, headOff);
      lap(Phase.HEADS_BACKWARD);
      rec.backward(t0, tw, heads.inputGradient(), 0, heads.inputGradientLd(), null,
          enc == null ? null : enc.outputGradient(), 0, enc == null ? 0 : enc.outputGradientLd(), gradOut, coreOff);
      lap(Phase.CORE_BACKWARD);
      if (enc != null) {
        enc.backward(r0, nw, gradOut, 0);
      }
      lap(Phase.ENCODER_BACKWARD);
    }

    void fillInputs(int seqLength, int t0, float[] obs, int[] prevActions, float[] prevRewards, float[] state0) {
      int os = spec.obsSize();
      if (t0 < 0 || t0 + time > seqLength) {
        throw new IllegalArgumentException("window [" + t0 + ", " + (t0 + time)
            + ") must lie inside sequences of length " + seqLength);
      }
      check("obs", obs.length, bs * seqLength * os);
      check("prevActions", prevActions.length, bs * seqLength);
      check("prevRewards", prevRewards.length, bs * seqLength);
      check("state0", state0.length, bs * stateSize);
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          int src = b * seqLength + t0 + t;
          InputRow.fill(x, (t * bs + b) * in, obs, src * os, os, na, prevActions[src], prevRewards[src]);
        }
      }
    }

    private void check(String name, int got, int expected) {
      if (got != expected) {
        throw new IllegalArgumentException(name + ": expected length " + expected + ", got " + got);
      }
    }
  }
}
