package dev.mnemo.agents.bench;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.QuietSameDiff;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training pass of a {@link TransformerActorCritic} (trunk and heads, one batch of segments) as a SameDiff graph
 * of primitive ops, so the ALD benchmark can time SameDiff's forward and backward of exactly what the Java engine
 * computes: matmuls, reshapes and permutes for the heads, an additive causal mask written here (SameDiff's attention
 * op takes no mask in 1.0.0-M2.1), the relative-position bias gathered by a 0/1 selection matmul, softmax, layer
 * norms from means and square roots, the GRU-type gates from sigmoid and tanh. Heads are batched in rank-4 matmuls
 * ({@code [B, H, T, dh] x [B, H, dh, L]}), not one graph per segment, so the graph's op count does not grow with the
 * batch. The loss is the one the tests use, linear in the outputs:
 * <pre>
 *   L = sum_(r, a) Q[r, a] log pi(a | r) + sum_r c[r] V(r)
 * </pre>
 * whose gradient in the logits is {@code Q - pi sum_a Q}: the Java side feeds that to
 * {@link TransformerActorCritic.Pass#backward}. The memory rows are constants (no gradient into them, as in the Java
 * engine); {@code firstKey} is what {@code GtrxlTrunk} derives from the memory's valid rows and episode starts.
 * Parameters are SameDiff variables named as in {@link TransformerActorCritic#layout()}. Not thread-safe.
 */
public final class GtrxlSameDiffPass {

  private final SameDiff sd = SameDiff.create();
  private final List<ParamTensor> layout;
  private final List<String> names = new ArrayList<>();
  private final Map<String, INDArray> none = new HashMap<>();
  private final int count;
  private final String lossName;

  /**
   * @param net the network (its shape and layout; its trunk's segment {@code T} and memory {@code M})
   * @param batch segments {@code B}
   * @param params the flat parameters, {@link TransformerActorCritic#layout()}
   * @param x input rows, {@code B x T x in}
   * @param memory per layer, its memory rows {@code B x M x d} (ignored when {@code M = 0})
   * @param firstKey per query {@code b * T + t}, the first key of {@code [memory ; segment]} it sees
   * @param q the loss's weights on the log-probabilities, {@code B x T x A}
   * @param c the loss's weights on the values, {@code B x T}
   */
  public GtrxlSameDiffPass(TransformerActorCritic net, int batch, float[] params, float[] x, float[][] memory,
      int[] firstKey, float[] q, float[] c) {
    var trunk = net.trunk();
    int t = trunk.segment();
    int m = trunk.memory();
    int len = m + t;
    int d = trunk.width();
    int in = trunk.inputWidth();
    int na = net.numActions();
    int rows = batch * t;
    this.layout = net.layout();
    this.count = net.paramCount();
    Map<String, SDVariable> w = new HashMap<>();
    for (ParamTensor p : layout) {
      float[] a = new float[p.size()];
      System.arraycopy(params, p.offset(), a, 0, p.size());
      w.put(p.name(), sd.var(p.name(), Nd4j.create(a, new long[] {p.rows(), p.cols()}, 'c')));
      names.add(p.name());
    }
    SDVariable e = sd.constant("x", Nd4j.create(x.clone(), new long[] {rows, in}, 'c')).mmul(w.get("tr.We"))
        .add(w.get("tr.be"));
    int heads = trunk.heads();
    int dh = d / heads;
    // sel[k, t * L + j] = 1 where k = M + t - j (the relative distance) and j <= M + t: rel [H, L] x sel gives each
    // query's bias row; mask[b, 0, t, j] = 0 where key j is visible to query t of segment b, else -1e9.
    float[] sel = new float[len * t * len];
    float[] mask = new float[batch * t * len];
    for (int b = 0; b < batch; b++) {
      for (int s = 0; s < t; s++) {
        for (int j = 0; j < len; j++) {
          boolean visible = j >= firstKey[b * t + s] && j <= m + s;
          mask[(b * t + s) * len + j] = visible ? 0f : -1e9f;
          if (b == 0 && j <= m + s) {
            sel[(m + s - j) * t * len + s * len + j] = 1f;
          }
        }
      }
    }
    SDVariable selection = sd.constant("sel", Nd4j.create(sel, new long[] {len, (long) t * len}, 'c'));
    SDVariable maskV = sd.constant("mask", Nd4j.create(mask, new long[] {batch, 1, t, len}, 'c'));
    for (int l = 0; l < trunk.layers(); l++) {
      String n = "tr.l" + l + ".";
      // Y = Attention(LN1([Mem ; E])), queries from E's rows.
      SDVariable ln1e = layerNorm(e, w.get(n + "ln1.gamma"), w.get(n + "ln1.beta"));
      SDVariable ctx = ln1e.reshape(batch, t, d);
      if (m > 0) {
        SDVariable mem = sd.constant("mem" + l, Nd4j.create(memory[l].clone(), new long[] {(long) batch * m, d}, 'c'));
        SDVariable ln1m = layerNorm(mem, w.get(n + "ln1.gamma"), w.get(n + "ln1.beta"));
        ctx = sd.concat(1, ln1m.reshape(batch, m, d), ctx);
      }
      ctx = ctx.reshape((long) batch * len, d);
      SDVariable qh = heads(ln1e.mmul(w.get(n + "att.Wq")), batch, t, heads, dh);
      SDVariable kh = heads(ctx.mmul(w.get(n + "att.Wk")), batch, len, heads, dh);
      SDVariable vh = heads(ctx.mmul(w.get(n + "att.Wv")), batch, len, heads, dh);
      SDVariable bias = w.get(n + "att.rel").mmul(selection).reshape(1, heads, t, len);
      SDVariable scores = sd.mmul(qh, kh, false, true, false).mul(1.0 / Math.sqrt(dh)).add(bias).add(maskV);
      SDVariable o = sd.mmul(sd.nn().softmax(scores, 3), vh).permute(0, 2, 1, 3).reshape(rows, d);
      SDVariable y = o.mmul(w.get(n + "att.Wo"));
      SDVariable e1 = gate(e, sd.nn().relu(y, 0), w, n + "gate1.", trunk.gateBias());
      // F = relu(LN2(E1) W1 + b1) W2 + b2, E2 = gate2(E1, relu(F)).
      SDVariable hid = sd.nn().relu(layerNorm(e1, w.get(n + "ln2.gamma"), w.get(n + "ln2.beta")).mmul(w.get(n + "W1"))
          .add(w.get(n + "b1")), 0);
      SDVariable f = hid.mmul(w.get(n + "W2")).add(w.get(n + "b2"));
      e = gate(e1, sd.nn().relu(f, 0), w, n + "gate2.", trunk.gateBias());
    }
    SDVariable logits = head(e, w, "pi.", net.headHidden().size());
    SDVariable v = head(e, w, "v.", net.headHidden().size());
    // log softmax from exp, sum and log (the logSoftmax op with a dimension fails to clone for its gradient in
    // 1.0.0-M2.1); no max subtracted: the heads' logits here are small.
    SDVariable logp = logits.sub(sd.math().log(sd.math().exp(logits).sum(true, 1)));
    SDVariable qv = sd.constant("Q", Nd4j.create(q.clone(), new long[] {rows, na}, 'c'));
    SDVariable cv = sd.constant("C", Nd4j.create(c.clone(), new long[] {rows, 1}, 'c'));
    SDVariable loss = logp.mul(qv).sum().add(v.mul(cv).sum()).rename("loss");
    this.lossName = loss.name();
    sd.setLossVariables(loss);
    QuietSameDiff.createGradFunction(sd);
  }

  /** {@code [B * n, H * dh]} to {@code [B, H, n, dh]}. */
  private static SDVariable heads(SDVariable a, int batch, int n, int heads, int dh) {
    return a.reshape(batch, n, heads, dh).permute(0, 2, 1, 3);
  }

  /** (a - mean) / sqrt(var + 1e-5) * gamma + beta per row, as {@code BlockLayerNorm}. */
  private SDVariable layerNorm(SDVariable a, SDVariable gamma, SDVariable beta) {
    SDVariable centred = a.sub(a.mean(true, 1));
    SDVariable var = centred.mul(centred).mean(true, 1);
    return centred.div(sd.math().sqrt(var.add(1e-5))).mul(gamma).add(beta);
  }

  /** GTrXL's gate (see {@code GtrxlGate}): r, z, h from sigmoid and tanh, g = (1 - z) x + z h. */
  private SDVariable gate(SDVariable x, SDVariable y, Map<String, SDVariable> w, String n, double bg) {
    SDVariable r = sd.nn().sigmoid(y.mmul(w.get(n + "Wr")).add(x.mmul(w.get(n + "Ur"))));
    SDVariable z = sd.nn().sigmoid(y.mmul(w.get(n + "Wz")).add(x.mmul(w.get(n + "Uz"))).sub(bg));
    SDVariable h = sd.math().tanh(y.mmul(w.get(n + "Wg")).add(r.mul(x).mmul(w.get(n + "Ug"))));
    return z.rsub(1.0).mul(x).add(z.mul(h));
  }

  /** An MLP head as {@code Mlp}: ReLU after each hidden layer, linear output. */
  private SDVariable head(SDVariable e, Map<String, SDVariable> w, String n, int hidden) {
    SDVariable a = e;
    for (int i = 0; i <= hidden; i++) {
      a = a.mmul(w.get(n + "W" + i)).add(w.get(n + "b" + i));
      if (i < hidden) {
        a = sd.nn().relu(a, 0);
      }
    }
    return a;
  }

  /** The loss of the forward (runs the graph). */
  public double loss() {
    return sd.output(none, lossName).get(lossName).getDouble(0);
  }

  /** One forward and backward: every parameter's gradient, as SameDiff returns them (the timed body). */
  public Map<String, INDArray> forwardBackward() {
    return sd.calculateGradients(none, names);
  }

  /** Every parameter's gradient in the flat layout of {@link TransformerActorCritic#layout()}. */
  public float[] gradient() {
    Map<String, INDArray> g = forwardBackward();
    float[] flat = new float[count];
    for (ParamTensor p : layout) {
      float[] a = g.get(p.name()).dup('c').data().asFloat();
      System.arraycopy(a, 0, flat, p.offset(), p.size());
    }
    return flat;
  }
}
