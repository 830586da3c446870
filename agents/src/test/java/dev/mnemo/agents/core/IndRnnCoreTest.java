package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.ScalarOps;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link IndRnnCore} against {@link RecurrentCoreContract} (the registry's 2 layers, {@code u_max = 1}, and, nested,
 * 3 layers under a bound above 1), with the IndRNN step written once more in double; then what is IndRNN's own:
 * the clamp (a {@code u} past the bound acts as the bound in every face, and gets no gradient), the independence
 * of a layer's units, and the state's top-down layout.
 */
class IndRnnCoreTest extends RecurrentCoreContract {

  @Override
  protected RecurrentCore core(int inputSize, int hiddenSize) {
    return new IndRnnCore(inputSize, hiddenSize);
  }

  @Override
  protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
    return reference((IndRnnCore) core, p, x, state);
  }

  /**
   * h^(l) = ReLU(h^(l-1) W_l + clamp(u_l, -u_max, u_max) * h^(l)_prev + b_l), h^(0) = x; parameters per layer
   * [W_l | u_l | b_l] from the bottom; state [h^(L) | ... | h^(1)].
   */
  static double[] reference(IndRnnCore c, double[] p, double[] x, double[] state) {
    int h = c.hiddenSize();
    int layers = c.layers();
    double bound = c.recurrentBound();
    double[] next = new double[layers * h];
    double[] input = x;
    int off = 0;
    for (int l = 0; l < layers; l++) {
      int k = input.length;
      int u = off + k * h;
      int b = u + h;
      int s = (layers - 1 - l) * h;
      double[] out = new double[h];
      for (int j = 0; j < h; j++) {
        double acc = p[b + j];
        for (int i = 0; i < k; i++) {
          acc += input[i] * p[off + i * h + j];
        }
        double uj = Math.max(-bound, Math.min(bound, p[u + j]));
        acc += uj * state[s + j];
        out[j] = Math.max(0, acc);
      }
      System.arraycopy(out, 0, next, s, h);
      input = out;
      off = b + h;
    }
    return next;
  }

  /**
   * The full contract for a 3-layer core whose bound is 2^(1/120): the paper's rule for T = 120, R2D2's
   * burn-in + trace and the contract's longest unroll (a larger bound amplifies float rounding past the
   * contract's 1e-5 over 120 steps, as it would amplify anything).
   */
  @Nested
  class ThreeLayersPaperBound extends RecurrentCoreContract {

    @Override
    protected RecurrentCore core(int inputSize, int hiddenSize) {
      return new IndRnnCore(inputSize, hiddenSize, 3, (float) Math.pow(2, 1.0 / 120));
    }

    @Override
    protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
      return reference((IndRnnCore) core, p, x, state);
    }

    /**
     * The contract's layout check without its registry clause: {@code core = indrnn} builds the default core
     * (2 layers, bound 1), not this one.
     */
    @Override
    @Test
    void layoutIsNamedForTheCoreAndContiguous() {
      RecurrentCore c = core(IN, HIDDEN);
      int off = 0;
      for (ParamTensor t : c.layout()) {
        assertTrue(t.name().startsWith("indrnn."), t.name());
        assertEquals(off, t.offset(), t.name());
        off = t.end();
      }
      assertEquals(off, c.paramCount());
      assertEquals(3 * HIDDEN, c.stateSize());
      assertEquals(9, c.layout().size());
    }
  }

  @Test
  void layoutAndStateAreTheDocumentedOnes() {
    IndRnnCore c = new IndRnnCore(IN, HIDDEN);
    assertEquals(2, c.layers());
    assertEquals(1f, c.recurrentBound());
    assertEquals(2 * HIDDEN, c.stateSize(), "state = layers x hidden");
    String[] names = c.layout().stream().map(ParamTensor::name).toArray(String[]::new);
    assertArrayEquals(new String[] {"indrnn.W1", "indrnn.u1", "indrnn.b1", "indrnn.W2", "indrnn.u2", "indrnn.b2"},
        names);
    assertEquals(IN, c.layout().get(0).rows());
    assertEquals(HIDDEN, c.layout().get(3).rows());
    assertEquals(1, c.layout().get(1).rows());
    assertEquals((IN + HIDDEN + 4) * HIDDEN, c.paramCount());
    assertEquals(RecurrentCores.create("indrnn", IN, HIDDEN), c);
    assertTrue(RecurrentCores.names().contains("indrnn"));
  }

  @Test
  void initialisationIsThePapersForReluUnits() {
    IndRnnCore c = new IndRnnCore(40, 50);
    float[] p = new float[c.paramCount()];
    c.initialize(p, 0, new java.util.SplittableRandom(3));
    for (int l = 0; l < 2; l++) {
      int k = c.layerInput(l);
      int off = c.layerOffset(l);
      double limit = Math.sqrt(6.0 / k);
      double sq = 0;
      for (int i = 0; i < k * 50; i++) {
        assertTrue(Math.abs(p[off + i]) <= limit, "W" + (l + 1) + " He-uniform within " + limit);
        sq += p[off + i] * p[off + i];
      }
      assertEquals(2.0 / k, sq / (k * 50), 0.25 * 2.0 / k, "He variance 2 / fan_in");
      for (int j = 0; j < 50; j++) {
        float u = p[off + k * 50 + j];
        assertTrue(u >= 0 && u <= 1, "u" + (l + 1) + " in [0, u_max]: " + u);
        assertEquals(0f, p[off + k * 50 + 50 + j], "b" + (l + 1) + " = 0");
      }
    }
  }

  /**
   * A u past the bound (either side) computes exactly what the bound computes, in the acting kernel (both
   * ops), the training form and SameDiff; its gradient is zero in the training form and in SameDiff, while a u
   * exactly on the bound still gets its gradient (the clamp's derivative is taken inclusive).
   */
  @Test
  void aRecurrentWeightPastTheBoundActsAsTheBoundInEveryFaceAndGetsNoGradient() {
    IndRnnCore c = new IndRnnCore(IN, HIDDEN);
    // B = 3, T = 6 as the contract's gradient check: ND4J 1.0.0-M2.1's strided_slice_bp fails op validation
    // on some other shapes (B = 2, T = 12 here; see RecurrentActorCriticTest), a SameDiff limitation.
    int rows = 3;
    int steps = 6;
    float[] atBound = params(c, 61);
    int u1 = c.layerOffset(0) + IN * HIDDEN;
    int u2 = c.layerOffset(1) + HIDDEN * HIDDEN;
    // Biases up so the units are active and the recurrence matters.
    for (int l = 0; l < 2; l++) {
      int b = c.layerOffset(l) + c.layerInput(l) * HIDDEN + HIDDEN;
      for (int j = 0; j < HIDDEN; j++) {
        atBound[b + j] = 0.5f;
      }
    }
    atBound[u1] = 1f;
    atBound[u1 + 1] = -1f;
    atBound[u2 + 2] = 1f;
    atBound[u2 + 3] = -1f;
    for (int j = 4; j < HIDDEN; j++) { // every other u strictly inside
      atBound[u1 + j] = Math.max(-0.9f, Math.min(0.9f, atBound[u1 + j]));
      atBound[u2 + j] = Math.max(-0.9f, Math.min(0.9f, atBound[u2 + j]));
    }
    atBound[u1 + 2] = 0.5f;
    atBound[u1 + 3] = 0.5f;
    atBound[u2] = 0.5f;
    atBound[u2 + 1] = 0.5f;
    float[] past = atBound.clone();
    past[u1] = 1.7f;
    past[u1 + 1] = -3f;
    past[u2 + 2] = 1.0001f;
    past[u2 + 3] = -1.25f;
    float[] x = uniform(steps * rows * IN, 62, 1.5);
    float[] s0 = uniform(rows * c.stateSize(), 63, 0.5);
    for (int i = 0; i < s0.length; i++) {
      s0[i] = Math.abs(s0[i]);
    }

    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      assertArrayEquals(kernelUnroll(c, ops, atBound, x, s0, rows, steps), kernelUnroll(c, ops, past, x, s0, rows,
          steps), ops.name() + " kernel: u past the bound acts as the bound");
    }
    float[] trainAt = trainingStates(c, atBound, x, s0, rows, steps);
    assertArrayEquals(trainAt, trainingStates(c, past, x, s0, rows, steps),
        "training form: u past the bound acts as the bound");
    float[] xb = toBatchMajor(x, rows, steps, IN);
    float[] sdAt = new SameDiffUnroll(c, atBound, rows, steps, xb, s0).states();
    float[] sdPast = new SameDiffUnroll(c, past, rows, steps, xb, s0).states();
    assertArrayEquals(sdAt, sdPast, 0f, "SameDiff: u past the bound acts as the bound");
    assertClose(toDouble(toTimeMajor(sdAt, rows, steps, c.stateSize())), trainAt, 1e-5, "SameDiff vs training");

    // Gradients: zero for the u's past the bound, the same as at the bound for everything else.
    float[] dOut = uniform(steps * rows * HIDDEN, 64, 1.0);
    float[] dFinal = uniform(rows * c.stateSize(), 65, 1.0);
    float[] gAt = trainingGradient(c, atBound, x, s0, rows, steps, dOut, dFinal);
    float[] gPast = trainingGradient(c, past, x, s0, rows, steps, dOut, dFinal);
    Map<String, float[]> sdGAt = new SameDiffUnroll(c, atBound, rows, steps, xb, s0)
        .gradients(toBatchMajor(dOut, rows, steps, HIDDEN), dFinal);
    Map<String, float[]> sdGPast = new SameDiffUnroll(c, past, rows, steps, xb, s0)
        .gradients(toBatchMajor(dOut, rows, steps, HIDDEN), dFinal);
    int[][] outside = {{u1, 0}, {u1 + 1, 1}, {u2 + 2, 2}, {u2 + 3, 3}};
    for (int[] o : outside) {
      int i = o[0];
      String tensor = i < u2 ? "indrnn.u1" : "indrnn.u2";
      int j = o[1];
      assertEquals(0f, gPast[i], "training form: no gradient for u past the bound (" + tensor + "[" + j + "])");
      assertEquals(0f, sdGPast.get(tensor)[j], "SameDiff: no gradient for u past the bound (" + tensor + "[" + j
          + "])");
      assertNotEquals(0f, gAt[i], "training form: a u on the bound gets its gradient (" + tensor + "[" + j + "])");
      assertEquals(gAt[i], sdGAt.get(tensor)[j], 1e-4 * Math.max(1, Math.abs(gAt[i])),
          "SameDiff agrees on the bound's gradient (" + tensor + "[" + j + "])");
      gPast[i] = gAt[i];
    }
    assertArrayEquals(gAt, gPast, "every other gradient is the bound's");
  }

  /**
   * Perturbing unit i of one layer's previous state changes unit i of that layer's next state and no other unit
   * of the layer (nor anything in the layers below); only the layers above see it, through W. In the kernel
   * (both ops) and the training form.
   */
  @Test
  void aLayersUnitsAreIndependent() {
    IndRnnCore c = new IndRnnCore(IN, HIDDEN, 3, 1f);
    int rows = 2;
    int s = c.stateSize();
    // Non-negative weights, inputs and states and positive biases: every unit active, so every u ⊙ h term
    // reaches the output and a unit that does not change shows independence, not a closed ReLU.
    float[] p = abs(params(c, 71));
    for (int l = 0; l < 3; l++) {
      int b = c.layerOffset(l) + c.layerInput(l) * HIDDEN + HIDDEN;
      int u = b - HIDDEN;
      for (int j = 0; j < HIDDEN; j++) {
        p[b + j] = 0.5f;
        p[u + j] = 0.3f + 0.05f * j;
      }
    }
    float[] x = abs(uniform(rows * IN, 72, 1.0));
    float[] s0 = abs(uniform(rows * s, 73, 0.5));
    for (int l = 0; l < 3; l++) {
      for (int i = 0; i < HIDDEN; i++) {
        float[] s1 = s0.clone();
        int so = c.stateOffset(l);
        for (int r = 0; r < rows; r++) {
          s1[r * s + so + i] += 0.75f;
        }
        for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
          float[] a = kernelUnroll(c, ops, p, x, s0, rows, 1);
          float[] b = kernelUnroll(c, ops, p, x, s1, rows, 1);
          checkIndependence(c, a, b, l, i, rows, ops.name() + " kernel");
        }
        checkIndependence(c, trainingStates(c, p, x, s0, rows, 1), trainingStates(c, p, x, s1, rows, 1), l, i, rows,
            "training form");
      }
    }
  }

  private static void checkIndependence(IndRnnCore c, float[] a, float[] b, int layer, int unit, int rows,
      String face) {
    int s = c.stateSize();
    for (int r = 0; r < rows; r++) {
      for (int l = 0; l <= layer; l++) {
        int so = c.stateOffset(l);
        for (int j = 0; j < HIDDEN; j++) {
          float va = a[r * s + so + j];
          float vb = b[r * s + so + j];
          String what = face + ": layer " + (layer + 1) + " unit " + unit + " perturbed, row " + r + ", layer "
              + (l + 1) + " unit " + j;
          if (l == layer && j == unit) {
            assertNotEquals(va, vb, what + " must change");
          } else {
            assertEquals(va, vb, 0f, what + " must not change");
          }
        }
      }
      if (layer < c.layers() - 1) {
        int so = c.stateOffset(layer + 1);
        assertTrue(!Arrays.equals(Arrays.copyOfRange(a, r * s + so, r * s + so + HIDDEN),
            Arrays.copyOfRange(b, r * s + so, r * s + so + HIDDEN)), face + ": the layer above sees it through W");
      }
    }
  }

  private static float[] abs(float[] a) {
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.abs(a[i]);
    }
    return a;
  }

  /** States after each of {@code steps} kernel steps, time-major rows. */
  private static float[] kernelUnroll(IndRnnCore c, BatchOps ops, float[] p, float[] x, float[] s0, int rows,
      int steps) {
    int s = c.stateSize();
    CoreKernel k = c.kernel(ops, rows);
    k.load(p, 0);
    float[] out = new float[steps * rows * s];
    float[] cur = s0.clone();
    float[] next = new float[cur.length];
    for (int t = 0; t < steps; t++) {
      k.step(rows, x, t * rows * IN, IN, cur, next);
      System.arraycopy(next, 0, out, t * rows * s, rows * s);
      float[] tmp = cur;
      cur = next;
      next = tmp;
    }
    return out;
  }

  /** The training form's states after each step, time-major rows. */
  private static float[] trainingStates(IndRnnCore c, float[] p, float[] x, float[] s0, int rows, int steps) {
    int s = c.stateSize();
    CoreTraining tr = c.training(BatchOps.best());
    tr.load(p, 0);
    CoreTraining.Pass pass = tr.newPass(rows, steps);
    pass.forward(x, 0, IN, s0, 0);
    float[] out = new float[steps * rows * s];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < rows; b++) {
        pass.copyState(t, b, out, (t * rows + b) * s);
      }
    }
    return out;
  }

  private static float[] trainingGradient(IndRnnCore c, float[] p, float[] x, float[] s0, int rows, int steps,
      float[] dOut, float[] dFinal) {
    CoreTraining tr = c.training(BatchOps.best());
    tr.load(p, 0);
    CoreTraining.Pass pass = tr.newPass(rows, steps);
    pass.forward(x, 0, IN, s0, 0);
    float[] g = new float[c.paramCount()];
    int lddx = PackedMatrix.paddedCols(IN, BatchOps.best().lanes());
    pass.backward(0, steps, dOut, 0, HIDDEN, dFinal, new float[steps * rows * lddx], 0, lddx, g, 0);
    return g;
  }
}
