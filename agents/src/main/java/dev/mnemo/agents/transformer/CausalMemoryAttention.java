package dev.mnemo.agents.transformer;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.ExpLanes;
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
  /** {@code len} rounded up to a multiple of 16 floats (whole vectors of up to 16 lanes). */
  private final int lenPad;
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
    this.lenPad = (len + 15) / 16 * 16;
    this.scale = (float) (1.0 / Math.sqrt(dh));
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

  /** One forward and its backward over a batch of segments. Not thread-safe. */
  public final class Pass {
    private final int maxBatch;
    private final float[] c;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] p;
    private final float[] o;
    private final float[] dO;
    private final float[] dQ;
    private final float[] dK;
    private final float[] dV;
    /**
     * One segment and head's scores, and dLoss/dP then dLoss/dS, rows {@link #lenPad} apart: the products write whole
     * vectors (a row of L = 36 would leave a tail for plain loops; the padding columns hold zeros and are not read).
     */
    private final float[] sc;
    private final float[] dS;
    /** One segment and head's keys or values transposed ({@code dh x L}, rows {@link #lenPad} apart, zero-padded). */
    private final float[] kT;
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
      p = new float[maxBatch * heads * seg * len];
      o = new float[maxBatch * seg * d];
      dO = new float[maxBatch * seg * d];
      dQ = new float[maxBatch * seg * d];
      dK = new float[maxBatch * len * d];
      dV = new float[maxBatch * len * d];
      sc = new float[seg * lenPad];
      dS = new float[seg * lenPad];
      kT = new float[dh * lenPad];
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
        }
        System.arraycopy(memory, memOff + b * mem * d, c, b * len * d, mem * d);
        System.arraycopy(x, xOff + b * seg * d, c, b * len * d + mem * d, seg * d);
      }
      RowMajor.mul(batch * seg, d, d, x, xOff, d, params, pOff, d, q, 0, d);
      RowMajor.mul(batch * len, d, d, c, 0, d, params, pOff + d * d, d, k, 0, d);
      RowMajor.mul(batch * len, d, d, c, 0, d, params, pOff + 2 * d * d, d, v, 0, d);
      // Per segment and head, three small products: S = Q_h K_h^T (all T x L pairs; the masked ones are then
      // overwritten), the masked softmax in place, O_h = P V_h (the masked weights are zeros).
      int rel = pOff + 4 * d * d;
      for (int b = 0; b < batch; b++) {
        for (int h = 0; h < heads; h++) {
          int pBase = (b * heads + h) * seg * len;
          int qOff = b * seg * d + h * dh;
          int kvOff = b * len * d + h * dh;
          transposeHead(k, kvOff);
          RowMajor.mulStrided(seg, dh, lenPad, q, qOff, d, 1, kT, 0, lenPad, sc, 0, lenPad);
          for (int t = 0; t < seg; t++) {
            int pi = pBase + t * len;
            int si = t * lenPad;
            int last = mem + t;
            int f = first[b * seg + t];
            float max = Float.NEGATIVE_INFINITY;
            for (int j = f; j <= last; j++) {
              float sc = this.sc[si + j] * scale + params[rel + h * len + (last - j)];
              p[pi + j] = sc;
              max = Math.max(max, sc);
            }
            for (int j = f; j <= last; j++) {
              p[pi + j] -= max;
            }
            if (RowMajor.LANES) {
              // The acting kernel's exp (GtrxlKernel's softmax): ~1e-7 relative, arguments clamped at -30.
              ExpLanes.expInPlace(p, pi + f, last - f + 1);
            } else {
              for (int j = f; j <= last; j++) {
                p[pi + j] = (float) Math.exp(p[pi + j]);
              }
            }
            float sum = 0f;
            for (int j = f; j <= last; j++) {
              sum += p[pi + j];
            }
            float inv = 1f / sum;
            for (int j = f; j <= last; j++) {
              p[pi + j] *= inv;
            }
            Arrays.fill(p, pi, pi + f, 0f);
            Arrays.fill(p, pi + last + 1, pi + len, 0f);
          }
          RowMajor.mulStrided(seg, len, dh, p, pBase, len, 1, v, kvOff, d, o, qOff, d);
        }
      }
      RowMajor.mul(batch * seg, d, d, o, 0, d, params, pOff + 3 * d * d, d, y, yOff, d);
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
      // Per segment and head: dP = dO_h V_h^T, dV_h += P^T dO_h, the softmax's backward into dS (scaled by
      // 1 / sqrt(dh) after the relative biases took theirs), dQ_h += dS K_h, dK_h += dS^T Q_h.
      int relGrad = gOff + 4 * d * d;
      for (int b = 0; b < batch; b++) {
        for (int h = 0; h < heads; h++) {
          int pBase = (b * heads + h) * seg * len;
          int qOff = b * seg * d + h * dh;
          int kvOff = b * len * d + h * dh;
          transposeHead(v, kvOff);
          RowMajor.mulStrided(seg, dh, lenPad, dO, qOff, d, 1, kT, 0, lenPad, dS, 0, lenPad);
          RowMajor.mulStrided(len, seg, dh, p, pBase, 1, len, dO, qOff, d, dV, kvOff, d);
          for (int t = 0; t < seg; t++) {
            int pi = pBase + t * len;
            int si = t * lenPad;
            int last = mem + t;
            int f = first[b * seg + t];
            float dot = 0f;
            for (int j = f; j <= last; j++) {
              dot += p[pi + j] * dS[si + j];
            }
            for (int j = f; j <= last; j++) {
              float ds = p[pi + j] * (dS[si + j] - dot);
              grad[relGrad + h * len + (last - j)] += ds;
              dS[si + j] = ds * scale;
            }
            Arrays.fill(dS, si, si + f, 0f);
            Arrays.fill(dS, si + last + 1, si + len, 0f);
          }
          RowMajor.mulStrided(seg, len, dh, dS, 0, lenPad, 1, k, kvOff, d, dQ, qOff, d);
          RowMajor.mulStrided(len, seg, dh, dS, 0, 1, lenPad, q, qOff, d, dK, kvOff, d);
        }
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

    /** Head {@code h}'s columns of one segment's {@code L} rows at {@code off} (row stride d) into kT, transposed. */
    private void transposeHead(float[] a, int off) {
      for (int j = 0; j < len; j++) {
        int aj = off + j * d;
        for (int e = 0; e < dh; e++) {
          kT[e * lenPad + j] = a[aj + e];
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
     * The attention weights of the last forward: {@code P[((b * H + h) * T + t) * (M + T) + j]}, zero for every
     * key a query may not see.
     */
    public float[] probabilities() {
      return p;
    }
  }
}
