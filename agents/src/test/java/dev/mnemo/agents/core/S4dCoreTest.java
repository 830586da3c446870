package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.QuietSameDiff;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.ScalarOps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link S4dCore} against {@link RecurrentCoreContract}, with the step written once more in double from the
 * equations (complex arithmetic as plain pairs, {@code B̄ = (Ā − 1)/A} by the textbook division). Measured on the
 * contract's cases (in 7, H 9, N 16, parameters perturbed by N(0, 0.15²)): kernel vs double reference 7.2e-7
 * (Vector API) and 6.1e-7 (scalar) over 120 steps, training form vs kernel 7.2e-7, SameDiff vs training form
 * 2.4e-7, gradients vs SameDiff autodiff 7.9e-7 and vs finite differences 1.4e-7 of the gradient's scale (1e-5,
 * 1e-5, 1e-5, 1e-4 and 2e-3 allowed). Then what is S4D's own: the parallel form against the recurrence on larger
 * windows, the initial state's gradient, the documented layout and S4D-Lin initialisation, the precision of the
 * discretisation for small steps, and no allocation per step.
 */
class S4dCoreTest extends RecurrentCoreContract {

  @Override
  protected RecurrentCore core(int inputSize, int hiddenSize) {
    return new S4dCore(inputSize, hiddenSize);
  }

  /**
   * u = x Win + bin; per channel h, mode n: Δ = e^ℓ, A = −e^α + iω, Ā = e^{ΔA}, B̄ = (Ā − 1)/A, s' = Ā s + B̄ u;
   * y = tanh(2 Re Σ C s' + D u). Layout Win, bin, logDt, Are, Aim, Cre, Cim, D (the last five [M, H]); state [y |
   * Re s | Im s], mode n of channel h at n H + h.
   */
  @Override
  protected double[] referenceStep(RecurrentCore core, double[] p, double[] x, double[] state) {
    return reference((S4dCore) core, p, x, state);
  }

  static double[] reference(S4dCore c, double[] p, double[] x, double[] state) {
    int in = c.inputSize();
    int h = c.hiddenSize();
    int m = c.order() / 2;
    int hm = h * m;
    int bin = in * h;
    int logDt = bin + h;
    int are = logDt + h;
    int aim = are + hm;
    int cre = aim + hm;
    int cim = cre + hm;
    int d = cim + hm;
    double[] next = new double[h + 2 * hm];
    for (int j = 0; j < h; j++) {
      double u = p[bin + j];
      for (int k = 0; k < in; k++) {
        u += x[k] * p[k * h + j];
      }
      double dt = Math.exp(p[logDt + j]);
      double read = 0;
      for (int n = 0; n < m; n++) {
        int i = n * h + j;
        double aRe = -Math.exp(p[are + i]);
        double aIm = p[aim + i];
        double mag = Math.exp(dt * aRe);
        double lRe = mag * Math.cos(dt * aIm);
        double lIm = mag * Math.sin(dt * aIm);
        // (Ā − 1) / A = (Ā − 1) conj(A) / |A|²
        double den = aRe * aRe + aIm * aIm;
        double bRe = ((lRe - 1) * aRe + lIm * aIm) / den;
        double bIm = (lIm * aRe - (lRe - 1) * aIm) / den;
        double sRe = state[h + i];
        double sIm = state[h + hm + i];
        double nRe = lRe * sRe - lIm * sIm + bRe * u;
        double nIm = lRe * sIm + lIm * sRe + bIm * u;
        next[h + i] = nRe;
        next[h + hm + i] = nIm;
        read += p[cre + i] * nRe - p[cim + i] * nIm;
      }
      next[j] = Math.tanh(2 * read + p[d + j] * u);
    }
    return next;
  }

