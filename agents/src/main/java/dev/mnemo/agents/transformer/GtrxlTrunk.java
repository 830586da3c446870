package dev.mnemo.agents.transformer;

import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.kernel.BatchOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The gated Transformer's body (GTrXL): a linear embedding of each step's input row, then {@code layers}
 * {@link GtrxlBlock}s, each attending over its own memory (the rows that entered it in the previous segment, a
 * constant) and the current segment; heads go on top ({@code agents/blocks}). Training runs a batch of segments of
 * {@code T} steps; {@link Pass#nextMemory} hands the memory on to the next segment of the same streams:
 * <pre>
 *   E^0 = x W_e + b_e
 *   E^l = block_l(E^{l-1}; Mem^l)                     l = 1..layers, out = E^layers
 *   Mem^l_next = last M rows of [Mem^l ; E^{l-1}]    (what entered layer l)
 * </pre>
 * Episodes: a step flagged as an episode start hides every earlier row, in memory or segment, from itself and the
 * rest of its episode (per query, {@code firstKey} of {@link CausalMemoryAttention}); each stream's memory knows
 * how many of its rows belong to the episode under way ({@link Memory#valid}), so a fresh stream, or one whose
 * episode began in the previous segment, sees only its own episode's rows.
 */
public final class GtrxlTrunk {

  private final int in;
  private final int d;
  private final int layers;
  private final int heads;
  private final int ff;
  private final double gateBias;
  private final int mem;
  private final int seg;
  private final GtrxlBlock[] blocks;
  private final int embedW;
  private final int embedB;
  private final int[] blockOff;
  private final int count;

  public GtrxlTrunk(int inputWidth, int width, int layers, int heads, int memory, int segment, int ffWidth,
      double gateBias, BatchOps ops) {
    if (inputWidth < 1 || layers < 1) {
      throw new IllegalArgumentException("a trunk needs inputWidth >= 1 and layers >= 1, got " + inputWidth + ", "
          + layers);
    }
    this.in = inputWidth;
    this.d = width;
    this.layers = layers;
    this.heads = heads;
    this.ff = ffWidth;
    this.gateBias = gateBias;
    this.mem = memory;
    this.seg = segment;
    this.blocks = new GtrxlBlock[layers];
    this.blockOff = new int[layers];
    int off = 0;
    embedW = off;
    off += in * d;
    embedB = off;
    off += d;
    for (int l = 0; l < layers; l++) {
      blocks[l] = new GtrxlBlock(width, heads, memory, segment, ffWidth, gateBias, ops);
      blockOff[l] = off;
      off += blocks[l].paramCount();
    }
    count = off;
  }

  public int paramCount() {
    return count;
  }

  public int width() {
    return d;
  }

  public int memory() {
    return mem;
  }

  public int segment() {
    return seg;
  }

  public int layers() {
    return layers;
  }

  public int inputWidth() {
    return in;
  }

  public int heads() {
    return heads;
  }

  public int ffWidth() {
    return ff;
  }

  /** GTrXL's {@code b_g} of every gate. */
  public double gateBias() {
    return gateBias;
  }

  /**
   * This trunk's acting form for {@code envs} envs stepped together: a {@link GtrxlKernel} of the same shape,
   * which loads this trunk's parameter layout.
   */
  public GtrxlKernel newKernel(int envs, BatchOps ops) {
    return new GtrxlKernel(in, d, layers, heads, mem, seg, ff, gateBias, envs, ops);
  }

  /** {@code name.We}, {@code name.be}, then each block's tensors under {@code name.l<i>}. */
  public List<ParamTensor> layout(String name) {
    List<ParamTensor> l = new ArrayList<>();
    l.add(new ParamTensor(name + ".We", in, d, embedW));
    l.add(new ParamTensor(name + ".be", 1, d, embedB));
    for (int i = 0; i < layers; i++) {
      for (ParamTensor t : blocks[i].layout(name + ".l" + i)) {
        l.add(new ParamTensor(t.name(), t.rows(), t.cols(), blockOff[i] + t.offset()));
      }
    }
    return l;
  }

  public void initialize(float[] params, int offset, SplittableRandom rng) {
    double limit = Math.sqrt(6.0 / (in + d));
    for (int i = 0; i < in * d; i++) {
      params[offset + embedW + i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
    }
    Arrays.fill(params, offset + embedB, offset + embedB + d, 0f);
    for (int l = 0; l < layers; l++) {
      blocks[l].initialize(params, offset + blockOff[l], rng);
    }
  }

  /** Empty memory for {@code batch} streams (no valid rows). */
  public Memory newMemory(int batch) {
    return new Memory(batch);
  }

  /**
   * Per stream and layer, the last {@code M} rows that entered the layer, and per stream how many of them belong to
   * the episode under way.
   */
  public final class Memory {
    final int batch;
    final float[][] rows;
    final int[] valid;

    private Memory(int batch) {
      this.batch = batch;
      this.rows = new float[layers][batch * mem * d];
      this.valid = new int[batch];
    }

    /** Rows of stream {@code b} that belong to its episode under way (0 .. M). */
    public int valid(int b) {
      return valid[b];
    }

    /**
     * Copies layer {@code layer}'s rows ({@code batch x M x d}, stream-major) into {@code dst} at {@code off}: for
     * checks and for building the same computation elsewhere (the SameDiff benchmark graph), not for a hot path.
     */
    public void copyRows(int layer, float[] dst, int off) {
      System.arraycopy(rows[layer], 0, dst, off, rows[layer].length);
    }

    /** Forgets every stream's rows (each starts afresh). */
    public void clear() {
      for (float[] r : rows) {
        Arrays.fill(r, 0f);
      }
      Arrays.fill(valid, 0);
    }
  }

  public Pass newPass(int batch) {
    return new Pass(batch);
  }

  /** One forward and backward over a batch of segments. Not thread-safe. */
  public final class Pass {
    private final int maxBatch;
    private final GtrxlBlock.Pass[] passes;
    /** e[l]: the rows entering layer l ({@code E^l}, e[layers] the output). */
    private final float[][] e;
    private final float[] dA;
    private final float[] dB;
    private final int[] firstKey;
    private final boolean[] starts;
    private final int[] validBefore;
    private float[] x;
    private int xOff;
    private int batch;

    private Pass(int maxBatch) {
      if (maxBatch < 1) {
        throw new IllegalArgumentException("a trunk pass needs batch >= 1, got " + maxBatch);
      }
      this.maxBatch = maxBatch;
      passes = new GtrxlBlock.Pass[layers];
      for (int l = 0; l < layers; l++) {
        passes[l] = blocks[l].newPass(maxBatch);
      }
      e = new float[layers + 1][maxBatch * seg * d];
      dA = new float[maxBatch * seg * d];
      dB = new float[maxBatch * seg * d];
      firstKey = new int[maxBatch * seg];
      starts = new boolean[maxBatch * seg];
      validBefore = new int[maxBatch];
    }

    /**
     * The trunk's output rows ({@link #output()}) for {@code batch} segments of input rows {@code x}
     * ({@code batch x T x inputWidth}, kept by reference for the backward) with {@code memory}; {@code episodeStart}
     * ({@code batch x T}) flags the steps that begin an episode.
     */
    public void forward(int batch, float[] params, int pOff, float[] x, int xOff, boolean[] episodeStart,
        Memory memory) {
      if (batch < 1 || batch > maxBatch || memory.batch < batch) {
        throw new IllegalArgumentException("trunk pass of " + batch + " segments (built for 1.." + maxBatch
            + ", memory for " + memory.batch + ")");
      }
      this.batch = batch;
      this.x = x;
      this.xOff = xOff;
      for (int b = 0; b < batch; b++) {
        validBefore[b] = memory.valid[b];
        int first = mem - memory.valid[b];
        for (int t = 0; t < seg; t++) {
          starts[b * seg + t] = episodeStart[b * seg + t];
          if (episodeStart[b * seg + t]) {
            first = mem + t;
          }
          firstKey[b * seg + t] = first;
        }
      }
      int rows = batch * seg;
      float[] e0 = e[0];
      GtrxlBlock.broadcastRows(rows, d, params, pOff + embedB, e0);
      RowMajor.mulAdd(rows, in, d, x, xOff, in, params, pOff + embedW, d, e0, 0, d);
      for (int l = 0; l < layers; l++) {
        passes[l].forward(batch, params, pOff + blockOff[l], e[l], 0, memory.rows[l], 0, firstKey, e[l + 1], 0);
      }
    }

    /** The output rows {@code E^layers} of the last forward ({@code batch x T x d}). */
    public float[] output() {
      return e[layers];
    }

    /**
     * Writes into {@code next} the memory that follows the last forward's segments: per layer the last {@code M}
     * rows of {@code [Mem ; E^{l-1}]}, and how many belong to the episode under way. {@code next} may be the
     * memory the forward read.
     */
    public void nextMemory(Memory previous, Memory next) {
      for (int b = 0; b < batch; b++) {
        int sinceStart = -1;
        for (int t = seg - 1; t >= 0 && sinceStart < 0; t--) {
          if (starts[b * seg + t]) {
            sinceStart = seg - t;
          }
        }
        int valid = sinceStart >= 0 ? Math.min(mem, sinceStart) : Math.min(mem, validBefore[b] + seg);
        for (int l = 0; l < layers; l++) {
          shift(previous.rows[l], next.rows[l], e[l], b);
        }
        next.valid[b] = valid;
      }
    }

    /** Stream b's last M rows of [prev memory ; segment rows] into next (prev and next may be the same array). */
    private void shift(float[] prev, float[] next, float[] segRows, int b) {
      int base = b * mem * d;
      if (seg >= mem) {
        System.arraycopy(segRows, (b * seg + seg - mem) * d, next, base, mem * d);
      } else {
        int keep = mem - seg;
        System.arraycopy(prev, base + seg * d, next, base, keep * d);
        System.arraycopy(segRows, b * seg * d, next, base + keep * d, seg * d);
      }
    }

    /**
     * From dLoss/d(output rows), adds the trunk's parameter gradients to {@code grad[gOff, gOff + paramCount())}.
     * Nothing flows into the memory (Transformer-XL's stop-gradient), nor into the input rows.
     */
    public void backward(float[] params, int pOff, float[] dOut, int dOutOff, float[] grad, int gOff) {
      int rows = batch * seg;
      float[] d1 = dA;
      float[] d2 = dB;
      System.arraycopy(dOut, dOutOff, d1, 0, rows * d);
      for (int l = layers - 1; l >= 0; l--) {
        passes[l].backward(params, pOff + blockOff[l], d1, 0, d2, 0, grad, gOff + blockOff[l]);
        float[] tmp = d1;
        d1 = d2;
        d2 = tmp;
      }
      // d1 = dLoss/dE^0: the embedding's gradients.
      RowMajor.mulAddAt(rows, in, d, x, xOff, in, d1, 0, d, grad, gOff + embedW, d);
      if (RowMajor.LANES) {
        RowLanes.addColumnSums(rows, d, d1, 0, grad, gOff + embedB);
      } else {
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < d; c++) {
            grad[gOff + embedB + c] += d1[r * d + c];
          }
        }
      }
    }
  }
}
