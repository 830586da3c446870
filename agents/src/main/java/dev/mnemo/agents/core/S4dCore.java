package dev.mnemo.agents.core;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The diagonal state-space layer S4D (Gu, Gupta, Goel and Ré 2022, "On the Parameterization and Initialization of
 * Diagonal State Space Models"): H independent channels, each a linear time-invariant system of order N written
 * in the eigenbasis of its state matrix, discretised by zero-order hold, then a tanh. Per channel h and mode n
 * ({@code M = N/2} modes: the modes of a real system come in conjugate pairs, so only one of each pair is kept
 * and the readout takes twice the real part):
 * <pre>
 *   u_t       = x_t W_in + b_in                                         (H channels)
 *   Δ_h       = exp(ℓ_h)
 *   A_{h,n}   = −exp(α_{h,n}) + i ω_{h,n}                               (Re A < 0 whatever α is: stable)
 *   Ā_{h,n}   = exp(Δ_h A_{h,n})                                         zero-order hold, B = 1
 *   B̄_{h,n}   = (Ā_{h,n} − 1) / A_{h,n}
 *   s_{t,h,n} = Ā_{h,n} s_{t−1,h,n} + B̄_{h,n} u_{t,h}                   (complex)
 *   y_{t,h}   = tanh( 2 Re Σ_n C_{h,n} s_{t,h,n} + D_h u_{t,h} )
 * </pre>
 * State {@code [y | Re s | Im s]} ({@code H + 2 M H} floats; s mode-major, mode {@code n} of channel {@code h} at
 * {@code n H + h}, so that a step's arithmetic runs along channels, element-wise); the output y heads it as the
 * contract asks but never feeds back: the memory is s alone. Parameters {@code s4d.Win [in, H]}, {@code s4d.bin [1,
 * H]}, {@code s4d.logDt [1, H]} (ℓ), {@code s4d.Are [M, H]} (α), {@code s4d.Aim [M, H]} (ω), {@code s4d.Cre [M, H]},
 * {@code s4d.Cim [M, H]}, {@code s4d.D [1, H]} (row n of the [M, H] tensors: mode n of every channel): every complex
 * number as its real and imaginary floats.
 *
 * <p><b>Initialisation</b> (the paper's S4D-Lin): {@code A_{h,n} = −1/2 + iπn} ({@code α = log 1/2}, {@code ω = πn},
 * the same for every channel), Δ log-uniform in {@code [dtMin, dtMax]} per channel ([1e-3, 1e-1] as in the
 * paper), C complex standard normal (N(0, 1/2) for each part), D standard normal, W_in Glorot-uniform, b_in = 0.
 *
 * <p><b>Choices.</b> B is fixed at 1 (as S4D does): from the zero state only the product {@code B_n C_n} reaches
 * y, so a trainable B adds parameters and no function. The nonlinearity is tanh, not the paper's GELU: the output
 * then lies in (−1, 1) as every other core's does, and the SameDiff face needs no erf. There is no output mixing
 * layer (the S4 block's position-wise linear layer): every head that reads a core (R2D2's dueling streams,
 * the actor-critic's towers) starts with a dense ReLU layer over all channels, which is that mixing. The
 * discretisation is computed in double from the float parameters ({@link #discretize}), with the expm1 form of
 * {@code Ā − 1} so that B̄ keeps its precision when {@code Δ|A|} is small (plain {@code Ā − 1} loses ~4 digits at
 * Δ = 1e-3), and with {@link StrictMath} so that every face and every JIT state sees the same bits.
 *
 * <p>Faces: the acting kernel steps the recurrence ({@link S4dKernel}); the training form is the
 * parallel (convolution) form in double ({@link S4dTraining}): {@code y_t = tanh(Σ_{j<=t} K_{t−j} u_j + D u_t + 2 Re
 * Σ_n C_n Ā_n^{t+1} s_{−1,n})} with the SSM kernel {@code K_k = 2 Re Σ_n C_n Ā_n^k B̄_n}; the SameDiff graph steps
 * the recurrence from primitive ops (exp, expm1, cos, sin, products and sums of real and imaginary parts). Float
 * and double: u is a float product in every face; Ā, B̄, the recurrence and the readout are double in every face
 * (the kernel and SameDiff store the state in float; the training form keeps its sums in double and rounds z).
 *
 * @param inputSize width of x_t
 * @param hiddenSize H, the channels (and the output width)
 * @param order N, the order of each channel's real system (even; {@code N/2} complex modes are stored)
 * @param dtMin the smallest initial step Δ
 * @param dtMax the largest initial step Δ
 */
public record S4dCore(int inputSize, int hiddenSize, int order, double dtMin, double dtMax) implements RecurrentCore {

  public static final String NAME = "s4d";
  /**
   * N = 16 (8 complex modes per channel): the state costs 17 H floats (2,176 at H = 128, half of linattn's), a step
   * 8 multiply-adds per mode. The paper's N = 64 targets sequences of thousands of steps; an RL core sees windows
   * of tens to a hundred, where 8 frequencies per channel, times H channels with their own Δ, are plenty.
   */
  public static final int DEFAULT_ORDER = 16;
  public static final double DEFAULT_DT_MIN = 1e-3;
  public static final double DEFAULT_DT_MAX = 1e-1;

  public S4dCore {
    if (inputSize < 1 || hiddenSize < 1 || order < 2 || order % 2 != 0) {
      throw new IllegalArgumentException("s4d sizes must be positive and the order even: inputSize=" + inputSize
          + ", hiddenSize=" + hiddenSize + ", order=" + order);
    }
    if (!(dtMin > 0) || !(dtMax >= dtMin) || Double.isInfinite(dtMax)) {
      throw new IllegalArgumentException("s4d needs 0 < dtMin <= dtMax < inf, got " + dtMin + ", " + dtMax);
    }
  }

  /**
   * N = {@value #DEFAULT_ORDER}, Δ in [{@value #DEFAULT_DT_MIN}, {@value #DEFAULT_DT_MAX}]: what {@code core = s4d}
   * builds.
   */
  public S4dCore(int inputSize, int hiddenSize) {
    this(inputSize, hiddenSize, DEFAULT_ORDER, DEFAULT_DT_MIN, DEFAULT_DT_MAX);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** M = N/2, the complex modes stored per channel. */
  public int modes() {
    return order / 2;
  }

  /** M H: the complex state entries per row (and the size of each of A, C's real and imaginary tensors). */
  int stateEntries() {
    return hiddenSize * modes();
  }

  @Override
  public int stateSize() {
    return hiddenSize + 2 * stateEntries();
  }

  /** Offset of {@code s4d.logDt} from the core's first parameter; Are, Aim, Cre, Cim, D follow. */
  int logDtOffset() {
    return (inputSize + 1) * hiddenSize;
  }

  int aReOffset() {
    return logDtOffset() + hiddenSize;
  }

  int aImOffset() {
    return aReOffset() + stateEntries();
  }

  int cReOffset() {
    return aImOffset() + stateEntries();
  }

  int cImOffset() {
    return cReOffset() + stateEntries();
  }

  int dOffset() {
    return cImOffset() + stateEntries();
  }

  @Override
  public List<ParamTensor> layout() {
    int h = hiddenSize;
    int m = modes();
    return RecurrentCore.layoutOf(NAME, new int[][] {{inputSize, h}, {1, h}, {1, h}, {m, h}, {m, h}, {m, h}, {m, h},
        {1, h}}, "Win", "bin", "logDt", "Are", "Aim", "Cre", "Cim", "D");
  }

  @Override
  public void initialize(float[] p, int offset, SplittableRandom rng) {
    int h = hiddenSize;
    int hm = stateEntries();
    RecurrentCore.glorot(p, offset, inputSize, h, h, rng);
    java.util.Arrays.fill(p, offset + inputSize * h, offset + (inputSize + 1) * h, 0f);
    double lo = Math.log(dtMin);
    double hi = Math.log(dtMax);
    for (int j = 0; j < h; j++) {
      p[offset + logDtOffset() + j] = (float) (lo + rng.nextDouble() * (hi - lo));
    }
    float logHalf = (float) Math.log(0.5);
    for (int i = 0; i < hm; i++) {
      p[offset + aReOffset() + i] = logHalf;
      p[offset + aImOffset() + i] = (float) (Math.PI * (i / h));
    }
    double partStd = Math.sqrt(0.5);
    for (int i = 0; i < hm; i++) {
      p[offset + cReOffset() + i] = (float) (rng.nextGaussian() * partStd);
    }
    for (int i = 0; i < hm; i++) {
      p[offset + cImOffset() + i] = (float) (rng.nextGaussian() * partStd);
    }
    for (int j = 0; j < h; j++) {
      p[offset + dOffset() + j] = (float) rng.nextGaussian();
    }
  }

  @Override
  public long macsPerStep() {
    // The input projection (in H), then per mode 3 + 3 for s' = Ā s + B̄ u (complex Ā times complex s, complex B̄
    // times real u) and 2 for Re(C s'), and per channel 2 for 2·acc + D u.
    return (long) inputSize * hiddenSize + (long) hiddenSize * (8L * modes() + 2);
  }

  @Override
  public CoreKernel kernel(BatchOps ops, int maxRows) {
    return new S4dKernel(this, ops, maxRows);
  }

  @Override
  public CoreTraining training(BatchOps ops) {
    return new S4dTraining(this, ops);
  }

  /**
   * One row of the acting step in plain loops, the arithmetic of {@link
   * dev.mnemo.agents.kernel.StateSpaceLanes#step} (which gives the same bits on the Vector API): per channel h and
   * mode n (entry {@code i = n H + h}), {@code s' = Ā s + B̄ u_h} on the float state read at {@code sIn[re..]} (Re s,
   * then Im s {@code M H} floats later) and written at {@code sOut[out..]}, and {@code acc_h = Σ_n Re(C s')}, from 0,
   * modes in order, all in double; each expression evaluated left to right, no fused multiply-add.
   */
  static void recur(int hidden, int modes, double[] lr, double[] li, double[] br, double[] bi, double[] cr,
      double[] ci, float[] sIn, int re, float[] sOut, int out, double[] u, double[] acc) {
    int hm = hidden * modes;
    for (int h = 0; h < hidden; h++) {
      double uh = u[h];
      double sum = 0;
      for (int i = h; i < hm; i += hidden) {
        double pr = sIn[re + i];
        double pi = sIn[re + hm + i];
        double nr = lr[i] * pr - li[i] * pi + br[i] * uh;
        double ni = lr[i] * pi + li[i] * pr + bi[i] * uh;
        sOut[out + i] = (float) nr;
        sOut[out + hm + i] = (float) ni;
        sum += cr[i] * nr - ci[i] * ni;
      }
      acc[h] = sum;
    }
  }

  /**
   * Ā and B̄ (and A, Δ) in double from the float parameters at {@code offset}, into {@code out}: seven blocks of
   * {@code M H} doubles (mode-major, as the state), {@code [Re Ā | Im Ā | Re B̄ | Im B̄ | Re A | Im A | Δ (per
   * entry)]}. With {@code a = Δ Re A}, {@code b = Δ Im A}: {@code Ā = e^a (cos b + i sin b)}, and {@code Ā − 1 =
   * (expm1(a) cos b − 2 sin²(b/2)) + i e^a sin b} keeps its relative precision when {@code |ΔA|} is small; {@code B̄
   * = (Ā − 1) conj(A) / |A|²}. StrictMath: the same bits in every JVM and JIT state. Allocates nothing.
   */
  void discretize(float[] params, int offset, double[] out) {
    int hm = stateEntries();
    for (int i = 0; i < hm; i++) {
      double dt = StrictMath.exp(params[offset + logDtOffset() + i % hiddenSize]);
      double ar = -StrictMath.exp(params[offset + aReOffset() + i]);
      double ai = params[offset + aImOffset() + i];
      double a = dt * ar;
      double b = dt * ai;
      double e = StrictMath.exp(a);
      double cos = StrictMath.cos(b);
      double sin = StrictMath.sin(b);
      double half = StrictMath.sin(0.5 * b);
      double lr = e * cos;
      double li = e * sin;
      double pr = StrictMath.expm1(a) * cos - 2 * half * half; // Re(Ā − 1)
      double norm = ar * ar + ai * ai;
      out[i] = lr;
      out[hm + i] = li;
      out[2 * hm + i] = (pr * ar + li * ai) / norm;
      out[3 * hm + i] = (li * ar - pr * ai) / norm;
      out[4 * hm + i] = ar;
      out[5 * hm + i] = ai;
      out[6 * hm + i] = dt;
    }
  }

  /**
   * The recurrence from primitive ops, in double after the float projection (as the acting kernel: a float Ā
   * drifts a slow mode's state by ~1e-7 a step, see {@link S4dKernel}): Ā and B̄ from the parameters as {@link
   * #discretize} writes them (exp, expm1, cos, sin, products; Δ {@code [1, H]} broadcasts against {@code [M, H]}),
   * {@code u = x W_in + b_in} of every step in one matmul, then per step, on {@code [B, M, H]} real and
   * imaginary parts: {@code s' = Ā s + B̄ u}, {@code y = tanh(2 Σ_n (C_re s'_re − C_im s'_im) + D u)}; outputs and
   * states are cast back to float.
   */
  @Override
  public SDVariable[] sameDiff(SameDiff sd, Map<String, SDVariable> w, SDVariable x, SDVariable state0, int batch,
      int time) {
    int hs = hiddenSize;
    int m = modes();
    int hm = stateEntries();
    DataType f64 = DataType.DOUBLE;
    SDVariable dt = sd.math().exp(w.get(NAME + ".logDt").castTo(f64));
    SDVariable ar = sd.math().exp(w.get(NAME + ".Are").castTo(f64)).neg();
    SDVariable ai = w.get(NAME + ".Aim").castTo(f64);
    SDVariable a = ar.mul(dt);
    SDVariable b = ai.mul(dt);
    SDVariable e = sd.math().exp(a);
    SDVariable cos = sd.math().cos(b);
    SDVariable sin = sd.math().sin(b);
    SDVariable half = sd.math().sin(b.mul(0.5));
    SDVariable lr = e.mul(cos);
    SDVariable li = e.mul(sin);
    SDVariable pr = sd.math().expm1(a).mul(cos).sub(half.mul(half).mul(2.0));
    SDVariable norm = ar.mul(ar).add(ai.mul(ai));
    SDVariable br = pr.mul(ar).add(li.mul(ai)).div(norm);
    SDVariable bi = li.mul(ar).sub(pr.mul(ai)).div(norm);
    SDVariable cr = w.get(NAME + ".Cre").castTo(f64);
    SDVariable ci = w.get(NAME + ".Cim").castTo(f64);
    SDVariable d = w.get(NAME + ".D").castTo(f64);
    SDVariable u = sd.reshape(x.mmul(w.get(NAME + ".Win")).add(w.get(NAME + ".bin")), batch, time, hs).castTo(f64);
    SDVariable s0 = state0.castTo(f64);
    SDVariable sr = sd.reshape(s0.get(SDIndex.all(), SDIndex.interval(hs, hs + hm)), batch, m, hs);
    SDVariable si = sd.reshape(s0.get(SDIndex.all(), SDIndex.interval(hs + hm, hs + 2 * hm)), batch, m, hs);
    SDVariable[] ys = new SDVariable[time];
    SDVariable[] states = new SDVariable[time];
    for (int t = 0; t < time; t++) {
      SDVariable ut = u.get(SDIndex.all(), SDIndex.point(t), SDIndex.all());
      SDVariable u3 = sd.reshape(ut, batch, 1, hs);
      SDVariable nr = lr.mul(sr).sub(li.mul(si)).add(br.mul(u3));
      SDVariable ni = lr.mul(si).add(li.mul(sr)).add(bi.mul(u3));
      sr = nr;
      si = ni;
      SDVariable read = cr.mul(nr).sub(ci.mul(ni)).sum(1).mul(2.0);
      SDVariable y = sd.math().tanh(read.add(d.mul(ut)));
      ys[t] = y;
      states[t] = sd.concat(1, y, sd.reshape(nr, batch, hm), sd.reshape(ni, batch, hm));
    }
    DataType f32 = x.dataType();
    SDVariable outputs = sd.reshape(sd.stack(1, ys), (long) batch * time, hs).castTo(f32);
    SDVariable stateSeq = sd.reshape(sd.stack(1, states), (long) batch * time, stateSize()).castTo(f32);
    return new SDVariable[] {outputs, stateSeq};
  }
}
