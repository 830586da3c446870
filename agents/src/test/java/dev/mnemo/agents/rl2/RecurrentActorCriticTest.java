package dev.mnemo.agents.rl2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.QuietSameDiff;
import dev.mnemo.agents.core.RecurrentCore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link RecurrentActorCritic} (the training form) against the same network composed in SameDiff from
 * primitive ops and each core's own {@link RecurrentCore#sameDiff} graph, for every core, separate and shared
 * towers, with and without encoder and head hidden layers: the forward log-probabilities and values (1e-5) and
 * the gradient of {@code sum c1 * log pi + sum c2 * V} with respect to every parameter (1e-4, the cores' own
 * contract tolerance for BPTT in float). Then {@link ActorCriticPolicy} (the acting form) stepped one step at a
 * time from the zero state against the training form's log-probabilities and policy state at every step.
 */
class RecurrentActorCriticTest {

  static final int IN = 5;
  static final int NA = 3;
  /**
   * Core width. Not 4: ND4J 1.0.0-M2.1's strided_slice_bp fails op validation on the Elman graph's
   * {@code [3, 5, 4]} input projection ("Op validation failed", seen with B = 3, T = 5, H = 4), a SameDiff
   * limitation, not the network's.
   */
  static final int H = 6;
  static final int B = 3;
  static final int T = 4;

  static Stream<ActorCriticSpec> specs() {
    List<ActorCriticSpec> out = new ArrayList<>();
    for (String core : new String[] {"lstm", "gru", "ln_gru", "elman", "indrnn", "linattn", "fwp", "lmu", "s4d"}) {
      for (boolean separate : new boolean[] {true, false}) {
        out.add(new ActorCriticSpec(IN, NA, List.of(), core, H, List.of(), separate));
        out.add(new ActorCriticSpec(IN, NA, List.of(6), core, H, List.of(5), separate));
      }
    }
    return out.stream();
  }