  /**
   * The training form is the parallel form (the SSM kernel's causal convolution plus the stored state's term);
   * the acting kernel is the recurrence. Their outputs and states agree to 1e-5 at every step of windows of 120
   * and 240 steps, for the registry's core (N = 16) at its own initialisation and perturbed, from zero states and
   * from stored ones, H = 32 channels, 4 rows. Measured max differences: outputs 4.2e-7, states 4.2e-7.
   */
  @Test
  void theParallelTrainingFormMatchesTheRecurrentKernel() {
    int in = 12;
    int hs = 32;
    int rows = 4;
    S4dCore c = new S4dCore(in, hs);
    double worstY = 0;
    double worstS = 0;
    for (int steps : new int[] {120, 240}) {
      for (boolean perturbed : new boolean[] {false, true}) {
        for (boolean zeroStart : new boolean[] {true, false}) {
          float[] p = new float[c.paramCount()];
          c.initialize(p, 0, new SplittableRandom(steps + (perturbed ? 1 : 0)));
          if (perturbed) {
            p = params(c, steps + 7);
          }
          float[] x = uniform(steps * rows * in, 81, 1.5);
          float[] s0 = zeroStart ? new float[rows * c.stateSize()] : unrolled(c, p, rows, 50, 82);
          double[] e = parallelVsRecurrent(c, p, x, s0, rows, steps);
          String what = steps + " steps, " + (perturbed ? "perturbed" : "initial") + " parameters, "
              + (zeroStart ? "zero" : "stored") + " state";
          assertTrue(e[0] <= 1e-5, what + ": outputs differ by " + e[0]);
          assertTrue(e[1] <= 1e-5, what + ": states differ by " + e[1]);
          assertTrue(e[2] > 0.1, what + ": the outputs must move (max |y| " + e[2] + ")");
          worstY = Math.max(worstY, e[0]);
          worstS = Math.max(worstS, e[1]);
        }
      }
    }
    System.out.println("s4d parallel form vs recurrence: outputs " + worstY + ", states " + worstS);
  }

  /** A state the kernel reaches after {@code steps} steps of seeded inputs from zero: a realistic stored state. */
  private static float[] unrolled(S4dCore c, float[] p, int rows, int steps, long seed) {
    CoreKernel k = c.kernel(BatchOps.best(), rows);
    k.load(p, 0);
    float[] x = uniform(steps * rows * c.inputSize(), seed, 1.5);
    float[] cur = new float[rows * c.stateSize()];
    float[] next = new float[cur.length];
    for (int t = 0; t < steps; t++) {
      k.step(rows, x, t * rows * c.inputSize(), c.inputSize(), cur, next);
      float[] tmp = cur;
      cur = next;
      next = tmp;
    }
    return cur;
  }

  /** {max |y| difference, max |state| difference (relative above 1), max |y|}, training form vs kernel. */
  private static double[] parallelVsRecurrent(S4dCore c, float[] p, float[] x, float[] s0, int rows, int steps) {
    int in = c.inputSize();
    int hs = c.hiddenSize();
    int s = c.stateSize();
    CoreTraining tr = c.training(BatchOps.best());
    tr.load(p, 0);
    CoreTraining.Pass pass = tr.newPass(rows, steps);
    pass.forward(x, 0, in, s0, 0);
    CoreKernel k = c.kernel(BatchOps.best(), rows);
    k.load(p, 0);
    float[] cur = s0.clone();
    float[] next = new float[cur.length];
    float[] got = new float[s];
    double[] e = new double[3];
    for (int t = 0; t < steps; t++) {
      k.step(rows, x, t * rows * in, in, cur, next);
      float[] tmp = cur;
      cur = next;
      next = tmp;
      for (int b = 0; b < rows; b++) {
        for (int j = 0; j < hs; j++) {
          float y = pass.output()[pass.outputOffset() + (t * rows + b) * pass.outputStride() + j];
          e[0] = Math.max(e[0], Math.abs(y - cur[b * s + j]));
          e[2] = Math.max(e[2], Math.abs(y));
        }
        pass.copyState(t, b, got, 0);
        for (int j = 0; j < s; j++) {
          float want = cur[b * s + j];
          e[1] = Math.max(e[1], Math.abs(got[j] - want) / Math.max(1, Math.abs(want)));
        }
      }
    }
    return e;
  }

