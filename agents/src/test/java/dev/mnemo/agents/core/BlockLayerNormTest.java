package dev.mnemo.agents.core;

import static dev.mnemo.agents.core.GruCellTest.assertSameBits;
import static dev.mnemo.agents.core.GruCellTest.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mnemo.agents.kernel.BatchOps;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockLayerNorm}'s fixed summation order: the Vector API and plain-loop implementations give the
 * same bits at block widths under 16 (the contract's 9: plain order), with a tail (37) and whole registers
 * (128, the paper's core), forward, backward and the gain and bias gradients (added to what was there), with
 * one block per row and three (the Vector norm takes four blocks at a time, across rows, then the rest one by
 * one), and written in place as the LayerNorm-GRU does; and the order is the documented one, not just any order
 * both happen to share.
 */
class BlockLayerNormTest {

  @Test
  void vectorNormGivesThePlainLoopsBitsAtEveryBlockWidth() {
    Assumptions.assumeTrue(BatchOps.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
    for (int hs : new int[] {9, 16, 37, 128}) {
      for (int blocks : new int[] {1, 3}) {
        assertSameBitsAt(hs, blocks);
      }
    }
  }

  private static void assertSameBitsAt(int hs, int blocks) {
    BlockLayerNorm[] norms = {new BlockLayerNorm.Scalar(), new BlockLayerNorm.Vector()};
    int rows = 6;
    int ld = blocks * hs + 3;
    Random r = new Random(hs);
    float[] a = random(r, rows * ld + 1, 2, false);
    for (int i = 0; i < a.length; i += 5) {
      a[i] += 4; // a mean far from zero, where the summation order shows in the last bits
    }
    float[] gamma = random(r, blocks * hs, 1, false);
    float[] beta = random(r, blocks * hs, 1, false);
    float[] dy = random(r, rows * ld, 1, false);
    float[][] xhat = new float[2][];
    float[][] y = new float[2][];
    float[][] rstd = new float[2][];
    float[][] da = new float[2][];
    float[][] grad = new float[2][];
    for (int m = 0; m < 2; m++) {
      xhat[m] = new float[rows * ld];
      y[m] = new float[rows * blocks * hs + 2];
      rstd[m] = new float[rows * blocks];
      norms[m].forward(rows, hs, blocks, a, 1, ld, gamma, beta, xhat[m], 0, ld, y[m], 2, blocks * hs, rstd[m], 0);
      da[m] = dy.clone();
      // In place (da = dy), as allowed.
      norms[m].backward(rows, hs, blocks, da[m], 0, ld, gamma, xhat[m], 0, ld, rstd[m], 0, da[m], 0, ld);
      grad[m] = random(new Random(7), 3 * blocks * hs, 1, false);
      float g0 = grad[m][1];
      float b0 = grad[m][2 * blocks * hs + 1];
      norms[m].addParamGradients(rows, blocks * hs, dy, 0, ld, xhat[m], 0, ld, grad[m], 0, 2 * blocks * hs);
      for (int row = 0; row < rows; row++) {
        g0 += dy[row * ld + 1] * xhat[m][row * ld + 1];
        b0 += dy[row * ld + 1];
      }
      assertEquals(g0, grad[m][1], 0f, "the gain gradient adds the rows in order to what was there");
      assertEquals(b0, grad[m][2 * blocks * hs + 1], 0f, "the bias gradient adds the rows in order");
    }
    assertSameBits(rstd[0], rstd[1], "1/sigma at width " + hs);
    assertSameBits(xhat[0], xhat[1], "xhat at width " + hs);
    assertSameBits(y[0], y[1], "y at width " + hs);
    assertSameBits(da[0], da[1], "dLoss/da at width " + hs);
    assertSameBits(grad[0], grad[1], "gain and bias gradients at width " + hs);
    // In place (xhat over a), as the LayerNorm-GRU's input norm runs: the same xhat.
    float[] inPlace = a.clone();
    norms[1].forward(rows, hs, blocks, inPlace, 1, ld, gamma, beta, inPlace, 1, ld, new float[rows * blocks * hs + 2],
        2, blocks * hs, new float[rows * blocks], 0);
    for (int row = 0; row < rows; row++) {
      for (int j = 0; j < blocks * hs; j++) {
        assertEquals(Float.floatToIntBits(xhat[0][row * ld + j]), Float.floatToIntBits(inPlace[1 + row * ld + j]),
            "xhat written over its input, row " + row + " feature " + j + " at width " + hs + ", " + blocks
            + " blocks per row");
      }
    }
  }

  /**
   * The mean of one block of 32 ones but for {@code a[0] = 2^25} and {@code a[8] = -2^25}, where the order
   * decides. In the documented order partial 0 is {@code 2^25 + 1 = 2^25} (float spacing 4 there), partial 8
   * is {@code -2^25 + 1 = -2^25}, they cancel at the tree's first level and the other 14 partials hold 2
   * each: sum 28. Left to right gives 23 (2^25 absorbs the seven ones before its negative), 8 partials 30,
   * 4 partials 29. Seen through y = xhat (gain 1, bias 0): the ones sit at {@code (1 - mean) rstd}.
   */
  @Test
  void blockSumsFollowTheSixteenPartialOrder() {
    int hs = 32;
    float[] a = new float[hs];
    java.util.Arrays.fill(a, 1f);
    a[0] = 1 << 25;
    a[8] = -(1 << 25);
    float[] gamma = new float[hs];
    java.util.Arrays.fill(gamma, 1f);
    float[] beta = new float[hs];
    BlockLayerNorm[] norms = BatchOps.vectorApiAvailable()
        ? new BlockLayerNorm[] {new BlockLayerNorm.Scalar(), new BlockLayerNorm.Vector()}
        : new BlockLayerNorm[] {new BlockLayerNorm.Scalar()};
    for (BlockLayerNorm norm : norms) {
      float[] y = new float[hs];
      float[] rstd = new float[1];
      norm.forward(1, hs, 1, a, 0, hs, gamma, beta, null, 0, 0, y, 0, hs, rstd, 0);
      float mean = 28f / 32;
      assertEquals((1 - mean) * rstd[0], y[1], 1e-12, norm.getClass().getSimpleName() + ": mean of the ones' block");
    }
  }
}
