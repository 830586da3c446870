package dev.mnemo.agents.transformer;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.core.BlockLayerNorm;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One GTrXL layer (Parisotto et al. 2020, "identity map reordering" with gating): layer norm on the sub-layers'
 * inputs only, ReLU on their outputs, and a {@link GtrxlGate} in place of each residual add. With {@code E} the
 * segment's rows entering the layer and {@code Mem} this layer's memory (the rows that entered it in the previous
 * segment, a constant):
 * <pre>
 *   Y  = Attention(LN_1([Mem ; E]))                 ({@link CausalMemoryAttention}: queries from E's rows)
 *   E1 = gate_1(E, relu(Y))
 *   F  = relu(LN_2(E1) W_1 + b_1) W_2 + b_2         (position-wise MLP, hidden width {@code ff})
 *   E2 = gate_2(E1, relu(F))
 * </pre>
 * {@code LN_1} normalises the memory rows too, so its gain and bias get gradient from them; nothing flows into the
 * memory itself (Transformer-XL's stop-gradient). Backward is the chain of the pieces' backwards (each checked on
 * its own) and this class's own MLP and layer norms; the test checks the whole against finite differences.
 */
public final class GtrxlBlock {

  private final int d;
  private final int ff;
  private final CausalMemoryAttention attention;
  private final GtrxlGate gate1;
  private final GtrxlGate gate2;
  private final BlockLayerNorm norm;
  /** The ReLUs and their backwards (vectorised on the Vector API; the same results as plain loops). */
  private final BatchOps ops;
  // Parameter offsets inside the block.
  private final int ln1;
  private final int att;
  private final int g1;
  private final int ln2;
  private final int w1;
  private final int b1;
  private final int w2;
  private final int b2;
  private final int g2;
  private final int count;

  /**
   * @param width model width {@code d}
   * @param heads attention heads (dividing {@code d})
   * @param memory memory rows {@code M}
   * @param segment segment rows {@code T}
   * @param ffWidth the MLP's hidden width
   * @param gateBias {@link GtrxlGate}'s {@code b_g}
   */
  public GtrxlBlock(int width, int heads, int memory, int segment, int ffWidth, double gateBias, BatchOps ops) {
    if (ffWidth < 1) {
      throw new IllegalArgumentException("MLP width must be >= 1, got " + ffWidth);
    }
    this.d = width;
    this.ff = ffWidth;
    this.attention = new CausalMemoryAttention(width, heads, memory, segment);
    this.gate1 = new GtrxlGate(width, gateBias, ops);
    this.gate2 = new GtrxlGate(width, gateBias, ops);
    this.ops = ops;
    this.norm = BlockLayerNorm.of(ops);
    int off = 0;
    ln1 = off;
    off += 2 * d;
    att = off;
    off += attention.paramCount();
    g1 = off;
    off += gate1.paramCount();
    ln2 = off;
    off += 2 * d;
    w1 = off;
    off += d * ff;
    b1 = off;
    off += ff;
    w2 = off;
    off += ff * d;
    b2 = off;
    off += d;
    g2 = off;
    off += gate2.paramCount();
    count = off;
  }

  public int paramCount() {
    return count;
  }

  public CausalMemoryAttention attention() {
    return attention;
  }

  /** The block's tensors under {@code name.}, in layout order. */
  public List<ParamTensor> layout(String name) {
    List<ParamTensor> l = new ArrayList<>();
    l.add(new ParamTensor(name + ".ln1.gamma", 1, d, ln1));
    l.add(new ParamTensor(name + ".ln1.beta", 1, d, ln1 + d));
    for (ParamTensor t : attention.layout(name + ".att")) {
      l.add(new ParamTensor(t.name(), t.rows(), t.cols(), att + t.offset()));
    }
    for (ParamTensor t : gate1.layout(name + ".gate1")) {
      l.add(new ParamTensor(t.name(), t.rows(), t.cols(), g1 + t.offset()));
    }
    l.add(new ParamTensor(name + ".ln2.gamma", 1, d, ln2));
    l.add(new ParamTensor(name + ".ln2.beta", 1, d, ln2 + d));
    l.add(new ParamTensor(name + ".W1", d, ff, w1));
    l.add(new ParamTensor(name + ".b1", 1, ff, b1));
    l.add(new ParamTensor(name + ".W2", ff, d, w2));
    l.add(new ParamTensor(name + ".b2", 1, d, b2));
    for (ParamTensor t : gate2.layout(name + ".gate2")) {
      l.add(new ParamTensor(t.name(), t.rows(), t.cols(), g2 + t.offset()));
    }
    return l;
  }

  /** Layer norms at gain 1 and bias 0, Glorot-uniform weights, zero biases, zero relative biases. */
  public void initialize(float[] params, int offset, SplittableRandom rng) {
    Arrays.fill(params, offset, offset + count, 0f);
    Arrays.fill(params, offset + ln1, offset + ln1 + d, 1f);
    Arrays.fill(params, offset + ln2, offset + ln2 + d, 1f);
    attention.initialize(params, offset + att, rng);
    gate1.initialize(params, offset + g1, rng);
    glorot(params, offset + w1, d, ff, rng);
    glorot(params, offset + w2, ff, d, rng);
    gate2.initialize(params, offset + g2, rng);
  }

  private static void glorot(float[] p, int off, int rows, int cols, SplittableRandom rng) {
    double limit = Math.sqrt(6.0 / (rows + cols));
    for (int i = 0; i < rows * cols; i++) {
      p[off + i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
    }
  }

  public Pass newPass(int batch) {
    return new Pass(batch);
  }

  /** One forward and its backward over a batch of segments. Not thread-safe. */
  public final class Pass {
    private final int maxBatch;
    private final int seg;
    private final int mem;
    private final CausalMemoryAttention.Pass attPass;
    private final GtrxlGate.Pass gate1Pass;
    private final GtrxlGate.Pass gate2Pass;
    private final float[] gamma = new float[d];
    private final float[] beta = new float[d];
    private final float[] xhat1;
    private final float[] rstd1;
    private final float[] ln1x;
    private final float[] xhatM;
    private final float[] rstdM;
    private final float[] ln1m;
    private final float[] y1;
    private final float[] e1;
    private final float[] xhat2;
    private final float[] rstd2;
    private final float[] ln2e;
    private final float[] hid;
    private final float[] y2;
    /** relu(Y) and relu(F): the gates' second inputs, kept (by reference) for their backwards. */
    private final float[] a1;
    private final float[] a2;
    private final float[] de1;
    private final float[] dA1;
    private final float[] dF;
    private final float[] dHid;
    private final float[] dLn;
    private final float[] dMem;
    /** A weight matrix transposed, for {@link RowMajor#mulAddBt}. */
    private final float[] wT;
    private int batch;
    private float[] x;
    private int xOff;

    private Pass(int maxBatch) {
      this.maxBatch = maxBatch;
      this.seg = attention.segment();
      this.mem = attention.memory();
      int rows = maxBatch * seg;
      attPass = attention.newPass(maxBatch);
      gate1Pass = gate1.newPass(rows);
      gate2Pass = gate2.newPass(rows);
      xhat1 = new float[rows * d];
      rstd1 = new float[rows];
      ln1x = new float[rows * d];
      xhatM = new float[Math.max(1, maxBatch * mem * d)];
      rstdM = new float[Math.max(1, maxBatch * mem)];
      ln1m = new float[Math.max(1, maxBatch * mem * d)];
      y1 = new float[rows * d];
      e1 = new float[rows * d];
      xhat2 = new float[rows * d];
      rstd2 = new float[rows];
      ln2e = new float[rows * d];
      hid = new float[rows * ff];
      y2 = new float[rows * d];
      a1 = new float[rows * d];
      a2 = new float[rows * d];
      de1 = new float[rows * d];
      dA1 = new float[rows * d];
      dF = new float[rows * d];
      dHid = new float[rows * ff];
      dLn = new float[rows * d];
      dMem = new float[Math.max(1, maxBatch * mem * d)];
      wT = new float[d * ff];
    }

    /**
     * The layer's output for {@code batch} segments of {@code x} ({@code batch x T x d}, kept by reference for
     * the backward) with this layer's {@code memory} ({@code batch x M x d}); {@code firstKey} as for
     * {@link CausalMemoryAttention.Pass#forward}.
     */
    public void forward(int batch, float[] params, int pOff, float[] x, int xOff, float[] memory, int memOff,
        int[] firstKey, float[] out, int outOff) {
      if (batch < 1 || batch > maxBatch) {
        throw new IllegalArgumentException("block pass of " + batch + " segments, built for 1.." + maxBatch);
      }
      this.batch = batch;
      this.x = x;
      this.xOff = xOff;
      int rows = batch * seg;
      layerNorm(params, pOff + ln1);
      norm.forward(rows, d, 1, x, xOff, d, gamma, beta, xhat1, 0, d, ln1x, 0, d, rstd1, 0);
      if (mem > 0) {
        norm.forward(batch * mem, d, 1, memory, memOff, d, gamma, beta, xhatM, 0, d, ln1m, 0, d, rstdM, 0);
      }
      attPass.forward(batch, params, pOff + att, ln1x, 0, ln1m, 0, firstKey, y1, 0);
      System.arraycopy(y1, 0, a1, 0, rows * d);
      ops.relu(1, rows * d, a1, 0, rows * d);
      gate1Pass.forward(rows, params, pOff + g1, x, xOff, a1, 0, e1, 0);
      layerNorm(params, pOff + ln2);
      norm.forward(rows, d, 1, e1, 0, d, gamma, beta, xhat2, 0, d, ln2e, 0, d, rstd2, 0);
      broadcastRows(rows, ff, params, pOff + b1, hid);
      broadcastRows(rows, d, params, pOff + b2, y2);
      RowMajor.mulAdd(rows, d, ff, ln2e, 0, d, params, pOff + w1, ff, hid, 0, ff);
      ops.relu(1, rows * ff, hid, 0, rows * ff);
      RowMajor.mulAdd(rows, ff, d, hid, 0, ff, params, pOff + w2, d, y2, 0, d);
      System.arraycopy(y2, 0, a2, 0, rows * d);
      ops.relu(1, rows * d, a2, 0, rows * d);
      gate2Pass.forward(rows, params, pOff + g2, e1, 0, a2, 0, out, outOff);
    }

    /**
     * From dLoss/dout, writes dLoss/dx to {@code dx} (overwritten) and adds the block's parameter gradients to
     * {@code grad[gOff, gOff + paramCount())}.
     */
    public void backward(float[] params, int pOff, float[] dOut, int dOutOff, float[] dx, int dxOff, float[] grad,
        int gOff) {
      int rows = batch * seg;
      // gate 2: dLoss/dE1 (its direct part) into de1, dLoss/d relu(F) into dF.
      gate2Pass.backward(params, pOff + g2, dOut, dOutOff, de1, 0, dF, 0, grad, gOff + g2);
      ops.reluBackward(1, rows * d, dF, 0, rows * d, y2, 0, rows * d);
      // MLP: F = relu(LN2 W1 + b1) W2 + b2.
      RowMajor.mulAddAt(rows, ff, d, hid, 0, ff, dF, 0, d, grad, gOff + w2, d);
      columnSums(rows, d, dF, grad, gOff + b2);
      RowMajor.mulBt(rows, d, ff, dF, 0, d, params, pOff + w2, d, dHid, 0, ff, wT);
      ops.reluBackward(1, rows * ff, dHid, 0, rows * ff, hid, 0, rows * ff);
      RowMajor.mulAddAt(rows, d, ff, ln2e, 0, d, dHid, 0, ff, grad, gOff + w1, ff);
      columnSums(rows, ff, dHid, grad, gOff + b1);
      float[] dLn2 = dLn;
      RowMajor.mulBt(rows, ff, d, dHid, 0, ff, params, pOff + w1, ff, dLn2, 0, d, wT);
      layerNorm(params, pOff + ln2);
      norm.addParamGradients(rows, d, dLn2, 0, d, xhat2, 0, d, grad, gOff + ln2, gOff + ln2 + d);
      norm.backward(rows, d, 1, dLn2, 0, d, gamma, xhat2, 0, d, rstd2, 0, dLn2, 0, d);
      for (int i = 0; i < rows * d; i++) {
        de1[i] += dLn2[i];
      }
      // gate 1: dLoss/dx (its direct part) into dx, dLoss/d relu(Y) into dA1.
      gate1Pass.backward(params, pOff + g1, de1, 0, dx, dxOff, dA1, 0, grad, gOff + g1);
      ops.reluBackward(1, rows * d, dA1, 0, rows * d, y1, 0, rows * d);
      float[] dLn1 = dLn;
      attPass.backward(params, pOff + att, dA1, 0, dLn1, 0, grad, gOff + att);
      layerNorm(params, pOff + ln1);
      norm.addParamGradients(rows, d, dLn1, 0, d, xhat1, 0, d, grad, gOff + ln1, gOff + ln1 + d);
      if (mem > 0) {
        attPass.memoryGradient(params, pOff + att, dMem, 0);
        norm.addParamGradients(batch * mem, d, dMem, 0, d, xhatM, 0, d, grad, gOff + ln1, gOff + ln1 + d);
      }
      norm.backward(rows, d, 1, dLn1, 0, d, gamma, xhat1, 0, d, rstd1, 0, dLn1, 0, d);
      for (int i = 0; i < rows * d; i++) {
        dx[dxOff + i] += dLn1[i];
      }
    }

    private void layerNorm(float[] params, int off) {
      System.arraycopy(params, off, gamma, 0, d);
      System.arraycopy(params, off + d, beta, 0, d);
    }
  }

  /** {@code dst}'s first {@code rows} rows of {@code n} set to {@code src[sOff, sOff + n)}. */
  static void broadcastRows(int rows, int n, float[] src, int sOff, float[] dst) {
    if (RowMajor.LANES) {
      RowLanes.broadcastRows(rows, n, src, sOff, dst, 0);
      return;
    }
    for (int r = 0; r < rows; r++) {
      System.arraycopy(src, sOff, dst, r * n, n);
    }
  }

  private static void columnSums(int rows, int cols, float[] a, float[] out, int off) {
    if (RowMajor.LANES) {
      RowLanes.addColumnSums(rows, cols, a, 0, out, off);
      return;
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[off + c] += a[r * cols + c];
      }
    }
  }
}
