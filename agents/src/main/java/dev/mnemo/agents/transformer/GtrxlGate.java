package dev.mnemo.agents.transformer;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.List;
import java.util.SplittableRandom;

/**
 * GTrXL's GRU-type gate, which replaces each residual add of a Transformer block (Parisotto et al. 2020, eq. 7-10):
 * with {@code x} the block's stream (the residual input) and {@code y} the sub-layer's output, per row
 * <pre>
 *   r = sigmoid(y W_r + x U_r)
 *   z = sigmoid(y W_z + x U_z - b_g)
 *   h = tanh(y W_g + (r * x) U_g)
 *   g = (1 - z) * x + z * h
 * </pre>
 * all matrices {@code d x d}, no other biases, {@code b_g} a constant (2 by default): at initialisation
 * {@code z ~ sigmoid(-2) = 0.12}, so the gate passes {@code x} nearly unchanged and a freshly built stack of blocks
 * starts near the identity, which is what lets GTrXL train stably under RL.
 *
 * <p>Backward, with {@code dg} given: {@code dz = dg (h - x)}, {@code dh = dg z}, {@code dx = dg (1 - z)} directly;
 * through the nonlinearities {@code a_z = dz z (1 - z)}, {@code a_h = dh (1 - h^2)}; {@code d(r x) = a_h U_g^T},
 * {@code a_r = d(r x) x r (1 - r)}, {@code dx += d(r x) r}; then {@code dy = a_r W_r^T + a_z W_z^T + a_h W_g^T},
 * {@code dx += a_r U_r^T + a_z U_z^T}; the weights {@code dW_. = y^T a_.}, {@code dU_r = x^T a_r},
 * {@code dU_z = x^T a_z}, {@code dU_g = (r x)^T a_h}.
 */
public final class GtrxlGate {

  /** GTrXL's gate bias: the gate starts almost closed (near the identity). */
  public static final double DEFAULT_GATE_BIAS = 2.0;

  private static final String[] NAMES = {"Wr", "Ur", "Wz", "Uz", "Wg", "Ug"};
  private static final int WR = 0;
  private static final int UR = 1;
  private static final int WZ = 2;
  private static final int UZ = 3;
  private static final int WG = 4;
  private static final int UG = 5;

  private final int d;
  private final float gateBias;
  private final BatchOps ops;

  /** A gate whose sigmoid and tanh run on {@link BatchOps#best()}. */
  public GtrxlGate(int width, double gateBias) {
    this(width, gateBias, BatchOps.best());
  }

  /** A gate whose sigmoid and tanh run on {@code ops}'s element-wise functions (vectorised on the Vector API). */
  public GtrxlGate(int width, double gateBias, BatchOps ops) {
    if (width < 1) {
      throw new IllegalArgumentException("gate width must be >= 1, got " + width);
    }
    this.d = width;
    this.gateBias = (float) gateBias;
    this.ops = ops;
  }

  public int width() {
    return d;
  }

  public int paramCount() {
    return 6 * d * d;
  }

  /** {@code name.Wr, name.Ur, name.Wz, name.Uz, name.Wg, name.Ug}, each {@code d x d}, in that order. */
  public List<ParamTensor> layout(String name) {
    ParamTensor[] t = new ParamTensor[NAMES.length];
    for (int i = 0; i < NAMES.length; i++) {
      t[i] = new ParamTensor(name + "." + NAMES[i], d, d, i * d * d);
    }
    return List.of(t);
  }

