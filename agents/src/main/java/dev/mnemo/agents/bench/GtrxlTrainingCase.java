package dev.mnemo.agents.bench;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.transformer.GtrxlGate;
import dev.mnemo.agents.transformer.GtrxlTrunk;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One fixed training pass of a {@link TransformerActorCritic} (what ALD's PPO step runs per segment of a minibatch):
 * seeded parameters, input rows, a memory filled by a previous segment, and the linear loss of
 * {@link GtrxlSameDiffPass} ({@code L = sum Q log pi + sum c V}, whose logit gradient {@code Q - pi sum_a Q} stands in
 * for PPO's: the per-step loss is a few FLOPs per action beside the network's). {@link #javaForwardBackward} is the
 * Java engine's forward and backward (allocation-free, the benchmark's timed body); {@link #sameDiff} builds the same
 * computation as a SameDiff graph. Not thread-safe.
 */
public final class GtrxlTrainingCase {

  /**
   * A Transformer actor-critic's size and the pass's batch: {@code batch} segments of {@code segment} steps, each
   * attending over {@code memory} rows per layer; linear heads (ALD's run kind builds them so).
   */
  public record Shape(int input, int width, int layers, int heads, int memory, int segment, int ff, int actions,
      int batch) {
    @Override
    public String toString() {
      return String.format("L%d d%d H%d M%d T%d ff%d, in %d, %d actions, %d segments", layers, width, heads, memory,
          segment, ff, input, actions, batch);
    }
  }

  private final Shape s;
  private final TransformerActorCritic net;
  private final float[] params;
  private final float[] x;
  private final float[][] memoryRows;
  private final boolean[] starts;
  private final int[] firstKey;
  private final float[] q;
  private final float[] c;
  private final GtrxlTrunk.Memory memory;
  private final TransformerActorCritic.Pass pass;
  private final float[] dz;
  private final float[] dv;
  private final float[] grad;

  /**
   * @param previousStarts episode starts of the segment that fills the memory first ({@code batch x T}); null: the
   *     memory stays empty (every stream starts afresh)
   * @param starts episode starts of the measured segment ({@code batch x T})
   */
  public GtrxlTrainingCase(Shape shape, long seed, boolean[] previousStarts, boolean[] starts) {
    this.s = shape;
    GtrxlTrunk trunk = new GtrxlTrunk(shape.input(), shape.width(), shape.layers(), shape.heads(), shape.memory(),
        shape.segment(), shape.ff(), GtrxlGate.DEFAULT_GATE_BIAS, BatchOps.best());
    this.net = new TransformerActorCritic(trunk, List.of(), shape.actions(), BatchOps.best());
    this.params = net.initialParams(seed);
    SplittableRandom rng = new SplittableRandom(seed + 1);
    // Parameters moved off their initial values (relative biases zero, gates nearly closed, norms at gain 1) so
    // that every path carries gradient, as after some training.
    for (int i = 0; i < params.length; i++) {
      params[i] += (float) (rng.nextGaussian() * 0.05);
    }
    int rows = shape.batch() * shape.segment();
    this.x = uniform(rows * shape.input(), rng);
    this.starts = starts.clone();
    this.q = uniform(rows * shape.actions(), rng);
    this.c = uniform(rows, rng);
    this.memory = trunk.newMemory(shape.batch());
    this.pass = net.newPass(shape.batch());
    if (previousStarts != null) {
      pass.forward(shape.batch(), params, uniform(rows * shape.input(), rng), 0, previousStarts, memory);
      pass.nextMemory(memory, memory);
    }
    this.memoryRows = new float[shape.layers()][shape.batch() * shape.memory() * shape.width()];
    for (int l = 0; l < shape.layers(); l++) {
      memory.copyRows(l, memoryRows[l], 0);
    }
    // What GtrxlTrunk derives per query: the memory's first valid row, or the episode start's row.
    this.firstKey = new int[rows];
    for (int b = 0; b < shape.batch(); b++) {
      int first = shape.memory() - memory.valid(b);
      for (int t = 0; t < shape.segment(); t++) {
        if (starts[b * shape.segment() + t]) {
          first = shape.memory() + t;
        }
        firstKey[b * shape.segment() + t] = first;
      }
    }
    this.dz = new float[rows * shape.actions()];
    this.dv = new float[rows];
    this.grad = new float[net.paramCount()];
  }

  /** A case at {@code shape} whose memory is full (when {@code T >= M}) and with no episode start: the steady state. */
  public static GtrxlTrainingCase steadyState(Shape shape, long seed) {
    boolean[] previous = new boolean[shape.batch() * shape.segment()];
    for (int b = 0; b < shape.batch(); b++) {
      previous[b * shape.segment()] = true;
    }
    return new GtrxlTrainingCase(shape, seed, previous, new boolean[shape.batch() * shape.segment()]);
  }

  private static float[] uniform(int n, SplittableRandom rng) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return a;
  }

  public Shape shape() {
    return s;
  }

  public TransformerActorCritic net() {
    return net;
  }

  /**
   * The Java engine's forward and backward of the loss: the memory is left as the previous segment left it (the
   * pass does not advance it), so every call computes the same thing. The gradient is in {@link #javaGradient()}.
   */
  public double javaForwardBackward() {
    int rows = s.batch() * s.segment();
    int na = s.actions();
    pass.forward(s.batch(), params, x, 0, starts, memory);
    float[] logp = pass.logProbs();
    double loss = 0;
    for (int r = 0; r < rows; r++) {
      float qs = 0f;
      for (int a = 0; a < na; a++) {
        qs += q[r * na + a];
        loss += q[r * na + a] * logp[r * na + a];
      }
      for (int a = 0; a < na; a++) {
        dz[r * na + a] = q[r * na + a] - (float) Math.exp(logp[r * na + a]) * qs;
      }
      float v = pass.value(r);
      loss += c[r] * v;
      dv[r] = c[r];
    }
    pass.backward(params, dz, dv, grad);
    return loss;
  }

  /** The gradient of the last {@link #javaForwardBackward()} (the array itself). */
  public float[] javaGradient() {
    return grad;
  }

  /** The same pass as a SameDiff graph, built anew on each call (a few seconds at the size). */
  public GtrxlSameDiffPass sameDiff() {
    return new GtrxlSameDiffPass(net, s.batch(), params, x, memoryRows, firstKey, q, c);
  }

  /** Keys the case's queries see, summed over queries (the attention's work). */
  public long visibleKeys() {
    long n = 0;
    for (int b = 0; b < s.batch(); b++) {
      for (int t = 0; t < s.segment(); t++) {
        n += s.memory() + t + 1 - firstKey[b * s.segment() + t];
      }
    }
    return n;
  }

  /**
   * FLOPs of the forward, counted from the shapes (a multiply-add is 2): the embedding ({@code 2 R in d}, R = B T
   * rows); per layer the query and output projections ({@code 2 R d^2} each), key and value projections over memory
   * and segment rows ({@code 2 B (M + T) d^2} each), scores and weighted values over the visible keys only
   * ({@code 2 d} each per query-key pair, all heads together), the two gates' six {@code d x d} products each
   * ({@code 2 R d^2} a product: {@code 24 R d^2}), the MLP ({@code 4 R d ff}); the linear heads
   * ({@code 2 R d (A + 1)}). Layer norms, softmax and element-wise nonlinearities are not counted (a few percent).
   */
  public double forwardFlops() {
    double r = (double) s.batch() * s.segment();
    double d = s.width();
    double ctx = (double) s.batch() * (s.memory() + s.segment());
    double perLayer = 2 * r * d * d * 2 + 2 * ctx * d * d * 2 + 4 * d * visibleKeys() + 2 * 6 * 2 * r * d * d
        + 4 * r * d * s.ff();
    return 2 * r * s.input() * d + s.layers() * perLayer + 2 * r * d * (s.actions() + 1);
  }

  /**
   * FLOPs of forward and backward: the backward of each product is two products of its size (the gradients in both
   * operands), so 3x the forward, less the embedding's input gradient, which is never computed ({@code 2 R in d}).
   */
  public double trainingFlops() {
    return 3 * forwardFlops() - 2.0 * s.batch() * s.segment() * s.input() * s.width();
  }
}
