package dev.mnemo.learners.r2d2;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.r2d2.NStepDoubleQ;
import dev.mnemo.agents.r2d2.QUnroll;
import dev.mnemo.agents.r2d2.RecurrentQModel;
import dev.mnemo.agents.r2d2.RecurrentQNetwork;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import dev.mnemo.agents.r2d2.TdLoss;
import dev.mnemo.learners.agent.Learner;
import dev.mnemo.learners.checkpoint.CheckpointFile;
import dev.mnemo.learners.optim.Adam;
import dev.mnemo.learners.optim.AdamState;
import dev.mnemo.learners.optim.GlobalNormClip;
import dev.mnemo.replay.SequenceBatch;
import java.nio.file.Path;
import java.util.List;

/**
 * R2D2's learner (Kapturowski et al. 2019). One {@link #update} is the paper's step:
 * <ol>
 *   <li>unroll the online and the target network from the stored core state — or from zeros in the
 *       zero-state ablation — over the whole sequence, forward only: the burn-in prefix warms the state
 *       and the rest gives Q for the n-step double-Q targets;</li>
 *   <li>y_t = h(n-step return + gamma^n h^-1(Q_target(s_{t+n}, argmax Q_online(s_{t+n})))) on the trained
 *       steps, with termination, truncation and padding as {@link NStepDoubleQ} documents;</li>
 *   <li>masked importance-weighted TD loss ({@link TdLoss}) and dLoss/dQ in plain Java;</li>
 *   <li>gradient of the trained steps only, backpropagated through the online unroll of step 1 from the
 *       burn-in's final state held constant (no gradient flows into the burn-in);</li>
 *   <li>global gradient-norm clipping, Adam, target copy every {@code targetPeriod} updates.</li>
 * </ol>
 * Not thread-safe: one trainer thread owns it.
 */
public final class R2d2Learner implements Learner {

  private static final String MAGIC = "mnemo-r2d2-learner";
  /** 2: the spec records the core's name and size (1: an implicit LSTM; refused, naming both versions). */
  private static final int FORMAT = 2;

  private final RecurrentQSpec spec;
  private final R2d2Config config;
  private final RecurrentQModel online;
  private final RecurrentQModel target;
  private final float[] params;
  private final float[] grad;
  private Adam adam;
  private long updates;

  // Reused per-update buffers (sized on first use for the batch shape).
  private int bufBatch = -1;
  private float[] zeros;
  private float[] y;
  private float[] valid;
  private float[] qTrain;
  private int[] actTrain;
  private float[] dq;

  public R2d2Learner(RecurrentQSpec spec, R2d2Config config) {
    if (!spec.equals(specFor(config, spec.obsSize(), spec.numActions()))) {
      throw new IllegalArgumentException("network spec " + spec + " does not match the config's core="
          + config.core() + ", core_size=" + config.coreSize() + ", head_size=" + config.headSize()
          + ", encoder_sizes=" + config.encoderSizes());
    }
    this.spec = spec;
    this.config = config;
    float[] init = RecurrentQNetwork.initialParams(spec, config.seed());
    this.online = model(spec, config.engine(), init);
    this.target = model(spec, config.engine(), init);
    this.params = online.params();
    this.grad = new float[params.length];
    this.adam = new Adam(params.length, config.learningRate(), config.adamEpsilon());
  }

  private static RecurrentQModel model(RecurrentQSpec spec, String engine, float[] params) {
    return "samediff".equals(engine) ? new RecurrentQNetwork(spec, params)
        : new dev.mnemo.agents.r2d2.RecurrentQGemm(spec, params);
  }

  /** The network spec a config implies for an env with these observation and action sizes. */
  public static RecurrentQSpec specFor(R2d2Config config, int obsSize, int numActions) {
    return new RecurrentQSpec(obsSize, numActions, config.encoderSizes(), config.core(), config.coreSize(),
        config.headSize());
  }

  public RecurrentQSpec spec() {
    return spec;
  }

  public R2d2Config config() {
    return config;
  }

  /** Updates done so far (also the version of {@link #snapshot()}). */
  @Override
  public long updates() {
    return updates;
  }

  /** The online parameters for actors, versioned by the update count. */
  @Override
  public ParamSnapshot snapshot() {
    return online.snapshot(updates);
  }

  public float[] onlineParams() {
    return online.params();
  }

  public float[] targetParams() {
    return target.params();
  }

  /** One SGD step on the batch; returns its statistics and the batch's new priorities. */
  public UpdateStats update(TrainingBatch batch) {
    return run(batch, true);
  }

  /** One SGD step on a batch sampled from the replay (its importance weights included). */
  public UpdateStats update(SequenceBatch b) {
    return run(wrap(b), true);
  }

  @Override
  public int batchSize() {
    return config.batchSize();
  }

  /** The {@link Learner} step: {@link #update(SequenceBatch)}'s new priorities. */
  @Override
  public float[] step(SequenceBatch batch) {
    return update(batch).priorities();
  }

  /** Wraps a replay batch's arrays (no copy). */
  public static TrainingBatch wrap(SequenceBatch b) {
    return new TrainingBatch(b.batchSize(), b.length(), b.obsSize(), b.stateSize(), b.obs, b.actions, b.rewards,
        b.discounts, b.mask, b.prevActions, b.prevRewards, b.state0, b.weights);
  }

  /** The loss, statistics and priorities of the batch under the current parameters, without a step. */
  public UpdateStats evaluate(TrainingBatch batch) {
    return run(batch, false);
  }

