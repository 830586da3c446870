package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link LegendreMemory}: the paper's A and B, the matrix exponential on known cases, ZOH, the decoder. */
class LegendreMemoryTest {

  @Test
  void continuousSystemOfOrderThreeIsThePapers() {
    // a_ij = (2i + 1) (−1 if i < j, else (−1)^(i − j + 1)); b_i = (2i + 1) (−1)^i.
    double[][] a = LegendreMemory.continuousA(3);
    assertArrayEquals(new double[] {-1, -1, -1}, a[0]);
    assertArrayEquals(new double[] {3, -3, -3}, a[1]);
    assertArrayEquals(new double[] {-5, 5, -5}, a[2]);
    assertArrayEquals(new double[] {1, -3, 5}, LegendreMemory.continuousB(3));
  }

  @Test
  void exponentialOfADiagonalMatrixIsTheExponentialOfItsEntries() {
    double[] diag = {-7.5, -1, 0, 0.3, 2.25};
    double[][] m = new double[5][5];
    for (int i = 0; i < 5; i++) {
      m[i][i] = diag[i];
    }
    double[][] e = LegendreMemory.expm(m);
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        double want = i == j ? Math.exp(diag[i]) : 0;
        assertEquals(want, e[i][j], 1e-14 * Math.max(1, Math.abs(want)), "(" + i + ", " + j + ")");
      }
    }
  }

  @Test
  void exponentialOfANilpotentMatrixIsItsFiniteSeries() {
    // N strictly upper triangular, N^4 = 0: e^N = I + N + N²/2 + N³/6 exactly; the norm (> 1/2) forces squaring.
    double[][] n = {{0, 2, -1, 3}, {0, 0, 4, 1}, {0, 0, 0, -2}, {0, 0, 0, 0}};
    double[][] n2 = LegendreMemory.multiply(n, n);
    double[][] n3 = LegendreMemory.multiply(n2, n);
    double[][] e = LegendreMemory.expm(n);
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        double want = (i == j ? 1 : 0) + n[i][j] + n2[i][j] / 2 + n3[i][j] / 6;
        assertEquals(want, e[i][j], 1e-13 * Math.max(1, Math.abs(want)), "(" + i + ", " + j + ")");
      }
    }
  }

  @Test
  void exponentialOfARotationGeneratorIsARotation() {
    double w = 10; // 1-norm 10: five squarings
    double[][] e = LegendreMemory.expm(new double[][] {{0, -w}, {w, 0}});
    assertEquals(Math.cos(w), e[0][0], 1e-13);
    assertEquals(-Math.sin(w), e[0][1], 1e-13);
    assertEquals(Math.sin(w), e[1][0], 1e-13);
    assertEquals(Math.cos(w), e[1][1], 1e-13);
  }

  @Test
  void orderOneIsALowPassFilterInClosedForm() {
    // θ dm/dt = −m + u: Ā = e^(−1/θ), B̄ = 1 − e^(−1/θ).
    for (double theta : new double[] {0.5, 1, 64, 1000}) {
      LegendreMemory.Discrete z = LegendreMemory.zeroOrderHold(1, theta);
      assertEquals(Math.exp(-1 / theta), z.a()[0][0], 1e-15, "Ā at θ=" + theta);
      assertEquals(-Math.expm1(-1 / theta), z.b()[0], 1e-15, "B̄ at θ=" + theta);
    }
  }

  @Test
  void inputMatrixIsTheInverseFormula() {
    // B̄ = (A/θ)^(−1) (Ā − I) B/θ, solved here by Gaussian elimination with partial pivoting.
    int d = 32;
    double theta = 64;
    LegendreMemory.Discrete z = LegendreMemory.zeroOrderHold(d, theta);
    double[][] a = LegendreMemory.continuousA(d);
    double[] b = LegendreMemory.continuousB(d);
    double[] rhs = new double[d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        rhs[i] += (z.a()[i][j] - (i == j ? 1 : 0)) * b[j] / theta;
      }
    }
    double[][] m = new double[d][];
    for (int i = 0; i < d; i++) {
      m[i] = new double[d];
      for (int j = 0; j < d; j++) {
        m[i][j] = a[i][j] / theta;
      }
    }
    double[] want = solve(m, rhs);
    for (int i = 0; i < d; i++) {
      assertEquals(want[i], z.b()[i], 1e-11, "B̄[" + i + "]");
    }
  }

  @Test
  void memoryIsStable() {
    // Every eigenvalue of A has a negative real part, so Ā's powers die out: ||Ā^256|| is tiny.
    double[][] p = LegendreMemory.zeroOrderHold(32, 64).a();
    for (int q = 0; q < 8; q++) {
      p = LegendreMemory.multiply(p, p);
    }
    double max = 0;
    for (double[] row : p) {
      for (double v : row) {
        max = Math.max(max, Math.abs(v));
      }
    }
    assertTrue(max < 1e-6, "Ā^256 has an entry of " + max);
  }

  @Test
  void decoderIsTheShiftedLegendrePolynomial() {
    // P̃_i(r) = (−1)^i Σ_j C(i, j) C(i + j, j) (−r)^j, the paper's closed form, against the recurrence.
    for (int i = 0; i <= 12; i++) {
      for (double r = 0; r <= 1.0001; r += 0.125) {
        double closed = 0;
        for (int j = 0; j <= i; j++) {
          closed += binomial(i, j) * binomial(i + j, j) * Math.pow(-r, j);
        }
        closed *= i % 2 == 0 ? 1 : -1;
        assertEquals(closed, LegendreMemory.decoder(i, r), 1e-9 * Math.max(1, Math.abs(closed)),
            "P̃_" + i + "(" + r + ")");
      }
      assertEquals(1.0, LegendreMemory.decoder(i, 1), 1e-12, "P̃_i(1) = 1");
      assertEquals(i % 2 == 0 ? 1.0 : -1.0, LegendreMemory.decoder(i, 0), 1e-12, "P̃_i(0) = (−1)^i");
    }
  }

  private static double binomial(int n, int k) {
    double c = 1;
    for (int j = 1; j <= k; j++) {
      c = c * (n - k + j) / j;
    }
    return c;
  }

  private static double[] solve(double[][] m, double[] rhs) {
    int n = rhs.length;
    double[][] a = new double[n][];
    double[] b = rhs.clone();
    for (int i = 0; i < n; i++) {
      a[i] = m[i].clone();
    }
    for (int c = 0; c < n; c++) {
      int piv = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
          piv = r;
        }
      }
      double[] tr = a[c];
      a[c] = a[piv];
      a[piv] = tr;
      double tb = b[c];
      b[c] = b[piv];
      b[piv] = tb;
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        for (int k = c; k < n; k++) {
          a[r][k] -= f * a[c][k];
        }
        b[r] -= f * b[c];
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double acc = b[r];
      for (int k = r + 1; k < n; k++) {
        acc -= a[r][k] * x[k];
      }
      x[r] = acc / a[r][r];
    }
    return x;
  }
}
