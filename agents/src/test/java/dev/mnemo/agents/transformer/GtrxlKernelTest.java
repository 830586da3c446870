package dev.mnemo.agents.transformer;

import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.D;
import static dev.mnemo.agents.transformer.CausalMemoryAttentionTest.H;
import static dev.mnemo.agents.transformer.GtrxlTrunkTest.FF;
import static dev.mnemo.agents.transformer.GtrxlTrunkTest.IN;
import static dev.mnemo.agents.transformer.GtrxlTrunkTest.LAYERS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.ScalarOps;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GtrxlKernel}, the trunk's acting form, against the training form {@link GtrxlTrunk} run segment by
 * segment over the same streams ({@link GtrxlTrunk.Pass#nextMemory}): three envs with different episode starts
 * (none after the first step, starts mid-segment, twice in a row and on a segment's last step, starts on segment
 * boundaries), memories shorter than, longer than and without a segment; parameters reloaded mid-stream (at a
 * segment boundary and mid-segment, with the semantics the kernel's javadoc states); a state round trip; and no
 * allocation per step.
 */
class GtrxlKernelTest {

  static final int N = 3;
  static final int SEGMENTS = 3;

  static Stream<Arguments> shapes() {
    BatchOps best = BatchOps.best();
    // The last: heads of 32 features and up to 26 visible keys, so the vector attention's register blocks run.
    return Stream.of(Arguments.of(3, 4, D, H, best), Arguments.of(5, 3, D, H, best), Arguments.of(0, 4, D, H, best),
        Arguments.of(3, 4, D, H, new ScalarOps()), Arguments.of(4, 1, D, H, best), Arguments.of(20, 6, 64, 2, best),
        Arguments.of(20, 6, 64, 2, new ScalarOps()));
  }

  static GtrxlKernel kernel(int m, int t, int envs, BatchOps ops) {
    return new GtrxlKernel(IN, D, LAYERS, H, m, t, FF, GtrxlGate.DEFAULT_GATE_BIAS, envs, ops);
  }

  /** Episode starts over {@code steps} steps of env i: each env has its own pattern. */
  static boolean[][] starts(int t, int steps) {
    boolean[][] s = new boolean[N][steps];
    s[0][0] = true; // one episode throughout
    // Env 1: starts mid-segment, twice in a row, and on a segment's last step.
    for (int k : new int[] {t + Math.min(2, t - 1), t + Math.min(3, t - 1), 3 * t - 1, 2}) {
      if (k < steps) {
        s[1][k] = true;
      }
    }
    // Env 2: no flag on its first step (a fresh env needs none), starts on segment boundaries.
    s[2][t] = true;
    s[2][2 * t] = true;
    return s;
  }

  /** Input rows: x[step][env * IN + k]. */
  static float[][] inputs(int steps, long seed) {
    float[][] x = new float[steps][];
    for (int s = 0; s < steps; s++) {
      x[s] = TransformerFixtures.uniform(N * IN, seed * 1000 + s, 1.0);
    }
    return x;
  }

  /**
   * The training form over {@code segments} segments of the N streams, from {@code memory}: out[step][env * D + c].
   * {@code params[s]} are the parameters of segment s.
   */
  static float[][] trainingForm(GtrxlTrunk trunk, float[][] params, float[][] x, boolean[][] starts, int segFrom,
      int segments, GtrxlTrunk.Memory memory) {
    int t = trunk.segment();
    int dd = trunk.width();
    float[][] out = new float[segments * t][N * dd];
    GtrxlTrunk.Pass pass = trunk.newPass(N);
    float[] seg = new float[N * t * IN];
    boolean[] flags = new boolean[N * t];
    for (int s = 0; s < segments; s++) {
      int step0 = (segFrom + s) * t;
      for (int b = 0; b < N; b++) {
        for (int k = 0; k < t; k++) {
          System.arraycopy(x[step0 + k], b * IN, seg, (b * t + k) * IN, IN);
          flags[b * t + k] = starts[b][step0 + k];
        }
      }
      pass.forward(N, params[s], 0, seg, 0, flags, memory);
      for (int b = 0; b < N; b++) {
        for (int k = 0; k < t; k++) {
          System.arraycopy(pass.output(), (b * t + k) * dd, out[s * t + k], b * dd, dd);
        }
      }
      pass.nextMemory(memory, memory);
    }
    return out;
  }

  static boolean[] flagsAt(boolean[][] starts, int step) {
    boolean[] f = new boolean[N];
    for (int b = 0; b < N; b++) {
      f[b] = starts[b][step];
    }
    return f;
  }

  @ParameterizedTest(name = "M={0}, T={1}, d={2}, heads={3}, {4}")
  @MethodSource("shapes")
  void everyStepEqualsTheTrainingFormOverTheSameSegments(int m, int t, int width, int heads, BatchOps ops) {
    GtrxlTrunk trunk = new GtrxlTrunk(IN, width, LAYERS, heads, m, t, FF, GtrxlGate.DEFAULT_GATE_BIAS, ops);
    float[] p = width == D ? GtrxlTrunkTest.params(trunk, 31) : glorotPlusNoise(trunk, 31);
    int steps = SEGMENTS * t;
    float[][] x = inputs(steps, 32);
    boolean[][] starts = starts(t, steps);
    float[][] want = trainingForm(trunk, new float[][] {p, p, p}, x, starts, 0, SEGMENTS, trunk.newMemory(N));

    GtrxlKernel kernel = new GtrxlKernel(IN, width, LAYERS, heads, m, t, FF, GtrxlGate.DEFAULT_GATE_BIAS, N, ops);
    kernel.load(p, 0);
    float[] out = new float[N * width];
    for (int s = 0; s < steps; s++) {
      kernel.step(x[s], flagsAt(starts, s), out);
      TransformerFixtures.assertClose(TransformerFixtures.toDouble(want[s]), TransformerFixtures.toDouble(out),
          1e-5, "step " + s + " (segment " + s / t + ", position " + s % t + ")");
      assertEquals((s + 1) % t, kernel.positionInSegment(0), "segments start at step 0 and every T steps");
    }
    // The episode bookkeeping ends where the trunk's memory says it does.
    GtrxlTrunk.Memory memory = trunk.newMemory(N);
    trainingForm(trunk, new float[][] {p, p, p}, x, starts, 0, SEGMENTS, memory);
    for (int b = 0; b < N; b++) {
      assertEquals(memory.valid(b), kernel.episodeRows(b), "env " + b + "'s valid memory rows");
    }
  }

  /**
   * A wide trunk's initial parameters (Glorot: uniform 0.6 at d = 64 makes pre-activations so large that float
   * rounding alone moves outputs by 1e-5) with every bias, relative bias and layer norm moved off its initial
   * value, so each one shows in the outputs.
   */
  static float[] glorotPlusNoise(GtrxlTrunk trunk, long seed) {
    float[] p = new float[trunk.paramCount()];
    trunk.initialize(p, 0, new java.util.SplittableRandom(seed));
    float[] noise = TransformerFixtures.uniform(p.length, seed + 1, 0.3);
    for (var t : trunk.layout("tr")) {
      if (t.rows() == 1 || t.name().endsWith(".rel")) {
        for (int i = t.offset(); i < t.end(); i++) {
          p[i] += noise[i];
        }
      }
    }
    return p;
  }

  /** The episode starts do matter here: without them the kernel's outputs differ (the test can fail). */
  @Test
  void theEpisodeStartsChangeTheOutputs() {
    GtrxlKernel a = kernel(3, 4, N, BatchOps.best());
    GtrxlKernel b = kernel(3, 4, N, BatchOps.best());
    float[] p = GtrxlTrunkTest.params(new GtrxlTrunk(IN, D, LAYERS, H, 3, 4, FF, 2.0, BatchOps.best()), 31);
    a.load(p, 0);
    b.load(p, 0);
    float[][] x = inputs(12, 32);
    boolean[][] starts = starts(4, 12);
    float[] oa = new float[N * D];
    float[] ob = new float[N * D];
    boolean differed = false;
    for (int s = 0; s < 12; s++) {
      a.step(x[s], flagsAt(starts, s), oa);
      b.step(x[s], new boolean[N], ob);
      differed |= !Arrays.equals(Arrays.copyOfRange(oa, D, 3 * D), Arrays.copyOfRange(ob, D, 3 * D));
      assertArrayEquals(Arrays.copyOf(oa, D), Arrays.copyOf(ob, D), "env 0 has no start after step 0");
    }
    assertTrue(differed, "envs 1 and 2 start episodes: their outputs must change");
  }

  /**
   * Parameters reloaded at a segment boundary: from there on the kernel equals the training form run with the new
   * parameters from the memory the old ones left (what the kernel holds).
   */
  @Test
  void aReloadAtASegmentBoundaryEqualsTheTrainingFormWithTheNewParametersFromThere() {
    int m = 3;
    int t = 4;
    BatchOps ops = BatchOps.best();
    GtrxlTrunk trunk = new GtrxlTrunk(IN, D, LAYERS, H, m, t, FF, GtrxlGate.DEFAULT_GATE_BIAS, ops);
    float[] p1 = GtrxlTrunkTest.params(trunk, 41);
    float[] p2 = GtrxlTrunkTest.params(trunk, 42);
    int steps = SEGMENTS * t;
    float[][] x = inputs(steps, 43);
    boolean[][] starts = starts(t, steps);
    float[][] want = trainingForm(trunk, new float[][] {p1, p2, p2}, x, starts, 0, SEGMENTS, trunk.newMemory(N));
    float[][] stale = trainingForm(trunk, new float[][] {p1, p1, p1}, x, starts, 0, SEGMENTS, trunk.newMemory(N));

    GtrxlKernel kernel = kernel(m, t, N, ops);
    kernel.load(p1, 0);
    float[] out = new float[N * D];
    for (int s = 0; s < steps; s++) {
      if (s == t) {
        kernel.load(p2, 0);
      }
      kernel.step(x[s], flagsAt(starts, s), out);
      TransformerFixtures.assertClose(TransformerFixtures.toDouble(want[s]), TransformerFixtures.toDouble(out),
          1e-5, "step " + s);
      if (s == t) {
        assertNotEquals(stale[s][0], out[0], "the new parameters act from the reload on");
      }
    }
  }

  /**
   * A reload at position p of a segment keeps the window rows (memory and the segment's p rows, computed with the
   * old parameters) and recomputes their keys and values: the rest of the segment equals
   * {@code GtrxlTrunk(M + p, T - p)} with the new parameters whose memory is those M + p rows per layer (rows
   * entering each layer under the old parameters: the embedding, and a one-layer trunk's output for layer 1);
   * the next segments equal {@code GtrxlTrunk(M, T)} with the new parameters from the last M of them.
   */
  @Test
  void aReloadMidSegmentEqualsTheTrainingFormWhoseMemoryIsTheWindowRows() {
    int m = 3;
    int t = 4;
    int p = 2; // reload before step t + p
    BatchOps ops = BatchOps.best();
    GtrxlTrunk trunk = new GtrxlTrunk(IN, D, LAYERS, H, m, t, FF, GtrxlGate.DEFAULT_GATE_BIAS, ops);
    GtrxlTrunk rest = new GtrxlTrunk(IN, D, LAYERS, H, m + p, t - p, FF, GtrxlGate.DEFAULT_GATE_BIAS, ops);
    GtrxlTrunk oneLayer = new GtrxlTrunk(IN, D, 1, H, m, t, FF, GtrxlGate.DEFAULT_GATE_BIAS, ops);
    assertEquals(trunk.paramCount(), rest.paramCount(), "same layout: the relative table spans M + T either way");
    float[] p1 = GtrxlTrunkTest.params(trunk, 51);
    float[] p2 = GtrxlTrunkTest.params(trunk, 52);
    int steps = SEGMENTS * t;
    float[][] x = inputs(steps, 53);
    boolean[][] starts = starts(t, steps);
    starts[0][t + p] = true; // an episode starting at the reload step itself
    starts[2][t + 1] = true; // and one inside the rows kept from before it

    // Segment 0 under p1; the memory it leaves, and the rows entering each layer in segment 1 under p1.
    GtrxlTrunk.Memory mem0 = trunk.newMemory(N);
    float[][] seg0 = trainingForm(trunk, new float[][] {p1}, x, starts, 0, 1, mem0);
    GtrxlTrunk.Memory probe = oneLayer.newMemory(N);
    trainingForm(oneLayer, new float[][] {p1}, x, starts, 0, 1, probe);
    float[][] layer1Rows = trainingForm(oneLayer, new float[][] {p1}, x, starts, 1, 1, probe);
    // The rest of segment 1: memory M + p rows per layer, the episode's rows among them counted as the trunk would.
    GtrxlTrunk.Memory memR = rest.newMemory(N);
    for (int b = 0; b < N; b++) {
      int valid = mem0.valid(b) + p;
      for (int k = 0; k < p; k++) {
        if (starts[b][t + k]) {
          valid = p - k;
        }
      }
      memR.valid[b] = Math.min(m + p, valid);
      for (int l = 0; l < LAYERS; l++) {
        System.arraycopy(mem0.rows[l], b * m * D, memR.rows[l], b * (m + p) * D, m * D);
        for (int k = 0; k < p; k++) {
          float[] row = l == 0 ? embedding(p1, x[t + k], b) : Arrays.copyOfRange(layer1Rows[k], b * D, (b + 1) * D);
          System.arraycopy(row, 0, memR.rows[l], (b * (m + p) + m + k) * D, D);
        }
      }
    }
    float[] restX = new float[N * (t - p) * IN];
    boolean[] restStarts = new boolean[N * (t - p)];
    for (int b = 0; b < N; b++) {
      for (int k = 0; k < t - p; k++) {
        System.arraycopy(x[t + p + k], b * IN, restX, (b * (t - p) + k) * IN, IN);
        restStarts[b * (t - p) + k] = starts[b][t + p + k];
      }
    }
    GtrxlTrunk.Pass restPass = rest.newPass(N);
    restPass.forward(N, p2, 0, restX, 0, restStarts, memR);
    GtrxlTrunk.Memory memNext = rest.newMemory(N);
    restPass.nextMemory(memR, memNext);
    // Then segment 2 under p2 from the last M of those rows.
    GtrxlTrunk.Memory mem2 = trunk.newMemory(N);
    for (int b = 0; b < N; b++) {
      mem2.valid[b] = Math.min(m, memNext.valid(b));
      for (int l = 0; l < LAYERS; l++) {
        System.arraycopy(memNext.rows[l], (b * (m + p) + p) * D, mem2.rows[l], b * m * D, m * D);
      }
    }
    float[][] seg2 = trainingForm(trunk, new float[][] {p2}, x, starts, 2, 1, mem2);

    GtrxlKernel kernel = kernel(m, t, N, ops);
    kernel.load(p1, 0);
    float[] out = new float[N * D];
    for (int s = 0; s < steps; s++) {
      if (s == t + p) {
        kernel.load(p2, 0);
      }
      kernel.step(x[s], flagsAt(starts, s), out);
      float[] want;
      if (s < t) {
        want = seg0[s];
      } else if (s < t + p) {
        continue; // segment 1 before the reload: covered by the test without reloads
      } else if (s < 2 * t) {
        want = new float[N * D];
        for (int b = 0; b < N; b++) {
          System.arraycopy(restPass.output(), (b * (t - p) + s - t - p) * D, want, b * D, D);
        }
      } else {
        want = seg2[s - 2 * t];
      }
      TransformerFixtures.assertClose(TransformerFixtures.toDouble(want), TransformerFixtures.toDouble(out), 1e-5,
          "step " + s);
    }
  }

  /** Row b's embedding {@code x W_e + b_e} in double, as the trunk's first layer sees it. */
  private static float[] embedding(float[] params, float[] x, int b) {
    float[] e = new float[D];
    for (int c = 0; c < D; c++) {
      double acc = params[IN * D + c];
      for (int k = 0; k < IN; k++) {
        acc += (double) x[b * IN + k] * params[k * D + c];
      }
      e[c] = (float) acc;
    }
    return e;
  }

  /**
   * Each env's state copied mid-segment and set into another kernel (other env slots, another N) continues with
   * the same outputs; the state holds what its javadoc says; a reset env acts as a fresh one.
   */
  @Test
  void aStateCopiedAndSetContinuesWithTheSameOutputs() {
    int m = 3;
    int t = 4;
    BatchOps ops = BatchOps.best();
    GtrxlTrunk trunk = new GtrxlTrunk(IN, D, LAYERS, H, m, t, FF, GtrxlGate.DEFAULT_GATE_BIAS, ops);
    float[] p = GtrxlTrunkTest.params(trunk, 61);
    int steps = SEGMENTS * t;
    float[][] x = inputs(steps, 62);
    boolean[][] starts = starts(t, steps);
    GtrxlKernel a = kernel(m, t, N, ops);
    a.load(p, 0);
    assertEquals(2 + LAYERS * (m + t - 1) * D, a.stateSize());
    float[] out = new float[N * D];
    int cut = t + 2;
    for (int s = 0; s < cut; s++) {
      a.step(x[s], flagsAt(starts, s), out);
    }
    float[][] state = new float[N][a.stateSize()];
    for (int b = 0; b < N; b++) {
      a.copyState(b, state[b], 0);
      assertEquals(2f, state[b][0], "position in the segment");
      assertEquals(a.episodeRows(b), (int) state[b][1]);
    }
    assertEquals(4f, state[1][1], "env 1's episode began at step 2: four rows ago");
    int w = (m + t - 1) * D;
    for (int l = 0; l < LAYERS; l++) {
      for (int i = 2 + l * w + (m + 2) * D; i < 2 + (l + 1) * w; i++) {
        assertEquals(0f, state[0][i], "rows past the segment's rows so far are zero");
      }
      assertNotEquals(0f, state[0][2 + l * w + (m + 1) * D], "the segment's second row is there");
    }

    // Kernel b: the envs in reverse slots, a different parameter load order (state set before load).
    GtrxlKernel b = kernel(m, t, N, ops);
    for (int k = 0; k < N; k++) {
      b.setState(N - 1 - k, state[k], 0);
    }
    b.load(p, 0);
    // Kernel c: env 1 alone, state set after load.
    GtrxlKernel c = kernel(m, t, 1, ops);
    c.load(p, 0);
    c.setState(0, state[1], 0);
    float[] stateAgain = new float[c.stateSize()];
    c.copyState(0, stateAgain, 0);
    assertArrayEquals(state[1], stateAgain, "copyState after setState gives the state back");

    float[] xr = new float[N * IN];
    boolean[] fr = new boolean[N];
    float[] outB = new float[N * D];
    float[] outC = new float[D];
    for (int s = cut; s < steps; s++) {
      a.step(x[s], flagsAt(starts, s), out);
      for (int k = 0; k < N; k++) {
        System.arraycopy(x[s], k * IN, xr, (N - 1 - k) * IN, IN);
        fr[N - 1 - k] = starts[k][s];
      }
      b.step(xr, fr, outB);
      c.step(Arrays.copyOfRange(x[s], IN, 2 * IN), new boolean[] {starts[1][s]}, outC);
      for (int k = 0; k < N; k++) {
        TransformerFixtures.assertClose(TransformerFixtures.slice(out, k * D, D),
            TransformerFixtures.slice(outB, (N - 1 - k) * D, D), 1e-6, "restored env " + k + " at step " + s);
      }
      TransformerFixtures.assertClose(TransformerFixtures.slice(out, D, D), TransformerFixtures.toDouble(outC),
          1e-6, "env 1 restored alone at step " + s);
    }

    // A reset env acts as a fresh kernel's env from its step 0.
    a.resetEnv(2);
    GtrxlKernel fresh = kernel(m, t, 1, ops);
    fresh.load(p, 0);
    float[] outF = new float[D];
    for (int s = 0; s < t + 1; s++) {
      a.step(x[s], flagsAt(starts, s), out);
      fresh.step(Arrays.copyOfRange(x[s], 2 * IN, 3 * IN), new boolean[] {starts[2][s]}, outF);
      TransformerFixtures.assertClose(TransformerFixtures.toDouble(outF), TransformerFixtures.slice(out, 2 * D, D),
          1e-6, "reset env at its step " + s);
    }
  }

  @Test
  void aStateThatIsNotOneIsRefusedAndStepBeforeLoadFails() {
    GtrxlKernel k = kernel(3, 4, 2, BatchOps.best());
    assertThrows(IllegalStateException.class, () -> k.step(new float[2 * IN], new boolean[2], new float[2 * D]));
    float[] s = new float[k.stateSize()];
    s[0] = 4; // position T: a segment never rests there
    assertThrows(IllegalArgumentException.class, () -> k.setState(0, s, 0));
    s[0] = 1;
    s[1] = 5; // more episode rows than M + pos
    assertThrows(IllegalArgumentException.class, () -> k.setState(0, s, 0));
    s[1] = 4;
    k.setState(1, s, 0);
    assertEquals(4, k.episodeRows(1));
    assertThrows(IllegalArgumentException.class, () -> k.load(new float[10], 0));
  }

  /**
   * Steps, episode starts, reloads, resets and state copies allocate nothing once compiled (measured in a fresh JVM:
   * {@link FreshJvmAllocation}).
   */
  @Test
  void stepsAllocateNothing() throws Exception {
    assertEquals(0L, FreshJvmAllocation.bytesPerRun(GtrxlKernelTest.class, "allocationLoop", 60, 2000),
        "bytes allocated by 200 steps with a reload, resets and state copies");
  }

  /** {@link #stepsAllocateNothing}'s loop, its kernel loaded and its reload compiled. */
  static Runnable allocationLoop() {
    int envs = 4;
    int width = 64; // heads of 32 and up to 24 visible keys: every vector path of the attention runs
    GtrxlKernel kernel = new GtrxlKernel(IN, width, 2, 2, 16, 8, 32, GtrxlGate.DEFAULT_GATE_BIAS, envs,
        BatchOps.best());
    float[] p1 = TransformerFixtures.uniform(kernel.paramCount(), 71, 0.3);
    float[] p2 = TransformerFixtures.uniform(kernel.paramCount(), 72, 0.3);
    float[] x = TransformerFixtures.uniform(envs * IN, 73, 1.0);
    boolean[] flags = new boolean[envs];
    float[] out = new float[envs * width];
    float[] st = new float[kernel.stateSize()];
    kernel.load(p1, 0);
    // A load runs once per loop: its key/value recompute (the same Vector API products) would stay interpreted,
    // boxing vectors, for hundreds of loops. Compile it too; the zero measured is then the steady state's.
    for (int w = 0; w < 4000; w++) {
      kernel.load(w % 2 == 0 ? p2 : p1, 0);
    }
    return () -> {
      for (int s = 0; s < 200; s++) {
        if (s == 100) {
          kernel.load(s % 2 == 0 ? p2 : p1, 0);
        }
        flags[s % envs] = s % 7 == 0;
        if (s % 50 == 3) {
          kernel.resetEnv(s % envs);
        }
        kernel.step(x, flags, out);
        kernel.copyState(s % envs, st, 0);
        if (s % 60 == 5) {
          kernel.setState((s + 1) % envs, st, 0);
        }
      }
    };
  }

}
