package dev.mnemo.agents.r2d2;

import dev.mnemo.agents.ParamTensor;
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
 * {@link RecurrentQSpec}'s network with hand-derived backpropagation through time on ND4J: every matrix
 * product is one in-place {@code gemm} on preallocated arrays (the encoder, input projection, heads and
 * all weight gradients batched over all B*T rows; only {@code h W_h} and {@code dz W_h^T} per step), the
 * gate nonlinearities are in-place ND4J transforms on views, and the cheap elementwise products are
 * plain Java over the arrays' native buffers.
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

  public RecurrentQGemm(RecurrentQSpec spec, long seed) {
    this(spec, RecurrentQNetwork.initialParams(spec, seed));
  }

  public RecurrentQGemm(RecurrentQSpec spec, float[] params) {
    this.spec = spec;
    this.layout = spec.layout();
    this.params = new float[spec.paramCount()];
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
    for (ParamTensor t : layout) {
      w.get(t.name()).data().asNioFloat().put(params, t.offset(), t.size());
    }
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
    s.backward(dQ);
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

  private static INDArray cols(INDArray a, long from, long to) {
    return a.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
  }

  private static void gemm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double beta) {
    Nd4j.gemm(a, b, c, ta, tb, 1.0, beta);
  }


  /** Preallocated activations and gradients for one (B, T). */
  private final class Workspace {
    final int bs;
    final int time;
    final int n;
    final int hs;
    final int na;
    final float[] xBuf;
    final INDArray x;
    final INDArray[] enc;
    final INDArray[] dEnc;
    final INDArray gates;       // [N, 4H], pre-activation then activated in place; rows t*B + b
    final INDArray hExt;        // [(T+1)B, H]: block 0 = h0, block t+1 = h_t (gemm operand)
    final INDArray tanhC;       // [N, H]
    final INDArray hs1;         // view: h_t for all t
    final INDArray hPrevAll;    // view: h_{t-1} for all t
    final INDArray[] gateT;
    final INDArray[] gateIf;
    final INDArray[] gateG;
    final INDArray[] gateO;
    final INDArray[] hPrevT;
    final INDArray[] tanhCT;
    final INDArray v1;
    final INDArray v;
    final INDArray a1;
    final INDArray adv;
    final INDArray dq;
    final INDArray dv;
    final INDArray dAdv;
    final INDArray dA1;
    final INDArray dV1;
    final INDArray dHs;
    final INDArray[] dHsT;
    final INDArray dZ;
    final INDArray[] dZT;
    final float[] dcNext;
    final INDArray ones;        // [N, 1] of ones: bias adds and bias gradients as gemms
    float[] scratchA = new float[0];
    float[] scratchB = new float[0];
    final float[] gJ;   // Java copies of gates, cells (with c0 block), tanh(c), hidden states (with h0 block)
    final float[] cJ;
    final float[] tcJ;
    final float[] hJ;
    final float[] dhJ;
    final float[] dzJ;
    final FloatBuffer gBuf;
    final FloatBuffer hBuf;
    final FloatBuffer tcBuf;

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
      gates = Nd4j.create(DataType.FLOAT, n, 4L * hs);
      hExt = Nd4j.create(DataType.FLOAT, (long) (time + 1) * bs, hs);
      tanhC = Nd4j.create(DataType.FLOAT, n, hs);
      hs1 = rows(hExt, bs, (long) (time + 1) * bs);
      hPrevAll = rows(hExt, 0, n);
      gateT = new INDArray[time];
      gateIf = new INDArray[time];
      gateG = new INDArray[time];
      gateO = new INDArray[time];
      hPrevT = new INDArray[time];
      tanhCT = new INDArray[time];
      dq = Nd4j.create(DataType.FLOAT, n, na);
      dv = Nd4j.create(DataType.FLOAT, n, 1);
      dAdv = Nd4j.create(DataType.FLOAT, n, na);
      dA1 = Nd4j.create(DataType.FLOAT, n, k);
      dV1 = Nd4j.create(DataType.FLOAT, n, k);
      dHs = Nd4j.create(DataType.FLOAT, n, hs);
      dZ = Nd4j.create(DataType.FLOAT, n, 4L * hs);
      dHsT = new INDArray[time];
      dZT = new INDArray[time];
      for (int t = 0; t < time; t++) {
        long r0 = (long) t * bs;
        long r1 = r0 + bs;
        gateT[t] = rows(gates, r0, r1);
        gateIf[t] = cols(gateT[t], 0, 2L * hs);
        gateG[t] = cols(gateT[t], 2L * hs, 3L * hs);
        gateO[t] = cols(gateT[t], 3L * hs, 4L * hs);
        hPrevT[t] = rows(hExt, r0, r1);
        tanhCT[t] = rows(tanhC, r0, r1);
        dHsT[t] = rows(dHs, r0, r1);
        dZT[t] = rows(dZ, r0, r1);
      }
      v1 = Nd4j.create(DataType.FLOAT, n, k);
      v = Nd4j.create(DataType.FLOAT, n, 1);
      a1 = Nd4j.create(DataType.FLOAT, n, k);
      adv = Nd4j.create(DataType.FLOAT, n, na);
      dcNext = new float[bs * hs];
      ones = Nd4j.ones(DataType.FLOAT, n, 1);
      gJ = new float[n * 4 * hs];
      cJ = new float[(time + 1) * bs * hs];
      hJ = new float[(time + 1) * bs * hs];
      tcJ = new float[n * hs];
      dhJ = new float[bs * hs];
      dzJ = new float[bs * 4 * hs];
      gBuf = gates.data().asNioFloat();
      hBuf = hExt.data().asNioFloat();
      tcBuf = tanhC.data().asNioFloat();
    }

    void forward(int seqLength, int t0, float[] obs, int[] prevActions, float[] prevRewards, float[] h0,
        float[] c0) {
      fillInputs(seqLength, t0, obs, prevActions, prevRewards, h0, c0);
      INDArray e = x;
      for (int i = 0; i < enc.length; i++) {
        gemm(e, w.get("enc" + i + ".W"), enc[i], false, false, 0);
        addBias(enc[i], w.get("enc" + i + ".b"));
        Transforms.relu(enc[i], false);
        e = enc[i];
      }
      // The input projection of every step in one gemm; steps only add h_{t-1} W_h.
      gemm(e, w.get("lstm.Wx"), gates, false, false, 0);
      addBias(gates, w.get("lstm.b"));
      INDArray wh = w.get("lstm.Wh");
      int h4 = 4 * hs;
      for (int t = 0; t < time; t++) {
        gemm(hPrevT[t], wh, gateT[t], false, false, 1);
        Transforms.sigmoid(gateIf[t], false);
        Transforms.tanh(gateG[t], false);
        Transforms.sigmoid(gateO[t], false);
        // Elementwise work in Java arrays with bulk copies: per-element access to a direct buffer is slow.
        int gOff = t * bs * h4;
        gBuf.get(gOff, gJ, gOff, bs * h4);
        int prevBase = t * bs * hs;
        int curBase = (t + 1) * bs * hs;
        for (int b = 0; b < bs; b++) {
          int g0 = gOff + b * h4;
          int s0 = b * hs;
          for (int j = 0; j < hs; j++) {
            cJ[curBase + s0 + j] = gJ[g0 + hs + j] * cJ[prevBase + s0 + j] + gJ[g0 + j] * gJ[g0 + 2 * hs + j];
          }
        }
        tcBuf.put(prevBase, cJ, curBase, bs * hs);
        Transforms.tanh(tanhCT[t], false);
        tcBuf.get(prevBase, tcJ, prevBase, bs * hs);
        for (int b = 0; b < bs; b++) {
          int g0 = gOff + b * h4 + 3 * hs;
          int s0 = b * hs;
          for (int j = 0; j < hs; j++) {
            hJ[curBase + s0 + j] = gJ[g0 + j] * tcJ[prevBase + s0 + j];
          }
        }
        hBuf.put(curBase, hJ, curBase, bs * hs);
      }
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
      return new QUnroll(bs, time, na, hs, q, hOut, cOut);
    }

    void backward(float[] dQin) {
      // Dueling head: Q = V + A - mean(A)  =>  dV = sum_a dQ,  dA = dQ - mean_a dQ.
      FloatBuffer dqb = dq.data().asNioFloat();
      FloatBuffer dvb = dv.data().asNioFloat();
      FloatBuffer dab = dAdv.data().asNioFloat();
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          int r = t * bs + b;
          int o = b * time + t;
          float sum = 0;
          for (int a = 0; a < na; a++) {
            float d = dQin[o * na + a];
            dqb.put(r * na + a, d);
            sum += d;
          }
          dvb.put(r, sum);
          for (int a = 0; a < na; a++) {
            dab.put(r * na + a, dQin[o * na + a] - sum / na);
          }
        }
      }
      gemm(a1, dAdv, grads.get("a2.W"), true, false, 0);
      colSum(dAdv, grads.get("a2.b"));
      gemm(dAdv, w.get("a2.W"), dA1, false, true, 0);
      reluBackward(dA1, a1);
      gemm(hs1, dA1, grads.get("a1.W"), true, false, 0);
      colSum(dA1, grads.get("a1.b"));
      gemm(dA1, w.get("a1.W"), dHs, false, true, 0);

      gemm(v1, dv, grads.get("v2.W"), true, false, 0);
      colSum(dv, grads.get("v2.b"));
      gemm(dv, w.get("v2.W"), dV1, false, true, 0);
      reluBackward(dV1, v1);
      gemm(hs1, dV1, grads.get("v1.W"), true, false, 0);
      colSum(dV1, grads.get("v1.b"));
      gemm(dV1, w.get("v1.W"), dHs, false, true, 1);

      // Backpropagation through time; dHs[t-1] accumulates dz_t W_h^T before step t-1 is visited.
      FloatBuffer dhb = dHs.data().asNioFloat();
      FloatBuffer dzb = dZ.data().asNioFloat();
      INDArray wh = w.get("lstm.Wh");
      java.util.Arrays.fill(dcNext, 0f);
      int h4 = 4 * hs;
      for (int t = time - 1; t >= 0; t--) {
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
            float dh = dhJ[s];
            float dc = dcNext[s] + dh * og * (1 - tc * tc);
            dzJ[b * h4 + j] = dc * gg * ig * (1 - ig);
            dzJ[b * h4 + hs + j] = dc * cPrev * fg * (1 - fg);
            dzJ[b * h4 + 2 * hs + j] = dc * ig * (1 - gg * gg);
            dzJ[b * h4 + 3 * hs + j] = dh * tc * og * (1 - og);
            dcNext[s] = dc * fg;
          }
        }
        dzb.put(gOff, dzJ, 0, bs * h4);
        if (t > 0) {
          gemm(dZT[t], wh, dHsT[t - 1], false, true, 1);
        }
      }
      gemm(hPrevAll, dZ, grads.get("lstm.Wh"), true, false, 0);
      INDArray eLast = enc.length == 0 ? x : enc[enc.length - 1];
      gemm(eLast, dZ, grads.get("lstm.Wx"), true, false, 0);
      colSum(dZ, grads.get("lstm.b"));
      if (enc.length > 0) {
        gemm(dZ, w.get("lstm.Wx"), dEnc[enc.length - 1], false, true, 0);
        for (int i = enc.length - 1; i >= 0; i--) {
          reluBackward(dEnc[i], enc[i]);
          INDArray in = i == 0 ? x : enc[i - 1];
          gemm(in, dEnc[i], grads.get("enc" + i + ".W"), true, false, 0);
          colSum(dEnc[i], grads.get("enc" + i + ".b"));
          if (i > 0) {
            gemm(dEnc[i], w.get("enc" + i + ".W"), dEnc[i - 1], false, true, 0);
          }
        }
      }
    }

    /** d *= (out > 0): the ReLU's derivative read from its output (plain Java, no temporaries). */
    private void reluBackward(INDArray d, INDArray out) {
      int len = (int) d.length();
      if (scratchA.length < len) {
        scratchA = new float[len];
        scratchB = new float[len];
      }
      FloatBuffer db = d.data().asNioFloat();
      db.get(0, scratchA, 0, len);
      out.data().asNioFloat().get(0, scratchB, 0, len);
      for (int i = 0; i < len; i++) {
        if (scratchB[i] <= 0f) {
          scratchA[i] = 0f;
        }
      }
      db.put(0, scratchA, 0, len);
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
    private void colSum(INDArray x, INDArray biasGrad) {
      gemm(ones, x, biasGrad, true, false, 0);
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
