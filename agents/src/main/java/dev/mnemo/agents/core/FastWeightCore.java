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
 * The fast weight programmer (Schmidhuber 1992; as linear Transformers, Schlag et al. 2021): a slow network
 * programs, every step, a fast weight matrix per head that maps keys to values. {@code heads} heads of width
 * {@code d = ⌈H / heads⌉} (A = heads d); per head h, with its slices of q, k, v:
 * <pre>
 *   [q | k | v] = x_t Wqkv + bqkv,   q̂ = q / sqrt(q·q + ε),  k̂ = k / sqrt(k·k + ε),  ε = 1e-6   (L2-normalised)
 *   sum rule (the issue's):  S_t = S_{t-1} + v k̂ᵀ
 *   delta rule (Schlag):     β = σ(x_t Wβ + bβ)_h,   v̄ = S_{t-1} k̂,   S_t = S_{t-1} + β (v - v̄) k̂ᵀ
 *   o_t = S_t q̂                                                     [d]: row i of S a value, column j a key
 *   y_t = tanh([o_t (all heads) | x_t] Wy + by)                      [H]
 * </pre>
 * The sum rule is Schmidhuber's additive outer-product programming; the delta rule (Widrow-Hoff on the fast
 * weights) writes only what the memory does not already return for k̂, at a learned rate β in (0, 1).
 *
 * <p><b>Which rule by default: the delta rule.</b> With unit keys the sum rule's S is a sum of t outer products:
 * it grows with the episode without bound (acting episodes have no length limit here), and every write
 * superimposes on every other in only d dimensions, so a key written twice returns twice its value. The delta
 * rule's step is {@code S (I - β k̂ k̂ᵀ) + β v k̂ᵀ}, a contraction on the written direction: S stays bounded by the
 * values, and rewriting a key replaces its value instead of adding to it, the property Schlag et al. show the
 * sum rule's capacity problems come from lacking. The sum rule is {@code new FastWeightCore(in, H, heads, false)}.
 *
 * <p>Normalisation: q and k are L2-normalised (with ε under the root, so the map is smooth at 0 and every face
 * differentiates the same function); Schlag et al.'s sum-normalised DPFP features are not used: they widen the
 * key, and with it the state, by a factor ν.
 *
 * <p>State {@code [y | S_1 .. S_heads]} ({@code H + heads d²} floats, each S stored by key: element (value i, key
 * j) at {@code j d + i}, so a key's column of S is a contiguous row of the state);
 * zero at an episode's start. Parameters {@code fwp.Wqkv [in, 3A]}, {@code fwp.bqkv [1, 3A]}, with the delta rule
 * {@code fwp.Wbeta [in, heads]}, {@code fwp.bbeta [1, heads]}, then {@code fwp.Wy [A + in, H]} (rows: o's then
 * x's), {@code fwp.by [1, H]}. Initialisation: Glorot-uniform per block, biases zero (β starts near 1/2).
 *
 * @param inputSize width of x_t
 * @param hiddenSize H, the width of y
 * @param heads number of heads ({@value #DEFAULT_HEADS} by default)
 * @param deltaRule the delta rule (true, the default) or the sum rule
 */
public record FastWeightCore(int inputSize, int hiddenSize, int heads, boolean deltaRule) implements HeadMemoryCore {

  public static final String NAME = "fwp";
  public static final int DEFAULT_HEADS = 4;
  /** ε under the normalisation's square root. */
  public static final float EPS = 1e-6f;

  public FastWeightCore {
    if (inputSize < 1 || hiddenSize < 1 || heads < 1) {
      throw new IllegalArgumentException("fwp sizes must be positive: inputSize=" + inputSize + ", hiddenSize="
          + hiddenSize + ", heads=" + heads);
    }
  }

  /** {@value #DEFAULT_HEADS} heads, the delta rule: what {@code core = fwp} builds. */
  public FastWeightCore(int inputSize, int hiddenSize) {
    this(inputSize, hiddenSize, DEFAULT_HEADS, true);
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
    return hiddenSize + heads * d * d;
  }

  @Override
  public List<ParamTensor> layout() {
    int a = attentionWidth();
    int[] wy = {a + inputSize, hiddenSize};
    int[] by = {1, hiddenSize};
    if (deltaRule) {
      return RecurrentCore.layoutOf(NAME, new int[][] {{inputSize, 3 * a}, {1, 3 * a}, {inputSize, heads},
          {1, heads}, wy, by}, "Wqkv", "bqkv", "Wbeta", "bbeta", "Wy", "by");
    }
    return RecurrentCore.layoutOf(NAME, new int[][] {{inputSize, 3 * a}, {1, 3 * a}, wy, by}, "Wqkv", "bqkv", "Wy",
        "by");
  }

  /** Offset of {@code Wbeta} (delta rule only); {@code bbeta} follows it. */
  int betaOffset() {
    return (inputSize + 1) * 3 * attentionWidth();
  }

  @Override
  public int[][] projectionBlocks() {
    int a3 = 3 * attentionWidth();
    if (deltaRule) {
      return new int[][] {{0, inputSize * a3, a3}, {betaOffset(), betaOffset() + inputSize * heads, heads}};
    }
    return new int[][] {{0, inputSize * a3, a3}};
  }

  @Override
  public int readoutOffset() {
    return betaOffset() + (deltaRule ? (inputSize + 1) * heads : 0);
  }

  @Override
  public void initialize(float[] p, int offset, SplittableRandom rng) {
    int a = attentionWidth();
    RecurrentCore.glorot(p, offset, inputSize, 3 * a, a, rng);
    int b = offset + inputSize * 3 * a;
    java.util.Arrays.fill(p, b, b + 3 * a, 0f);
    if (deltaRule) {
      int wb = offset + betaOffset();
      RecurrentCore.glorot(p, wb, inputSize, heads, heads, rng);
      java.util.Arrays.fill(p, wb + inputSize * heads, wb + (inputSize + 1) * heads, 0f);
    }
    int wy = offset + readoutOffset();
    RecurrentCore.glorot(p, wy, a + inputSize, hiddenSize, hiddenSize, rng);
    java.util.Arrays.fill(p, wy + (a + inputSize) * hiddenSize, wy + (a + inputSize + 1) * hiddenSize, 0f);
  }

  @Override
  public long macsPerStep() {
    int d = headSize();
    int a = attentionWidth();
    // The projection; per head the norms of q and k (2d), the write v kᵀ (d²), the read S q (d²), and for the
    // delta rule its β column and the retrieval S k (d²); the readout.
    long projection = (long) inputSize * (3 * a + (deltaRule ? heads : 0));
    long memory = (long) heads * (2L * d + (deltaRule ? 3L : 2L) * d * d);
    return projection + memory + readoutMacs();
  }

  @Override
  public CoreKernel kernel(BatchOps ops, int maxRows) {
    return new FastWeightKernel(this, ops, maxRows);
  }

  @Override
  public CoreTraining training(BatchOps ops) {
    return new FastWeightTraining(this, ops);
  }

  /**
   * The features of {@code rows} rows of P, in place, shared by both faces: each head's q and k divided by {@code
   * sqrt(·|· + ε)} (the root goes to {@code norms[r * 2 heads + h]} for q and {@code [.. + heads + h]} for k when
   * {@code norms} is not null), and with the delta rule {@code β = σ(logit)} through {@code ops}.
   */
  static void features(BatchOps ops, int rows, int heads, int d, boolean deltaRule, float[] p, int ldp,
      float[] norms) {
    int a = heads * d;
    for (int r = 0; r < rows; r++) {
      int o = r * ldp;
      for (int block = 0; block < 2; block++) {
        for (int h = 0; h < heads; h++) {
          int base = o + block * a + h * d;
          float sq = 0f;
          for (int i = 0; i < d; i++) {
            sq += p[base + i] * p[base + i];
          }
          float root = (float) Math.sqrt(sq + EPS);
          for (int i = 0; i < d; i++) {
            p[base + i] /= root;
          }
          if (norms != null) {
            norms[r * 2 * heads + block * heads + h] = root;
          }
        }
      }
    }
    if (deltaRule) {
      ops.sigmoid(rows, heads, p, 3 * a, ldp);
    }
  }

  /**
   * One row's memory step, shared by the acting kernel and the training form so both give the same bits: from
   * the features {@code [q̂ | k̂ | v (| β)]} at {@code p[pOff..]} and S at {@code sIn[inOff..]}, writes S' to
   * {@code sOut[outOff..]}, o ({@code A} floats) to {@code o[oOff..]} and, with the delta rule and {@code diff}
   * not null, {@code v - v̄} to {@code diff[diffOff..]}, using {@code w} (d floats) for the write. S is stored by
   * key, so per head every product is a sum of key rows in key order ({@link HeadMemoryMath}): {@code v̄ = Σ_j
   * k̂_j S_j}, then in one pass {@code S'_j = S_j + k̂_j w} and {@code o = Σ_j q̂_j S'_j}.
   */
  static void recur(HeadMemoryMath m, int heads, int d, boolean deltaRule, float[] p, int pOff, float[] sIn,
      int inOff, float[] sOut, int outOff, float[] o, int oOff, float[] diff, int diffOff, float[] w) {
    int a = heads * d;
    for (int h = 0; h < heads; h++) {
      int q = pOff + h * d;
      int k = pOff + a + h * d;
      int v = pOff + 2 * a + h * d;
      int sh = h * d * d;
      int oh = oOff + h * d;
      if (deltaRule) {
        float beta = p[pOff + 3 * a + h];
        m.weightedRowSum(d, d, p, k, sIn, inOff + sh, o, oh);
        for (int i = 0; i < d; i++) {
          float dv = p[v + i] - o[oh + i];
          if (diff != null) {
            diff[diffOff + h * d + i] = dv;
          }
          w[i] = beta * dv;
        }
        m.writeAndRead(d, d, p, k, w, 0, sIn, inOff + sh, sOut, outOff + sh, p, q, o, oh);
      } else {
        m.writeAndRead(d, d, p, k, p, v, sIn, inOff + sh, sOut, outOff + sh, p, q, o, oh);
      }
    }
  }

  /** Each head's rows of {@code a} ({@code [batch, heads, d]}) over {@code sqrt(·|· + ε)}. */
  private static SDVariable normalised(SDVariable a) {
    return a.div(a.mul(a).sum(true, 2).add(EPS).pow(0.5));
  }

  /**
   * The projection of every step in one matmul; per step S as {@code [batch, heads, key, value]}, the retrieval
   * and the read as broadcast products summed over the keys, the write as a broadcast outer product; the readout
   * of every step in one matmul.
   */
  @Override
  public SDVariable[] sameDiff(SameDiff sd, Map<String, SDVariable> w, SDVariable x, SDVariable state0, int batch,
      int time) {
    int hs = hiddenSize;
    int d = headSize();
    int a = attentionWidth();
    int m = heads * d * d;
    // β's columns beside q, k, v as in the other faces (a [B, T, heads] tensor of its own, sliced per step, meets
    // ND4J 1.0.0-M2.1's strided_slice_bp failing op validation for heads = 4).
    SDVariable wp = w.get(NAME + ".Wqkv");
    SDVariable bp = w.get(NAME + ".bqkv");
    if (deltaRule) {
      wp = sd.concat(1, wp, w.get(NAME + ".Wbeta"));
      bp = sd.concat(1, bp, w.get(NAME + ".bbeta"));
    }
    int pw = projectionWidth();
    SDVariable proj = sd.reshape(x.mmul(wp).add(bp), batch, time, pw);
    SDVariable s = sd.reshape(state0.get(SDIndex.all(), SDIndex.interval(hs, hs + m)), batch, heads, d, d);
    SDVariable[] os = new SDVariable[time];
    SDVariable[] ss = new SDVariable[time];
    for (int t = 0; t < time; t++) {
      SDVariable pt = proj.get(SDIndex.all(), SDIndex.point(t), SDIndex.all());
      SDVariable q = normalised(sd.reshape(pt.get(SDIndex.all(), SDIndex.interval(0, a)), batch, heads, d));
      SDVariable k = normalised(sd.reshape(pt.get(SDIndex.all(), SDIndex.interval(a, 2 * a)), batch, heads, d));
      SDVariable v = sd.reshape(pt.get(SDIndex.all(), SDIndex.interval(2 * a, 3 * a)), batch, heads, d);
      SDVariable kCol = sd.reshape(k, batch, heads, d, 1);
      SDVariable write = v;
      if (deltaRule) {
        SDVariable beta = sd.reshape(sd.nn().sigmoid(pt.get(SDIndex.all(), SDIndex.interval(3 * a, pw))), batch,
            heads, 1);
        SDVariable retrieved = s.mul(kCol).sum(2);
        write = beta.mul(v.sub(retrieved));
      }
      s = s.add(kCol.mul(sd.reshape(write, batch, heads, 1, d)));
      os[t] = sd.reshape(s.mul(sd.reshape(q, batch, heads, d, 1)).sum(2), batch, a);
      ss[t] = sd.reshape(s, batch, m);
    }
    long rows = (long) batch * time;
    SDVariable o = sd.reshape(sd.stack(1, os), rows, a);
    SDVariable y = sd.math().tanh(sd.concat(1, o, x).mmul(w.get(NAME + ".Wy")).add(w.get(NAME + ".by")));
    SDVariable states = sd.concat(1, y, sd.reshape(sd.stack(1, ss), rows, m));
    return new SDVariable[] {y, states};
  }
}
