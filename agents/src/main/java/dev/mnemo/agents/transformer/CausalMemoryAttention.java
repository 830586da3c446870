package dev.mnemo.agents.transformer;

import dev.mnemo.agents.ParamTensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Multi-head causal self-attention over {@code [memory ; segment]}, Transformer-XL style (Dai et al. 2019): the
 * queries are a segment's {@code T} rows, the keys and values the {@code M} memory rows (the previous segment's
 * hidden states, a constant here: no gradient flows into them) followed by the segment's own rows. For batch
 * element {@code b}, with {@code C = [mem_b ; x_b]} ({@code L = M + T} rows of width {@code d}), {@code H} heads of
 * width {@code dh = d / H}, query {@code t} (row {@code M + t} of {@code C}) and key {@code j}:
 * <pre>
 *   Q = x W_q,  K = C W_k,  V = C W_v
 *   s_htj = Q_th . K_jh / sqrt(dh) + rel_h[M + t - j]        for first_bt <= j <= M + t, else -infinity
 *   P_ht. = softmax_j(s_ht.),   O_th = sum_j P_htj V_jh,   y = O W_o
 * </pre>
 * Relative positions enter as a learned bias per head and distance (as in Shaw et al. 2018 and T5), not as
 * Transformer-XL's projected sinusoids: the same translation invariance across segments with one table of
 * {@code H x L} numbers. {@code first_bt} (at most {@code M + t}) hides the keys before it: memory rows not yet
 * filled at an episode's start, and the previous episode's rows when one ends inside the segment.
 *
 * <p>Backward, from {@code dy}: {@code dO = dy W_o^T}, {@code dW_o = O^T dy}; per head {@code dP_tj = dO_th . V_jh},
 * {@code dV_jh += P_tj dO_th}, {@code dS_tj = P_tj (dP_tj - sum_j' P_tj' dP_tj')}, {@code drel_h[M + t - j] += dS_tj},
 * {@code dQ_th += dS_tj K_jh / sqrt(dh)}, {@code dK_jh += dS_tj Q_th / sqrt(dh)}; then {@code dW_q = x^T dQ},
 * {@code dW_k = C^T dK}, {@code dW_v = C^T dV} (memory rows included: the weights see them) and
 * {@code dx = dQ W_q^T + dK_seg W_k^T + dV_seg W_v^T} (segment rows only: memory is a constant).
 */
public final class CausalMemoryAttention {

  private final int d;
  private final int heads;
  private final int dh;
  private final int mem;
  private final int seg;
  private final int len;
  /** {@code seg} rounded up to a multiple of 16 floats (whole vectors of up to 16 lanes): the score columns. */
  private final int segPad;
  /** Length of a head's table by distance {@code M + t - j}: {@code t < segPad}, {@code j < L}. */
  private final int extLen;
  private final float scale;

  /**
   * @param width model width {@code d}
   * @param heads {@code H}, dividing {@code d}
   * @param memory memory rows {@code M} (0: attention within the segment only)
   * @param segment segment rows {@code T}
   */
  public CausalMemoryAttention(int width, int heads, int memory, int segment) {
    if (width < 1 || heads < 1 || width % heads != 0) {
      throw new IllegalArgumentException("attention width " + width + " must be a positive multiple of heads "
          + heads);
    }
    if (memory < 0 || segment < 1) {
      throw new IllegalArgumentException("attention needs memory >= 0 and segment >= 1, got " + memory + ", "
          + segment);
    }
    this.d = width;
    this.heads = heads;
    this.dh = width / heads;
    this.mem = memory;
    this.seg = segment;
    this.len = memory + segment;
    this.segPad = (segment + 15) / 16 * 16;
    this.extLen = memory + segPad + segment - 1;
    this.scale = (float) (1.0 / Math.sqrt(dh));
  }

  /**
   * Added to a score a query may not see, once multiplied by {@code visible - 1}: its exp is then e^-30 (the exp's
   * clamp), and the weight is multiplied by {@code visible = 0} to exactly zero.
   */
  static final float HIDDEN = 1e30f;

  /**
   * 1 when key {@code j} lies in {@code [first, last]}, else 0, from arithmetic on floats holding integers (no mask
   * registers or branches): {@code clamp(min(j - first, last - j) + 1, 0, 1)}.
   */
  static float visible(int j, float first, float last) {
    return Math.min(Math.max(Math.min(j - first, last - j) + 1f, 0f), 1f);
  }

  public int width() {
    return d;
  }

  public int memory() {
    return mem;
  }

  public int segment() {
    return seg;
  }

  public int paramCount() {
    return 4 * d * d + heads * len;
  }

  /** {@code name.Wq, name.Wk, name.Wv, name.Wo} ({@code d x d}) and {@code name.rel} ({@code H x (M + T)}). */
  public List<ParamTensor> layout(String name) {
    return List.of(new ParamTensor(name + ".Wq", d, d, 0), new ParamTensor(name + ".Wk", d, d, d * d),
        new ParamTensor(name + ".Wv", d, d, 2 * d * d), new ParamTensor(name + ".Wo", d, d, 3 * d * d),
        new ParamTensor(name + ".rel", heads, len, 4 * d * d));
  }

  /** Glorot-uniform projections, zero relative biases. */
  public void initialize(float[] params, int offset, SplittableRandom rng) {
    double limit = Math.sqrt(6.0 / (2.0 * d));
    for (int i = 0; i < 4 * d * d; i++) {
      params[offset + i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
    }
    Arrays.fill(params, offset + 4 * d * d, offset + paramCount(), 0f);
  }

  /** Working memory for {@code batch} segments. */
  public Pass newPass(int batch) {
    return new Pass(batch);
  }

  /**
   * One forward and its backward over a batch of segments. Not thread-safe.
   *
   * <p>Per segment and head the scores are held transposed, {@code S^T = K_h Q_h^T} (a row per key, a column per
   * query, {@link #segPad} columns): the masked softmax then runs down the columns, one query per vector lane, with
   * element-wise vector operations only (no horizontal reductions, no plain-loop tails), and every product reads its
   * operands where they lie ({@code O = P V} reads {@code P^T} through strides). Each query's sums (the softmax's
   * normaliser, its backward's {@code sum_j P dP}) still run over the keys in ascending order and the products over
   * the same inner index as before, so the results are the bits of the row-wise form.
   */
  public final class Pass {
    private final int maxBatch;
    private final float[] c;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    /** Per segment and head {@code P^T}: {@code L} rows of {@link #segPad} (query) columns. */
    private final float[] pT;
    private final float[] o;
    private final float[] dO;
    private final float[] dQ;
    private final float[] dK;
    private final float[] dV;
    /** One segment and head's {@code dP^T}, then {@code dS^T} ({@code L x segPad}). */
    private final float[] dsT;
    /** One segment and head's queries or output gradients transposed ({@code dh x segPad}, padding columns zero). */
    private final float[] hT;
    /** Per segment and query lane, the first and last visible key (as floats; padding lanes see every key). */
    private final float[] firstLane;
    private final float[] lastLane;
    /** Per head the relative biases by distance {@code M + t - j}, zero outside {@code [0, L)} ({@link #extLen}). */
    private final float[] relExt;
    private final float[] relGradExt;
    /** A softmax column block's maxima. */
    private final float[] colMax;
    private final int[] first;
    /** A weight matrix transposed, for {@link RowMajor#mulAddBt}. */
    private final float[] wT;
    private int batch;
    private float[] x;
    private int xOff;

    private Pass(int maxBatch) {
      if (maxBatch < 1) {
        throw new IllegalArgumentException("an attention pass needs batch >= 1, got " + maxBatch);
      }
      this.maxBatch = maxBatch;
      c = new float[maxBatch * len * d];
      q = new float[maxBatch * seg * d];
      k = new float[maxBatch * len * d];
      v = new float[maxBatch * len * d];
      pT = new float[maxBatch * heads * len * segPad];
      o = new float[maxBatch * seg * d];
      dO = new float[maxBatch * seg * d];
      dQ = new float[maxBatch * seg * d];
      dK = new float[maxBatch * len * d];
      dV = new float[maxBatch * len * d];
      dsT = new float[len * segPad];
      hT = new float[dh * segPad];
      firstLane = new float[maxBatch * segPad];
      lastLane = new float[maxBatch * segPad];
      relExt = new float[heads * extLen];
      relGradExt = new float[heads * extLen];
      colMax = new float[segPad];
      first = new int[maxBatch * seg];
      wT = new float[d * d];
    }

    /**
     * {@code y} of {@code batch} segments: {@code x} holds {@code batch x T x d} floats at {@code xOff} (kept by
     * reference for the backward), {@code memory} {@code batch x M x d} at {@code memOff} (copied), and
     * {@code firstKey[b * T + t]} the first key row of {@code [mem ; x]} that query {@code t} of segment {@code b}
     * may see (0 ..= M + t).
     */
    public void forward(int batch, float[] params, int pOff, float[] x, int xOff, float[] memory, int memOff,
        int[] firstKey, float[] y, int yOff) {
      if (batch < 1 || batch > maxBatch) {
        throw new IllegalArgumentException("attention pass of " + batch + " segments, built for 1.." + maxBatch);
      }
      this.batch = batch;
      this.x = x;
      this.xOff = xOff;
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < seg; t++) {
          int f = firstKey[b * seg + t];
          if (f < 0 || f > mem + t) {
            throw new IllegalArgumentException("firstKey of segment " + b + ", query " + t + " is " + f
                + ": must be in [0, " + (mem + t) + "] (a query sees at least itself)");
          }
          first[b * seg + t] = f;
          firstLane[b * segPad + t] = f;
          lastLane[b * segPad + t] = mem + t;
        }
        for (int t = seg; t < segPad; t++) {
          firstLane[b * segPad + t] = 0f;
          lastLane[b * segPad + t] = len - 1;
        }
        System.arraycopy(memory, memOff + b * mem * d, c, b * len * d, mem * d);
        System.arraycopy(x, xOff + b * seg * d, c, b * len * d + mem * d, seg * d);
      }
      int rel = pOff + 4 * d * d;
      for (int h = 0; h < heads; h++) {
        Arrays.fill(relExt, h * extLen, (h + 1) * extLen, 0f);
        System.arraycopy(params, rel + h * len, relExt, h * extLen + seg - 1, len);
      }
      RowMajor.mul(batch * seg, d, d, x, xOff, d, params, pOff, d, q, 0, d);
      RowMajor.mul(batch * len, d, d, c, 0, d, params, pOff + d * d, d, k, 0, d);
      RowMajor.mul(batch * len, d, d, c, 0, d, params, pOff + 2 * d * d, d, v, 0, d);
      // Per segment and head: S^T = K_h Q_h^T (all L x T pairs; the masked ones get no weight), the masked softmax
      // down its columns in place, O_h = P V_h.
      for (int b = 0; b < batch; b++) {
        for (int h = 0; h < heads; h++) {
          int pBase = (b * heads + h) * len * segPad;
          int qOff = b * seg * d + h * dh;
          int kvOff = b * len * d + h * dh;
          transposeHead(q, qOff);
          RowMajor.mulStrided(len, dh, segPad, k, kvOff, d, 1, hT, 0, segPad, pT, pBase, segPad);
          softmaxColumns(pBase, b * segPad, h * extLen + mem + seg - 1);
          RowMajor.mulStrided(seg, len, dh, pT, pBase, 1, segPad, v, kvOff, d, o, qOff, d);
        }
      }
      RowMajor.mul(batch * seg, d, d, o, 0, d, params, pOff + 3 * d * d, d, y, yOff, d);
    }

    /**
     * The masked softmax of one segment and head's scores {@code S^T} (at {@code pBase} in {@link #pT}) down its
     * columns: {@code s = S * scale + rel}, the largest visible one subtracted, exp, zero weight on every key a query
     * may not see, normalised by the sum over keys in ascending order.
     */
    private void softmaxColumns(int pBase, int laneOff, int relAt) {
      if (RowMajor.LANES) {
        AttentionLanes.softmaxColumns(pT, pBase, len, segPad, scale, relExt, relAt, firstLane, lastLane, laneOff,
            colMax);
        return;
      }
      for (int t = 0; t < segPad; t++) {
        float f = firstLane[laneOff + t];
        float last = lastLane[laneOff + t];
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
          int i = pBase + j * segPad + t;
          float s = pT[i] * scale + relExt[relAt + t - j];
          s += (visible(j, f, last) - 1f) * HIDDEN;
          pT[i] = s;
          max = Math.max(max, s);
        }
        float sum = 0f;
        for (int j = 0; j < len; j++) {
          int i = pBase + j * segPad + t;
          float e = (float) Math.exp(pT[i] - max) * visible(j, f, last);
          pT[i] = e;
          sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < len; j++) {
          pT[pBase + j * segPad + t] *= inv;
        }
      }
    }

    /**
     * From {@code dy} ({@code batch x T x d}), writes dLoss/dx to {@code dx} (overwritten) and adds the parameter
     * gradients to {@code grad[gOff, gOff + paramCount())}. Memory gets none.
     */
    public void backward(float[] params, int pOff, float[] dy, int dyOff, float[] dx, int dxOff, float[] grad,
        int gOff) {
      int rows = batch * seg;
      // dQ, dK and dV are written head by head below (each head's columns once): no clearing pass.
      RowMajor.mulBt(rows, d, d, dy, dyOff, d, params, pOff + 3 * d * d, d, dO, 0, d, wT);
      RowMajor.mulAddAt(rows, d, d, o, 0, d, dy, dyOff, d, grad, gOff + 3 * d * d, d);
      // Per segment and head: dP^T = V_h dO_h^T, dV_h = P^T dO_h, the softmax's backward down the columns into
      // dS^T (scaled by 1 / sqrt(dh) after the relative biases took theirs), dQ_h = dS K_h, dK_h = dS^T Q_h.
      int relGrad = gOff + 4 * d * d;
      for (int h = 0; h < heads; h++) {
        Arrays.fill(relGradExt, h * extLen, (h + 1) * extLen, 0f);
        System.arraycopy(grad, relGrad + h * len, relGradExt, h * extLen + seg - 1, len);
      }
      for (int b = 0; b < batch; b++) {
        for (int h = 0; h < heads; h++) {
          int pBase = (b * heads + h) * len * segPad;
          int qOff = b * seg * d + h * dh;
          int kvOff = b * len * d + h * dh;
          transposeHead(dO, qOff);
          RowMajor.mulStrided(len, dh, segPad, v, kvOff, d, 1, hT, 0, segPad, dsT, 0, segPad);
          RowMajor.mulStrided(len, seg, dh, pT, pBase, segPad, 1, dO, qOff, d, dV, kvOff, d);
          softmaxBackwardColumns(pBase, h * extLen + mem + seg - 1);
          RowMajor.mulStrided(seg, len, dh, dsT, 0, 1, segPad, k, kvOff, d, dQ, qOff, d);
          RowMajor.mulStrided(len, seg, dh, dsT, 0, segPad, 1, q, qOff, d, dK, kvOff, d);
        }
      }
      for (int h = 0; h < heads; h++) {
        System.arraycopy(relGradExt, h * extLen + seg - 1, grad, relGrad + h * len, len);
      }
      RowMajor.mulAddAt(rows, d, d, x, xOff, d, dQ, 0, d, grad, gOff, d);
      RowMajor.mulAddAt(batch * len, d, d, c, 0, d, dK, 0, d, grad, gOff + d * d, d);
      RowMajor.mulAddAt(batch * len, d, d, c, 0, d, dV, 0, d, grad, gOff + 2 * d * d, d);
      RowMajor.mulBt(rows, d, d, dQ, 0, d, params, pOff, d, dx, dxOff, d, wT);
      for (int b = 0; b < batch; b++) {
        int segRows = (b * len + mem) * d;
        int out = dxOff + b * seg * d;
        RowMajor.mulAddBt(seg, d, d, dK, segRows, d, params, pOff + d * d, d, dx, out, d, wT);
        RowMajor.mulAddBt(seg, d, d, dV, segRows, d, params, pOff + 2 * d * d, d, dx, out, d, wT);
      }
    }

    /**
     * The softmax's backward down the columns of one segment and head, {@code dP^T} in {@link #dsT}:
     * {@code dS = P (dP - sum_j P dP)} into the relative biases' gradients (by distance), then scaled into dsT.
     */
    private void softmaxBackwardColumns(int pBase, int relAt) {
      if (RowMajor.LANES) {
        AttentionLanes.softmaxBackwardColumns(pT, pBase, dsT, len, segPad, scale, relGradExt, relAt);
        return;
      }
      for (int t = 0; t < segPad; t++) {
        float dot = 0f;
        for (int j = 0; j < len; j++) {
          dot += pT[pBase + j * segPad + t] * dsT[j * segPad + t];
        }
        for (int j = 0; j < len; j++) {
          float ds = pT[pBase + j * segPad + t] * (dsT[j * segPad + t] - dot);
          relGradExt[relAt + t - j] += ds;
          dsT[j * segPad + t] = ds * scale;
        }
      }
    }

    /** Head columns ({@code dh} at {@code off}) of one segment's {@code T} rows (stride d) into hT, transposed. */
    private void transposeHead(float[] a, int off) {
      for (int e = 0; e < dh; e++) {
        int te = e * segPad;
        int ae = off + e;
        for (int t = 0; t < seg; t++) {
          hT[te + t] = a[ae + t * d];
        }
      }
    }

    /**
     * After {@link #backward}: dLoss/d(memory rows) as inputs of this layer, {@code dK_mem W_k^T + dV_mem W_v^T}
     * ({@code batch x M x d}, overwritten). The memory itself is a constant: this is for what computed the rows
     * in this step (a layer norm whose parameters see them), never propagated to the previous segment.
     */
    public void memoryGradient(float[] params, int pOff, float[] dMem, int off) {
      Arrays.fill(dMem, off, off + batch * mem * d, 0f);
      for (int b = 0; b < batch; b++) {
        int rowsAt = b * len * d;
        int out = off + b * mem * d;
        RowMajor.mulAddBt(mem, d, d, dK, rowsAt, d, params, pOff + d * d, d, dMem, out, d, wT);
        RowMajor.mulAddBt(mem, d, d, dV, rowsAt, d, params, pOff + 2 * d * d, d, dMem, out, d, wT);
      }
    }

    /**
     * The attention weights of the last forward, in a new array: {@code P[((b * H + h) * T + t) * (M + T) + j]}, zero
     * for every key a query may not see. For checks (it allocates).
     */
    public float[] probabilities() {
      float[] p = new float[batch * heads * seg * len];
      for (int bh = 0; bh < batch * heads; bh++) {
        for (int t = 0; t < seg; t++) {
          for (int j = 0; j < len; j++) {
            p[(bh * seg + t) * len + j] = pT[(bh * len + j) * segPad + t];
          }
        }
      }
      return p;
    }
  }
}
