package dev.mnemo.agents.core;

/**
 * The linear memory of the Legendre Memory Unit (Voelker, Kajić and Eliasmith 2019): the delay system
 * <pre>
 *   θ dm/dt = A m(t) + B u(t),      m ∈ R^d
 *   A_ij = (2i + 1) · (−1 if i &lt; j, else (−1)^(i − j + 1)),     B_i = (2i + 1) (−1)^i,     i, j = 0 .. d − 1
 * </pre>
 * whose state holds the last θ time units of the scalar input u projected onto the first d shifted Legendre
 * polynomials: {@code u(t − θ') ≈ Σ_i P̃_i(θ'/θ) m_i(t)} for {@code 0 <= θ' <= θ}, with {@code P̃_i(r) = P_i(2r − 1)}
 * ({@link #decoder}). (Checked against the paper's equation (2): diagonal and even sub-diagonals −1, odd
 * sub-diagonals +1, every entry above the diagonal −1, row i scaled by 2i + 1.)
 *
 * <p>An RNN step is one time unit with the input held over it (zero-order hold), which is exact for this system:
 * <pre>
 *   m_t = Ā m_{t−1} + B̄ u_t,     Ā = e^(A/θ),     B̄ = (A/θ)^(−1) (Ā − I) B/θ = ∫_0^1 e^(A s/θ) ds B/θ
 * </pre>
 * computed here in double precision as one exponential of the augmented matrix {@code [[A/θ, B/θ], [0, 0]]},
 * whose top row blocks are {@code [Ā, B̄]} (so A is never inverted), by scaling and squaring with a Taylor series
 * ({@link #expm}). Everything here is a pure function of (d, θ): the cores build their float copies from it once,
 * when a kernel or training form is made.
 */
public final class LegendreMemory {

  private LegendreMemory() {}

  /** The discretised system: {@code a} is Ā ({@code [d][d]}, row i = the i-th new memory), {@code b} is B̄. */
  public record Discrete(double[][] a, double[] b) {}

  /** The continuous A of order d (not divided by θ). */
  public static double[][] continuousA(int order) {
    checkOrder(order);
    double[][] a = new double[order][order];
    for (int i = 0; i < order; i++) {
      for (int j = 0; j < order; j++) {
        // i < j: −1; i >= j: (−1)^(i − j + 1), i.e. −1 when i − j is even (the diagonal too), +1 when odd.
        double sign = i < j || (i - j) % 2 == 0 ? -1 : 1;
        a[i][j] = (2 * i + 1) * sign;
      }
    }
    return a;
  }

  /** The continuous B of order d (not divided by θ). */
  public static double[] continuousB(int order) {
    checkOrder(order);
    double[] b = new double[order];
    for (int i = 0; i < order; i++) {
      b[i] = (2 * i + 1) * (i % 2 == 0 ? 1 : -1);
    }
    return b;
  }

  /** Ā and B̄ of order d and window θ (in steps) under a zero-order hold over one step. */
  public static Discrete zeroOrderHold(int order, double theta) {
    checkOrder(order);
    if (!(theta > 0) || Double.isInfinite(theta)) {
      throw new IllegalArgumentException("theta must be positive and finite, got " + theta);
    }
    double[][] a = continuousA(order);
    double[] b = continuousB(order);
    double[][] aug = new double[order + 1][order + 1];
    for (int i = 0; i < order; i++) {
      for (int j = 0; j < order; j++) {
        aug[i][j] = a[i][j] / theta;
      }
      aug[i][order] = b[i] / theta;
    }
    double[][] e = expm(aug);
    double[][] abar = new double[order][order];
    double[] bbar = new double[order];
    for (int i = 0; i < order; i++) {
      System.arraycopy(e[i], 0, abar[i], 0, order);
      bbar[i] = e[i][order];
    }
    return new Discrete(abar, bbar);
  }

  /**
   * The weight of memory i in the reconstruction of the input θ' = r θ ago: the shifted Legendre polynomial
   * {@code P̃_i(r) = P_i(2r − 1)}, by Bonnet's recurrence {@code (n + 1) P_(n+1)(x) = (2n + 1) x P_n(x) − n P_(n−1)(x)}
   * (stable on [−1, 1], unlike the alternating binomial sum of the closed form).
   */
  public static double decoder(int i, double r) {
    double x = 2 * r - 1;
    double prev = 1;
    if (i == 0) {
      return prev;
    }
    double cur = x;
    for (int n = 1; n < i; n++) {
      double next = ((2 * n + 1) * x * cur - n * prev) / (n + 1);
      prev = cur;
      cur = next;
    }
    return cur;
  }

  /**
   * {@code e^M} for a square matrix, in double: scale by {@code 2^-s} until the 1-norm is at most 1/2, sum the
   * Taylor series to 18 terms (the remainder is below {@code 0.5^19 / 19! ≈ 2e-23} of the norm), then square s
   * times. Plain, and accurate to a few ulps times {@code 2^s} for the small, well-scaled matrices of this class.
   */
  public static double[][] expm(double[][] m) {
    int n = m.length;
    double norm = 0;
    for (int j = 0; j < n; j++) {
      double col = 0;
      for (int i = 0; i < n; i++) {
        if (m[i].length != n) {
          throw new IllegalArgumentException("expm needs a square matrix");
        }
        col += Math.abs(m[i][j]);
      }
      norm = Math.max(norm, col);
    }
    if (!Double.isFinite(norm)) {
      throw new IllegalArgumentException("expm of a matrix with non-finite entries");
    }
    int s = 0;
    while (norm > 0.5) {
      norm /= 2;
      s++;
    }
    double scale = Math.scalb(1.0, -s);
    double[][] x = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        x[i][j] = m[i][j] * scale;
      }
    }
    double[][] sum = identity(n);
    double[][] term = identity(n);
    for (int k = 1; k <= 18; k++) {
      term = multiply(term, x);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          term[i][j] /= k;
          sum[i][j] += term[i][j];
        }
      }
    }
    for (int q = 0; q < s; q++) {
      sum = multiply(sum, sum);
    }
    return sum;
  }

  static double[][] identity(int n) {
    double[][] id = new double[n][n];
    for (int i = 0; i < n; i++) {
      id[i][i] = 1;
    }
    return id;
  }

  static double[][] multiply(double[][] p, double[][] q) {
    int n = p.length;
    int k = q.length;
    int m = q[0].length;
    double[][] out = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < k; l++) {
        double v = p[i][l];
        for (int j = 0; j < m; j++) {
          out[i][j] += v * q[l][j];
        }
      }
    }
    return out;
  }

  private static void checkOrder(int order) {
    if (order < 1) {
      throw new IllegalArgumentException("the Legendre memory's order must be >= 1, got " + order);
    }
  }
}
