package dev.mnemo.envs;

/**
 * Standard normal draws by Marsaglia and Tsang's ziggurat (2000): the density's upper half covered by 128 layers of
 * equal area {@code V} (a base strip that carries the tail beyond {@code R}, and 127 rectangles), a layer picked
 * uniformly and a point in it drawn uniformly. With {@code f(x) = exp(−x²/2)}, the layers' right edges are
 *
 * <pre>
 *   X₁ = R,  X_{i+1} = f⁻¹(f(X_i) + V / X_i),  X₁₂₈ = 0,    the base's width X₀ = V / f(R)
 *   R = 3.442619855899,  V = 9.91256303526217e−3          (so that the 128 areas sum to the half density's)
 * </pre>
 *
 * <p>Draw layer {@code i} and {@code x = U·X_i}: if {@code x < X_{i+1}} the point is under the curve (98.8% of draws,
 * one 64-bit draw, a multiply and a comparison); otherwise, in the base, {@code x} comes from the tail by Marsaglia's
 * method ({@code R + e₁/R} with exponentials {@code e₁, e₂}, accepted when {@code 2e₂ > e₁²/R²}), and in a rectangle it
 * is kept when a uniform height under the layer falls under {@code f(x)}, else all is drawn again.
 *
 * <p>Why beside {@link Rng#nextGaussian} (Marsaglia's polar method, a logarithm, a square root and a rejection one
 * time in five per pair): a noisy cart-pole draws two normals per step, and the polar method was most of its step.
 * The polar method stays where it was: tasks and results drawn with it keep their bits.
 */
final class NormalZiggurat {
  static final int LAYERS = 128;
  static final double R = 3.442619855899;
  static final double V = 9.91256303526217e-3;
  /** Right edges {@code X_0 .. X_128} (see the class comment). */
  private static final double[] X = new double[LAYERS + 1];
  /** {@code f(X_i)}. */
  private static final double[] F = new double[LAYERS + 1];

  static {
    X[0] = V / f(R);
    X[1] = R;
    for (int i = 1; i < LAYERS - 1; i++) {
      X[i + 1] = Math.sqrt(-2 * Math.log(f(X[i]) + V / X[i]));
    }
    X[LAYERS] = 0;
    for (int i = 0; i <= LAYERS; i++) {
      F[i] = f(X[i]);
    }
  }

  private NormalZiggurat() {}

  private static double f(double x) {
    return Math.exp(-0.5 * x * x);
  }

  /** A standard normal draw from {@code rng}. */
  static double next(Rng rng) {
    long bits = rng.nextLong();
    int layer = (int) bits & (LAYERS - 1);
    double x = (bits >>> 11) * 0x1.0p-53 * X[layer];
    if (x < X[layer + 1]) {
      return signed(x, bits);
    }
    return edgeOrRedraw(rng, bits, layer, x); // out of line: small enough, the common path inlines where it is used
  }

  /** {@code x}, negated when bit 7 of the draw is set: no branch (one on a random bit mispredicts half the time). */
  private static double signed(double x, long bits) {
    return Double.longBitsToDouble(Double.doubleToRawLongBits(x) ^ ((bits & LAYERS) << 56));
  }

  /** The 1.2% of draws outside every layer's core: the tail, a wedge, or a rejection and new draws. */
  private static double edgeOrRedraw(Rng rng, long bits, int layer, double x) {
    while (true) {
      if (layer == 0) { // the tail beyond R
        double e1;
        double e2;
        do {
          e1 = -Math.log1p(-rng.nextDouble()) / R;
          e2 = -Math.log1p(-rng.nextDouble());
        } while (2 * e2 <= e1 * e1);
        return signed(R + e1, bits);
      }
      double height = F[layer] + rng.nextDouble() * (F[layer + 1] - F[layer]);
      if (height < f(x)) {
        return signed(x, bits);
      }
      bits = rng.nextLong();
      layer = (int) bits & (LAYERS - 1);
      x = (bits >>> 11) * 0x1.0p-53 * X[layer];
      if (x < X[layer + 1]) {
        return signed(x, bits);
      }
    }
  }

  /** The edges, for the tests. */
  static double edge(int i) {
    return X[i];
  }
}
