package dev.mnemo.learners.rl2;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.Gae;
import dev.mnemo.agents.rl2.PopArt;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.agents.rl2.RecurrentActorCritic;
import dev.mnemo.learners.checkpoint.CheckpointFile;
import dev.mnemo.learners.optim.AdamState;
import dev.mnemo.learners.optim.AdamW;
import dev.mnemo.learners.optim.GlobalNormClip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * PPO over batches of whole trials (RL²'s learner). One {@link #update}: the values of every step under the
 * current parameters (the critic the advantages use), GAE over each whole trial ({@link Gae}: never cut at an
 * inner episode end), optionally standardised advantages, then {@code epochs} passes of {@code minibatches}
 * shuffled minibatches of whole trials, each unrolled from the trial's start (BPTT over the whole trial), the
 * loss of {@link PpoLoss} averaged over valid steps (padding masked), its gradient clipped by global norm and
 * applied by {@link AdamW}. A minibatch's trials may be split over several threads (shards), whose gradients are
 * summed in shard order. With PopArt ({@link PopArt}) the value head predicts normalised values: V for GAE is
 * denormalised, the targets' moments are updated (output-preserving) once per update after GAE, and the value
 * loss compares normalised values with normalised targets. Not thread-safe: one learner thread owns it.
 */
public final class PpoLearner implements AutoCloseable {
  private static final String MAGIC = "MNEMO-PPO";
  /** 2: the minibatch shuffle's state after PopArt's. */
  private static final int FORMAT = 2;

  private final ActorCriticSpec spec;
  private final PpoConfig cfg;
  private final float[] params;
  private final float[] grad;
  private final AdamW adam;
  /** Minibatch shuffling (SplittableRandom's stream, savable: a checkpoint continues the same minibatches). */
  private final dev.mnemo.envs.SplitMixRandom shuffle;
  private final PpoLoss.Stats stats = new PpoLoss.Stats();
  /** Null when values are not normalised. */
  private final PopArt popArt;
  /** One per thread; shard 0 runs on the caller's thread. */
  private final Shard[] shards;
  /** Runs shards 1.. (null with one thread). */
  private final ExecutorService pool;
  private long updates;
  /** The loss of the update in progress: the config's, with the schedule's entropy bonus (read by the shards). */
  private PpoLoss loss;
  // Per-batch buffers, sized on first use for a batch shape.
  private int bufTrials = -1;
  private int bufTime = -1;
  private float[] values;
  private float[] adv;
  private float[] ret;
  private int[] order;

  /** A single-threaded learner. */
  public PpoLearner(ActorCriticSpec spec, PpoConfig cfg, float[] initialParams) {
    this(spec, cfg, initialParams, 1);
  }

  /**
   * @param threads each minibatch's trials are split into this many shards whose gradients are computed in
   *     parallel and summed in shard order (results depend on the thread count only through that summation
   *     order; one thread is bit-reproducible run to run, as is any fixed count)
   */
  public PpoLearner(ActorCriticSpec spec, PpoConfig cfg, float[] initialParams, int threads) {
    this.spec = spec;
    this.cfg = cfg;
    this.loss = cfg.loss();
    this.params = initialParams.clone();
    if (params.length != spec.paramCount()) {
      throw new IllegalArgumentException("initial params: expected " + spec.paramCount() + " floats, got "
          + params.length);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("learner threads must be >= 1, got " + threads);
    }
    this.grad = new float[params.length];
    this.adam = new AdamW(params.length, cfg.adamEpsilon(), cfg.weightDecay());
    this.shuffle = new dev.mnemo.envs.SplitMixRandom(cfg.seed());
    this.popArt = cfg.popArtRate() > 0 ? new PopArt(cfg.popArtRate()) : null;
    this.shards = new Shard[threads];
    for (int i = 0; i < threads; i++) {
      shards[i] = new Shard();
    }
    this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
      Thread t = new Thread(r, "ppo-learner-shard");
      t.setDaemon(true);
      return t;
    });
  }

  /** Stops the shard threads (a learner of one thread has none). */
  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  public ActorCriticSpec spec() {
    return spec;
  }

  public PpoConfig config() {
    return cfg;
  }

  /** Updates done (also the version of {@link #snapshot()}). */
  public long updates() {
    return updates;
  }

  /** The current parameters, versioned by {@link #updates()}. */
  public ParamSnapshot snapshot() {
    return new ParamSnapshot(params.clone(), updates);
  }

  /**
   * One PPO update on a batch collected by the current parameters (or older ones: the ratio is always taken
   * against the batch's behaviour log-probabilities).
   *
   * @param lrScale the schedule's factor on the learning rate (1: constant)
   */
  public PpoStats update(TrialBatch batch, double lrScale) {
    return update(batch, lrScale, cfg.loss().entropyCoef());
  }

  /**
   * One PPO update with the entropy bonus {@code entropyCoef} in place of the config's (a schedule's value).
   *
   * @param lrScale the schedule's factor on the learning rate (1: constant)
   */
  public PpoStats update(TrialBatch batch, double lrScale, double entropyCoef) {
    loss = cfg.loss().withEntropyCoef(entropyCoef);
    int trials = batch.trials();
    int time = batch.time();
    if (trials % cfg.minibatches() != 0) {
      throw new IllegalArgumentException(trials + " trials per batch do not split into " + cfg.minibatches()
          + " minibatches of whole trials");
    }
    if (batch.obsSize() != spec.inputSize() || batch.numActions() != spec.numActions()) {
      throw new IllegalArgumentException("batch of obs " + batch.obsSize() + " / actions " + batch.numActions()
          + " for a network of input " + spec.inputSize() + " / actions " + spec.numActions());
    }
    ensureBuffers(trials, time);
    int mb = trials / cfg.minibatches();
    computeValues(batch, mb);
    double explained = advantages(batch);
    if (popArt != null) {
      updatePopArt(batch);
    }
    double lr = cfg.learningRate() * lrScale;
    double policyLoss = 0;
    double valueLoss = 0;
    double entropy = 0;
    double clipFrac = 0;
    double gradNormSum = 0;
    double klLastEpoch = 0;
    int steps = 0;
    int epochsRun = 0;
    long lossSteps = 0;
    boolean stop = false;
    for (int e = 0; e < cfg.epochs() && !stop; e++) {
      permute(order, trials);
      double klSum = 0;
      int klCount = 0;
      for (int m = 0; m < cfg.minibatches(); m++) {
        minibatchGradient(batch, m * mb, mb);
        double norm = GlobalNormClip.clip(grad, cfg.maxGradNorm());
        adam.apply(params, grad, lr);
        loadParams();
        steps++;
        gradNormSum += norm;
        long n = stats.steps();
        if (n > 0) {
          policyLoss += stats.policyLoss() * n;
          valueLoss += stats.valueLoss() * n;
          entropy += stats.entropy() * n;
          clipFrac += stats.clipFraction() * n;
          lossSteps += n;
          klSum += stats.kl();
          klCount++;
          if (cfg.targetKl() > 0 && stats.kl() > 1.5 * cfg.targetKl()) {
            stop = true;
            break;
          }
        }
      }
      epochsRun++;
      klLastEpoch = klCount == 0 ? 0 : klSum / klCount;
    }
    updates++;
    double d = Math.max(1, lossSteps);
    return new PpoStats(updates, epochsRun, steps, policyLoss / d, valueLoss / d, entropy / d, klLastEpoch,
        clipFrac / d, gradNormSum / Math.max(1, steps), explained, lr);
  }

  private void loadParams() {
    for (Shard sh : shards) {
      sh.net.setParams(params);
    }
  }

  private void ensureBuffers(int trials, int time) {
    if (trials == bufTrials && time == bufTime) {
      return;
    }
    int n = trials * time;
    values = new float[n];
    adv = new float[n];
    ret = new float[n];
    order = new int[trials];
    bufTrials = trials;
    bufTime = time;
  }

  /** Trials {@code [lo, hi)} of a minibatch of {@code mb} handled by shard {@code s}. */
  private int shardStart(int s, int mb) {
    return (int) ((long) mb * s / shards.length);
  }

  /** Runs {@code task(s, lo, hi)} for every non-empty shard of a minibatch of {@code mb}, in parallel. */
  private void forShards(int mb, ShardTask task) {
    List<Future<?>> pending = new ArrayList<>(shards.length);
    for (int s = 1; s < shards.length; s++) {
      int lo = shardStart(s, mb);
      int hi = shardStart(s + 1, mb);
      if (hi > lo) {
        int shard = s;
        pending.add(pool.submit(() -> task.run(shard, lo, hi)));
      }
    }
    int hi0 = shardStart(1, mb);
    if (hi0 > 0) {
      task.run(0, 0, hi0);
    }
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("PPO update interrupted", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
      }
    }
  }

  @FunctionalInterface
  private interface ShardTask {
    void run(int shard, int lo, int hi);
  }

  /** V of every step under the current parameters, minibatch by minibatch in trial order. */
  private void computeValues(TrialBatch batch, int mb) {
    int trials = batch.trials();
    for (int b = 0; b < trials; b++) {
      order[b] = b;
    }
    for (int first = 0; first < trials; first += mb) {
      int f = first;
      forShards(mb, (s, lo, hi) -> shards[s].values(batch, f + lo, hi - lo));
    }
  }

  /** The minibatch's gradient into {@link #grad} (shards summed in order) and its loss statistics. */
  private void minibatchGradient(TrialBatch batch, int first, int mb) {
    int trials = batch.trials();
    int valid = 0;
    for (int t = 0; t < batch.time(); t++) {
      for (int k = 0; k < mb; k++) {
        if (batch.mask[t * trials + order[first + k]] != 0f) {
          valid++;
        }
      }
    }
    double w = valid == 0 ? 0 : 1.0 / valid;
    forShards(mb, (s, lo, hi) -> shards[s].gradient(batch, first + lo, hi - lo, w));
    stats.reset();
    boolean firstShard = true;
    for (int s = 0; s < shards.length; s++) {
      if (shardStart(s + 1, mb) == shardStart(s, mb)) {
        continue;
      }
      Shard sh = shards[s];
      if (firstShard) {
        System.arraycopy(sh.grad, 0, grad, 0, grad.length);
        firstShard = false;
      } else {
        for (int i = 0; i < grad.length; i++) {
          grad[i] += sh.grad[i];
        }
      }
      stats.merge(sh.stats);
    }
  }

  /** One thread's network, workspace buffers and gradient. */
  private final class Shard {
    final RecurrentActorCritic net = new RecurrentActorCritic(spec, params);
    final float[] grad = new float[params.length];
    final PpoLoss.Stats stats = new PpoLoss.Stats();
    float[] dLogits = new float[0];
    float[] dV = new float[0];

    /** Values of trials {@code order[first .. first + n)}. */
    void values(TrialBatch batch, int first, int n) {
      RecurrentActorCritic.Workspace ws = net.workspace(n, batch.time());
      fillInputs(batch, ws, first, n);
      ws.forward();
      int trials = batch.trials();
      for (int t = 0; t < batch.time(); t++) {
        for (int k = 0; k < n; k++) {
          double v = ws.value(t * n + k);
          values[t * trials + order[first + k]] = (float) (popArt == null ? v : popArt.denormalize(v));
        }
      }
    }

    /** Forward, loss and backward of trials {@code order[first .. first + n)} with step weight w. */
    void gradient(TrialBatch batch, int first, int n, double w) {
      RecurrentActorCritic.Workspace ws = net.workspace(n, batch.time());
      int rows = n * batch.time();
      int na = spec.numActions();
      if (dV.length < rows) {
        dV = new float[rows];
        dLogits = new float[rows * na];
      }
      fillInputs(batch, ws, first, n);
      ws.forward();
      stats.reset();
      int trials = batch.trials();
      float[] logp = ws.logProbs();
      for (int t = 0; t < batch.time(); t++) {
        for (int k = 0; k < n; k++) {
          int r = t * n + k;
          int src = t * trials + order[first + k];
          if (batch.mask[src] == 0f) {
            java.util.Arrays.fill(dLogits, r * na, (r + 1) * na, 0f);
            dV[r] = 0f;
            continue;
          }
          double target = ret[src];
          double valueOld = values[src];
          if (popArt != null) {
            target = popArt.normalize(target);
            valueOld = popArt.normalize(valueOld);
          }
          dV[r] = loss.step(logp, r * na, batch.logMu, src * na, na, batch.actions[src], adv[src], target,
              ws.value(r), valueOld, w, dLogits, r * na, stats);
        }
      }
      ws.backward(dLogits, dV, grad);
    }
  }

  /**
   * GAE per trial over its valid steps (the trial ended: bootstrap 0), optionally standardised; the value targets
   * with their own lambda when it differs.
   *
   * @return the explained variance of the values against the returns
   */
  private double advantages(TrialBatch batch) {
    int trials = batch.trials();
    for (int b = 0; b < trials; b++) {
      Gae.compute(batch.lengths[b], batch.rewards, values, b, trials, cfg.gamma(), cfg.gaeLambda(), 0, adv, ret);
      if (cfg.valueLambda() != cfg.gaeLambda()) {
        Gae.lambdaReturns(batch.lengths[b], batch.rewards, values, b, trials, cfg.gamma(), cfg.valueLambda(), 0, ret);
      }
    }
    double sr = 0;
    double srr = 0;
    double se = 0;
    double see = 0;
    double sa = 0;
    double saa = 0;
    long n = 0;
    for (int r = 0; r < adv.length; r++) {
      if (batch.mask[r] == 0f) {
        continue;
      }
      double e = ret[r] - values[r];
      sr += ret[r];
      srr += (double) ret[r] * ret[r];
      se += e;
      see += e * e;
      sa += adv[r];
      saa += (double) adv[r] * adv[r];
      n++;
    }
    if (n == 0) {
      return Double.NaN;
    }
    if (cfg.normalizeAdvantages()) {
      double mean = sa / n;
      double std = Math.sqrt(Math.max(0, saa / n - mean * mean)) + 1e-8;
      for (int r = 0; r < adv.length; r++) {
        adv[r] = (float) ((adv[r] - mean) / std);
      }
    }
    double varR = srr / n - (sr / n) * (sr / n);
    double varE = see / n - (se / n) * (se / n);
    return varR > 0 ? 1 - varE / varR : Double.NaN;
  }

  /** Moves PopArt's moments toward this batch's value targets and rescales the value output layer. */
  private void updatePopArt(TrialBatch batch) {
    double s1 = 0;
    double s2 = 0;
    long n = 0;
    for (int r = 0; r < ret.length; r++) {
      if (batch.mask[r] != 0f) {
        s1 += ret[r];
        s2 += (double) ret[r] * ret[r];
        n++;
      }
    }
    if (n == 0) {
      return;
    }
    popArt.update(s1 / n, s2 / n, params, spec.valueOutputWeights().offset(), spec.valueOutputWeights().rows(),
        spec.valueOutputBias().offset());
    loadParams();
  }

  /** V of the value head's output under the learner's normalisation (what GAE uses). */
  public double value(double headOutput) {
    return popArt == null ? headOutput : popArt.denormalize(headOutput);
  }

  /** Inputs of trials {@code order[first .. first + n)} into the workspace, time-major. */
  private void fillInputs(TrialBatch batch, RecurrentActorCritic.Workspace ws, int first, int n) {
    float[] x = ws.input();
    int os = batch.obsSize();
    int trials = batch.trials();
    for (int t = 0; t < batch.time(); t++) {
      for (int k = 0; k < n; k++) {
        System.arraycopy(batch.obs, (t * trials + order[first + k]) * os, x, (t * n + k) * os, os);
      }
    }
  }

  private void permute(int[] a, int n) {
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = shuffle.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** The advantages of the last update, time-major like its batch (for tests). */
  float[] lastAdvantages() {
    return adv;
  }

  /** The values of the last update's batch under the parameters before it (for tests). */
  float[] lastValues() {
    return values;
  }

  /**
   * Writes parameters, optimiser state, PopArt's statistics, the shuffle's state and counters atomically (a
   * checksummed file).
   */
  public void save(Path file) {
    CheckpointFile.write(file, MAGIC, FORMAT, out -> {
      out.writeUTF(specText(spec));
      out.writeLong(updates);
      AdamState a = adam.state();
      out.writeLong(a.step());
      CheckpointFile.writeFloats(out, params);
      CheckpointFile.writeFloats(out, a.m());
      CheckpointFile.writeFloats(out, a.v());
      double[] pa = popArt == null ? new double[3] : popArt.state();
      for (double d : pa) {
        out.writeDouble(d);
      }
      out.writeLong(shuffle.state());
    });
  }

  /** Restores {@link #save}'s file, refusing one written for another network with both shapes named. */
  public void restore(Path file) {
    CheckpointFile.read(file, MAGIC, FORMAT, in -> {
      String stored = in.readUTF();
      if (!stored.equals(specText(spec))) {
        throw new IllegalStateException("checkpoint " + file + " holds a network " + stored + ", this run's is "
            + specText(spec));
      }
      long u = in.readLong();
      long s = in.readLong();
      float[] p = CheckpointFile.readFloats(in, params.length, "params");
      float[] m = CheckpointFile.readFloats(in, params.length, "adam m");
      float[] v = CheckpointFile.readFloats(in, params.length, "adam v");
      System.arraycopy(p, 0, params, 0, p.length);
      AdamState restored = new AdamState(m, v, s);
      double[] pa = {in.readDouble(), in.readDouble(), in.readDouble()};
      if (popArt != null) {
        popArt.restore(pa);
      }
      shuffle.setState(in.readLong());
      adam.restore(restored);
      updates = u;
      loadParams();
      return null;
    });
  }

  private static String specText(ActorCriticSpec s) {
    return List.of(s.inputSize(), s.numActions(), s.encoderSizes(), s.coreName(), s.coreSize(), s.headSizes(),
        s.separateValueNetwork()).toString();
  }
}