  /**
   * The backward through the parallel form also gives dLoss/d(the window's initial state σ): it agrees with
   * SameDiff's autodiff (the graph's state0 is a variable) to 1e-4 and with central differences of the double
   * reference to 2e-3 of its scale, from a window after a held state (t0 = 3) with dLoss/dFinalState; the y block
   * of the initial state gets zero (y never feeds back). Measured: 1.8e-6 against SameDiff (the gradient's scale is
   * 5.0), 3.9e-7 of the scale against finite differences.
   */
  @Test
  void theInitialStatesGradientMatchesAutodiffAndFiniteDifferences() {
    S4dCore c = new S4dCore(IN, HIDDEN);
    int rows = 3;
    int steps = 10;
    int t0 = 3;
    int tw = 6;
    int s = c.stateSize();
    int hs = c.hiddenSize();
    float[] p = params(c, 91);
    float[] x = uniform(steps * rows * IN, 92, 1.5);
    float[] s0 = initialState(c, rows, 93);
    CoreTraining tr = c.training(BatchOps.best());
    tr.load(p, 0);
    CoreTraining.Pass pass = tr.newPass(rows, steps);
    pass.forward(x, 0, IN, s0, 0);
    float[] sigma = new float[rows * s];
    for (int b = 0; b < rows; b++) {
      pass.copyState(t0 - 1, b, sigma, b * s);
    }
    float[] dOut = uniform(tw * rows * hs, 94, 1.0);
    float[] dFinal = uniform(rows * s, 95, 1.0);
    int lddx = PackedMatrix.paddedCols(IN, BatchOps.best().lanes());
    pass.backward(t0, tw, dOut, 0, hs, dFinal, new float[tw * rows * lddx], 0, lddx, new float[c.paramCount()], 0);
    float[] got = new float[rows * s];
    ((S4dTraining.S4dPass) pass).initialStateGradient(got);
    for (int b = 0; b < rows; b++) {
      for (int j = 0; j < hs; j++) {
        assertEquals(0f, got[b * s + j], "y does not feed back: no gradient to the initial y");
      }
    }

    float[] xw = java.util.Arrays.copyOfRange(x, t0 * rows * IN, (t0 + tw) * rows * IN);
    SameDiffUnroll g = new SameDiffUnroll(c, p, rows, tw, toBatchMajor(xw, rows, tw, IN), sigma);
    float[] sdGrad = stateGradient(g, toBatchMajor(dOut, rows, tw, hs), dFinal);
    assertClose(toDouble(sdGrad), got, 1e-4, "dLoss/dσ vs SameDiff");
    double sdErr = 0;
    double scale = 0;
    for (int i = 0; i < got.length; i++) {
      sdErr = Math.max(sdErr, Math.abs(got[i] - sdGrad[i]));
      scale = Math.max(scale, Math.abs(got[i]));
    }

    double[] pd = toDouble(p);
    double eps = 1e-6;
    double fdErr = 0;
    for (int i = 0; i < rows * s; i++) {
      double[] up = toDouble(sigma);
      double[] down = toDouble(sigma);
      up[i] += eps;
      down[i] -= eps;
      double fd = (windowLoss(c, pd, xw, up, dOut, dFinal, rows, tw) - windowLoss(c, pd, xw, down, dOut, dFinal, rows,
          tw)) / (2 * eps);
      fdErr = Math.max(fdErr, Math.abs(fd - got[i]));
      assertTrue(Math.abs(fd - got[i]) <= 2e-3 * scale, "dLoss/dσ[" + i + "]: training form " + got[i]
          + ", finite differences " + fd);
    }
    assertTrue(scale > 0.1, "the state's gradient must be there to check: scale " + scale);
    System.out.println("s4d dLoss/dσ: vs SameDiff " + sdErr + ", vs finite differences " + fdErr / scale
        + " of the scale " + scale);
  }

  /** sum dOut y_t + dFinal s_last over a window, in double, from the given initial states (time-major rows). */
  private double windowLoss(S4dCore c, double[] p, float[] xw, double[] sigma, float[] dOut, float[] dFinal, int rows,
      int tw) {
    int s = c.stateSize();
    int hs = c.hiddenSize();
    double loss = 0;
    for (int b = 0; b < rows; b++) {
      double[] st = java.util.Arrays.copyOfRange(sigma, b * s, (b + 1) * s);
      for (int t = 0; t < tw; t++) {
        double[] xv = new double[IN];
        for (int j = 0; j < IN; j++) {
          xv[j] = xw[(t * rows + b) * IN + j];
        }
        st = reference(c, p, xv, st);
        for (int j = 0; j < hs; j++) {
          loss += dOut[(t * rows + b) * hs + j] * st[j];
        }
      }
      for (int j = 0; j < s; j++) {
        loss += dFinal[b * s + j] * st[j];
      }
    }
    return loss;
  }

