package dev.mnemo.agents.transformer;

import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.B;
import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.D;
import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.H;
import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.M;
import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.T;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.mnemo.agents.kernel.BatchOps;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link GtrxlTrunk}: two layers against the blocks' double reference (with the memory and episode flags that
 * reproduce the attention test's visibility), finite differences, and the two properties a Transformer-XL memory
 * must have: a stream cut into segments gives the outputs of the same stream in one segment, and an episode start
 * hides everything before it, through the memory too.
 */
class GtrxlTrunkTest {

  static final int IN = 5;
  static final int FF = 5;
  static final int LAYERS = 2;

  static GtrxlTrunk trunk(int memory, int segment) {
    return new GtrxlTrunk(IN, D, LAYERS, H, memory, segment, FF, GtrxlGate.DEFAULT_GATE_BIAS, BatchOps.best());
  }

  static float[] params(GtrxlTrunk trunk, long seed) {
    float[] p = TransformerFixtures.uniform(trunk.paramCount(), seed, 0.6);
    for (var t : trunk.layout("tr")) {
      if (t.name().endsWith("gamma")) {
        for (int i = t.offset(); i < t.end(); i++) {
          p[i] += 1f;
        }
      }
    }
    return p;
  }

  /** Stream 0 remembers M rows; stream 1 two, and an episode starts at its step 2: the attention test's FIRST. */
  static final class Case {
    final GtrxlTrunk trunk = trunk(M, T);
    final float[] p = params(trunk, 11);
    final float[] x = TransformerFixtures.uniform(B * T * IN, 12, 1.0);
    final boolean[] starts = new boolean[B * T];
    final GtrxlTrunk.Memory memory = trunk.newMemory(B);
    final float[][] memRows = new float[LAYERS][];
    final float[] gUp = TransformerFixtures.uniform(B * T * D, 13, 1.0);
    final float[] grad;
    final float[] out;

    Case() {
      starts[T + 2] = true;
      for (int l = 0; l < LAYERS; l++) {
        memRows[l] = TransformerFixtures.uniform(B * M * D, 20 + l, 1.0);
        System.arraycopy(memRows[l], 0, memory.rows[l], 0, memRows[l].length);
      }
      memory.valid[0] = M;
      memory.valid[1] = 2;
      GtrxlTrunk.Pass pass = trunk.newPass(B);
      pass.forward(B, p, 0, x, 0, starts, memory);
      out = pass.output().clone();
      grad = new float[trunk.paramCount()];
      pass.backward(p, 0, gUp, 0, grad, 0);
    }

    double[] reference(double[] pp, double[] xx) {
      double[] e = new double[B * T * D];
      int we = 0;
      int be = IN * D;
      for (int r = 0; r < B * T; r++) {
        for (int c = 0; c < D; c++) {
          double acc = pp[be + c];
          for (int k = 0; k < IN; k++) {
            acc += xx[r * IN + k] * pp[we + k * D + c];
          }
          e[r * D + c] = acc;
        }
      }
      GtrxlBlock block = new GtrxlBlock(D, H, M, T, FF, GtrxlGate.DEFAULT_GATE_BIAS, BatchOps.best());
      int off = IN * D + D;
      for (int l = 0; l < LAYERS; l++) {
        e = GtrxlBlockTest.reference(block, Arrays.copyOfRange(pp, off, off + block.paramCount()), e,
            TransformerFixtures.toDouble(memRows[l]));
        off += block.paramCount();
      }
      return e;
    }

    double loss(double[] pp, double[] xx) {
      return TransformerFixtures.dot(gUp, reference(pp, xx));
    }
  }

  @Test
  void forwardMatchesTheBlocksReferenceWithTheFlagsVisibility() {
    Case c = new Case();
    TransformerFixtures.assertClose(c.reference(TransformerFixtures.toDouble(c.p), TransformerFixtures.toDouble(c.x)),
        TransformerFixtures.toDouble(c.out), 1e-5, "trunk output");
  }

