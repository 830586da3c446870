package dev.mnemo.agents.bench;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The leanest SameDiff forward of one actor step we could write, as the benchmark's fair baseline: a
 * graph built once for one batch size with no unroll machinery (no time reshapes, stacks or per-step
 * slices of a projection), fused {@code linear} ops ({@code xw_plus_b}), the LSTM input and recurrent
 * products in ONE matmul of {@code [e | h]} by the stacked {@code [W_x; W_h]}, both dueling streams in
 * ONE {@code linear} each layer (side by side, then block-diagonal), exactly as the Java kernel does.
 * Inputs go into preallocated arrays; the returned state is fed back as the next placeholders (no copy).
 * Not thread-safe.
 */
final class SameDiffStep {

  private final RecurrentQSpec spec;
  private final int batch;
  private final SameDiff sd = SameDiff.create();
  private final Map<String, INDArray> placeholders = new HashMap<>();
  private final float[] xBuf;
  private final INDArray x;
  private INDArray lastQ;

  SameDiffStep(RecurrentQSpec spec, int batch, ParamSnapshot snap) {
    if (!spec.coreName().equals(dev.mnemo.agents.core.LstmCore.NAME)) {
      throw new IllegalArgumentException("the fused one-step SameDiff baseline is written for the LSTM core, not "
          + spec.coreName());
    }
    this.spec = spec;
    this.batch = batch;
    float[] p = snap.params();
    Map<String, ParamTensor> lay = spec.layoutByName();
    int hs = spec.coreSize();
    int k = spec.headSize();
    int na = spec.numActions();
    SDVariable xv = sd.placeHolder("x", DataType.FLOAT, batch, spec.inputSize());
    SDVariable h = sd.placeHolder("h", DataType.FLOAT, batch, hs);
    SDVariable c = sd.placeHolder("c", DataType.FLOAT, batch, hs);
    SDVariable e = xv;
    for (int i = 0; i < spec.encoderSizes().size(); i++) {
      e = sd.nn().relu(sd.nn().linear(e, var(p, lay.get("enc" + i + ".W")), row(p, lay.get("enc" + i + ".b"))), 0);
    }
    // [W_x; W_h] stacked: z = [e | h] W + b in one matmul.
    ParamTensor wx = lay.get("lstm.Wx");
    ParamTensor wh = lay.get("lstm.Wh");
    float[] wxh = new float[wx.size() + wh.size()];
    System.arraycopy(p, wx.offset(), wxh, 0, wx.size());
    System.arraycopy(p, wh.offset(), wxh, wx.size(), wh.size());
    SDVariable w = sd.constant("lstm.Wxh", Nd4j.create(wxh, new long[] {wx.rows() + wh.rows(), 4L * hs}, 'c'));
    SDVariable z = sd.nn().linear(sd.concat(1, e, h), w, row(p, lay.get("lstm.b")));
    SDVariable s = sd.nn().sigmoid(z);
    SDVariable ig = s.get(SDIndex.all(), SDIndex.interval(0, hs));
    SDVariable fg = s.get(SDIndex.all(), SDIndex.interval(hs, 2 * hs));
    SDVariable og = s.get(SDIndex.all(), SDIndex.interval(3 * hs, 4 * hs));
    SDVariable gg = sd.math().tanh(z.get(SDIndex.all(), SDIndex.interval(2 * hs, 3 * hs)));
    SDVariable cNext = fg.mul(c).add(ig.mul(gg)).rename("cNext");
    SDVariable hNext = og.mul(sd.math().tanh(cNext)).rename("hNext");
    // Heads: u = relu(h [v1.W | a1.W] + [v1.b | a1.b]); [v | a] = u [[v2.W, 0], [0, a2.W]] + [v2.b | a2.b].
    float[] w1 = new float[hs * 2 * k];
    float[] b1 = new float[2 * k];
    float[] w2 = new float[2 * k * (1 + na)];
    float[] b2 = new float[1 + na];
    ParamTensor v1 = lay.get("v1.W");
    ParamTensor a1 = lay.get("a1.W");
    for (int r = 0; r < hs; r++) {
      System.arraycopy(p, v1.offset() + r * k, w1, r * 2 * k, k);
      System.arraycopy(p, a1.offset() + r * k, w1, r * 2 * k + k, k);
    }
    System.arraycopy(p, lay.get("v1.b").offset(), b1, 0, k);
    System.arraycopy(p, lay.get("a1.b").offset(), b1, k, k);
    ParamTensor v2 = lay.get("v2.W");
    ParamTensor a2 = lay.get("a2.W");
    for (int r = 0; r < k; r++) {
      w2[r * (1 + na)] = p[v2.offset() + r];
      System.arraycopy(p, a2.offset() + r * na, w2, (k + r) * (1 + na) + 1, na);
    }
    b2[0] = p[lay.get("v2.b").offset()];
    System.arraycopy(p, lay.get("a2.b").offset(), b2, 1, na);
    SDVariable u = sd.nn().relu(sd.nn().linear(hNext, sd.constant("w1", Nd4j.create(w1, new long[] {hs, 2L * k}, 'c')),
        sd.constant("b1", Nd4j.create(b1, new long[] {2L * k}, 'c'))), 0);
    SDVariable va = sd.nn().linear(u, sd.constant("w2", Nd4j.create(w2, new long[] {2L * k, 1 + na}, 'c')),
        sd.constant("b2", Nd4j.create(b2, new long[] {1 + na}, 'c')));
    SDVariable v = va.get(SDIndex.all(), SDIndex.interval(0, 1));
    SDVariable a = va.get(SDIndex.all(), SDIndex.interval(1, 1 + na));
    v.add(a.sub(a.mean(true, 1))).rename("q");
    xBuf = new float[batch * spec.inputSize()];
    x = Nd4j.create(DataType.FLOAT, batch, spec.inputSize());
    placeholders.put("x", x);
    placeholders.put("h", Nd4j.create(DataType.FLOAT, batch, hs));
    placeholders.put("c", Nd4j.create(DataType.FLOAT, batch, hs));
  }

