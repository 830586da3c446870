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
  private final int m;
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
    this.m = core.modes();
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

  /** One window; package-private for the test of the initial state's gradient. */
  final class S4dPass implements Pass {
    final int bs;
    final int time;
    final int n;
    final int tp;
    final int ldz;
    final int ss;
    final float[] xs;     // [n, in]: the inputs, kept for W_in's gradient
    final float[] uz;     // [n, ldz]: u = x W_in + b_in, time-major rows
    final double[] uT;    // [B, H, T]: u per (row, channel), contiguous in time
    final float[] s0;     // [B, S]: the initial state
    final double[] pr;    // [M H, T + 1]: Re λ^k
    final double[] pi;    // [M H, T + 1]: Im λ^k
    final double[] kern;  // [H, T]: K_k
    final float[] y;      // [n, H]: the outputs
    final double[] csr;   // [M]: C σ of one (row, channel)
    final double[] csi;
    /** [n, 2 M H]: Re s, Im s after each step, by the recurrence on the first copyState after a forward. */
    float[] states;
    boolean statesValid;
    final double[] gw;    // [T]: g_τ of one (row, channel)
    final double[] du;    // [T]: du_τ of one (row, channel)
    final float[] dU;     // [n, H], window rows
    final double[] sgr;   // [B, M H]: ∇σ
    final double[] sgi;
    final double[] gcr;   // [M H]: ∇C, ∇λ, ∇β
    final double[] gci;
    final double[] glr;
    final double[] gli;
    final double[] gbr;
    final double[] gbi;
    final double[] dK;    // [H, T]
    final double[] dD;    // [H]
    final double[] dDt;   // [H]
    final Map<Integer, WeightGradient> windows = new HashMap<>();

    S4dPass(int bs, int time) {
      CoreTraining.checkShape(bs, time);
      this.bs = bs;
      this.time = time;
      this.n = bs * time;
      this.tp = time + 1;
      this.ldz = w.paddedCols();
      this.ss = core.stateSize();
      xs = new float[n * in];
      uz = new float[n * ldz];
      uT = new double[bs * hs * time];
      s0 = new float[bs * ss];
      pr = new double[hm * tp];
      pi = new double[hm * tp];
      kern = new double[hs * time];
      y = new float[n * hs];
      csr = new double[m];
      csi = new double[m];
      gw = new double[time];
      du = new double[time];
      dU = new float[n * hs];
      sgr = new double[bs * hm];
      sgi = new double[bs * hm];
      gcr = new double[hm];
      gci = new double[hm];
      glr = new double[hm];
      gli = new double[hm];
      gbr = new double[hm];
      gbi = new double[hm];
      dK = new double[hs * time];
      dD = new double[hs];
      dDt = new double[hs];
    }

    @Override
    public int batch() {
      return bs;
    }

    @Override
    public int time() {
      return time;
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
      for (int t = 0; t < time; t++) {
        for (int b = 0; b < bs; b++) {
          int row = (t * bs + b) * ldz;
          for (int h = 0; h < hs; h++) {
            uT[(b * hs + h) * time + t] = uz[row + h];
          }
        }
      }
      for (int i = 0; i < hm; i++) {
        double lr = disc[i];
        double li = disc[hm + i];
        double re = 1;
        double im = 0;
        for (int k = 0; k < tp; k++) {
          pr[i * tp + k] = re;
          pi[i * tp + k] = im;
          double nr = re * lr - im * li;
          im = re * li + im * lr;
          re = nr;
        }
      }
      for (int h = 0; h < hs; h++) {
        for (int k = 0; k < time; k++) {
          double acc = 0;
          for (int i = h; i < hm; i += hs) {
            acc += cbr[i] * pr[i * tp + k] - cbi[i] * pi[i * tp + k];
          }
          kern[h * time + k] = 2 * acc;
        }
      }
      for (int b = 0; b < bs; b++) {
        for (int h = 0; h < hs; h++) {
          int base = (b * hs + h) * time;
          int kb = h * time;
          for (int k = 0; k < m; k++) {
            int i = k * hs + h;
            double sr = s0[b * ss + hs + i];
            double si = s0[b * ss + hs + hm + i];
            csr[k] = cr[i] * sr - ci[i] * si;
            csi[k] = cr[i] * si + ci[i] * sr;
          }
          for (int t = 0; t < time; t++) {
            double init = 0;
            for (int k = 0; k < m; k++) {
              int p = (k * hs + h) * tp + t + 1;
              init += csr[k] * pr[p] - csi[k] * pi[p];
            }
            double conv = 0;
            for (int j = 0; j <= t; j++) {
              conv += kern[kb + t - j] * uT[base + j];
            }
            y[(t * bs + b) * hs + h] = (float) (2 * init + conv + dd[h] * uT[base + t]);
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
      }
      for (int b = 0; b < bs; b++) {
        for (int i = 0; i < hm; i++) {
          double lr = disc[i];
          double li = disc[hm + i];
          double br = disc[2 * hm + i];
          double bi = disc[3 * hm + i];
          double sr = s0[b * ss + hs + i];
          double si = s0[b * ss + hs + hm + i];
          int base = (b * hs + i % hs) * time;
          for (int t = 0; t < time; t++) {
            double u = uT[base + t];
            double nr = lr * sr - li * si + br * u;
            si = lr * si + li * sr + bi * u;
            sr = nr;
            int o = (t * bs + b) * ld;
            states[o + i] = (float) sr;
            states[o + hm + i] = (float) si;
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
      Arrays.fill(gcr, 0);
      Arrays.fill(gci, 0);
      Arrays.fill(glr, 0);
      Arrays.fill(gli, 0);
      Arrays.fill(gbr, 0);
      Arrays.fill(gbi, 0);
      Arrays.fill(dK, 0);
      Arrays.fill(dD, 0);
      Arrays.fill(dDt, 0);
      for (int b = 0; b < bs; b++) {
        for (int h = 0; h < hs; h++) {
          channelBackward(b, h, t0, tw, dOut, dOutOff, ldd, dFinalState);
        }
      }
      for (int h = 0; h < hs; h++) {
        for (int i = h; i < hm; i += hs) {
          throughKernelAndHold(i, h, tw);
        }
      }
      int aRe = gradOff + core.aReOffset();
      int aIm = gradOff + core.aImOffset();
      int cRe = gradOff + core.cReOffset();
      int cIm = gradOff + core.cImOffset();
      for (int i = 0; i < hm; i++) {
        grad[cRe + i] = (float) gcr[i];
        grad[cIm + i] = (float) gci[i];
        // throughKernelAndHold left ∇A in (gbr, gbi).
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

    /**
     * One (row, channel) of the window: g, du (written to dU), its share of dK and dD, σ and ∇σ, and its terms
     * of ∇C, ∇λ, ∇β (summed over rows in order).
     */
    private void channelBackward(int b, int h, int t0, int tw, float[] dOut, int dOutOff, int ldd, float[] dFinal) {
      int base = (b * hs + h) * time;
      int u0 = base + t0;
      for (int tau = 0; tau < tw; tau++) {
        double gy = dOut[dOutOff + (tau * bs + b) * ldd + h];
        if (tau == tw - 1 && dFinal != null) {
          gy += dFinal[b * ss + h];
        }
        double yv = y[((t0 + tau) * bs + b) * hs + h];
        gw[tau] = gy * (1 - yv * yv);
      }
      double gd = 0;
      for (int tau = 0; tau < tw; tau++) {
        gd += gw[tau] * uT[u0 + tau];
      }
      dD[h] += gd;
      int kb = h * time;
      for (int k = 0; k < tw; k++) {
        double acc = 0;
        for (int tau = k; tau < tw; tau++) {
          acc += gw[tau] * uT[u0 + tau - k];
        }
        dK[kb + k] += acc;
      }
      for (int tau = 0; tau < tw; tau++) {
        double acc = dd[h] * gw[tau];
        for (int t2 = tau; t2 < tw; t2++) {
          acc += kern[kb + t2 - tau] * gw[t2];
        }
        du[tau] = acc;
      }
      for (int i = h; i < hm; i += hs) {
        int ip = i * tp;
        double lr = disc[i];
        double li = disc[hm + i];
        double br = disc[2 * hm + i];
        double bi = disc[3 * hm + i];
        // σ = λ^{t0} s_{−1} + β Σ_{j<t0} λ^{t0−1−j} u_j
        double sr = s0[b * ss + hs + i];
        double si = s0[b * ss + hs + hm + i];
        if (t0 > 0) {
          double ar = 0;
          double ai = 0;
          for (int j = 0; j < t0; j++) {
            double u = uT[base + j];
            ar += pr[ip + t0 - 1 - j] * u;
            ai += pi[ip + t0 - 1 - j] * u;
          }
          double qr = pr[ip + t0];
          double qi = pi[ip + t0];
          double nr = qr * sr - qi * si + (br * ar - bi * ai);
          si = qr * si + qi * sr + (br * ai + bi * ar);
          sr = nr;
        }
        double gr = 0;
        double gi = 0;
        double hr = 0;
        double hi = 0;
        for (int tau = 0; tau < tw; tau++) {
          double g = gw[tau];
          gr += g * pr[ip + tau + 1];
          gi += g * pi[ip + tau + 1];
          double gk = g * (tau + 1);
          hr += gk * pr[ip + tau];
          hi += gk * pi[ip + tau];
        }
        // ∇C += 2 conj(G σ)
        gcr[i] += 2 * (gr * sr - gi * si);
        gci[i] -= 2 * (gr * si + gi * sr);
        // ∇σ = 2 conj(C G)
        double sgR = 2 * (cr[i] * gr - ci[i] * gi);
        double sgI = -2 * (cr[i] * gi + ci[i] * gr);
        // ∇λ += 2 conj(C G' σ)
        double chr = cr[i] * hr - ci[i] * hi;
        double chi = cr[i] * hi + ci[i] * hr;
        glr[i] += 2 * (chr * sr - chi * si);
        gli[i] -= 2 * (chr * si + chi * sr);
        if (dFinal != null) {
          double fr = dFinal[b * ss + hs + i];
          double fi = dFinal[b * ss + hs + hm + i];
          double ppr = 0;
          double ppi = 0;
          double qpr = 0;
          double qpi = 0;
          for (int tau = 0; tau < tw; tau++) {
            double u = uT[u0 + tau];
            ppr += pr[ip + tw - 1 - tau] * u;
            ppi += pi[ip + tw - 1 - tau] * u;
            if (tau < tw - 1) {
              double uk = u * (tw - 1 - tau);
              qpr += pr[ip + tw - 2 - tau] * uk;
              qpi += pi[ip + tw - 2 - tau] * uk;
            }
          }
          // ∇β += φ conj(P)
          gbr[i] += fr * ppr + fi * ppi;
          gbi[i] += fi * ppr - fr * ppi;
          // ∇λ += φ conj(W λ^{W−1} σ + β P')
          double wr = tw * pr[ip + tw - 1];
          double wi = tw * pi[ip + tw - 1];
          double qr = wr * sr - wi * si + (br * qpr - bi * qpi);
          double qi = wr * si + wi * sr + (br * qpi + bi * qpr);
          glr[i] += fr * qr + fi * qi;
          gli[i] += fi * qr - fr * qi;
          // ∇σ += φ conj(λ^W)
          sgR += fr * pr[ip + tw] + fi * pi[ip + tw];
          sgI += fi * pr[ip + tw] - fr * pi[ip + tw];
          // du_τ += Re(conj(φ) β λ^{W−1−τ})
          double vr = fr * br + fi * bi;
          double vi = fr * bi - fi * br;
          for (int tau = 0; tau < tw; tau++) {
            du[tau] += vr * pr[ip + tw - 1 - tau] - vi * pi[ip + tw - 1 - tau];
          }
        }
        sgr[b * hm + i] = sgR;
        sgi[b * hm + i] = sgI;
      }
      for (int tau = 0; tau < tw; tau++) {
        dU[(tau * bs + b) * hs + h] = (float) du[tau];
      }
    }

    /**
     * Entry i's kernel terms of ∇C, ∇β, ∇λ (from dK), then the zero-order hold back to A and Δ: leaves ∇A in
     * (gbr, gbi) and adds dL/dΔ to dDt[h].
     */
    private void throughKernelAndHold(int i, int h, int tw) {
      int ip = i * tp;
      int kb = h * time;
      double s0r = 0;
      double s0i = 0;
      double s1r = 0;
      double s1i = 0;
      for (int k = 0; k < tw; k++) {
        double dk = dK[kb + k];
        s0r += dk * pr[ip + k];
        s0i -= dk * pi[ip + k];
        if (k > 0) {
          s1r += dk * k * pr[ip + k - 1];
          s1i -= dk * k * pi[ip + k - 1];
        }
      }
      double lr = disc[i];
      double li = disc[hm + i];
      double br = disc[2 * hm + i];
      double bi = disc[3 * hm + i];
      double ar = disc[4 * hm + i];
      double ai = disc[5 * hm + i];
      double dt = disc[6 * hm + i];
      // ∇C += 2 S0 conj(β); ∇β += 2 S0 conj(C); ∇λ += 2 S1 conj(C β)
      gcr[i] += 2 * (s0r * br + s0i * bi);
      gci[i] += 2 * (s0i * br - s0r * bi);
      double nbr = gbr[i] + 2 * (s0r * cr[i] + s0i * ci[i]);
      double nbi = gbi[i] + 2 * (s0i * cr[i] - s0r * ci[i]);
      double nlr = glr[i] + 2 * (s1r * cbr[i] + s1i * cbi[i]);
      double nli = gli[i] + 2 * (s1i * cbr[i] - s1r * cbi[i]);
      double norm = ar * ar + ai * ai;
      // ∇λ += ∇β conj(1/A) = ∇β A / |A|²
      nlr += (nbr * ar - nbi * ai) / norm;
      nli += (nbr * ai + nbi * ar) / norm;
      // ∇A = ∇β conj(−β/A) + ∇λ conj(Δ λ);  conj(−β/A) = −conj(β) A / |A|²
      double xr = -(br * ar + bi * ai) / norm;
      double xi = -(br * ai - bi * ar) / norm;
      double gar = nbr * xr - nbi * xi + dt * (nlr * lr + nli * li);
      double gai = nbr * xi + nbi * xr + dt * (nli * lr - nlr * li);
      // dL/dΔ += Re(conj(∇λ) A λ)
      double alr = ar * lr - ai * li;
      double ali = ar * li + ai * lr;
      dDt[h] += nlr * alr + nli * ali;
      gbr[i] = gar;
      gbi[i] = gai;
    }
  }
}