  /** The graph's gradient of sum(dOut * outputs) + sum(dFinal * final states) with respect to its state0. */
  private static float[] stateGradient(SameDiffUnroll g, float[] dOutBatchMajor, float[] dFinal) {
    int rows = g.rows;
    int steps = g.steps;
    int s = g.core.stateSize();
    int hs = g.core.hiddenSize();
    SDVariable dOut = g.sd.constant("dOut", Nd4j.create(dOutBatchMajor, new long[] {(long) rows * steps, hs}, 'c'));
    float[] sel = new float[rows * steps * s];
    for (int b = 0; b < rows; b++) {
      System.arraycopy(dFinal, b * s, sel, (b * steps + steps - 1) * s, s);
    }
    SDVariable dFin = g.sd.constant("dFinal", Nd4j.create(sel, new long[] {(long) rows * steps, s}, 'c'));
    g.sd.setLossVariables(g.out[0].mul(dOut).sum().add(g.out[1].mul(dFin).sum()));
    Map<String, INDArray> grads = QuietSameDiff.calculateGradients(g.sd, new HashMap<>(), List.of("s0"));
    return grads.get("s0").dup('c').data().asFloat();
  }

  @Test
  void layoutStateAndInitialisationAreTheDocumentedOnes() {
    S4dCore c = new S4dCore(IN, HIDDEN);
    assertEquals(new S4dCore(IN, HIDDEN, 16, 1e-3, 1e-1), c);
    assertEquals(8, c.modes());
    assertEquals(HIDDEN + 2 * HIDDEN * 8, c.stateSize(), "state [y | Re s | Im s]");
    String[] names = {"s4d.Win", "s4d.bin", "s4d.logDt", "s4d.Are", "s4d.Aim", "s4d.Cre", "s4d.Cim", "s4d.D"};
    int[][] shapes = {{IN, HIDDEN}, {1, HIDDEN}, {1, HIDDEN}, {8, HIDDEN}, {8, HIDDEN}, {8, HIDDEN}, {8, HIDDEN},
        {1, HIDDEN}};
    List<ParamTensor> layout = c.layout();
    assertEquals(names.length, layout.size());
    for (int i = 0; i < names.length; i++) {
      assertEquals(names[i], layout.get(i).name());
      assertEquals(shapes[i][0], layout.get(i).rows(), names[i]);
      assertEquals(shapes[i][1], layout.get(i).cols(), names[i]);
    }
    assertEquals(layout.get(2).offset(), c.logDtOffset());
    assertEquals(layout.get(3).offset(), c.aReOffset());
    assertEquals(layout.get(4).offset(), c.aImOffset());
    assertEquals(layout.get(5).offset(), c.cReOffset());
    assertEquals(layout.get(6).offset(), c.cImOffset());
    assertEquals(layout.get(7).offset(), c.dOffset());
    // in H for the projection, 8 per mode (3 + 3 for s' = Ā s + B̄ u, 2 for Re(C s')), 2 per channel.
    assertEquals((long) IN * HIDDEN + HIDDEN * (8 * 8 + 2), c.macsPerStep());
    assertThrows(IllegalArgumentException.class, () -> new S4dCore(3, 4, 7, 1e-3, 1e-1), "odd order");
    assertThrows(IllegalArgumentException.class, () -> new S4dCore(3, 4, 8, 0, 1e-1), "Δ must be positive");
    assertThrows(IllegalArgumentException.class, () -> new S4dCore(3, 4, 8, 1e-1, 1e-2), "dtMin > dtMax");

    // S4D-Lin: A = −1/2 + iπn for every channel; Δ log-uniform in [1e-3, 1e-1]; C complex standard normal.
    S4dCore big = new S4dCore(5, 64);
    int hm = big.stateEntries();
    float[] p = new float[big.paramCount()];
    big.initialize(p, 0, new SplittableRandom(4));
    for (int i = 0; i < hm; i++) {
      assertEquals((float) Math.log(0.5), p[big.aReOffset() + i], "Re A = −exp(α) = −1/2");
      assertEquals((float) (Math.PI * (i / 64)), p[big.aImOffset() + i], "Im A = πn (row n of [M, H])");
    }
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (int h = 0; h < 64; h++) {
      double dt = Math.exp(p[big.logDtOffset() + h]);
      assertTrue(dt >= 0.999e-3 && dt <= 1.001e-1, "Δ in [1e-3, 1e-1]: " + dt);
      lo = Math.min(lo, dt);
      hi = Math.max(hi, dt);
    }
    assertTrue(lo < 3e-3 && hi > 3e-2, "Δ spans its range (log-uniform): " + lo + " .. " + hi);
    double cc = 0;
    for (int i = 0; i < hm; i++) {
      cc += p[big.cReOffset() + i] * p[big.cReOffset() + i] + p[big.cImOffset() + i] * p[big.cImOffset() + i];
    }
    assertEquals(1.0, cc / hm, 0.15, "E|C|² = 1");
    for (int h = 0; h < 64; h++) {
      assertEquals(0f, p[5 * 64 + h], "b_in = 0");
    }
    assertNotEquals(0f, p[big.dOffset()], "D drawn");
  }

