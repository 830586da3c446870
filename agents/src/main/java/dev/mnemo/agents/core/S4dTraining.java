package dev.mnemo.agents.core;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.PackedMatrix;
import dev.mnemo.agents.kernel.WeightGradient;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link S4dCore}'s training form: the parallel (convolution) form of the layer, in double. With {@code λ = Ā},
 * {@code β = B̄} per (channel, mode), and a window starting from the state σ before its first step:
 * <pre>
 *   K_k  = 2 Re Σ_n C_n λ_n^k β_n                                       the SSM kernel, k = 0..T−1
 *   z_τ  = Σ_{j<=τ} K_{τ−j} u_j  +  D u_τ  +  2 Re Σ_n C_n λ_n^{τ+1} σ_n      (the last term: the stored state)
 *   y_τ  = tanh(z_τ)
 * </pre>
 * The powers {@code λ^k}, k = 0..T, are repeated products in double (error ~k·1e-16 of |λ|^k, against the 1e-5
 * the contract asks), as are K, the O(T²) causal convolution and every sum of the backward; u comes from one float
 * product {@code x W_in + b_in} over the pass, z is rounded once to float and activated by {@link BatchOps#tanh} as
 * in the acting kernel. Sums run in one fixed order (ascending j, then modes in order), no fused multiply-add.
 *
 * <p><b>States.</b> The outputs need no state but σ. The states after each step ({@link Pass#copyState}, which
 * R2D2 reads for every step of every unroll) come from the recurrence {@code s_t = λ s_{t−1} + β u_t} in double,
 * run once over the pass on the first such call after a forward: the closed form {@code λ^{t+1} σ + Σ_j λ^{t−j} β
 * u_j} per step would cost O(T²) per state. They are kept in float ({@code T B 2 M H} floats), allocated with the
 * first call.
 *
 * <p><b>Backward</b> over {@code [t0, t0 + W)} from {@code σ = s_{t0−1}} (held constant; its value by the closed
 * form above). Gradients of a real loss with respect to a complex quantity w are written as the complex number
 * {@code ∇w = ∂L/∂Re w + i ∂L/∂Im w}; through a holomorphic {@code f}, {@code ∇w = ∇f · conj(f'(w))}. With {@code g_τ
 * = dL/dz_τ = (dy_τ + [τ = W−1] dF_y) (1 − y_τ²)} and {@code φ_n = dF_{Re s} + i dF_{Im s}} (dLoss/dFinalState):
 * <pre>
 *   dK_k  = Σ_{b,τ>=k} g_τ u_{τ−k}          dD = Σ_{b,τ} g_τ u_τ            (correlations)
 *   du_τ  = D g_τ + Σ_{τ'>=τ} K_{τ'−τ} g_τ' + Σ_n Re(conj(φ_n) λ_n^{W−1−τ} β_n)
 *   G_n   = Σ_τ g_τ λ^{τ+1},   G'_n = Σ_τ g_τ (τ+1) λ^τ,   P_n = Σ_τ λ^{W−1−τ} u_τ,   P'_n = Σ_τ (W−1−τ) λ^{W−2−τ} u_τ
 *   ∇C    = Σ_b 2 conj(G σ) + 2 S0 conj(β)
 *   ∇β    = Σ_b φ conj(P)   + 2 S0 conj(C)          S0 = Σ_k dK_k conj(λ^k),  S1 = Σ_k k dK_k conj(λ^{k−1})
 *   ∇λ    = Σ_b [2 conj(C G' σ) + φ conj(W λ^{W−1} σ + β P')] + 2 S1 conj(C β)
 *   ∇σ    = 2 conj(C G) + φ conj(λ^W)          (the initial state's gradient: {@link S4dPass#initialStateGradient})
 * </pre>
 * then through the zero-order hold: {@code ∇λ += ∇β conj(1/A)}, {@code ∇A = ∇β conj(−β/A) + ∇λ conj(Δλ)}, {@code
 * dL/dΔ = Σ_n Re(conj(∇λ) A λ)}, {@code dL/dℓ = Δ dL/dΔ}, {@code dL/dα = Re A · Re ∇A}, {@code dL/dω = Im ∇A}; and
 * {@code [W_in; b_in] = [x | 1]ᵀ dU} in one product ({@link WeightGradient}), {@code dX = dU W_inᵀ} in another.
 */
final class S4dTraining implements CoreTraining {

  private final S4dCore core;
  private final BatchOps ops;
  private final int in;
  private final int hs;
  private final int hm;
  private final PackedMatrix w;
  private final float[] bias;
  private final PackedMatrix wT;
  private final float[] stage;
  /** {@link S4dCore#discretize}'s blocks: Re λ, Im λ, Re β, Im β, Re A, Im A, Δ. */
  private final double[] disc;
  private final double[] cr;
  private final double[] ci;
  /** C β, the factor of λ^k in K. */
  private final double[] cbr;
  private final double[] cbi;
  private final double[] dd;

  S4dTraining(S4dCore core, BatchOps ops) {
    this.core = core;
    this.ops = ops;
    this.in = core.inputSize();
    this.hs = core.hiddenSize();
    this.hm = core.stateEntries();
    w = new PackedMatrix(in, hs, ops.lanes());
    bias = new float[w.paddedCols()];
    wT = new PackedMatrix(hs, in, ops.lanes());
    stage = new float[in * hs];
    disc = new double[7 * hm];
    cr = new double[hm];
    ci = new double[hm];
    cbr = new double[hm];
    cbi = new double[hm];
    dd = new double[hs];
  }

  @Override
  public void load(float[] params, int offset) {
    w.load(params, offset, hs, 0, 0, in, hs);
    wT.loadTransposed(params, offset, in, hs, 0, 0, stage);
    System.arraycopy(params, offset + in * hs, bias, 0, hs);
    core.discretize(params, offset, disc);
    for (int i = 0; i < hm; i++) {
      cr[i] = params[offset + core.cReOffset() + i];
      ci[i] = params[offset + core.cImOffset() + i];
      double br = disc[2 * hm + i];
      double bi = disc[3 * hm + i];
      cbr[i] = cr[i] * br - ci[i] * bi;
      cbi[i] = cr[i] * bi + ci[i] * br;
    }
    for (int h = 0; h < hs; h++) {
      dd[h] = params[offset + core.dOffset() + h];
    }
  }

  @Override
  public Pass newPass(int batch, int time) {
    return new S4dPass(batch, time);
  }

  /**
   * One window; package-private for the test of the initial state's gradient. Every array is laid out so that the
   * innermost loop runs along channels (or along the {@code M H} entries, mode-major) and is element-wise, each
   * element's sum taken in one fixed order: C2 may run such loops on vector registers without changing a bit.
   */
  final class S4dPass extends WindowPass {
    final int tp;
    final int ldz;
    final int ss;
    final float[] xs;     // [n, in]: the inputs, kept for W_in's gradient
    final float[] uz;     // [n, ldz]: u = x W_in + b_in, time-major rows
    final double[] u;     // [T, B, H]: u in double
    final float[] s0;     // [B, S]: the initial state
    final double[] pr;    // [T + 1, M H]: Re λ^k
    final double[] pi;    // [T + 1, M H]: Im λ^k
    final double[] kern;  // [T, H]: K_k
    final float[] y;      // [n, H]: the outputs
    final double[] csr;   // [B, M H]: C s_{−1}
    final double[] csi;
    final double[] row0;  // [H]: scratch rows
    final double[] row1;
    /** [n, 2 M H]: Re s, Im s after each step, by the recurrence on the first copyState after a forward. */
    float[] states;
    double[] cur;         // [B, 2 M H]: the recurrence's running state
    boolean statesValid;
    final double[] g;     // [T, B, H]: g_τ, window rows
    final double[] du;    // [T, B, H]: du_τ, window rows
    final float[] dU;     // [n, H], window rows
    final double[] sr;    // [B, M H]: σ
    final double[] si;
    final double[] ar;    // [B, M H]: sums over steps: Σ λ^{t0−1−j} u_j, then G, G', P, P'
    final double[] ai;
    final double[] gr;
    final double[] gi;
    final double[] hr;
    final double[] hi;
    final double[] qr;
    final double[] qi;
    final double[] sgr;   // [B, M H]: ∇σ
    final double[] sgi;
    final double[] gcr;   // [M H]: ∇C, ∇λ, ∇β
    final double[] gci;
    final double[] glr;
    final double[] gli;
    final double[] gbr;
    final double[] gbi;
    final double[] s0r;   // [M H]: S0, S1
    final double[] s0i;
    final double[] s1r;
    final double[] s1i;
    final double[] dK;    // [T, H]
    final double[] dD;    // [H]
    final double[] dDt;   // [H]
    final Map<Integer, WeightGradient> windows = new HashMap<>();

    S4dPass(int bs, int time) {
      super(bs, time);
      this.tp = time + 1;
      this.ldz = w.paddedCols();
      this.ss = core.stateSize();
      xs = new float[n * in];
      uz = new float[n * ldz];
      u = new double[n * hs];
      s0 = new float[bs * ss];
      pr = new double[tp * hm];
      pi = new double[tp * hm];
      kern = new double[time * hs];
      y = new float[n * hs];
      csr = new double[bs * hm];
      csi = new double[bs * hm];
      row0 = new double[hs];
      row1 = new double[hs];
      g = new double[n * hs];
      du = new double[n * hs];
      dU = new float[n * hs];
      sr = new double[bs * hm];
      si = new double[bs * hm];
      ar = new double[bs * hm];
      ai = new double[bs * hm];
      gr = new double[bs * hm];
      gi = new double[bs * hm];
      hr = new double[bs * hm];
      hi = new double[bs * hm];
      qr = new double[bs * hm];
      qi = new double[bs * hm];
      sgr = new double[bs * hm];
      sgi = new double[bs * hm];
      gcr = new double[hm];
      gci = new double[hm];
      glr = new double[hm];
      gli = new double[hm];
      gbr = new double[hm];
      gbi = new double[hm];
      s0r = new double[hm];
      s0i = new double[hm];
      s1r = new double[hm];
      s1i = new double[hm];
      dK = new double[time * hs];
      dD = new double[hs];
      dDt = new double[hs];
    }

    @Override
    public float[] output() {
      return y;
    }

    @Override
    public int outputOffset() {
      return 0;
    }

    @Override
    public int outputStride() {
      return hs;
    }

    @Override
    public void forward(float[] x, int xOff, int ldx, float[] state0, int state0Off) {
      statesValid = false;
      for (int r = 0; r < n; r++) {
        System.arraycopy(x, xOff + r * ldx, xs, r * in, in);
      }
      System.arraycopy(state0, state0Off, s0, 0, bs * ss);
      ops.gemm(n, xs, 0, in, w, bias, uz, 0, ldz);
      for (int r = 0; r < n; r++) {
        for (int h = 0; h < hs; h++) {
          u[r * hs + h] = uz[r * ldz + h];
        }
      }
      // λ^k, k = 0..T, by repeated products.
      Arrays.fill(pr, 0, hm, 1);
      Arrays.fill(pi, 0, hm, 0);
      for (int k = 0; k < time; k++) {
        int a = k * hm;
        int c = a + hm;
        for (int i = 0; i < hm; i++) {
          pr[c + i] = pr[a + i] * disc[i] - pi[a + i] * disc[hm + i];
          pi[c + i] = pr[a + i] * disc[hm + i] + pi[a + i] * disc[i];
        }
      }
      // K_k = 2 Re Σ_n C_n β_n λ_n^k, modes in order.
      for (int k = 0; k < time; k++) {
        Arrays.fill(row0, 0);
        for (int base = 0; base < hm; base += hs) {
          int p = k * hm + base;
          for (int h = 0; h < hs; h++) {
            row0[h] += cbr[base + h] * pr[p + h] - cbi[base + h] * pi[p + h];
          }
        }
        for (int h = 0; h < hs; h++) {
          kern[k * hs + h] = 2 * row0[h];
        }
      }
      for (int b = 0; b < bs; b++) {
        int sRe = b * ss + hs;
        for (int i = 0; i < hm; i++) {
          double a = s0[sRe + i];
          double c = s0[sRe + hm + i];
          csr[b * hm + i] = cr[i] * a - ci[i] * c;
          csi[b * hm + i] = cr[i] * c + ci[i] * a;
        }
      }
      // z_t = 2 Re Σ_n C σ λ^{t+1} + Σ_{j<=t} K_{t−j} u_j + D u_t: each sum in order (modes; j ascending).
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          Arrays.fill(row0, 0);
          Arrays.fill(row1, 0);
          for (int base = 0; base < hm; base += hs) {
            int p = (t + 1) * hm + base;
            int c = b * hm + base;
            for (int h = 0; h < hs; h++) {
              row0[h] += csr[c + h] * pr[p + h] - csi[c + h] * pi[p + h];
            }
          }
          for (int j = 0; j <= t; j++) {
            int kb = (t - j) * hs;
            int ub = (j * bs + b) * hs;
            for (int h = 0; h < hs; h++) {
              row1[h] += kern[kb + h] * u[ub + h];
            }
          }
          int o = (t * bs + b) * hs;
          for (int h = 0; h < hs; h++) {
            y[o + h] = (float) (2 * row0[h] + row1[h] + dd[h] * u[o + h]);
          }
        }
      }
      ops.tanh(n, hs, y, 0, hs);
    }

    /** The states after every step by the recurrence in double, stored in float (see the class comment). */
    private void computeStates() {
      int ld = 2 * hm;
      if (states == null) {
        states = new float[n * ld];
        cur = new double[bs * ld];
      }
      for (int b = 0; b < bs; b++) {
        for (int i = 0; i < ld; i++) {
          cur[b * ld + i] = s0[b * ss + hs + i];
        }
      }
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          int c = b * ld;
          int o = (t * bs + b) * ld;
          int ub = (t * bs + b) * hs;
          for (int base = 0; base < hm; base += hs) {
            for (int h = 0; h < hs; h++) {
              int i = base + h;
              double a = cur[c + i];
              double e = cur[c + hm + i];
              double uv = u[ub + h];
              double nr = disc[i] * a - disc[hm + i] * e + disc[2 * hm + i] * uv;
              double ni = disc[i] * e + disc[hm + i] * a + disc[3 * hm + i] * uv;
              cur[c + i] = nr;
              cur[c + hm + i] = ni;
              states[o + i] = (float) nr;
              states[o + hm + i] = (float) ni;
            }
          }
        }
      }
      statesValid = true;
    }

    @Override
    public void copyState(int t, int b, float[] dst, int dstOff) {
      if (t < 0) {
        System.arraycopy(s0, b * ss, dst, dstOff, ss);
        return;
      }
      if (!statesValid) {
        computeStates();
      }
      System.arraycopy(y, (t * bs + b) * hs, dst, dstOff, hs);
      System.arraycopy(states, (t * bs + b) * 2 * hm, dst, dstOff + hs, 2 * hm);
    }

    /**
     * dLoss/d(the state before the last backward's window), {@code [B, S]} (the y block is zero: y never feeds
     * back). Not part of {@link Pass}: R2D2 holds that state constant; tests check it against autodiff.
     */
    void initialStateGradient(float[] dst) {
      for (int b = 0; b < bs; b++) {
        Arrays.fill(dst, b * ss, b * ss + hs, 0f);
        for (int i = 0; i < hm; i++) {
          dst[b * ss + hs + i] = (float) sgr[b * hm + i];
          dst[b * ss + hs + hm + i] = (float) sgi[b * hm + i];
        }
      }
    }

    @Override
    public void backward(int t0, int tw, float[] dOut, int dOutOff, int ldd, float[] dFinalState, float[] dX,
        int dxOff, int lddx, float[] grad, int gradOff) {
      CoreTraining.checkWindow(t0, tw, time);
      int nw = tw * bs;
      initialState(t0);
      // g_τ = (dy_τ + [τ = W−1] dF_y) (1 − y²), window rows.
      for (int tau = 0; tau < tw; tau++) {
        for (int b = 0; b < bs; b++) {
          int o = (tau * bs + b) * hs;
          int d = dOutOff + (tau * bs + b) * ldd;
          int yo = ((t0 + tau) * bs + b) * hs;
          boolean last = tau == tw - 1 && dFinalState != null;
          for (int h = 0; h < hs; h++) {
            double gy = last ? dOut[d + h] + (double) dFinalState[b * ss + h] : dOut[d + h];
            double yv = y[yo + h];
            g[o + h] = gy * (1 - yv * yv);
          }
        }
      }
      convolutionTerms(t0, tw);
      stateTerms(t0, tw, dFinalState);
      for (int r = 0; r < nw * hs; r++) {
        dU[r] = (float) du[r];
      }
      kernelTermsAndHold(tw);
      int aRe = gradOff + core.aReOffset();
      int aIm = gradOff + core.aImOffset();
      int cRe = gradOff + core.cReOffset();
      int cIm = gradOff + core.cImOffset();
      for (int i = 0; i < hm; i++) {
        grad[cRe + i] = (float) gcr[i];
        grad[cIm + i] = (float) gci[i];
        // kernelTermsAndHold left ∇A in (gbr, gbi).
        grad[aRe + i] = (float) (disc[4 * hm + i] * gbr[i]);
        grad[aIm + i] = (float) gbi[i];
      }
      for (int h = 0; h < hs; h++) {
        grad[gradOff + core.logDtOffset() + h] = (float) (disc[6 * hm + h] * dDt[h]);
        grad[gradOff + core.dOffset() + h] = (float) dD[h];
      }
      WeightGradient wg = windows.computeIfAbsent(nw, k -> new WeightGradient(ops, nw, in, hs));
      wg.compute(xs, t0 * bs * in, in, dU, 0, hs);
      wg.copyTo(grad, gradOff, gradOff + in * hs);
      if (dX != null) {
        ops.gemm(nw, dU, 0, hs, wT, null, dX, dxOff, lddx);
      }
    }

    /** σ = s_{t0−1} = λ^{t0} s_{−1} + β Σ_{j<t0} λ^{t0−1−j} u_j, per row (the closed form). */
    private void initialState(int t0) {
      Arrays.fill(ar, 0);
      Arrays.fill(ai, 0);
      for (int b = 0; b < bs; b++) {
        for (int j = 0; j < t0; j++) {
          int p = (t0 - 1 - j) * hm;
          int ub = (j * bs + b) * hs;
          for (int base = 0; base < hm; base += hs) {
            int c = b * hm + base;
            for (int h = 0; h < hs; h++) {
              ar[c + h] += pr[p + base + h] * u[ub + h];
              ai[c + h] += pi[p + base + h] * u[ub + h];
            }
          }
        }
        int p = t0 * hm;
        for (int i = 0; i < hm; i++) {
          int c = b * hm + i;
          double a = s0[b * ss + hs + i];
          double e = s0[b * ss + hs + hm + i];
          sr[c] = pr[p + i] * a - pi[p + i] * e + (disc[2 * hm + i] * ar[c] - disc[3 * hm + i] * ai[c]);
          si[c] = pr[p + i] * e + pi[p + i] * a + (disc[2 * hm + i] * ai[c] + disc[3 * hm + i] * ar[c]);
        }
      }
    }

    /** dK, dD and du's terms from D and the convolution, element-wise along channels. */
    private void convolutionTerms(int t0, int tw) {
      Arrays.fill(dK, 0);
      Arrays.fill(dD, 0);
      for (int k = 0; k < tw; k++) {
        int kb = k * hs;
        for (int tau = k; tau < tw; tau++) {
          for (int b = 0; b < bs; b++) {
            int go = (tau * bs + b) * hs;
            int ub = ((t0 + tau - k) * bs + b) * hs;
            for (int h = 0; h < hs; h++) {
              dK[kb + h] += g[go + h] * u[ub + h];
            }
          }
        }
      }
      for (int tau = 0; tau < tw; tau++) {
        for (int b = 0; b < bs; b++) {
          int go = (tau * bs + b) * hs;
          int ub = ((t0 + tau) * bs + b) * hs;
          for (int h = 0; h < hs; h++) {
            dD[h] += g[go + h] * u[ub + h];
          }
        }
      }
      for (int tau = 0; tau < tw; tau++) {
        for (int b = 0; b < bs; b++) {
          int o = (tau * bs + b) * hs;
          for (int h = 0; h < hs; h++) {
            du[o + h] = dd[h] * g[o + h];
          }
          for (int t2 = tau; t2 < tw; t2++) {
            int kb = (t2 - tau) * hs;
            int go = (t2 * bs + b) * hs;
            for (int h = 0; h < hs; h++) {
              du[o + h] += kern[kb + h] * g[go + h];
            }
          }
        }
      }
    }

    /**
     * The terms through the window's initial state and, with dLoss/dFinalState, through the final one: per row
     * and entry the sums G, G' (and P, P'), then ∇C, ∇λ, ∇β (summed over rows in order), ∇σ, and du's φ term.
     */
    private void stateTerms(int t0, int tw, float[] dFinal) {
      Arrays.fill(gcr, 0);
      Arrays.fill(gci, 0);
      Arrays.fill(glr, 0);
      Arrays.fill(gli, 0);
      Arrays.fill(gbr, 0);
      Arrays.fill(gbi, 0);
      Arrays.fill(gr, 0);
      Arrays.fill(gi, 0);
      Arrays.fill(hr, 0);
      Arrays.fill(hi, 0);
      for (int b = 0; b < bs; b++) {
        for (int tau = 0; tau < tw; tau++) {
          int go = (tau * bs + b) * hs;
          int p1 = (tau + 1) * hm;
          int p0 = tau * hm;
          double k1 = tau + 1;
          for (int base = 0; base < hm; base += hs) {
            int c = b * hm + base;
            for (int h = 0; h < hs; h++) {
              double gv = g[go + h];
              double gk = gv * k1;
              gr[c + h] += gv * pr[p1 + base + h];
              gi[c + h] += gv * pi[p1 + base + h];
              hr[c + h] += gk * pr[p0 + base + h];
              hi[c + h] += gk * pi[p0 + base + h];
            }
          }
        }
      }
      for (int b = 0; b < bs; b++) {
        for (int i = 0; i < hm; i++) {
          int c = b * hm + i;
          double a = sr[c];
          double e = si[c];
          // ∇C += 2 conj(G σ)
          gcr[i] += 2 * (gr[c] * a - gi[c] * e);
          gci[i] -= 2 * (gr[c] * e + gi[c] * a);
          // ∇σ = 2 conj(C G)
          sgr[c] = 2 * (cr[i] * gr[c] - ci[i] * gi[c]);
          sgi[c] = -2 * (cr[i] * gi[c] + ci[i] * gr[c]);
          // ∇λ += 2 conj(C G' σ)
          double chr = cr[i] * hr[c] - ci[i] * hi[c];
          double chi = cr[i] * hi[c] + ci[i] * hr[c];
          glr[i] += 2 * (chr * a - chi * e);
          gli[i] -= 2 * (chr * e + chi * a);
        }
      }
      if (dFinal == null) {
        return;
      }
      Arrays.fill(ar, 0);
      Arrays.fill(ai, 0);
      Arrays.fill(qr, 0);
      Arrays.fill(qi, 0);
      for (int b = 0; b < bs; b++) {
        for (int tau = 0; tau < tw; tau++) {
          int ub = ((t0 + tau) * bs + b) * hs;
          int p = (tw - 1 - tau) * hm;
          for (int base = 0; base < hm; base += hs) {
            int c = b * hm + base;
            for (int h = 0; h < hs; h++) {
              ar[c + h] += pr[p + base + h] * u[ub + h];
              ai[c + h] += pi[p + base + h] * u[ub + h];
            }
          }
          if (tau < tw - 1) {
            int q = (tw - 2 - tau) * hm;
            double kw = tw - 1 - tau;
            for (int base = 0; base < hm; base += hs) {
              int c = b * hm + base;
              for (int h = 0; h < hs; h++) {
                double uk = u[ub + h] * kw;
                qr[c + h] += pr[q + base + h] * uk;
                qi[c + h] += pi[q + base + h] * uk;
              }
            }
          }
        }
      }
      int pw = tw * hm;
      int pw1 = (tw - 1) * hm;
      for (int b = 0; b < bs; b++) {
        int f = b * ss + hs;
        for (int i = 0; i < hm; i++) {
          int c = b * hm + i;
          double fr = dFinal[f + i];
          double fi = dFinal[f + hm + i];
          double br = disc[2 * hm + i];
          double bi = disc[3 * hm + i];
          // ∇β += φ conj(P)
          gbr[i] += fr * ar[c] + fi * ai[c];
          gbi[i] += fi * ar[c] - fr * ai[c];
          // ∇λ += φ conj(W λ^{W−1} σ + β P')
          double wr = tw * pr[pw1 + i];
          double wi = tw * pi[pw1 + i];
          double xr = wr * sr[c] - wi * si[c] + (br * qr[c] - bi * qi[c]);
          double xi = wr * si[c] + wi * sr[c] + (br * qi[c] + bi * qr[c]);
          glr[i] += fr * xr + fi * xi;
          gli[i] += fi * xr - fr * xi;
          // ∇σ += φ conj(λ^W)
          sgr[c] += fr * pr[pw + i] + fi * pi[pw + i];
          sgi[c] += fi * pr[pw + i] - fr * pi[pw + i];
          // du's φ term: Re(conj(φ) β λ^{W−1−τ}) = vr Re λ^k − vi Im λ^k (kept in (ar, ai) from here on)
          ar[c] = fr * br + fi * bi;
          ai[c] = fr * bi - fi * br;
        }
        for (int tau = 0; tau < tw; tau++) {
          int o = (tau * bs + b) * hs;
          int p = (tw - 1 - tau) * hm;
          for (int base = 0; base < hm; base += hs) {
            int c = b * hm + base;
            for (int h = 0; h < hs; h++) {
              du[o + h] += ar[c + h] * pr[p + base + h] - ai[c + h] * pi[p + base + h];
            }
          }
        }
      }
    }

    /**
     * The kernel's terms of ∇C, ∇β, ∇λ (from dK), then the zero-order hold back to A and Δ: leaves ∇A in (gbr,
     * gbi) and dL/dΔ in dDt.
     */
    private void kernelTermsAndHold(int tw) {
      Arrays.fill(s0r, 0);
      Arrays.fill(s0i, 0);
      Arrays.fill(s1r, 0);
      Arrays.fill(s1i, 0);
      for (int k = 0; k < tw; k++) {
        int kb = k * hs;
        int p = k * hm;
        for (int base = 0; base < hm; base += hs) {
          for (int h = 0; h < hs; h++) {
            double dk = dK[kb + h];
            s0r[base + h] += dk * pr[p + base + h];
            s0i[base + h] -= dk * pi[p + base + h];
          }
        }
        if (k > 0) {
          int q = (k - 1) * hm;
          for (int base = 0; base < hm; base += hs) {
            for (int h = 0; h < hs; h++) {
              double dk = dK[kb + h] * k;
              s1r[base + h] += dk * pr[q + base + h];
              s1i[base + h] -= dk * pi[q + base + h];
            }
          }
        }
      }
      Arrays.fill(dDt, 0);
      for (int i = 0; i < hm; i++) {
        double lr = disc[i];
        double li = disc[hm + i];
        double br = disc[2 * hm + i];
        double bi = disc[3 * hm + i];
        double are = disc[4 * hm + i];
        double aim = disc[5 * hm + i];
        double dt = disc[6 * hm + i];
        // ∇C += 2 S0 conj(β); ∇β += 2 S0 conj(C); ∇λ += 2 S1 conj(C β)
        gcr[i] += 2 * (s0r[i] * br + s0i[i] * bi);
        gci[i] += 2 * (s0i[i] * br - s0r[i] * bi);
        double nbr = gbr[i] + 2 * (s0r[i] * cr[i] + s0i[i] * ci[i]);
        double nbi = gbi[i] + 2 * (s0i[i] * cr[i] - s0r[i] * ci[i]);
        double nlr = glr[i] + 2 * (s1r[i] * cbr[i] + s1i[i] * cbi[i]);
        double nli = gli[i] + 2 * (s1i[i] * cbr[i] - s1r[i] * cbi[i]);
        double norm = are * are + aim * aim;
        // ∇λ += ∇β conj(1/A) = ∇β A / |A|²
        nlr += (nbr * are - nbi * aim) / norm;
        nli += (nbr * aim + nbi * are) / norm;
        // ∇A = ∇β conj(−β/A) + ∇λ conj(Δ λ);  conj(−β/A) = −conj(β) A / |A|²
        double xr = -(br * are + bi * aim) / norm;
        double xi = -(br * aim - bi * are) / norm;
        double gar = nbr * xr - nbi * xi + dt * (nlr * lr + nli * li);
        double gai = nbr * xi + nbi * xr + dt * (nli * lr - nlr * li);
        // dL/dΔ += Re(conj(∇λ) A λ), modes in order
        double alr = are * lr - aim * li;
        double ali = are * li + aim * lr;
        dDt[i % hs] += nlr * alr + nli * ali;
        gbr[i] = gar;
        gbi[i] = gai;
      }
    }
  }
}