  private SDVariable var(float[] p, ParamTensor t) {
    float[] a = new float[t.size()];
    System.arraycopy(p, t.offset(), a, 0, t.size());
    return sd.constant(t.name(), Nd4j.create(a, new long[] {t.rows(), t.cols()}, 'c'));
  }

  /** A bias as a rank-1 constant, the shape {@code xw_plus_b} wants. */
  private SDVariable row(float[] p, ParamTensor t) {
    float[] a = new float[t.size()];
    System.arraycopy(p, t.offset(), a, 0, t.size());
    return sd.constant(t.name(), Nd4j.create(a, new long[] {t.size()}, 'c'));
  }

  /**
   * One step: builds {@code x = [obs | onehot(prevAction) | prevReward]} into the reused input array, runs
   * the graph, and keeps the new (h, c) as the next step's placeholders.
   */
  void step(float[] obs, int[] prevA, float[] prevR) {
    int os = spec.obsSize();
    int na = spec.numActions();
    int in = spec.inputSize();
    java.util.Arrays.fill(xBuf, 0f);
    for (int b = 0; b < batch; b++) {
      System.arraycopy(obs, b * os, xBuf, b * in, os);
      if (prevA[b] >= 0) {
        xBuf[b * in + os + prevA[b]] = 1f;
      }
      xBuf[b * in + os + na] = prevR[b];
    }
    x.data().setData(xBuf);
    Map<String, INDArray> out = sd.output(placeholders, "q", "hNext", "cNext");
    placeholders.put("h", out.get("hNext"));
    placeholders.put("c", out.get("cNext"));
    lastQ = out.get("q");
  }

  /** The last step's Q-values, {@code [B * A]} row-major (a copy: for checks, not the timed loop). */
  float[] qValues() {
    return lastQ.dup('c').data().asFloat();
  }

  /** Zeroes the recurrent state. */
  void resetState() {
    placeholders.put("h", Nd4j.create(DataType.FLOAT, batch, spec.coreSize()));
    placeholders.put("c", Nd4j.create(DataType.FLOAT, batch, spec.coreSize()));
  }
}
