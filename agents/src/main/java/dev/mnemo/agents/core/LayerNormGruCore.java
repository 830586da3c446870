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
 * The layer-normalised GRU (the memory RL² reproductions found they needed to train stably): {@link GruCore}'s
 * reset-after cell on layer-normalised projections, the input's and the hidden state's normalised separately
 * (as Ba et al. 2016 do for the LSTM) and each per gate block:
 * <pre>
 *   A = x_t Wx,  C = h_{t-1} Wh                                   [3H] each, blocks [r | z | n], no bias
 *   LN_q(v; gamma, beta) = gamma_q * (v_q - mean(v_q)) / sqrt(var(v_q) + 1e-5) + beta_q   for each block q,
 *       mean and (biased) variance over that block's H features only
 *   a = LN(A; gx, bx),  c = LN(C; gh, bh)
 *   r_t = sigmoid(a_r + c_r);   z_t = sigmoid(a_z + c_z);   n_t = tanh(a_n + r_t * c_n)
 *   h_t = (1 - z_t) * n_t + z_t * h_{t-1}
 * </pre>
 * Why separate projections: r multiplies only the hidden part of the candidate, so the two projections are
 * needed apart anyway, and normalising them apart keeps a large input from drowning the memory (or the
 * reverse). Why per gate block rather than over all 3H features: the three blocks feed different gates; with
 * one statistic over 3H a block with large weights (say the update gate's) would set the scale of the
 * others. The betas are the biases (a bias before a layer norm would be all but cancelled by its mean);
 * {@code bh}'s n block plays b_hn's part inside {@code r * (...)}.
 *
 * <p>State {@code [h]} (H floats), output h. Parameters {@code ln_gru.Wx [in, 3H]}, {@code ln_gru.Wh [H, 3H]},
 * {@code ln_gru.gx, ln_gru.bx, ln_gru.gh, ln_gru.bh} (each {@code [1, 3H]}: gains gamma and biases beta of
 * the input's and the hidden state's norms). Initialisation: Glorot-uniform per gate block (as {@link
 * LstmCore}), gains 1 and biases 0 (the layer norm's identity).
 *
 * <p>{@code ln_gru_relu} is the same core with the candidate {@code n_t = max(a_n + r_t * c_n, 0)}: the GRU of the
 * RL² reproduction that matched the paper on the random MDPs (its state stays in [0, inf) and a unit can hold a
 * graded magnitude without saturating).
 *
 * @param inputSize width of x_t
 * @param hiddenSize H
 * @param reluCandidate the candidate is a ReLU ({@code ln_gru_relu}) instead of tanh
 */
public record LayerNormGruCore(int inputSize, int hiddenSize, boolean reluCandidate) implements RecurrentCore {

  public static final String NAME = "ln_gru";
  public static final String NAME_RELU = "ln_gru_relu";

  /** The tanh core ({@code ln_gru}). */
  public LayerNormGruCore(int inputSize, int hiddenSize) {
    this(inputSize, hiddenSize, false);
  }

  public LayerNormGruCore {
    if (inputSize < 1 || hiddenSize < 1) {
      throw new IllegalArgumentException("ln_gru sizes must be positive: inputSize=" + inputSize + ", hiddenSize="
          + hiddenSize);
    }
  }

  @Override
  public String name() {
    return reluCandidate ? NAME_RELU : NAME;
  }

  @Override
  public int stateSize() {
    return hiddenSize;
  }

  @Override
  public List<ParamTensor> layout() {
    int g3 = 3 * hiddenSize;
    return RecurrentCore.layoutOf(name(),
        new int[][] {{inputSize, g3}, {hiddenSize, g3}, {1, g3}, {1, g3}, {1, g3}, {1, g3}},
        "Wx", "Wh", "gx", "bx", "gh", "bh");
  }

  @Override
  public void initialize(float[] p, int offset, SplittableRandom rng) {
    int g3 = 3 * hiddenSize;
    RecurrentCore.glorot(p, offset, inputSize, g3, hiddenSize, rng);
    int wh = offset + inputSize * g3;
    RecurrentCore.glorot(p, wh, hiddenSize, g3, hiddenSize, rng);
    int gx = wh + hiddenSize * g3;
    java.util.Arrays.fill(p, gx, gx + g3, 1f);
    java.util.Arrays.fill(p, gx + g3, gx + 2 * g3, 0f);
    java.util.Arrays.fill(p, gx + 2 * g3, gx + 3 * g3, 1f);
    java.util.Arrays.fill(p, gx + 3 * g3, gx + 4 * g3, 0f);
  }

  /** Sets the input norm's beta {@code bx} on the z block (the betas are the core's biases; {@code bh}'s stays 0). */
  @Override
  public void setKeepGateBias(float[] p, int offset, float bias) {
    int g3 = 3 * hiddenSize;
    int bx = offset + (inputSize + hiddenSize) * g3 + g3;
    java.util.Arrays.fill(p, bx + hiddenSize, bx + 2 * hiddenSize, bias);
  }

  @Override
  public long macsPerStep() {
    return (long) (inputSize + hiddenSize) * 3 * hiddenSize;
  }

  @Override
  public CoreKernel kernel(BatchOps ops, int maxRows) {
    return new LayerNormGruKernel(this, ops, maxRows);
  }

  @Override
  public CoreTraining training(BatchOps ops) {
    return new LayerNormGruTraining(this, ops);
  }

  /** The input projection and its norm for every step at once; only {@code LN(h Wh)} is inside the loop. */
  @Override
  public SDVariable[] sameDiff(SameDiff sd, Map<String, SDVariable> w, SDVariable x, SDVariable state0, int batch,
      int time) {
    int hs = hiddenSize;
    String p = name() + ".";
    SDVariable a = layerNorm(sd, x.mmul(w.get(p + "Wx")), w.get(p + "gx"), w.get(p + "bx"), hs);
    a = sd.reshape(a, batch, time, 3L * hs);
    SDVariable wh = w.get(p + "Wh");
    SDVariable gh = w.get(p + "gh");
    SDVariable bh = w.get(p + "bh");
    SDVariable h = state0;
    SDVariable[] out = new SDVariable[time];
    for (int t = 0; t < time; t++) {
      SDVariable at = a.get(SDIndex.all(), SDIndex.point(t), SDIndex.all());
      h = GruCore.sameDiffCell(sd, at, layerNorm(sd, h.mmul(wh), gh, bh, hs), h, hs, reluCandidate);
      out[t] = h;
    }
    SDVariable hsOut = sd.reshape(sd.stack(1, out), (long) batch * time, hs);
    return new SDVariable[] {hsOut, hsOut};
  }

  /** {@link BlockLayerNorm} from primitive ops: each of the three H-wide blocks of {@code v} normalised apart. */
  private static SDVariable layerNorm(SameDiff sd, SDVariable v, SDVariable gamma, SDVariable beta, int hs) {
    SDVariable[] blocks = new SDVariable[3];
    for (int q = 0; q < 3; q++) {
      SDVariable vq = v.get(SDIndex.all(), SDIndex.interval(q * hs, (q + 1) * hs));
      SDVariable d = vq.sub(vq.mean(true, 1));
      SDVariable var = d.mul(d).mean(true, 1);
      blocks[q] = d.mul(sd.math().rsqrt(var.add(BlockLayerNorm.EPS)));
    }
    return sd.concat(1, blocks).mul(gamma).add(beta);
  }
}