  private UpdateStats run(TrainingBatch b, boolean train) {
    long start = System.nanoTime();
    int bs = b.batchSize();
    int len = b.length();
    int l = config.burnIn();
    int m = config.traceLength();
    int na = spec.numActions();
    int ss = spec.stateSize();
    if (len != config.sequenceLength()) {
      throw new IllegalArgumentException("batch length " + len + " != burn_in + trace_length + n_step = "
          + config.sequenceLength());
    }
    if (b.obsSize() != spec.obsSize() || b.stateSize() != ss) {
      throw new IllegalArgumentException("batch obsSize/stateSize " + b.obsSize() + "/" + b.stateSize()
          + " != network " + spec.obsSize() + "/" + ss);
    }
    ensureBuffers(bs);
    float[] state0 = config.storedState() ? b.state0() : zeros;

    // 1. forward-only unrolls over the whole sequence from the stored (or zero) state
    QUnroll on = online.unroll(bs, len, 0, len, b.obs(), b.prevActions(), b.prevRewards(), state0);
    QUnroll tg = target.unroll(bs, len, 0, len, b.obs(), b.prevActions(), b.prevRewards(), state0);
    // 2. n-step double-Q targets on the trained steps [l, l + m)
    NStepDoubleQ.targets(bs, len, na, l, m, config.nStep(), config.gamma(), b.rewards(), b.discounts(),
        b.mask(), on.q(), tg.q(), y, valid);
    for (int s = 0; s < bs; s++) {
      System.arraycopy(on.q(), (s * len + l) * na, qTrain, s * m * na, m * na);
      System.arraycopy(b.actions(), s * len + l, actTrain, s * m, m);
    }
    // 3. loss, dLoss/dQ and priorities
    float[] priorities = new float[bs];
    TdLoss.Result r = TdLoss.compute(bs, m, na, qTrain, actTrain, y, valid, b.weights(),
        config.priorityEta(), dq, priorities);
    double norm = Double.NaN;
    if (train) {
      // 4. gradient through the trained steps only, starting from the burn-in state: the online unroll of
      // step 1 already went through them from the same state.
      online.gradientOfLastUnroll(bs, len, l, m, dq, grad);
      norm = GlobalNormClip.clip(grad, config.maxGradNorm());
      // 5. Adam, publish, target copy
      adam.apply(params, grad);
      online.setParams(params);
      updates++;
      if (updates % config.targetPeriod() == 0) {
        target.setParams(params);
      }
      if (online.holdsNativeMemory() && updates % config.gcInterval() == 0) {
        // ND4J frees native buffers only when the JVM collects their owners (DESIGN.md).
        System.gc();
      }
    }
    return new UpdateStats(updates, r.loss(), r.meanAbsTd(), r.meanQ(), norm,
        (System.nanoTime() - start) / 1e9, priorities);
  }

  private void ensureBuffers(int bs) {
    if (bs == bufBatch) {
      return;
    }
    int m = config.traceLength();
    zeros = new float[bs * spec.stateSize()];
    y = new float[bs * m];
    valid = new float[bs * m];
    qTrain = new float[bs * m * spec.numActions()];
    actTrain = new int[bs * m];
    dq = new float[bs * m * spec.numActions()];
    bufBatch = bs;
  }

  /** Writes everything needed to continue exactly: parameters, target, Adam moments and step, counters. */
  @Override
  public void save(Path file) {
    CheckpointFile.write(file, MAGIC, FORMAT, out -> {
      out.writeInt(spec.obsSize());
      out.writeInt(spec.numActions());
      out.writeInt(spec.encoderSizes().size());
      for (int s : spec.encoderSizes()) {
        out.writeInt(s);
      }
      out.writeUTF(spec.coreName());
      out.writeInt(spec.coreSize());
      out.writeInt(spec.headSize());
      out.writeLong(updates);
      AdamState a = adam.state();
      out.writeLong(a.step());
      CheckpointFile.writeFloats(out, params);
      CheckpointFile.writeFloats(out, target.params());
      CheckpointFile.writeFloats(out, a.m());
      CheckpointFile.writeFloats(out, a.v());
    });
  }

  /** Restores a checkpoint written by {@link #save} for the same network spec. */
  @Override
  public void restore(Path file) {
    CheckpointFile.read(file, MAGIC, FORMAT, in -> {
      int obs = in.readInt();
      int na = in.readInt();
      int ne = in.readInt();
      if (ne < 0 || ne > 64) {
        throw new IllegalStateException("corrupt checkpoint " + file + ": " + ne + " encoder layers");
      }
      Integer[] enc = new Integer[ne];
      for (int i = 0; i < ne; i++) {
        enc[i] = in.readInt();
      }
      RecurrentQSpec stored = new RecurrentQSpec(obs, na, List.of(enc), in.readUTF(), in.readInt(), in.readInt());
      if (!stored.equals(spec)) {
        throw new IllegalStateException("checkpoint " + file + " was written for " + stored
            + ", this learner has " + spec);
      }
      long u = in.readLong();
      long step = in.readLong();
      int n = params.length;
      float[] p = CheckpointFile.readFloats(in, n, "online params");
      float[] t = CheckpointFile.readFloats(in, n, "target params");
      float[] m = CheckpointFile.readFloats(in, n, "adam m");
      float[] v = CheckpointFile.readFloats(in, n, "adam v");
      System.arraycopy(p, 0, params, 0, n);
      online.setParams(p);
      target.setParams(t);
      Adam a = new Adam(n, config.learningRate(), config.adamEpsilon());
      a.restore(new AdamState(m, v, step));
      adam = a;
      updates = u;
      return null;
    });
  }
}
