package dev.mnemo.agents.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mnemo.agents.kernel.BatchOps;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link GruCell}'s two implementations against each other, bit for bit: the contract's hidden size (9) runs
 * the Vector API cell in its scalar tails only, so here a hidden size of two full 16-lane vectors plus a
 * tail, saturated pre-activations, strided rows, and the gates computed in place over {@code a} as the
 * kernels do. Given the same sigmoid and tanh (the Vector API ops') the two must agree exactly; so must the two
 * ReLU cells ({@code ln_gru_relu}'s).
 */
class GruCellTest {

  static final int ROWS = 5;
  static final int HS = 37;
  static final int LD = 3 * HS + 5;

  @Test
  void vectorCellGivesTheScalarCellsBitsForwardAndBackward() {
    Assumptions.assumeTrue(BatchOps.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
    BatchOps ops = BatchOps.best();
    sameBits(new GruCell[] {new GruCell.Scalar(ops, false), new GruCell.Vector(false)}, "tanh");
    sameBits(new GruCell[] {new GruCell.Scalar(ops, true), new GruCell.Vector(true)}, "relu");
  }

  private static void sameBits(GruCell[] cells, String kind) {
    Random r = new Random(4);
    float[] a0 = random(r, ROWS * LD + 2, 3, true);
    float[] c = random(r, ROWS * LD + 1, 3, true);
    float[] hPrev = random(r, ROWS * HS, 1, false);
    float[] dhA = random(r, ROWS * HS + 3, 1, false);
    float[] dhB = random(r, ROWS * 48, 1, false);
    float[][] gates = new float[2][];
    float[][] hNext = new float[2][];
    float[][] da = new float[2][];
    float[][] dc = new float[2][];
    float[][] dh = new float[2][];
    for (int m = 0; m < 2; m++) {
      gates[m] = a0.clone();
      hNext[m] = new float[ROWS * HS + 1];
      // In place over a (offset 2, stride LD), as the acting kernels do; c from offset 1.
      cells[m].forward(ROWS, HS, gates[m], 2, LD, c, 1, LD, gates[m], 2, LD, hPrev, 0, HS, hNext[m], 1, HS);
      da[m] = new float[ROWS * 3 * HS];
      dc[m] = new float[ROWS * 3 * HS];
      dh[m] = new float[ROWS * 48];
      cells[m].backward(ROWS, HS, gates[m], 2, LD, c, 1, LD, hPrev, 0, HS, dhA, 3, HS, dhB, 0, 48, da[m], 0,
          3 * HS, dc[m], 0, 3 * HS, dh[m], 0, 48);
      cells[m].addRows(ROWS, HS, dh[m], 0, 48, dhA, 3, HS);
    }
    assertSameBits(gates[0], gates[1], kind + ": activated gates [r | z | n]");
    assertSameBits(hNext[0], hNext[1], kind + ": h'");
    assertSameBits(da[0], da[1], kind + ": dLoss/da");
    assertSameBits(dc[0], dc[1], kind + ": dLoss/dc");
    assertSameBits(dh[0], dh[1], kind + ": dLoss/dh (direct part plus the added rows)");
  }

  /** Gaussian values; with {@code saturate}, every 7th is ~20x larger (gates at 0 or 1, tanh at +-1). */
  static float[] random(Random r, int n, double scale, boolean saturate) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * scale * (saturate && i % 7 == 0 ? 20 : 1));
    }
    return a;
  }

  static void assertSameBits(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what + " length");
    for (int i = 0; i < want.length; i++) {
      if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
        org.junit.jupiter.api.Assertions.fail(what + " differs at flat index " + i + ": scalar " + want[i]
            + ", vector " + got[i]);
      }
    }
  }
}
