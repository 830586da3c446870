package dev.mnemo.agents.transformer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GtrxlGate}'s element-wise loops on the Vector API, the same operations in the same order per element (no
 * fused multiply-add), so they give the plain loops' bits. Why: C2 did not vectorise the plain loops (five arrays that
 * may alias), and the gate's backward loop alone took 5% of {@code bench ald}'s pass. Load only when
 * {@code jdk.incubator.vector} is present.
 */
final class GateLanes {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private GateLanes() {
  }

  /** {@code out = (1 - z) x + z h} over {@code n} floats. */
  static void output(int n, float[] z, float[] h, float[] x, int xOff, float[] out, int outOff) {
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector zv = FloatVector.fromArray(S, z, i);
      FloatVector xv = FloatVector.fromArray(S, x, xOff + i);
      zv.neg().add(1f).mul(xv).add(zv.mul(FloatVector.fromArray(S, h, i))).intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = (1 - z[i]) * x[xOff + i] + z[i] * h[i];
    }
  }

  /** {@code rx = r x} over {@code n} floats. */
  static void product(int n, float[] r, float[] x, int xOff, float[] rx) {
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector.fromArray(S, r, i).mul(FloatVector.fromArray(S, x, xOff + i)).intoArray(rx, i);
    }
    for (; i < n; i++) {
      rx[i] = r[i] * x[xOff + i];
    }
  }

  /** The backward's first loop: {@code a_z}, {@code a_h} and the direct {@code dx = dg (1 - z)}. */
  static void backwardDirect(int n, float[] dg, int dgOff, float[] z, float[] h, float[] x, int xOff, float[] az,
      float[] ah, float[] dx, int dxOff) {
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector g = FloatVector.fromArray(S, dg, dgOff + i);
      FloatVector zv = FloatVector.fromArray(S, z, i);
      FloatVector hv = FloatVector.fromArray(S, h, i);
      FloatVector xv = FloatVector.fromArray(S, x, xOff + i);
      FloatVector oneMinusZ = zv.neg().add(1f);
      g.mul(hv.sub(xv)).mul(zv).mul(oneMinusZ).intoArray(az, i);
      g.mul(zv).mul(hv.mul(hv).neg().add(1f)).intoArray(ah, i);
      g.mul(oneMinusZ).intoArray(dx, dxOff + i);
    }
    for (; i < n; i++) {
      float g = dg[dgOff + i];
      float zv = z[i];
      float hv = h[i];
      float xv = x[xOff + i];
      az[i] = g * (hv - xv) * zv * (1 - zv);
      ah[i] = g * zv * (1 - hv * hv);
      dx[dxOff + i] = g * (1 - zv);
    }
  }

  /** The backward's second loop: {@code a_r = d(rx) x r (1 - r)} and {@code dx += d(rx) r}. */
  static void backwardReset(int n, float[] drx, float[] x, int xOff, float[] r, float[] ar, float[] dx, int dxOff) {
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector d = FloatVector.fromArray(S, drx, i);
      FloatVector rv = FloatVector.fromArray(S, r, i);
      d.mul(FloatVector.fromArray(S, x, xOff + i)).mul(rv).mul(rv.neg().add(1f)).intoArray(ar, i);
      FloatVector.fromArray(S, dx, dxOff + i).add(d.mul(rv)).intoArray(dx, dxOff + i);
    }
    for (; i < n; i++) {
      float rv = r[i];
      ar[i] = drx[i] * x[xOff + i] * rv * (1 - rv);
      dx[dxOff + i] += drx[i] * rv;
    }
  }
}