  /**
   * The discretisation keeps its precision when Δ|A| is small, where {@code Ā − 1} cancels: B̄ = (e^{ΔA} − 1)/A
   * against its series Δ (1 + ΔA/2 + (ΔA)²/6 + ...) for Δ = 1e-7 .. 1e-1, relative error below 1e-13 (the
   * textbook {@code (Ā − 1)/A} in double loses ~7 digits at Δ = 1e-7; in float, all of them).
   */
  @Test
  void theZeroOrderHoldIsPreciseForSmallSteps() {
    S4dCore c = new S4dCore(1, 1, 8, 1e-3, 1e-1);
    float[] p = new float[c.paramCount()];
    c.initialize(p, 0, new SplittableRandom(1));
    double[] out = new double[7 * 4];
    for (double dt : new double[] {1e-7, 1e-5, 1e-3, 1e-1}) {
      p[c.logDtOffset()] = (float) Math.log(dt);
      c.discretize(p, 0, out);
      double dtF = Math.exp(p[c.logDtOffset()]);
      for (int n = 0; n < 4; n++) {
        double ar = out[16 + n];
        double ai = out[20 + n];
        // Δ Σ_k (ΔA)^k / (k + 1)!
        double zr = dtF * ar;
        double zi = dtF * ai;
        double tr = 1;
        double ti = 0;
        double sr = 0;
        double si = 0;
        double fact = 1;
        for (int k = 0; k < 30; k++) {
          fact *= k + 1;
          sr += tr / fact;
          si += ti / fact;
          double nr = tr * zr - ti * zi;
          ti = tr * zi + ti * zr;
          tr = nr;
        }
        double br = dtF * sr;
        double bi = dtF * si;
        double err = Math.hypot(out[8 + n] - br, out[12 + n] - bi) / Math.hypot(br, bi);
        assertTrue(err < 1e-13, "Δ = " + dt + ", mode " + n + ": B̄ off by " + err + " relative");
        assertEquals(Math.exp(zr) * Math.cos(zi), out[n], 1e-15, "Re Ā");
        assertEquals(Math.exp(zr) * Math.sin(zi), out[4 + n], 1e-15, "Im Ā");
      }
    }
  }

