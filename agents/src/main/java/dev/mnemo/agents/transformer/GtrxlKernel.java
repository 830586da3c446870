package dev.mnemo.agents.transformer;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.core.BlockLayerNorm;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The acting form of {@link GtrxlTrunk}: one batched step for {@code N} envs, each env's new input row in, the
 * trunk's output row for that step out, with a key/value cache so a step attends over the cached keys instead of
 * recomputing them. For every env it gives the row {@link GtrxlTrunk.Pass#forward} gives for the same step when
 * the env's steps are cut into segments of {@code T}: the env's segments start at its step 0 (construction or
 * {@link #resetEnv}) and every {@code T} steps after, whatever its episodes do.
 *
 * <p>Per env and layer {@code l} the kernel keeps the window {@code [memory ; segment so far]}: the {@code M}
 * memory rows (what entered layer {@code l} in the previous segment) and the {@code pos} rows that entered it so
 * far in this segment, plus, for each window row, its key and value {@code LN_1(row) W_k}, {@code LN_1(row) W_v}
 * (keys stored transposed per env, {@code d x (M + T)}, so a query's scores are one saxpy per feature). A step at
 * position {@code p} of the segment, per layer, on the new row {@code x} that enters it:
 * <pre>
 *   window[M + p] = x;  (q, k, v) = LN_1(x) [W_q | W_k | W_v];  K[M + p] = k;  V[M + p] = v
 *   s_hj = q_h . K_jh / sqrt(dh) + rel_h[M + p - j]      first <= j <= M + p
 *   y = (sum_j softmax_j(s_h.) V_jh)_h W_o;  e1 = gate_1(x, relu(y));  out = gate_2(e1, relu(MLP(LN_2(e1))))
 * </pre>
 * exactly {@link GtrxlBlock}'s equations for one query. Products run on the {@link BatchOps} gemm (weights packed
 * once per load; each gate is two products plus one, its {@code -b_g} folded into a bias), the attention on the
 * Vector API ({@link AttentionLanes}) when the ops do, else in plain loops; outputs agree with the training form to
 * float rounding (1e-5 in the tests), not bit for bit. After the segment's {@code T}-th step the memory becomes
 * the last {@code M} rows of the window: the rows and their keys and values are shifted, not recomputed. One step
 * costs, per layer and env, the block's {@code 16 d^2 + 2 d ff} multiply-adds for the new row plus
 * {@code 2 d (visible keys)} for attention, instead of {@code 2 d^2} more per window row.
 *
 * <p>Episodes: {@code episodeStart[i]} hides every earlier row of env {@code i}, in memory or segment, from this
 * step on (as a start flag does in the trunk); the segment cut is not moved. Each env counts
 * {@code episodeRows}, the window rows that belong to its episode under way (the trunk's
 * {@link GtrxlTrunk.Memory#valid} at a segment's start, plus one per step since; zeroed by a start before the
 * step's own row counts); a query sees window rows {@code [M + p + 1 - episodeRows, M + p]}, and at a segment's end
 * it becomes {@code min(M, episodeRows)}, the trunk's next {@code valid}.
 *
 * <p>Cache and parameters: the window rows are state (like an LSTM's hidden state, computed by the parameters in
 * force when their step ran, and kept across {@link #load}); their keys and values are a function of the rows and
 * the parameters, so {@link #load} recomputes them for every row a query can still see (rows already hidden are
 * never visible again and keep stale keys). Hence after a load at position {@code p} the outputs equal those of
 * the training form with the new parameters whose memory is the kernel's window rows: at a segment boundary
 * {@code GtrxlTrunk(M, T)} with the kernel's memory; mid-segment {@code GtrxlTrunk(M + p, T - p)} (the same
 * parameter layout and relative distances) with memory = the {@code M} memory rows followed by the {@code p}
 * segment rows. The training form run over the whole segment with the new parameters would differ from layer 2
 * on, since it recomputes the segment's earlier rows with them.
 *
 * <p>State of one env ({@link #stateSize()} floats, {@link #copyState} / {@link #setState}):
 * {@code [pos, episodeRows]} then, per layer, {@code M + T - 1} rows of {@code d}: the memory rows, then the
 * {@code pos} segment rows so far, then zeros. Keys and values are not part of it: {@link #setState} recomputes
 * them. Nothing is allocated after construction; not thread-safe (one kernel per actor thread).
 */
public final class GtrxlKernel {

  private final int n;
  private final int in;
  private final int d;
  private final int layers;
  private final int heads;
  private final int dh;
  private final int mem;
  private final int seg;
  private final int len;
  private final int ff;
  private final float gateBias;
  private final float scale;
  private final int paramCount;
  private final BatchOps ops;
  private final BlockLayerNorm norm;
  /** Attention on the Vector API ({@link AttentionLanes}) when the ops run on it, else plain loops. */
  private final boolean lanes;

  // Parameter offsets, from GtrxlTrunk's layout.
  private final int embedW;
  private final int embedB;
  private final int[] ln1;
  private final int[] wq;
  private final int[] rel;
  private final int[] g1;
  private final int[] ln2;
  private final int[] w1;
  private final int[] b1;
  private final int[] w2;
  private final int[] b2;
  private final int[] g2;

  // Packed weights and row-vector parameters, per layer.
  private final PackedMatrix embed;
  private final float[] embedBias;
  private final PackedMatrix[] qkv;
  private final PackedMatrix[] wo;
  private final Gate[] gate1;
  private final Gate[] gate2;
  private final PackedMatrix[] mlp1;
  private final PackedMatrix[] mlp2;
  private final float[][] mlp1Bias;
  private final float[][] mlp2Bias;
  private final float[][] gamma1;
  private final float[][] beta1;
  private final float[][] gamma2;
  private final float[][] beta2;
  private final float[][] relBias;

  // Per env and layer: the window rows, keys (transposed) and values.
  private final float[][] rows;
  private final float[][] keysT;
  private final float[][] values;
  private final int[] pos;
  private final int[] episodeRows;
  private final int[] first;

  // Scratch, all N rows wide.
  private final int ldD;
  private final int ldQkv;
  private final int ldFf;
  private final float[] input;
  private final float[][] e;
  private final float[] ln;
  private final float[] qkvOut;
  private final float[] att;
  private final float[] y;
  private final float[] e1;
  private final float[] hid;
  private final float[] scores;
  private final float[] recomputeLn;
  private final float[] recomputeKv;
  private boolean loaded;

  /**
   * @param inputWidth floats of each step's input row
   * @param width model width {@code d}
   * @param heads attention heads (dividing {@code d})
   * @param memory memory rows {@code M} per layer
   * @param segment segment length {@code T}
   * @param ffWidth the MLP's hidden width
   * @param gateBias the gates' {@code b_g}
   * @param envs {@code N}, the envs stepped together
   */
  public GtrxlKernel(int inputWidth, int width, int layers, int heads, int memory, int segment, int ffWidth,
      double gateBias, int envs, BatchOps ops) {
    if (envs < 1 || ops == null) {
      throw new IllegalArgumentException("a GTrXL kernel needs envs >= 1 and ops, got " + envs + ", " + ops);
    }
    GtrxlTrunk trunk = new GtrxlTrunk(inputWidth, width, layers, heads, memory, segment, ffWidth, gateBias, ops);
    this.n = envs;
    this.in = inputWidth;
    this.d = width;
    this.layers = layers;
    this.heads = heads;
    this.dh = width / heads;
    this.mem = memory;
    this.seg = segment;
    this.len = memory + segment;
    this.ff = ffWidth;
    this.gateBias = (float) gateBias;
    this.scale = (float) (1.0 / Math.sqrt(dh));
    this.paramCount = trunk.paramCount();
    this.ops = ops;
    this.norm = BlockLayerNorm.of(ops);
    this.lanes = ops.vectorApi();

    Map<String, ParamTensor> lay = new HashMap<>();
    for (ParamTensor t : trunk.layout("t")) {
      lay.put(t.name(), t);
    }
    embedW = at(lay, "t.We", in, d);
    embedB = at(lay, "t.be", 1, d);
    ln1 = new int[layers];
    wq = new int[layers];
    rel = new int[layers];
    g1 = new int[layers];
    ln2 = new int[layers];
    w1 = new int[layers];
    b1 = new int[layers];
    w2 = new int[layers];
    b2 = new int[layers];
    g2 = new int[layers];
    for (int l = 0; l < layers; l++) {
      String b = "t.l" + l;
      ln1[l] = at(lay, b + ".ln1.gamma", 1, d);
      wq[l] = at(lay, b + ".att.Wq", d, d);
      // Wk, Wv, Wo follow Wq (CausalMemoryAttention's layout), as ln1.beta follows ln1.gamma.
      check(lay, b + ".att.Wk", wq[l] + d * d);
      check(lay, b + ".att.Wv", wq[l] + 2 * d * d);
      check(lay, b + ".att.Wo", wq[l] + 3 * d * d);
      check(lay, b + ".ln1.beta", ln1[l] + d);
      rel[l] = at(lay, b + ".att.rel", heads, len);
      g1[l] = at(lay, b + ".gate1.Wr", d, d);
      ln2[l] = at(lay, b + ".ln2.gamma", 1, d);
      check(lay, b + ".ln2.beta", ln2[l] + d);
      w1[l] = at(lay, b + ".W1", d, ff);
      b1[l] = at(lay, b + ".b1", 1, ff);
      w2[l] = at(lay, b + ".W2", ff, d);
      b2[l] = at(lay, b + ".b2", 1, d);
      g2[l] = at(lay, b + ".gate2.Wr", d, d);
    }

    int lanes = ops.lanes();
    ldD = PackedMatrix.paddedCols(d, lanes);
    ldQkv = PackedMatrix.paddedCols(3 * d, lanes);
    ldFf = PackedMatrix.paddedCols(ff, lanes);
    embed = new PackedMatrix(in, d, lanes);
    embedBias = new float[ldD];
    qkv = new PackedMatrix[layers];
    wo = new PackedMatrix[layers];
    gate1 = new Gate[layers];
    gate2 = new Gate[layers];
    mlp1 = new PackedMatrix[layers];
    mlp2 = new PackedMatrix[layers];
    mlp1Bias = new float[layers][ldFf];
    mlp2Bias = new float[layers][ldD];
    gamma1 = new float[layers][d];
    beta1 = new float[layers][d];
    gamma2 = new float[layers][d];
    beta2 = new float[layers][d];
    relBias = new float[layers][heads * len];
    for (int l = 0; l < layers; l++) {
      qkv[l] = new PackedMatrix(d, 3 * d, lanes);
      wo[l] = new PackedMatrix(d, d, lanes);
      gate1[l] = new Gate();
      gate2[l] = new Gate();
      mlp1[l] = new PackedMatrix(d, ff, lanes);
      mlp2[l] = new PackedMatrix(ff, d, lanes);
    }

    rows = new float[layers][n * len * d];
    keysT = new float[layers][n * d * len];
    values = new float[layers][n * len * d];
    pos = new int[n];
    episodeRows = new int[n];
    first = new int[n];

    input = new float[n * in];
    e = new float[layers + 1][n * ldD];
    ln = new float[n * ldD];
    qkvOut = new float[n * ldQkv];
    att = new float[n * ldD];
    y = new float[n * ldD];
    e1 = new float[n * ldD];
    hid = new float[n * ldFf];
    scores = new float[len];
    recomputeLn = new float[len * ldD];
    recomputeKv = new float[len * ldQkv];
  }

  private static int at(Map<String, ParamTensor> lay, String name, int r, int c) {
    ParamTensor t = lay.get(name);
    if (t == null || t.rows() != r || t.cols() != c) {
      throw new IllegalStateException("GtrxlTrunk's layout has " + t + " for " + name + ", the kernel expects ["
          + r + ", " + c + "]");
    }
    return t.offset();
  }

  private static void check(Map<String, ParamTensor> lay, String name, int offset) {
    ParamTensor t = lay.get(name);
    if (t == null || t.offset() != offset) {
      throw new IllegalStateException("GtrxlTrunk's layout has " + t + " for " + name + ", the kernel expects it"
          + " at offset " + offset);
    }
  }

  /** One {@link GtrxlGate}'s weights packed as two products and a third, with {@code -b_g} folded into a bias. */
  private final class Gate {
    /** {@code [W_r | W_z | W_g]}: the sub-layer output's three products. */
    final PackedMatrix wy = new PackedMatrix(d, 3 * d, ops.lanes());
    /** {@code [U_r | U_z]}, bias {@code [0 | -b_g]}: the stream's two products. */
    final PackedMatrix ux = new PackedMatrix(d, 2 * d, ops.lanes());
    final PackedMatrix ug = new PackedMatrix(d, d, ops.lanes());
    final float[] uxBias;
    final int ldWy = PackedMatrix.paddedCols(3 * d, ops.lanes());
    final int ldUx = PackedMatrix.paddedCols(2 * d, ops.lanes());
    final float[] gy = new float[n * ldWy];
    final float[] gx = new float[n * ldUx];
    final float[] rx = new float[n * ldD];
    final float[] hh = new float[n * ldD];

    Gate() {
      uxBias = new float[ldUx];
      Arrays.fill(uxBias, d, 2 * d, -gateBias);
    }

    void load(float[] p, int off) {
      int dd = d * d;
      wy.load(p, off, d, 0, 0, d, d); // Wr
      wy.load(p, off + 2 * dd, d, 0, d, d, d); // Wz
      wy.load(p, off + 4 * dd, d, 0, 2 * d, d, d); // Wg
      ux.load(p, off + dd, d, 0, 0, d, d); // Ur
      ux.load(p, off + 3 * dd, d, 0, d, d, d); // Uz
      ug.load(p, off + 5 * dd, d, 0, 0, d, d); // Ug
    }

    /** {@code out = (1 - z) x + z h} of {@code n} rows (GtrxlGate's equations); {@code out} differs from x. */
    void forward(float[] x, float[] sub, float[] out) {
      ops.gemm(n, sub, 0, ldD, wy, null, gy, 0, ldWy);
      ops.gemm(n, x, 0, ldD, ux, uxBias, gx, 0, ldUx);
      for (int i = 0; i < n; i++) {
        int a = i * ldUx;
        int b = i * ldWy;
        for (int c = 0; c < 2 * d; c++) {
          gx[a + c] += gy[b + c];
        }
      }
      ops.sigmoid(n, 2 * d, gx, 0, ldUx); // r in [0, d), z in [d, 2d)
      for (int i = 0; i < n; i++) {
        int a = i * ldUx;
        int xi = i * ldD;
        for (int c = 0; c < d; c++) {
          rx[xi + c] = gx[a + c] * x[xi + c];
        }
      }
      ops.gemm(n, rx, 0, ldD, ug, null, hh, 0, ldD);
      for (int i = 0; i < n; i++) {
        int b = i * ldWy + 2 * d;
        int hi = i * ldD;
        for (int c = 0; c < d; c++) {
          hh[hi + c] += gy[b + c];
        }
      }
      ops.tanh(n, d, hh, 0, ldD);
      for (int i = 0; i < n; i++) {
        int z = i * ldUx + d;
        int xi = i * ldD;
        for (int c = 0; c < d; c++) {
          float zv = gx[z + c];
          out[xi + c] = (1 - zv) * x[xi + c] + zv * hh[xi + c];
        }
      }
    }
  }

  /** Floats of the trunk's parameters this kernel loads. */
  public int paramCount() {
    return paramCount;
  }

  public int envs() {
    return n;
  }

  public int width() {
    return d;
  }

  public int inputWidth() {
    return in;
  }

  /**
   * Copies the trunk's parameters ({@link GtrxlTrunk#layout} order, {@link #paramCount()} floats from {@code off})
   * into the kernel's packed weights and recomputes every env's keys and values for its visible window rows (see
   * the class comment for what that means for the outputs). The envs' window rows and counters are kept.
   */
  public void load(float[] params, int off) {
    if (off < 0 || params.length - off < paramCount) {
      throw new IllegalArgumentException("GTrXL kernel needs " + paramCount + " parameters from offset " + off
          + ", the array holds " + params.length);
    }
    embed.load(params, off + embedW, d, 0, 0, in, d);
    System.arraycopy(params, off + embedB, embedBias, 0, d);
    for (int l = 0; l < layers; l++) {
      int q = off + wq[l];
      qkv[l].load(params, q, d, 0, 0, d, d);
      qkv[l].load(params, q + d * d, d, 0, d, d, d);
      qkv[l].load(params, q + 2 * d * d, d, 0, 2 * d, d, d);
      wo[l].load(params, q + 3 * d * d, d, 0, 0, d, d);
      System.arraycopy(params, off + rel[l], relBias[l], 0, heads * len);
      System.arraycopy(params, off + ln1[l], gamma1[l], 0, d);
      System.arraycopy(params, off + ln1[l] + d, beta1[l], 0, d);
      System.arraycopy(params, off + ln2[l], gamma2[l], 0, d);
      System.arraycopy(params, off + ln2[l] + d, beta2[l], 0, d);
      gate1[l].load(params, off + g1[l]);
      gate2[l].load(params, off + g2[l]);
      mlp1[l].load(params, off + w1[l], ff, 0, 0, d, ff);
      System.arraycopy(params, off + b1[l], mlp1Bias[l], 0, ff);
      mlp2[l].load(params, off + w2[l], d, 0, 0, ff, d);
      System.arraycopy(params, off + b2[l], mlp2Bias[l], 0, d);
    }
    loaded = true;
    for (int i = 0; i < n; i++) {
      recompute(i);
    }
  }

  /** Keys and values of env {@code i}'s window rows its next query can see, every layer. */
  private void recompute(int i) {
    int from = mem + pos[i] - episodeRows[i];
    int count = episodeRows[i];
    if (count == 0) {
      return;
    }
    for (int l = 0; l < layers; l++) {
      norm.forward(count, d, 1, rows[l], (i * len + from) * d, d, gamma1[l], beta1[l], null, 0, d, recomputeLn, 0,
          ldD, null, 0);
      ops.gemm(count, recomputeLn, 0, ldD, qkv[l], null, recomputeKv, 0, ldQkv);
      for (int r = 0; r < count; r++) {
        storeKeyValue(l, i, from + r, recomputeKv, r * ldQkv);
      }
    }
  }

  /** Writes the key and value at {@code src[off + d ..]} and {@code src[off + 2d ..]} as window row {@code j}. */
  private void storeKeyValue(int l, int i, int j, float[] src, int off) {
    float[] kt = keysT[l];
    int kBase = i * d * len + j;
    int k = off + d;
    for (int c = 0; c < d; c++) {
      kt[kBase + c * len] = src[k + c];
    }
    System.arraycopy(src, off + 2 * d, values[l], (i * len + j) * d, d);
  }

  /**
   * One step of every env: {@code inputRows} ({@code N x inputWidth}) are the envs' new input rows,
   * {@code episodeStart[i]} flags env {@code i}'s first step of an episode (hiding every row before it), and
   * {@code out} ({@code N x d}) receives the trunk's output rows.
   */
  public void step(float[] inputRows, boolean[] episodeStart, float[] out) {
    if (!loaded) {
      throw new IllegalStateException("step before load: no parameters");
    }
    if (inputRows.length < n * in || episodeStart.length < n || out.length < n * d) {
      throw new IllegalArgumentException("step needs " + n * in + " input floats, " + n + " start flags and room"
          + " for " + n * d + " outputs; got " + inputRows.length + ", " + episodeStart.length + ", " + out.length);
    }
    for (int i = 0; i < n; i++) {
      if (episodeStart[i]) {
        episodeRows[i] = 0;
      }
      episodeRows[i]++;
      first[i] = mem + pos[i] + 1 - episodeRows[i];
    }
    ops.gemm(n, inputRows, 0, in, embed, embedBias, e[0], 0, ldD);
    for (int l = 0; l < layers; l++) {
      layer(l, e[l], e[l + 1]);
    }
    for (int i = 0; i < n; i++) {
      System.arraycopy(e[layers], i * ldD, out, i * d, d);
      if (++pos[i] == seg) {
        endSegment(i);
      }
    }
  }

  private void layer(int l, float[] x, float[] outRows) {
    float[] win = rows[l];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x, i * ldD, win, (i * len + mem + pos[i]) * d, d);
    }
    norm.forward(n, d, 1, x, 0, ldD, gamma1[l], beta1[l], null, 0, d, ln, 0, ldD, null, 0);
    ops.gemm(n, ln, 0, ldD, qkv[l], null, qkvOut, 0, ldQkv);
    for (int i = 0; i < n; i++) {
      storeKeyValue(l, i, mem + pos[i], qkvOut, i * ldQkv);
      attend(l, i);
    }
    ops.gemm(n, att, 0, ldD, wo[l], null, y, 0, ldD);
    ops.relu(n, d, y, 0, ldD);
    gate1[l].forward(x, y, e1);
    norm.forward(n, d, 1, e1, 0, ldD, gamma2[l], beta2[l], null, 0, d, ln, 0, ldD, null, 0);
    ops.gemm(n, ln, 0, ldD, mlp1[l], mlp1Bias[l], hid, 0, ldFf);
    ops.relu(n, ff, hid, 0, ldFf);
    ops.gemm(n, hid, 0, ldFf, mlp2[l], mlp2Bias[l], y, 0, ldD);
    ops.relu(n, d, y, 0, ldD);
    gate2[l].forward(e1, y, outRows);
  }

  /** Env i's attention output for its new row at layer l into {@code att}: CausalMemoryAttention for one query. */
  private void attend(int l, int i) {
    float[] kt = keysT[l];
    float[] v = values[l];
    float[] relL = relBias[l];
    float[] s = scores;
    int last = mem + pos[i];
    int f = first[i];
    int qRow = i * ldQkv;
    int o = i * ldD;
    if (lanes) {
      for (int h = 0; h < heads; h++) {
        AttentionLanes.scores(qkvOut, qRow + h * dh, kt, (i * d + h * dh) * len, len, dh, f, last, scale, relL,
            h * len + last, s);
        AttentionLanes.softmax(s, f, last);
        AttentionLanes.weightedSum(s, f, last, v, i * len * d + h * dh, d, dh, att, o + h * dh);
      }
      return;
    }
    Arrays.fill(att, o, o + d, 0f);
    for (int h = 0; h < heads; h++) {
      Arrays.fill(s, f, last + 1, 0f);
      for (int c = h * dh; c < (h + 1) * dh; c++) {
        float qc = qkvOut[qRow + c];
        int kb = (i * d + c) * len;
        for (int j = f; j <= last; j++) {
          s[j] += qc * kt[kb + j];
        }
      }
      int rb = h * len + last;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = f; j <= last; j++) {
        float sj = s[j] * scale + relL[rb - j];
        s[j] = sj;
        max = Math.max(max, sj);
      }
      float sum = 0f;
      for (int j = f; j <= last; j++) {
        float ex = (float) Math.exp(s[j] - max);
        s[j] = ex;
        sum += ex;
      }
      float inv = 1f / sum;
      int oh = o + h * dh;
      for (int j = f; j <= last; j++) {
        float pj = s[j] * inv;
        int vj = (i * len + j) * d + h * dh;
        for (int c = 0; c < dh; c++) {
          att[oh + c] += pj * v[vj + c];
        }
      }
    }
  }

  /** After the segment's T-th step: the memory becomes the window's last M rows, with their keys and values. */
  private void endSegment(int i) {
    pos[i] = 0;
    episodeRows[i] = Math.min(mem, episodeRows[i]);
    if (mem == 0) {
      return;
    }
    for (int l = 0; l < layers; l++) {
      int base = i * len * d;
      System.arraycopy(rows[l], base + seg * d, rows[l], base, mem * d);
      System.arraycopy(values[l], base + seg * d, values[l], base, mem * d);
      float[] kt = keysT[l];
      for (int c = 0; c < d; c++) {
        int kb = (i * d + c) * len;
        System.arraycopy(kt, kb + seg, kt, kb, mem);
      }
    }
  }

  /** Env {@code env} starts afresh: no rows, and its next step is step 0 of a segment. */
  public void resetEnv(int env) {
    checkEnv(env);
    pos[env] = 0;
    episodeRows[env] = 0;
    for (int l = 0; l < layers; l++) {
      Arrays.fill(rows[l], env * len * d, (env + 1) * len * d, 0f);
      Arrays.fill(values[l], env * len * d, (env + 1) * len * d, 0f);
      Arrays.fill(keysT[l], env * d * len, (env + 1) * d * len, 0f);
    }
  }

  /** Every env starts afresh. */
  public void resetAll() {
    for (int i = 0; i < n; i++) {
      resetEnv(i);
    }
  }

  /**
   * Floats of one env's state: {@code 2 + layers (M + T - 1) d} ({@code pos}, {@code episodeRows}, then per layer
   * the memory rows and the segment rows so far, zero-padded; after a step the segment holds at most
   * {@code T - 1} rows, since its {@code T}-th step moves them into the memory).
   */
  public int stateSize() {
    return 2 + layers * windowRows() * d;
  }

  private int windowRows() {
    return mem + seg - 1;
  }

  /** Env {@code env}'s state ({@link #stateSize()} floats) into {@code dst} at {@code off}. */
  public void copyState(int env, float[] dst, int off) {
    checkEnv(env);
    if (off < 0 || dst.length - off < stateSize()) {
      throw new IllegalArgumentException("state of " + stateSize() + " floats does not fit at " + off + " in "
          + dst.length);
    }
    dst[off] = pos[env];
    dst[off + 1] = episodeRows[env];
    int w = windowRows() * d;
    int used = (mem + pos[env]) * d;
    for (int l = 0; l < layers; l++) {
      int o = off + 2 + l * w;
      System.arraycopy(rows[l], env * len * d, dst, o, used);
      Arrays.fill(dst, o + used, o + w, 0f);
    }
  }

  /**
   * Sets env {@code env}'s state from {@link #copyState}'s layout and recomputes its keys and values with the
   * loaded parameters (if any: {@link #load} does it otherwise).
   */
  public void setState(int env, float[] src, int off) {
    checkEnv(env);
    if (off < 0 || src.length - off < stateSize()) {
      throw new IllegalArgumentException("state of " + stateSize() + " floats does not fit at " + off + " in "
          + src.length);
    }
    float p = src[off];
    float r = src[off + 1];
    if (!(p >= 0 && p < seg && p == (int) p && r >= 0 && r <= mem + p && r == (int) r)) {
      throw new IllegalArgumentException("not a GTrXL kernel state: pos " + p + " (0.." + (seg - 1)
          + "), episode rows " + r + " (0..M + pos = " + (mem + p) + ")");
    }
    pos[env] = (int) p;
    episodeRows[env] = (int) r;
    int w = windowRows() * d;
    for (int l = 0; l < layers; l++) {
      System.arraycopy(src, off + 2 + l * w, rows[l], env * len * d, w);
    }
    if (loaded) {
      recompute(env);
    }
  }

  /** Position of env {@code env}'s next step in its segment (0 .. T - 1). */
  public int positionInSegment(int env) {
    checkEnv(env);
    return pos[env];
  }

  /** Window rows of env {@code env} that belong to its episode under way. */
  public int episodeRows(int env) {
    checkEnv(env);
    return episodeRows[env];
  }

  /**
   * Multiply-adds of one env's step with {@code keys} visible keys per layer: the embedding, and per layer the
   * block's products for one row plus the attention's {@code 2 d keys}.
   */
  public long macsPerEnvStep(int keys) {
    long perLayer = 3L * d * d + (long) d * d + 2 * 6L * d * d + 2L * d * ff + 2L * d * keys;
    return (long) in * d + layers * perLayer;
  }

  private void checkEnv(int env) {
    if (env < 0 || env >= n) {
      throw new IllegalArgumentException("env must be in [0, " + n + "), got " + env);
    }
  }
}