  /** Glorot-uniform weights ({@code +-sqrt(6 / 2d)}) into {@code params[offset, offset + paramCount())}. */
  public void initialize(float[] params, int offset, SplittableRandom rng) {
    double limit = Math.sqrt(6.0 / (2.0 * d));
    for (int i = 0; i < paramCount(); i++) {
      params[offset + i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
    }
  }

  /** Working memory for up to {@code maxRows} rows: what the backward needs of the forward is kept here. */
  public Pass newPass(int maxRows) {
    return new Pass(maxRows);
  }

  /** One forward and its backward over dense rows of {@code d} floats. Not thread-safe. */
  public final class Pass {
    private final int maxRows;
    private final float[] r;
    private final float[] z;
    private final float[] h;
    private final float[] rx;
    private final float[] ar;
    private final float[] az;
    private final float[] ah;
    private final float[] drx;
    /** A weight matrix transposed, for {@link RowMajor#mulAddBt}. */
    private final float[] wT;
    private int rows;
    private float[] x;
    private int xOff;
    private float[] y;
    private int yOff;

    private Pass(int maxRows) {
      if (maxRows < 1) {
        throw new IllegalArgumentException("a gate pass needs maxRows >= 1, got " + maxRows);
      }
      this.maxRows = maxRows;
      int n = maxRows * d;
      r = new float[n];
      z = new float[n];
      h = new float[n];
      rx = new float[n];
      ar = new float[n];
      az = new float[n];
      ah = new float[n];
      drx = new float[n];
      wT = new float[d * d];
    }

    /**
     * {@code g} of {@code rows} rows of {@code x} and {@code y} (kept by reference for the backward: leave them
     * unchanged until it ran), written to {@code out} at {@code outOff}.
     */
    public void forward(int rows, float[] params, int pOff, float[] x, int xOff, float[] y, int yOff, float[] out,
        int outOff) {
      if (rows < 1 || rows > maxRows) {
        throw new IllegalArgumentException("gate pass of " + rows + " rows, built for 1.." + maxRows);
      }
      this.rows = rows;
      this.x = x;
      this.xOff = xOff;
      this.y = y;
      this.yOff = yOff;
      int n = rows * d;
      java.util.Arrays.fill(z, 0, n, -gateBias);
      RowMajor.mul(rows, d, d, y, yOff, d, params, w(pOff, WR), d, r, 0, d);
      RowMajor.mulAdd(rows, d, d, x, xOff, d, params, w(pOff, UR), d, r, 0, d);
      RowMajor.mulAdd(rows, d, d, y, yOff, d, params, w(pOff, WZ), d, z, 0, d);
      RowMajor.mulAdd(rows, d, d, x, xOff, d, params, w(pOff, UZ), d, z, 0, d);
      ops.sigmoid(1, n, r, 0, n);
      ops.sigmoid(1, n, z, 0, n);
      if (RowMajor.LANES) {
        GateLanes.product(n, r, x, xOff, rx);
      } else {
        for (int i = 0; i < n; i++) {
          rx[i] = r[i] * x[xOff + i];
        }
      }
      RowMajor.mul(rows, d, d, y, yOff, d, params, w(pOff, WG), d, h, 0, d);
      RowMajor.mulAdd(rows, d, d, rx, 0, d, params, w(pOff, UG), d, h, 0, d);
      ops.tanh(1, n, h, 0, n);
      if (RowMajor.LANES) {
        GateLanes.output(n, z, h, x, xOff, out, outOff);
      } else {
        for (int i = 0; i < n; i++) {
          out[outOff + i] = (1 - z[i]) * x[xOff + i] + z[i] * h[i];
        }
      }
    }

    /**
     * From {@code dg} (dLoss/dg of the forward's rows), writes dLoss/dx to {@code dx} and dLoss/dy to {@code dy}
     * (both overwritten) and adds the weight gradients to {@code grad[gOff, gOff + paramCount())}.
     */
    public void backward(float[] params, int pOff, float[] dg, int dgOff, float[] dx, int dxOff, float[] dy,
        int dyOff, float[] grad, int gOff) {
      int n = rows * d;
      if (RowMajor.LANES) {
        GateLanes.backwardDirect(n, dg, dgOff, z, h, x, xOff, az, ah, dx, dxOff);
      } else {
        for (int i = 0; i < n; i++) {
          float g = dg[dgOff + i];
          float zv = z[i];
          float hv = h[i];
          float xv = x[xOff + i];
          az[i] = g * (hv - xv) * zv * (1 - zv);
          ah[i] = g * zv * (1 - hv * hv);
          dx[dxOff + i] = g * (1 - zv);
        }
      }
      RowMajor.mulBt(rows, d, d, ah, 0, d, params, w(pOff, UG), d, drx, 0, d, wT);
      if (RowMajor.LANES) {
        GateLanes.backwardReset(n, drx, x, xOff, r, ar, dx, dxOff);
      } else {
        for (int i = 0; i < n; i++) {
          float rv = r[i];
          ar[i] = drx[i] * x[xOff + i] * rv * (1 - rv);
          dx[dxOff + i] += drx[i] * rv;
        }
      }
      RowMajor.mulBt(rows, d, d, ar, 0, d, params, w(pOff, WR), d, dy, dyOff, d, wT);
      RowMajor.mulAddBt(rows, d, d, az, 0, d, params, w(pOff, WZ), d, dy, dyOff, d, wT);
      RowMajor.mulAddBt(rows, d, d, ah, 0, d, params, w(pOff, WG), d, dy, dyOff, d, wT);
      RowMajor.mulAddBt(rows, d, d, ar, 0, d, params, w(pOff, UR), d, dx, dxOff, d, wT);
      RowMajor.mulAddBt(rows, d, d, az, 0, d, params, w(pOff, UZ), d, dx, dxOff, d, wT);
      RowMajor.mulAddAt(rows, d, d, y, yOff, d, ar, 0, d, grad, w(gOff, WR), d);
      RowMajor.mulAddAt(rows, d, d, x, xOff, d, ar, 0, d, grad, w(gOff, UR), d);
      RowMajor.mulAddAt(rows, d, d, y, yOff, d, az, 0, d, grad, w(gOff, WZ), d);
      RowMajor.mulAddAt(rows, d, d, x, xOff, d, az, 0, d, grad, w(gOff, UZ), d);
      RowMajor.mulAddAt(rows, d, d, y, yOff, d, ah, 0, d, grad, w(gOff, WG), d);
      RowMajor.mulAddAt(rows, d, d, rx, 0, d, ah, 0, d, grad, w(gOff, UG), d);
    }

    /** The update gate {@code z} of the last forward (row-major, {@code d} per row). */
    public float[] updateGate() {
      return z;
    }
  }

  private int w(int off, int which) {
    return off + which * d * d;
  }
}
