package dev.mnemo.agents.kernel;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.blocks.InputRow;
import dev.mnemo.agents.core.CoreKernel;
import dev.mnemo.agents.core.RecurrentCore;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import java.util.List;
import java.util.Map;

/**
 * R2D2's recurrent Q-network forward step, batched over the {@code N} envs of a vector env, in plain
 * Java on weights copied from a {@link ParamSnapshot} laid out as {@link RecurrentQSpec#layout()} says.
 * It computes exactly the spec's equations (see {@link RecurrentQSpec}):
 * <pre>
 *   x   = [obs | onehot(prevAction) | prevReward]        {@link InputRow}; prevAction -1 = none
 *   e   = relu(... relu(x W_enc0 + b_enc0) ...)           {@link DenseLayer} per encoder entry
 *   s   = core(e, s)                                      the core's {@link CoreKernel}; h = s[0, H)
 *   u   = relu(h [v1.W | a1.W] + [v1.b | a1.b])           both dueling streams in one product
 *   [v | a] = u [[v2.W, 0], [0, a2.W]] + [v2.b | a2.b]    block-diagonal
 *   q   = v + a - mean(a)
 * </pre>
 * Weight layout mapping: every spec matrix is {@code [in, out]} row-major ({@code y = x W}) and its
 * element {@code (i, j)} keeps that meaning here; {@link #load} only changes where it is stored: the
 * dueling streams go side by side ({@code v1|a1}) and block-diagonal ({@code v2}, {@code a2}), so each
 * layer is one matrix product, and every matrix is stored in SIMD column panels ({@link PackedMatrix}).
 *
 * <p>State: the core's opaque state, {@code N x S} floats, double-buffered: {@link #step} reads the current
 * rows and writes the other buffer, so the state each env had BEFORE the last step stays available
 * ({@link #copyStateBefore}) for the sequence adder, which stores the state a sequence started from.
 * {@link #resetState(int)} zeroes an env's current state at its episode start.
 *
 * <p>An actor's loop over a {@code VectorEnv} of N copies (prevAction starts at -1, prevReward at 0):
 * <pre>
 *   kernel.load(snapshot);                       // again whenever a newer snapshot arrives
 *   loop:
 *     kernel.step(obs, prevAction, prevReward);  // state before this step: copyStateBefore(i, ...)
 *     policy.select(kernel.qValues(), action);   // EpsilonGreedy, one epsilon per env
 *     env.step(action, ...);                     // obs now holds the next observation
 *     for each env i: if terminated[i] || truncated[i]: kernel.resetState(i); prevAction[i] = -1;
 *                     prevReward[i] = 0; else prevAction[i] = action[i]; prevReward[i] = reward[i]
 * </pre>
 * The first few thousand steps run slowly (the Vector API is only fast once C2 has compiled it).
 *
 * <p>Nothing is allocated after construction: {@link #step} and {@link #load} (same spec) reuse every
 * array. Not thread-safe: one kernel per actor thread.
 */
public final class RecurrentQKernel {

  private final RecurrentQSpec spec;
  private final int batch;
  private final BatchOps ops;
  private final int obsSize;
  private final int numActions;
  private final int inputSize;
  private final int hidden;
  private final int stateSize;
  private final int headSize;
  private final int paramCount;
  private final RecurrentCore coreSpec;
  private final int coreOff;

  private final DenseLayer[] encoder;
  private final int[] encW;
  private final int[] encB;
  private final CoreKernel core;
  private final DenseLayer head1;
  private final DenseLayer head2;
  private final int v1W;
  private final int v1B;
  private final int a1W;
  private final int a1B;
  private final int v2W;
  private final int v2B;
  private final int a2W;
  private final int a2B;

  private final float[] x;
  private final float[][] encOut;
  private final float[][] state = new float[2][];
  private int cur;
  private final float[] u;
  private final float[] va;
  private final float[] q;
  private long version = -1;

  /** A kernel for {@code batch} envs on the fastest {@link BatchOps} this JVM offers. */
  public RecurrentQKernel(RecurrentQSpec spec, int batch) {
    this(spec, batch, BatchOps.best());
  }