  /**
   * The Vector API step ({@link dev.mnemo.agents.kernel.StateSpaceLanes}) and the plain loops ({@link
   * S4dCore#recur}) give the same bits, for channel counts around the lane widths (full registers, tails, fewer
   * channels than lanes) and several mode counts.
   */
  @Test
  void theVectorApiStepGivesThePlainLoopsBits() {
    org.junit.jupiter.api.Assumptions.assumeTrue(BatchOps.vectorApiAvailable(), "needs jdk.incubator.vector");
    java.util.Random r = new java.util.Random(5);
    for (int hidden : new int[] {1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 40}) {
      for (int modes : new int[] {1, 2, 8, 9}) {
        int hm = hidden * modes;
        double[][] coef = new double[6][hm];
        for (double[] c : coef) {
          for (int i = 0; i < hm; i++) {
            c[i] = r.nextGaussian();
          }
        }
        double[] u = new double[hidden];
        for (int h = 0; h < hidden; h++) {
          u[h] = r.nextGaussian();
        }
        float[] in = uniform(3 + 2 * hm, hidden * 31L + modes, 2.0);
        float[] outA = new float[5 + 2 * hm];
        float[] outB = new float[5 + 2 * hm];
        double[] accA = new double[hidden];
        double[] accB = new double[hidden];
        dev.mnemo.agents.kernel.StateSpaceLanes.step(hidden, modes, coef[0], coef[1], coef[2], coef[3], coef[4],
            coef[5], in, 3, outA, 5, u, accA);
        S4dCore.recur(hidden, modes, coef[0], coef[1], coef[2], coef[3], coef[4], coef[5], in, 3, outB, 5, u, accB);
        assertArrayEquals(outB, outA, "state, hidden " + hidden + ", modes " + modes);
        assertArrayEquals(accB, accA, "readout, hidden " + hidden + ", modes " + modes);
      }
    }
  }

  /**
   * A load and 200 steps allocate nothing once compiled. The Vector API kernel is measured in a fresh JVM ({@link
   * dev.mnemo.agents.transformer.FreshJvmAllocation}): in the test JVM, what earlier tests compiled decides it (run
   * after RecurrentActorCriticTest and KernelJitDeterminismTest, this check saw 8.9 MB per run, and LmuCoreTest's
   * own in-JVM check 1.3 MB, with s4d in those tests or not: VectorOps' tiles boxing their vectors). The plain loops
   * are measured here. Checked to fail with one escaping array per step.
   */
  @Test
  void kernelStepAndLoadAllocateNothingAfterWarmUp() throws Exception {
    assertKernelAllocatesNothing(S4dCoreTest.class, "vectorAllocationLoop", allocationLoop(new ScalarOps()));
  }

  /** The fresh JVM's loop (FreshJvmAllocation calls it by name). */
  private static Runnable vectorAllocationLoop() {
    return allocationLoop(BatchOps.best());
  }

  /** A load and 200 steps of a 40-channel kernel over 9, 8 and 7 rows. */
  private static Runnable allocationLoop(BatchOps ops) {
    return kernelAllocationLoop(new S4dCore(12, 40), ops);
  }

  /** The output heads the state and the rest is [Re s | Im s]: a step from zero with x = 0 writes B̄ b_in. */
  @Test
  void theStateIsOutputThenRealThenImaginaryParts() {
    S4dCore c = new S4dCore(2, 3, 4, 1e-2, 1e-2);
    float[] p = new float[c.paramCount()];
    c.initialize(p, 0, new SplittableRandom(8));
    for (int h = 0; h < 3; h++) {
      p[2 * 3 + h] = 1f + h; // b_in
    }
    CoreKernel k = c.kernel(BatchOps.best(), 1);
    k.load(p, 0);
    float[] out = new float[c.stateSize()];
    k.step(1, new float[2], 0, 2, new float[c.stateSize()], out);
    double[] disc = new double[7 * 6];
    c.discretize(p, 0, disc);
    double[] want = reference(c, toDouble(p), new double[2], new double[c.stateSize()]);
    for (int i = 0; i < 6; i++) {
      double u = 1 + i % 3; // mode-major: entry i is channel i % H
      assertEquals(disc[12 + i] * u, out[3 + i], 1e-7, "Re s = Re B̄ u at " + (3 + i));
      assertEquals(disc[18 + i] * u, out[3 + 6 + i], 1e-7, "Im s = Im B̄ u at " + (9 + i));
    }
    assertClose(want, out, 1e-6, "one step");
    assertArrayEquals(new float[c.stateSize()], zeroStep(c, p), "x = 0, b_in = 0: the zero state stays zero");
  }

  private static float[] zeroStep(S4dCore c, float[] p) {
    float[] q = p.clone();
    java.util.Arrays.fill(q, c.inputSize() * c.hiddenSize(), (c.inputSize() + 1) * c.hiddenSize(), 0f);
    CoreKernel k = c.kernel(BatchOps.best(), 1);
    k.load(q, 0);
    float[] out = new float[c.stateSize()];
    k.step(1, new float[c.inputSize()], 0, c.inputSize(), new float[c.stateSize()], out);
    return out;
  }
}
