package dev.mnemo.agents.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link WeightGradient}'s product {@code [X | 1]^T dY}: against a double-precision sum, and, for the Vector-API
 * implementation that reads most columns of X in place, bit for bit against the transposed copy and one
 * {@link BatchOps#gemm} it replaced (so no learner's figures move).
 */
class WeightGradientTest {

  /** Input widths around every multiple of the 8-row tile, and the LN-GRU's 145 (17 inputs + 128 hidden). */
  private static final int[] INS = {1, 2, 3, 4, 7, 8, 9, 11, 12, 15, 16, 17, 23, 24, 25, 130, 145};
  /** Output widths with a narrow last panel (L wide), full panels only, and the GRU's 384. */
  private static final int[] OUTS = {5, 16, 33, 48, 384};
  /** Rows of X: under, at and over the K_CHUNK of 256 the products are cut into. */
  private static final int[] NS = {1, 9, 256, 300, 600};

  @Test
  void vectorPathGivesTheBitsOfTheTransposedCopyAndOneGemm() {
    BatchOps ops = BatchOps.best();
    assertTrue(ops.vectorApi(), "the test JVM runs the Vector-API implementation: " + ops.name());
    Random rng = new Random(7);
    int checked = 0;
    for (int in : INS) {
      for (int out : OUTS) {
        for (int n : NS) {
          if ((long) in * out * n > 12_000_000) {
            continue;
          }
          Case c = new Case(ops, rng, n, in, out);
          float[] viaCopy = c.viaTransposedCopy();
          float[] direct = c.weightGradient();
          for (int i = 0; i < viaCopy.length; i++) {
            assertEquals(Float.floatToRawIntBits(viaCopy[i]), Float.floatToRawIntBits(direct[i]),
                "n=" + n + ", in=" + in + ", out=" + out + ": element " + i + " (row " + i / c.ldc + ") "
                    + viaCopy[i] + " vs " + direct[i]);
          }
          checked++;
        }
      }
    }
    assertTrue(checked > 300, "shapes checked: " + checked);
  }

  @Test
  void everyImplementationMatchesADoublePrecisionSum() {
    Random rng = new Random(11);
    for (BatchOps ops : new BatchOps[] {BatchOps.best(), new ScalarOps()}) {
      for (int in : new int[] {3, 8, 17, 145}) {
        for (int out : new int[] {5, 48}) {
          int n = 300;
          Case c = new Case(ops, rng, n, in, out);
          float[] got = c.weightGradient();
          for (int i = 0; i <= in; i++) {
            for (int j = 0; j < out; j++) {
              double sum = 0;
              double scale = 0;
              for (int r = 0; r < n; r++) {
                double xv = i < in ? c.x[c.xOff + r * c.ldx + i] : 1.0;
                double term = xv * c.dY[r * out + j];
                sum += term;
                scale += Math.abs(term);
              }
              assertEquals(sum, got[i * c.ldc + j], 1e-5 * scale + 1e-6,
                  ops.name() + ", in=" + in + ", out=" + out + ": row " + i + (i == in ? " (the bias)" : "")
                      + ", column " + j);
            }
          }
          for (int i = 0; i <= in; i++) {
            for (int j = out; j < c.ldc; j++) {
              assertEquals(0f, got[i * c.ldc + j], 0f, ops.name() + ": padding column " + j + " of row " + i);
            }
          }
        }
      }
    }
  }

  @Test
  void shapesThatDoNotFitAreRefusedWithTheirNumbers() {
    BatchOps ops = BatchOps.best();
    Case c = new Case(ops, new Random(3), 40, 16, 33);
    float[] small = new float[c.ldc * 16]; // one row short of in + 1
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ops.weightGradient(40, 16, c.x, c.xOff, c.ldx, c.packed, c.xT(), c.ldT, small, c.ldc));
    assertTrue(e.getMessage().contains("c.length=" + small.length), e.getMessage());
  }

  /** One product's operands: X with an offset and a wide stride (as a layer's slice of a wider buffer), dY. */
  private static final class Case {
    final BatchOps ops;
    final int n;
    final int in;
    final int xOff = 3;
    final int ldx;
    final int ldT;
    final int ldc;
    final float[] x;
    final float[] dY;
    final PackedMatrix packed;

    Case(BatchOps ops, Random rng, int n, int in, int out) {
      this.ops = ops;
      this.n = n;
      this.in = in;
      this.ldx = in + 5;
      this.ldT = n + 16;
      this.x = BatchOpsTest.random(rng, xOff + n * ldx);
      this.dY = BatchOpsTest.random(rng, n * out);
      this.packed = new PackedMatrix(n, out, ops.lanes());
      packed.load(dY, 0, out, 0, 0, n, out);
      this.ldc = packed.paddedCols();
    }

    float[] xT() {
      float[] xT = new float[(in + 1) * ldT];
      java.util.Arrays.fill(xT, in * ldT, in * ldT + n, 1f);
      return xT;
    }

    float[] weightGradient() {
      float[] c = new float[(in + 1) * ldc];
      ops.weightGradient(n, in, x, xOff, ldx, packed, xT(), ldT, c, ldc);
      return c;
    }

    /** What WeightGradient computed before the in-place path: the whole of X transposed, then one product. */
    float[] viaTransposedCopy() {
      float[] xT = xT();
      WeightGradient.transpose(n, in, x, xOff, ldx, xT, 0, ldT);
      float[] c = new float[(in + 1) * ldc];
      ops.gemm(in + 1, xT, 0, ldT, packed, null, c, 0, ldc);
      return c;
    }
  }
}