  @Test
  void gradientsMatchCentralFiniteDifferencesInDoublePrecision() {
    Case c = new Case();
    double[] xx = TransformerFixtures.toDouble(c.x);
    TransformerFixtures.assertFiniteDifferences(TransformerFixtures.toDouble(c.p), v -> c.loss(v, xx),
        TransformerFixtures.toDouble(c.grad), "trunk parameters");
  }

  /**
   * One stream of 2T steps: as one segment without memory, and as two segments of T with a memory of T rows
   * (both see the same keys, and their parameters have the same layout). The outputs agree.
   */
  @Test
  void aStreamCutIntoSegmentsGivesTheOutputsOfOneSegment() {
    GtrxlTrunk whole = trunk(0, 2 * T);
    GtrxlTrunk cut = trunk(T, T);
    assertEquals(whole.paramCount(), cut.paramCount());
    float[] p = params(whole, 3);
    float[] x = TransformerFixtures.uniform(2 * T * IN, 4, 1.0);
    boolean[] starts = new boolean[2 * T];
    starts[0] = true;
    starts[T + 1] = true; // an episode starts in the second segment too
    GtrxlTrunk.Pass one = whole.newPass(1);
    one.forward(1, p, 0, x, 0, starts, whole.newMemory(1));
    GtrxlTrunk.Memory memory = cut.newMemory(1);
    GtrxlTrunk.Pass two = cut.newPass(1);
    two.forward(1, p, 0, x, 0, Arrays.copyOfRange(starts, 0, T), memory);
    float[] first = Arrays.copyOf(two.output(), T * D);
    two.nextMemory(memory, memory);
    assertEquals(T, memory.valid(0));
    two.forward(1, p, 0, x, T * IN, Arrays.copyOfRange(starts, T, 2 * T), memory);
    float[] second = Arrays.copyOf(two.output(), T * D);
    TransformerFixtures.assertClose(TransformerFixtures.slice(one.output(), 0, T * D), TransformerFixtures.toDouble(
        first), 1e-6, "first segment");
    TransformerFixtures.assertClose(TransformerFixtures.slice(one.output(), T * D, T * D), TransformerFixtures.toDouble(
        second), 1e-6, "second segment, through the memory");
    two.nextMemory(memory, memory);
    assertEquals(T - 1, memory.valid(0), "rows since the episode start at step T + 1");
  }

  /** Inputs before an episode start change nothing from the start on: in the segment, and through the memory. */
  @Test
  void anEpisodeStartHidesEverythingBeforeIt() {
    GtrxlTrunk cut = trunk(T, T);
    float[] p = params(cut, 5);
    float[] x = TransformerFixtures.uniform(2 * T * IN, 6, 1.0);
    boolean[] starts = new boolean[2 * T];
    starts[0] = true;
    starts[T + 1] = true;
    float[] base = run(cut, p, x, starts);
    float[] x2 = x.clone();
    for (int i = 0; i < (T + 1) * IN; i++) {
      x2[i] += 0.7f * (i % 3 - 1); // every step before the second episode
    }
    float[] changed = run(cut, p, x2, starts);
    assertArrayEquals(Arrays.copyOfRange(base, (T + 1) * D, 2 * T * D),
        Arrays.copyOfRange(changed, (T + 1) * D, 2 * T * D), "the second episode saw the first");
    assertNotEquals(base[T * D], changed[T * D], "the first episode's own rows did change");
  }

  private static float[] run(GtrxlTrunk trunk, float[] p, float[] x, boolean[] starts) {
    GtrxlTrunk.Memory memory = trunk.newMemory(1);
    GtrxlTrunk.Pass pass = trunk.newPass(1);
    float[] out = new float[2 * T * D];
    for (int s = 0; s < 2; s++) {
      pass.forward(1, p, 0, x, s * T * IN, Arrays.copyOfRange(starts, s * T, (s + 1) * T), memory);
      System.arraycopy(pass.output(), 0, out, s * T * D, T * D);
      pass.nextMemory(memory, memory);
    }
    return out;
  }
}