  /** The spec's own initialisation, every value then perturbed (biases nonzero, ReLUs on both sides). */
  static float[] params(ActorCriticSpec spec, long seed) {
    float[] p = spec.initialParams(seed);
    Random r = new Random(seed + 1);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (r.nextGaussian() * 0.3);
    }
    return p;
  }

  @ParameterizedTest
  @MethodSource("specs")
  void forwardAndGradientsMatchSameDiff(ActorCriticSpec spec) {
    int n = B * T;
    float[] p = params(spec, 11);
    float[] x = uniform(n * IN, 12, 1.5); // time-major
    float[] c1 = uniform(n * NA, 13, 1.0);
    float[] c2 = uniform(n, 14, 1.0);

    RecurrentActorCritic net = new RecurrentActorCritic(spec, p);
    RecurrentActorCritic.Workspace ws = net.workspace(B, T);
    System.arraycopy(x, 0, ws.input(), 0, x.length);
    ws.forward();
    float[] logp = ws.logProbs().clone();
    // dL/dz = c1 - pi sum(c1) per row (the log-softmax backward), dL/dV = c2.
    float[] dz = new float[n * NA];
    for (int r = 0; r < n; r++) {
      double s = 0;
      for (int j = 0; j < NA; j++) {
        s += c1[r * NA + j];
      }
      for (int j = 0; j < NA; j++) {
        dz[r * NA + j] = (float) (c1[r * NA + j] - Math.exp(logp[r * NA + j]) * s);
      }
    }
    float[] grad = new float[spec.paramCount()];
    Arrays.fill(grad, Float.NaN); // backward must write every entry
    ws.backward(dz, c2, grad);

    SameDiff sd = SameDiff.create();
    Map<String, SDVariable> w = new HashMap<>();
    for (ParamTensor t : spec.layout()) {
      float[] slice = Arrays.copyOfRange(p, t.offset(), t.end());
      w.put(t.name(), sd.var(t.name(), Nd4j.create(slice, new long[] {t.rows(), t.cols()}, 'c')));
    }
    SDVariable xv = sd.var("x", Nd4j.create(toBatchMajor(x, IN), new long[] {n, IN}, 'c'));
    SDVariable hPi = tower(sd, w, spec, spec.separateValueNetwork() ? "pi." : "", xv);
    SDVariable hV = spec.separateValueNetwork() ? tower(sd, w, spec, "v.", xv) : hPi;
    SDVariable z = mlp(w, "pi.head", spec.headSizes().size() + 1, hPi, sd);
    SDVariable lp = z.sub(sd.math().log(sd.math().exp(z).sum(true, 1)));
    SDVariable v = mlp(w, "v.head", spec.headSizes().size() + 1, hV, sd);
    SDVariable loss = lp.mul(sd.constant("c1", Nd4j.create(toBatchMajor(c1, NA), new long[] {n, NA}, 'c'))).sum()
        .add(v.mul(sd.constant("c2", Nd4j.create(toBatchMajor(c2, 1), new long[] {n, 1}, 'c'))).sum());
    sd.setLossVariables(loss);

    Map<String, INDArray> fwd = sd.output(new HashMap<String, INDArray>(), lp.name(), v.name());
    float[] lpWant = toTimeMajor(fwd.get(lp.name()).dup('c').data().asFloat(), NA);
    float[] vWant = toTimeMajor(fwd.get(v.name()).dup('c').data().asFloat(), 1);
    float[] vGot = new float[n];
    for (int r = 0; r < n; r++) {
      vGot[r] = ws.value(r);
    }
    String what = spec.coreName() + (spec.separateValueNetwork() ? " separate" : " shared") + " enc "
        + spec.encoderSizes() + " head " + spec.headSizes();
    assertClose(lpWant, logp, 1e-5, what + ": log pi vs SameDiff");
    assertClose(vWant, vGot, 1e-5, what + ": V vs SameDiff");

    List<String> names = new ArrayList<>();
    for (ParamTensor t : spec.layout()) {
      names.add(t.name());
    }
    Map<String, INDArray> g = QuietSameDiff.calculateGradients(sd, new HashMap<>(), names);
    int covered = 0;
    for (ParamTensor t : spec.layout()) {
      float[] want = g.get(t.name()).dup('c').data().asFloat();
      assertClose(want, Arrays.copyOfRange(grad, t.offset(), t.end()), 1e-4, what + ": dL/d" + t.name());
      covered += t.size();
    }
    assertEquals(spec.paramCount(), covered, "the layout covers every parameter");
    for (int i = 0; i < grad.length; i++) {
      assertFalse(Float.isNaN(grad[i]), "gradient entry " + i + " not written");
    }
  }

  /**
   * The acting form over 12 steps of 3 envs, one {@code act} per step from the zero state: its log-probabilities
   * (and its chosen action's) and its policy state equal the training form's at every step.
   */
  @ParameterizedTest
  @MethodSource("specs")
  void actingPolicyReproducesTheTrainingFormStepByStep(ActorCriticSpec spec) {
    int steps = 12;
    float[] p = params(spec, 21);
    float[] x = uniform(steps * B * IN, 22, 1.5);
    RecurrentActorCritic net = new RecurrentActorCritic(spec, p);
    RecurrentActorCritic.Workspace ws = net.workspace(B, steps);
    System.arraycopy(x, 0, ws.input(), 0, x.length);
    ws.forward();
    float[] want = ws.logProbs();

    ActorCriticPolicy policy = new ActorCriticPolicy(spec, B, 5, false);
    policy.load(new ParamSnapshot(p.clone(), 3));
    assertEquals(3, policy.paramVersion());
    int s = spec.actingStateSize();
    float[] obs = new float[B * IN];
    int[] actions = new int[B];
    float[] stateGot = new float[s];
    float[] stateWant = new float[s];
    String what = spec.coreName() + (spec.separateValueNetwork() ? " separate" : " shared") + " enc "
        + spec.encoderSizes() + " head " + spec.headSizes();
    for (int t = 0; t < steps; t++) {
      System.arraycopy(x, t * B * IN, obs, 0, B * IN);
      policy.act(obs, new int[B], new float[B], actions);
      float[] got = policy.logProbs();
      assertClose(Arrays.copyOfRange(want, t * B * NA, (t + 1) * B * NA), Arrays.copyOf(got, B * NA), 1e-5,
          what + ": acting log pi at step " + t);
      for (int b = 0; b < B; b++) {
        assertTrue(actions[b] >= 0 && actions[b] < NA);
        assertEquals(got[b * NA + actions[b]], policy.chosenLogProb(b), 0f, "chosen log-prob of env " + b);
        policy.copyState(b, stateGot, 0);
        ws.copyPolicyState(t, b, stateWant, 0);
        assertClose(stateWant, stateGot, 1e-5, what + ": acting state of env " + b + " after step " + t);
        policy.copyStateBefore(b, stateGot, 0);
        ws.copyPolicyState(t - 1, b, stateWant, 0);
        assertClose(stateWant, stateGot, 1e-5, what + ": state before step " + t + " of env " + b);
      }
    }
  }

  // ----------------------------------------------------------------------------------------------- SameDiff

  /** Encoder (Dense+ReLU from matmul, add, relu) then the core's own graph from the zero state: outputs h. */
  private static SDVariable tower(SameDiff sd, Map<String, SDVariable> w, ActorCriticSpec spec, String prefix,
      SDVariable x) {
    SDVariable e = x;
    for (int k = 0; k < spec.encoderSizes().size(); k++) {
      e = sd.nn().relu(e.mmul(w.get(prefix + "enc" + k + ".W")).add(w.get(prefix + "enc" + k + ".b")), 0);
    }
    RecurrentCore core = spec.core();
    Map<String, SDVariable> cw = new HashMap<>();
    for (ParamTensor t : core.layout()) {
      SDVariable var = w.get(prefix + t.name());
      if (var == null) {
        fail("no tensor " + prefix + t.name() + " in the spec's layout");
      }
      cw.put(t.name(), var);
    }
    SDVariable s0 = sd.constant(prefix + "s0", Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, B,
        core.stateSize()));
    return core.sameDiff(sd, cw, e, s0, B, T)[0];
  }

  /** {@code name.W0, name.b0, ...}: ReLU on every layer but the last. */
  private static SDVariable mlp(Map<String, SDVariable> w, String name, int layers, SDVariable h, SameDiff sd) {
    SDVariable u = h;
    for (int i = 0; i < layers; i++) {
      SDVariable zz = u.mmul(w.get(name + ".W" + i)).add(w.get(name + ".b" + i));
      u = i < layers - 1 ? sd.nn().relu(zz, 0) : zz;
    }
    return u;
  }

  // ----------------------------------------------------------------------------------------------- helpers

  static float[] uniform(int n, long seed, double scale) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return a;
  }

  /** Time-major rows {@code t * B + b} to batch-major {@code b * T + t}. */
  static float[] toBatchMajor(float[] tm, int width) {
    float[] out = new float[tm.length];
    for (int t = 0; t < T; t++) {
      for (int b = 0; b < B; b++) {
        System.arraycopy(tm, (t * B + b) * width, out, (b * T + t) * width, width);
      }
    }
    return out;
  }

  static float[] toTimeMajor(float[] bm, int width) {
    float[] out = new float[bm.length];
    for (int t = 0; t < T; t++) {
      for (int b = 0; b < B; b++) {
        System.arraycopy(bm, (b * T + t) * width, out, (t * B + b) * width, width);
      }
    }
    return out;
  }

  /** |got - want| <= tol * max(1, |want|) everywhere, naming the first index that differs. */
  static void assertClose(float[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what + ": length");
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) {
        fail(what + ": index " + i + " expected " + want[i] + ", got " + got[i]);
      }
    }
  }
}
