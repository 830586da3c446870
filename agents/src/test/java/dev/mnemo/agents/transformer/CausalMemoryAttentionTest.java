package dev.mnemo.agents.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link CausalMemoryAttention} against a double-precision reference written from its javadoc, SameDiff autodiff
 * of the same graph built from matmuls, an additive mask and softmax (SameDiff's own attention op takes no causal
 * mask in 1.0.0-M2.1), and central finite differences; and the mask: no query sees the future, the hidden memory
 * rows or the previous episode. Loss {@code L = sum G * y}.
 */
class CausalMemoryAttentionTest {

  static final int B = 2;
  static final int H = 2;
  static final int D = 6;
  static final int M = 3;
  static final int T = 4;
  static final int L = M + T;
  /** Segment 0 sees everything; segment 1's first memory row is unfilled and an episode starts at query 2. */
  static final int[] FIRST = {0, 0, 0, 0, 1, 1, M + 2, M + 2};

  static final class Case {
    final CausalMemoryAttention att = new CausalMemoryAttention(D, H, M, T);
    final float[] p;
    final float[] x;
    final float[] mem;
    final float[] gUp;
    final float[] y = new float[B * T * D + 3];
    final float[] dx = new float[B * T * D];
    final float[] grad;
    final CausalMemoryAttention.Pass pass = att.newPass(B + 1);

    Case(long seed) {
      p = TransformerFixtures.uniform(2 + att.paramCount(), seed, 0.7);
      x = TransformerFixtures.uniform(1 + B * T * D, seed + 1, 1.2);
      mem = TransformerFixtures.uniform(B * M * D, seed + 2, 1.2);
      gUp = TransformerFixtures.uniform(B * T * D, seed + 3, 1.0);
      grad = new float[att.paramCount()];
      pass.forward(B, p, 2, x, 1, mem, 0, FIRST, y, 3);
      pass.backward(p, 2, gUp, 0, dx, 0, grad, 0);
    }

    double loss(double[] pp, double[] xx) {
      return TransformerFixtures.dot(gUp, reference(pp, xx, TransformerFixtures.toDouble(mem)));
    }
  }