  /**
   * @param ops which implementation of the batched operations to run (tests compare both)
   */
  public RecurrentQKernel(RecurrentQSpec spec, int batch, BatchOps ops) {
    if (spec == null || ops == null) {
      throw new IllegalArgumentException("spec and ops must not be null");
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    this.spec = spec;
    this.batch = batch;
    this.ops = ops;
    this.obsSize = spec.obsSize();
    this.numActions = spec.numActions();
    this.inputSize = spec.inputSize();
    this.hidden = spec.coreSize();
    this.headSize = spec.headSize();
    this.paramCount = spec.paramCount();
    this.coreSpec = spec.core();
    this.stateSize = coreSpec.stateSize();
    this.coreOff = spec.coreOffset();
    Map<String, ParamTensor> lay = spec.layoutByName();

    List<Integer> enc = spec.encoderSizes();
    encoder = new DenseLayer[enc.size()];
    encW = new int[enc.size()];
    encB = new int[enc.size()];
    encOut = new float[enc.size()][];
    int in = inputSize;
    for (int k = 0; k < enc.size(); k++) {
      encoder[k] = new DenseLayer(ops, in, enc.get(k), true);
      encW[k] = offset(lay, "enc" + k + ".W", in, enc.get(k));
      encB[k] = offset(lay, "enc" + k + ".b", 1, enc.get(k));
      encOut[k] = new float[batch * encoder[k].width()];
      in = enc.get(k);
    }
    core = coreSpec.kernel(ops, batch);
    head1 = new DenseLayer(ops, hidden, 2 * headSize, true);
    v1W = offset(lay, "v1.W", hidden, headSize);
    v1B = offset(lay, "v1.b", 1, headSize);
    a1W = offset(lay, "a1.W", hidden, headSize);
    a1B = offset(lay, "a1.b", 1, headSize);
    head2 = new DenseLayer(ops, 2 * headSize, 1 + numActions, false);
    v2W = offset(lay, "v2.W", headSize, 1);
    v2B = offset(lay, "v2.b", 1, 1);
    a2W = offset(lay, "a2.W", headSize, numActions);
    a2B = offset(lay, "a2.b", 1, numActions);

    x = new float[batch * inputSize];
    state[0] = new float[batch * stateSize];
    state[1] = new float[batch * stateSize];
    u = new float[batch * head1.width()];
    va = new float[batch * head2.width()];
    q = new float[batch * numActions];
  }

  private static int offset(Map<String, ParamTensor> lay, String name, int rows, int cols) {
    ParamTensor t = lay.get(name);
    if (t == null || t.rows() != rows || t.cols() != cols) {
      throw new IllegalStateException("RecurrentQSpec layout has " + t + " for " + name + ", the kernel"
          + " expects [" + rows + ", " + cols + "]");
    }
    return t.offset();
  }

  /**
   * Copies a snapshot's weights into the kernel's packed arrays (no allocation). The recurrent state is
   * left alone: actors keep their episodes' state across parameter refreshes, as R2D2's actors do.
   *
   * @throws IllegalArgumentException if the snapshot does not hold exactly {@code spec.paramCount()}
   *     floats
   */
  public void load(ParamSnapshot snapshot) {
    if (snapshot == null) {
      throw new IllegalArgumentException("snapshot must not be null");
    }
    float[] p = snapshot.params();
    if (p.length != paramCount) {
      throw new IllegalArgumentException("ParamSnapshot (version " + snapshot.version() + ") has "
          + p.length + " params, but " + spec + " needs exactly " + paramCount);
    }
    for (int k = 0; k < encoder.length; k++) {
      encoder[k].load(p, encW[k], encB[k]);
    }
    core.load(p, coreOff);
    // head1 = [v1.W | a1.W]: value stream in columns [0, hs), advantage stream in [hs, 2hs).
    head1.loadBlock(p, v1W, headSize, 0, 0, hidden, headSize);
    head1.loadBlock(p, a1W, headSize, 0, headSize, hidden, headSize);
    head1.loadBias(p, v1B, 0, headSize);
    head1.loadBias(p, a1B, headSize, headSize);
    // head2 = [[v2.W, 0], [0, a2.W]]: column 0 is v, columns 1..A are a; zero blocks stay zero.
    head2.loadBlock(p, v2W, 1, 0, 0, headSize, 1);
    head2.loadBlock(p, a2W, numActions, headSize, 1, headSize, numActions);
    head2.loadBias(p, v2B, 0, 1);
    head2.loadBias(p, a2B, 1, numActions);
    version = snapshot.version();
  }

  /**
   * One step for all envs. Reads the current state, writes the next one and the Q-values.
   *
   * @param obs {@code N x obsSize} row-major
   * @param prevAction per env the previous action in {@code [0, A)}, or -1 at an episode's first step
   * @param prevReward per env the previous reward (0 at an episode's first step)
   */
  public void step(float[] obs, int[] prevAction, float[] prevReward) {
    if (version < 0) {
      throw new IllegalStateException("no parameters loaded: call load(ParamSnapshot) before step");
    }
    if (obs.length < batch * obsSize || prevAction.length < batch || prevReward.length < batch) {
      throw new IllegalArgumentException("step needs obs >= " + batch * obsSize + " floats and "
          + batch + " previous actions/rewards; got obs=" + obs.length + ", prevAction="
          + prevAction.length + ", prevReward=" + prevReward.length);
    }
    for (int e = 0; e < batch; e++) {
      int pa = prevAction[e];
      if (pa < -1 || pa >= numActions) { // checked here too so the message names the env
        throw new IllegalArgumentException("prevAction[" + e + "] = " + pa + ", expected -1 (none) or"
            + " an action in [0, " + numActions + ")");
      }
      InputRow.fill(x, e * inputSize, obs, e * obsSize, obsSize, numActions, pa, prevReward[e]);
    }
    float[] in = x;
    int ld = inputSize;
    for (int k = 0; k < encoder.length; k++) {
      encoder[k].forward(batch, in, 0, ld, encOut[k], 0, encoder[k].width());
      in = encOut[k];
      ld = encoder[k].width();
    }
    int next = 1 - cur;
    core.step(batch, in, 0, ld, state[cur], state[next]);
    cur = next;
    // The output h is the first H floats of each state row.
    head1.forward(batch, state[cur], 0, stateSize, u, 0, head1.width());
    int w2 = head2.width();
    head2.forward(batch, u, 0, head1.width(), va, 0, w2);
    for (int e = 0; e < batch; e++) {
      int o = e * w2;
      float mean = 0f;
      for (int a = 0; a < numActions; a++) {
        mean += va[o + 1 + a];
      }
      mean /= numActions;
      float v = va[o];
      for (int a = 0; a < numActions; a++) {
        q[e * numActions + a] = v + va[o + 1 + a] - mean;
      }
    }
  }

  /** Zeroes env {@code env}'s current state: call at its episode start, before the next step. */
  public void resetState(int env) {
    checkEnv(env);
    java.util.Arrays.fill(state[cur], env * stateSize, (env + 1) * stateSize, 0f);
  }

  /** Zeroes every env's current state. */
  public void resetAllStates() {
    java.util.Arrays.fill(state[cur], 0f);
  }

  /** Sets env {@code env}'s current state (e.g. a stored state): {@link #stateSize()} floats from {@code off}. */
  public void setState(int env, float[] src, int off) {
    checkEnv(env);
    System.arraycopy(src, off, state[cur], env * stateSize, stateSize);
  }

  /** Copies env {@code env}'s current state (after the last step, or after a reset). */
  public void copyState(int env, float[] dst, int off) {
    checkEnv(env);
    System.arraycopy(state[cur], env * stateSize, dst, off, stateSize);
  }

  /** Copies the state env {@code env} had before the last {@link #step} (its input state). */
  public void copyStateBefore(int env, float[] dst, int off) {
    checkEnv(env);
    System.arraycopy(state[1 - cur], env * stateSize, dst, off, stateSize);
  }

  /** Floats of recurrent state per env (the core's state width). */
  public int stateSize() {
    return stateSize;
  }

  /**
   * The Q-values of the last step, {@code N x A} row-major. The kernel's own buffer: read it, do not
   * keep or modify it; the next step overwrites it.
   */
  public float[] qValues() {
    return q;
  }

  /** One Q-value of the last step. */
  public float q(int env, int action) {
    checkEnv(env);
    if (action < 0 || action >= numActions) {
      throw new IllegalArgumentException("action must be in [0, " + numActions + "), got " + action);
    }
    return q[env * numActions + action];
  }

  private void checkEnv(int env) {
    if (env < 0 || env >= batch) {
      throw new IllegalArgumentException("env must be in [0, " + batch + "), got " + env);
    }
  }

  public RecurrentQSpec spec() {
    return spec;
  }

  public int batch() {
    return batch;
  }

  /** Version of the loaded snapshot, -1 before the first {@link #load}. */
  public long paramVersion() {
    return version;
  }

  /** Name of the batched-ops implementation in use. */
  public String opsName() {
    return ops.name();
  }

  /** Floating-point operations of one env's step (2 per multiply-add of the matrix products). */
  public long flopsPerEnvStep() {
    long macs = coreSpec.macsPerStep() + head1.macsPerRow() + (long) headSize * (1 + numActions);
    for (DenseLayer d : encoder) {
      macs += d.macsPerRow();
    }
    return 2 * macs;
  }
}
