package dev.mnemo.agents.core;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Causal linear attention as a recurrent network (Katharopoulos et al. 2020, "Transformers are RNNs"), with
 * {@code heads} heads of width {@code d = ⌈H / heads⌉} (A = heads d); per head h, with its slices of q, k, v:
 * <pre>
 *   [q | k | v] = x_t Wqkv + bqkv                                  (A columns each)
 *   φ(a)  = elu(a) + 1  = a + 1 if a > 0, else e^a                   (element-wise, > 0)
 *   S_t   = S_{t-1} + φ(k_t) v_tᵀ                                    [d, d]: row i key feature, column j value
 *   z_t   = z_{t-1} + φ(k_t)                                         [d]
 *   o_t   = φ(q_t)ᵀ S_t / (φ(q_t) · z_t + ε),   ε = 1e-6             [d]
 *   y_t   = tanh([o_t (all heads) | x_t] Wy + by)                    [H]
 * </pre>
 * From the zero state this is exactly causal softmax-free attention, {@code o_t = Σ_{s<=t} (φ(q_t)·φ(k_s)) v_s /
 * (Σ_{s<=t} φ(q_t)·φ(k_s) + ε)}: the step's own key and value are written before the read, and the denominator
 * uses the same {@code z_t}. The output is a convex combination of the values seen (weights positive, summing to
 * 1 up to ε), so its scale does not grow with the episode; S and z do (linearly), which float carries over any
 * episode this framework runs (z reaches 1e7, where adding a feature near 1 starts to lose digits, after
 * millions of steps). See {@link HeadMemoryCore} for why x_t enters the readout. The Vector API faces take
 * {@code e^a} from the gates' exp, which saturates at {@code e^-30} (a feature is never below ~1e-13, and never
 * subnormal), the plain-loop faces from {@link Math#exp}; they agree to ~1e-7.
 *
 * <p>State {@code [y | S_1 .. S_heads | z_1 .. z_heads]} ({@code H + heads d² + A} floats; each S row-major by
 * key feature i, then value j); zero at an episode's start. A reachable state has {@code z > 0}, so the
 * denominator is at least {@code φ(q)·φ(k_t) > 0}. Parameters {@code linattn.Wqkv [in, 3A]} (column blocks q, k,
 * v, each head's d columns side by side), {@code linattn.bqkv [1, 3A]}, {@code linattn.Wy [A + in, H]} (rows: o's
 * then x's), {@code linattn.by [1, H]}. Initialisation: Glorot-uniform per block ({@code Wqkv} as three {@code
 * [in, A]} layers, {@code Wy} as one), biases zero: at zero q and k every feature is 1 and attention is uniform
 * over the past.
 *
 * @param inputSize width of x_t
 * @param hiddenSize H, the width of y
 * @param heads number of heads ({@value #DEFAULT_HEADS} by default)
 */
public record LinearAttentionCore(int inputSize, int hiddenSize, int heads) implements HeadMemoryCore {

  public static final String NAME = "linattn";
  public static final int DEFAULT_HEADS = 4;
  /** The denominator's ε, as in the authors' code; it only matters when every feature underflows. */
  public static final float EPS = 1e-6f;

  public LinearAttentionCore {
    if (inputSize < 1 || hiddenSize < 1 || heads < 1) {
      throw new IllegalArgumentException("linattn sizes must be positive: inputSize=" + inputSize + ", hiddenSize="
          + hiddenSize + ", heads=" + heads);
    }
  }

  /** {@value #DEFAULT_HEADS} heads: what {@code core = linattn} builds. */
  public LinearAttentionCore(int inputSize, int hiddenSize) {
    this(inputSize, hiddenSize, DEFAULT_HEADS);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int headSize() {
    return HeadMemoryCore.headSize(hiddenSize, heads);
  }

  @Override
  public int stateSize() {
    int d = headSize();
    return hiddenSize + heads * d * d + heads * d;
  }

  @Override
  public List<ParamTensor> layout() {
    int a3 = 3 * attentionWidth();
    return RecurrentCore.layoutOf(NAME, new int[][] {{inputSize, a3}, {1, a3},
        {attentionWidth() + inputSize, hiddenSize}, {1, hiddenSize}}, "Wqkv", "bqkv", "Wy", "by");
  }

  @Override
  public int[][] projectionBlocks() {
    int a3 = 3 * attentionWidth();
    return new int[][] {{0, inputSize * a3, a3}};
  }

  @Override
  public int readoutOffset() {
    return (inputSize + 1) * 3 * attentionWidth();
  }

  @Override
  public void initialize(float[] p, int offset, SplittableRandom rng) {
    int a = attentionWidth();
    RecurrentCore.glorot(p, offset, inputSize, 3 * a, a, rng);
    int b = offset + inputSize * 3 * a;
    java.util.Arrays.fill(p, b, b + 3 * a, 0f);
    int wy = offset + readoutOffset();
    RecurrentCore.glorot(p, wy, a + inputSize, hiddenSize, hiddenSize, rng);
    java.util.Arrays.fill(p, wy + (a + inputSize) * hiddenSize, wy + (a + inputSize + 1) * hiddenSize, 0f);
  }

  @Override
  public long macsPerStep() {
    int d = headSize();
    // The projection, per head the write φ(k) vᵀ (d²), the read φ(q)ᵀ S (d²) and φ(q)·z (d), the readout.
    return (long) inputSize * 3 * attentionWidth() + (long) heads * (2L * d * d + d) + readoutMacs();
  }

  @Override
  public CoreKernel kernel(BatchOps ops, int maxRows) {
    return new LinearAttentionKernel(this, ops, maxRows);
  }

  @Override
  public CoreTraining training(BatchOps ops) {
    return new LinearAttentionTraining(this, ops);
  }

  /**
   * {@code φ'(a)} from {@code φ(a)}: 1 where {@code a > 0} (φ >= 1 there), {@code e^a = φ} elsewhere (φ <= 1: both
   * exps give exactly 1 at 0 and less below).
   */
  static float phiSlope(float phi) {
    return Math.min(phi, 1f);
  }

  /**
   * φ in place on the q and k blocks ({@code 2A} floats from each row's start) of {@code rows} rows of P
   * ({@link HeadMemoryMath#eluPlusOne}; {@code scratch}: 2A floats).
   */
  static void features(HeadMemoryMath m, int rows, int a, float[] p, int ldp, float[] scratch) {
    for (int r = 0; r < rows; r++) {
      m.eluPlusOne(p, r * ldp, 2 * a, scratch);
    }
  }

  /**
   * One row's memory step, shared by the acting kernel and the training form so both give the same bits: from
   * the features {@code [φ(q) | φ(k) | v]} at {@code p[pOff..]} and the memory {@code [S | z]} at {@code
   * sIn[inOff..]}, writes {@code [S' | z']} to {@code sOut[outOff..]} and o ({@code A} floats) to {@code o[oOff..]}.
   * Per head: each key feature's row of S' is {@code S_i + φ(k_i) v} and the read {@code o = Σ_i φ(q_i) S'_i},
   * summed in key order, both in one pass ({@link HeadMemoryMath#writeAndRead}); the denominator in index order.
   */
  static void recur(HeadMemoryMath m, int heads, int d, float[] p, int pOff, float[] sIn, int inOff, float[] sOut,
      int outOff, float[] o, int oOff) {
    int a = heads * d;
    int zIn = inOff + heads * d * d;
    int zOut = outOff + heads * d * d;
    for (int h = 0; h < heads; h++) {
      int q = pOff + h * d;
      int k = pOff + a + h * d;
      int v = pOff + 2 * a + h * d;
      int sh = h * d * d;
      int zh = h * d;
      int oh = oOff + h * d;
      m.writeAndRead(d, d, p, k, p, v, sIn, inOff + sh, sOut, outOff + sh, p, q, o, oh);
      m.axpy(d, 1f, p, k, sIn, zIn + zh, sOut, zOut + zh);
      float den = HeadMemoryMath.dot(d, p, q, sOut, zOut + zh) + EPS;
      for (int j = 0; j < d; j++) {
        o[oh + j] /= den;
      }
    }
  }

  /** {@code φ(a) = relu(a) + exp(a - relu(a))} from primitive ops: {@code a + 1} above 0, {@code e^a} below. */
  private static SDVariable phi(SameDiff sd, SDVariable a) {
    SDVariable pos = sd.nn().relu(a, 0);
    return pos.add(sd.math().exp(a.sub(pos)));
  }

  /**
   * The projection of every step in one matmul; per step the write as a broadcast outer product, the read as
   * a broadcast product summed over the key features; the readout of every step in one matmul after the loop.
   */
  @Override
  public SDVariable[] sameDiff(SameDiff sd, Map<String, SDVariable> w, SDVariable x, SDVariable state0, int batch,
      int time) {
    int hs = hiddenSize;
    int d = headSize();
    int a = attentionWidth();
    int m = heads * d * d;
    SDVariable proj = sd.reshape(x.mmul(w.get(NAME + ".Wqkv")).add(w.get(NAME + ".bqkv")), batch, time, 3L * a);
    SDVariable s = sd.reshape(state0.get(SDIndex.all(), SDIndex.interval(hs, hs + m)), batch, heads, d, d);
    SDVariable z = sd.reshape(state0.get(SDIndex.all(), SDIndex.interval(hs + m, hs + m + a)), batch, heads, d);
    SDVariable[] os = new SDVariable[time];
    SDVariable[] ss = new SDVariable[time];
    SDVariable[] zs = new SDVariable[time];
    for (int t = 0; t < time; t++) {
      SDVariable pt = proj.get(SDIndex.all(), SDIndex.point(t), SDIndex.all());
      SDVariable q = sd.reshape(phi(sd, pt.get(SDIndex.all(), SDIndex.interval(0, a))), batch, heads, d);
      SDVariable k = sd.reshape(phi(sd, pt.get(SDIndex.all(), SDIndex.interval(a, 2 * a))), batch, heads, d);
      SDVariable v = sd.reshape(pt.get(SDIndex.all(), SDIndex.interval(2 * a, 3 * a)), batch, heads, d);
      s = s.add(sd.reshape(k, batch, heads, d, 1).mul(sd.reshape(v, batch, heads, 1, d)));
      z = z.add(k);
      SDVariable num = sd.reshape(q, batch, heads, d, 1).mul(s).sum(2);
      SDVariable den = q.mul(z).sum(true, 2).add(EPS);
      os[t] = sd.reshape(num.div(den), batch, a);
      ss[t] = sd.reshape(s, batch, m);
      zs[t] = sd.reshape(z, batch, a);
    }
    long rows = (long) batch * time;
    SDVariable o = sd.reshape(sd.stack(1, os), rows, a);
    SDVariable y = sd.math().tanh(sd.concat(1, o, x).mmul(w.get(NAME + ".Wy")).add(w.get(NAME + ".by")));
    SDVariable states = sd.concat(1, y, sd.reshape(sd.stack(1, ss), rows, m), sd.reshape(sd.stack(1, zs), rows, a));
    return new SDVariable[] {y, states};
  }
}