  /** The javadoc's equations in double. */
  static double[] reference(double[] pp, double[] xx, double[] mm) {
    int dh = D / H;
    double[] y = new double[B * T * D];
    for (int b = 0; b < B; b++) {
      double[][] c = new double[L][D];
      for (int j = 0; j < L; j++) {
        for (int e = 0; e < D; e++) {
          c[j][e] = j < M ? mm[(b * M + j) * D + e] : xx[(b * T + j - M) * D + e];
        }
      }
      double[][] q = project(c, pp, 0, M);
      double[][] k = project(c, pp, D * D, 0);
      double[][] v = project(c, pp, 2 * D * D, 0);
      double[][] o = new double[T][D];
      for (int h = 0; h < H; h++) {
        for (int t = 0; t < T; t++) {
          int last = M + t;
          int f = FIRST[b * T + t];
          double[] s = new double[L];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = f; j <= last; j++) {
            double dot = 0;
            for (int e = 0; e < dh; e++) {
              dot += q[t][h * dh + e] * k[j][h * dh + e];
            }
            s[j] = dot / Math.sqrt(dh) + pp[4 * D * D + h * L + (last - j)];
            max = Math.max(max, s[j]);
          }
          double sum = 0;
          for (int j = f; j <= last; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
          }
          for (int j = f; j <= last; j++) {
            for (int e = 0; e < dh; e++) {
              o[t][h * dh + e] += s[j] / sum * v[j][h * dh + e];
            }
          }
        }
      }
      for (int t = 0; t < T; t++) {
        for (int col = 0; col < D; col++) {
          double acc = 0;
          for (int e = 0; e < D; e++) {
            acc += o[t][e] * pp[3 * D * D + e * D + col];
          }
          y[(b * T + t) * D + col] = acc;
        }
      }
    }
    return y;
  }

  /** Rows {@code from..} of {@code c} times the {@code D x D} matrix at {@code off}. */
  private static double[][] project(double[][] c, double[] pp, int off, int from) {
    double[][] out = new double[c.length - from][D];
    for (int r = from; r < c.length; r++) {
      for (int col = 0; col < D; col++) {
        double acc = 0;
        for (int e = 0; e < D; e++) {
          acc += c[r][e] * pp[off + e * D + col];
        }
        out[r - from][col] = acc;
      }
    }
    return out;
  }

  @Test
  void forwardMatchesTheDoubleReference() {
    Case c = new Case(1);
    double[] want = reference(TransformerFixtures.slice(c.p, 2, c.att.paramCount()),
        TransformerFixtures.slice(c.x, 1, B * T * D), TransformerFixtures.toDouble(c.mem));
    TransformerFixtures.assertClose(want, TransformerFixtures.slice(c.y, 3, B * T * D), 1e-5, "y");
  }

  @Test
  void gradientsMatchSameDiffAutodiff() {
    Case c = new Case(2);
    SameDiff sd = SameDiff.create();
    Map<String, SDVariable> w = new HashMap<>();
    for (ParamTensor t : c.att.layout("att")) {
      w.put(t.name(), sd.var(t.name(), Nd4j.create(TransformerFixtures.floats(c.p, 2 + t.offset(), t.size()),
          new long[] {t.rows(), t.cols()}, 'c')));
    }
    SDVariable x = sd.var("x", Nd4j.create(TransformerFixtures.floats(c.x, 1, B * T * D), new long[] {B * T, D},
        'c'));
    int dh = D / H;
    // sel[k, t * L + j] = 1 when k = M + t - j (the relative distance) and key j is visible to query t.
    float[] sel = new float[L * T * L];
    float[][] mask = new float[B][T * L];
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        for (int j = 0; j < L; j++) {
          boolean visible = j >= FIRST[b * T + t] && j <= M + t;
          mask[b][t * L + j] = visible ? 0f : -1e9f;
          if (j <= M + t) {
            sel[(M + t - j) * T * L + t * L + j] = 1f;
          }
        }
      }
    }
    SDVariable selection = sd.constant("sel", Nd4j.create(sel, new long[] {L, T * L}, 'c'));
    SDVariable loss = null;
    for (int b = 0; b < B; b++) {
      SDVariable xb = x.get(SDIndex.interval(b * T, (b + 1) * T), SDIndex.all());
      SDVariable mb = sd.constant("mem" + b, Nd4j.create(TransformerFixtures.floats(c.mem, b * M * D, M * D),
          new long[] {M, D}, 'c'));
      SDVariable cb = sd.concat(0, mb, xb);
      SDVariable q = xb.mmul(w.get("att.Wq"));
      SDVariable k = cb.mmul(w.get("att.Wk"));
      SDVariable v = cb.mmul(w.get("att.Wv"));
      SDVariable maskB = sd.constant("mask" + b, Nd4j.create(mask[b], new long[] {T, L}, 'c'));
      List<SDVariable> headsOut = new ArrayList<>();
      for (int h = 0; h < H; h++) {
        SDVariable qh = q.get(SDIndex.all(), SDIndex.interval(h * dh, (h + 1) * dh));
        SDVariable kh = k.get(SDIndex.all(), SDIndex.interval(h * dh, (h + 1) * dh));
        SDVariable vh = v.get(SDIndex.all(), SDIndex.interval(h * dh, (h + 1) * dh));
        SDVariable relH = w.get("att.rel").get(SDIndex.interval(h, h + 1), SDIndex.all());
        SDVariable bias = relH.mmul(selection).reshape(T, L);
        SDVariable scores = qh.mmul(sd.transpose(kh)).mul(1.0 / Math.sqrt(dh)).add(bias).add(maskB);
        headsOut.add(sd.nn().softmax(scores, 1).mmul(vh));
      }
      SDVariable yb = sd.concat(1, headsOut.toArray(new SDVariable[0])).mmul(w.get("att.Wo"));
      SDVariable g = sd.constant("G" + b, Nd4j.create(TransformerFixtures.floats(c.gUp, b * T * D, T * D),
          new long[] {T, D}, 'c'));
      SDVariable lb = yb.mul(g).sum();
      loss = loss == null ? lb : loss.add(lb);
    }
    sd.setLossVariables(loss);
    List<String> names = new ArrayList<>(w.keySet());
    names.add("x");
    Map<String, INDArray> sdGrad = dev.mnemo.agents.QuietSameDiff.calculateGradients(sd, new HashMap<>(), names);
    for (ParamTensor t : c.att.layout("att")) {
      TransformerFixtures.assertClose(TransformerFixtures.toDouble(sdGrad.get(t.name()).dup('c').data().asFloat()),
          TransformerFixtures.slice(c.grad, t.offset(), t.size()), 1e-4, "dL/d" + t.name() + " vs SameDiff");
    }
    TransformerFixtures.assertClose(TransformerFixtures.toDouble(sdGrad.get("x").dup('c').data().asFloat()),
        TransformerFixtures.toDouble(c.dx), 1e-4, "dL/dx vs SameDiff");
  }

  @Test
  void gradientsMatchCentralFiniteDifferencesInDoublePrecision() {
    Case c = new Case(3);
    double[] pp = TransformerFixtures.slice(c.p, 2, c.att.paramCount());
    double[] xx = TransformerFixtures.slice(c.x, 1, B * T * D);
    TransformerFixtures.assertFiniteDifferences(pp, v -> c.loss(v, xx), TransformerFixtures.toDouble(c.grad),
        "parameters");
    TransformerFixtures.assertFiniteDifferences(xx, v -> c.loss(pp, v), TransformerFixtures.toDouble(c.dx), "x");
  }

  /** Every weight on a key outside [first, M + t] is exactly zero, and the visible ones sum to one. */
  @Test
  void noQuerySeesTheFutureTheUnfilledMemoryOrThePreviousEpisode() {
    Case c = new Case(4);
    float[] pr = c.pass.probabilities();
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        for (int t = 0; t < T; t++) {
          double sum = 0;
          for (int j = 0; j < L; j++) {
            float w = pr[((b * H + h) * T + t) * L + j];
            boolean visible = j >= FIRST[b * T + t] && j <= M + t;
            if (!visible) {
              assertEquals(0f, w, "segment " + b + " head " + h + " query " + t + " sees key " + j);
            } else {
              assertTrue(w > 0, "a visible key has weight");
            }
            sum += w;
          }
          assertEquals(1.0, sum, 1e-6);
        }
      }
    }
  }

  /** Changing a later segment row, or a hidden memory row, leaves every earlier output bit-identical. */
  @Test
  void outputsDependOnlyOnWhatTheirQueriesMaySee() {
    Case c = new Case(5);
    float[] y0 = java.util.Arrays.copyOf(c.y, c.y.length);
    float[] x2 = c.x.clone();
    x2[1 + (0 * T + 2) * D + 1] += 3f; // segment 0, row 2
    float[] mem2 = c.mem.clone();
    mem2[(1 * M + 0) * D + 4] += 3f; // segment 1, memory row 0 (hidden from all its queries)
    float[] y = new float[c.y.length];
    c.pass.forward(B, c.p, 2, x2, 1, mem2, 0, FIRST, y, 3);
    for (int t = 0; t < T; t++) {
      for (int e = 0; e < D; e++) {
        int i0 = 3 + t * D + e;
        int i1 = 3 + (T + t) * D + e;
        if (t < 2) {
          assertEquals(y0[i0], y[i0], "segment 0 query " + t + " saw row 2 of its future");
        }
        assertEquals(y0[i1], y[i1], "segment 1 query " + t + " saw its hidden memory row");
      }
    }
    assertNotEquals(y0[3 + 2 * D], y[3 + 2 * D], "row 2 itself changed");
    float[] mem3 = c.mem.clone();
    mem3[0] += 3f; // segment 0's visible memory row 0
    c.pass.forward(B, c.p, 2, c.x, 1, mem3, 0, FIRST, y, 3);
    assertNotEquals(y0[3], y[3], "visible memory is used");
  }

  @Test
  void aQueryMustSeeAtLeastItself() {
    Case c = new Case(6);
    int[] bad = FIRST.clone();
    bad[1] = M + 2;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.pass.forward(B, c.p, 2, c.x, 1, c.mem, 0, bad, c.y, 3));
    assertTrue(e.getMessage().contains("segment 0, query 1 is 5"), e.getMessage());
  }
}
