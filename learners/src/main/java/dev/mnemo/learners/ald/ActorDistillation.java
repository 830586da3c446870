package dev.mnemo.learners.ald;

import dev.mnemo.agents.ald.PolicyDistillation;
import dev.mnemo.agents.rl2.RecurrentActorCritic;
import dev.mnemo.learners.rl2.TrialBatch;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * ALD's second stage: the Transformer teacher an update handed over, distilled into the {@link LstmActor} for
 * {@code distillSteps} steps of {@code alpha KL(pi_L || pi_A) + beta (V_A - V_L)^2 / 2} ({@link PolicyDistillation}),
 * each on the whole batch or, with {@code distillMinibatches > 1}, on minibatch {@code s mod distillMinibatches}.
 *
 * <p>In turn ({@link #runInTurn}) the distillation runs on the caller's thread. On a thread of its own
 * ({@link #submit}) it runs while the learner's next RL step does, and the two meet at fixed points: {@link #handOver}
 * joins the distillation under way before it writes the next teacher, so a run is deterministic given the seed
 * either way. The teacher is copied in, so the learner may overwrite its own arrays while a distillation runs.
 */
final class ActorDistillation implements AutoCloseable {
  private final LstmActor lstm;
  private final AldLearner.Config cfg;
  private final int trials;
  private final int time;
  private final int in;
  private final int na;
  /** With distillMinibatches > 1: the LSTM over one distillation minibatch (null otherwise). */
  private final RecurrentActorCritic.Workspace minibatchWs;
  private final int minibatchTrials;
  /** Each distillation minibatch's loss weight, 1 / its valid steps (the whole batch's with one minibatch). */
  private final double[] minibatchWeight;
  /** The teacher being distilled: log-probabilities and values, rows {@code b * time + t}. */
  private final float[] teacherLogp;
  private final float[] teacherV;
  private final int[] lengths;
  private double weight;
  private final float[] dz;
  private final float[] dv;
  private final float[] dvOne = new float[1];
  private double lastKl;
  private double lastValueError;
  private double lastActorNorm;
  /** Wall nanoseconds of all distillations run (written by the distilling thread, read by any: one writer). */
  private volatile long distillNanos;
  /** Wall nanoseconds the learner spent waiting for a distillation on the thread to finish. */
  private long joinWaitNanos;
  private final ExecutorService thread;
  /**
   * The executor's one worker, once it has started: {@link #close} joins it, because an executor counts as
   * terminated when its worker leaves its run loop, a moment before the thread itself has ended.
   */
  private volatile Thread worker;
  private Future<?> pending;

  ActorDistillation(LstmActor lstm, AldLearner.Config cfg, int trials, int time, int numActions) {
    this.lstm = lstm; // trials split into distillMinibatches: checked by AldLearner, for every mode
    this.cfg = cfg;
    this.trials = trials;
    this.time = time;
    this.in = lstm.spec().inputSize();
    this.na = numActions;
    int n = trials * time;
    this.minibatchTrials = trials / cfg.distillMinibatches();
    this.minibatchWeight = new double[cfg.distillMinibatches()];
    this.minibatchWs = cfg.distillMinibatches() > 1 ? lstm.workspace(minibatchTrials) : null;
    this.teacherLogp = new float[n * na];
    this.teacherV = new float[n];
    this.lengths = new int[trials];
    this.dz = new float[n * na];
    this.dv = new float[n];
    this.thread = cfg.distillThread() ? Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ald-distiller");
      t.setDaemon(true);
      worker = t;
      return t;
    }) : null;
  }

  /** Whether distillations run on their own thread ({@link #submit}) rather than in turn ({@link #runInTurn}). */
  boolean onThread() {
    return thread != null;
  }

  /**
   * Joins the distillation under way, then takes the next teacher (its log-probabilities and values, rows
   * {@code b * time + t}, copied) and the batch it is distilled on; {@code weight} is the whole batch's loss weight,
   * 1 / its valid steps.
   */
  void handOver(TrialBatch batch, float[] logp, float[] values, double weight) {
    join();
    System.arraycopy(logp, 0, teacherLogp, 0, teacherLogp.length);
    System.arraycopy(values, 0, teacherV, 0, teacherV.length);
    lstm.readObservations(batch);
    for (int b = 0; b < trials; b++) {
      lengths[b] = batch.length(b);
    }
    this.weight = weight;
  }

  /** Distils the handed-over teacher on the caller's thread. */
  void runInTurn() {
    distil();
  }

  /** Starts distilling the handed-over teacher on the distillation thread. */
  void submit() {
    pending = thread.submit(this::distil);
  }

  /** Waits for the distillation under way, if any; its failure is rethrown here. */
  void join() {
    if (pending == null) {
      return;
    }
    long w0 = System.nanoTime();
    try {
      pending.get();
      joinWaitNanos += System.nanoTime() - w0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the distillation", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the distillation failed: " + e.getCause(), e.getCause());
    } finally {
      pending = null;
    }
  }

  private void distil() {
    long t0 = System.nanoTime();
    double kl = 0;
    double verr = 0;
    double norm = 0;
    int parts = cfg.distillMinibatches();
    for (int m = 0; m < parts; m++) {
      long valid = 0;
      for (int k = 0; k < minibatchTrials; k++) {
        valid += lengths[m * minibatchTrials + k];
      }
      minibatchWeight[m] = parts == 1 ? weight : 1.0 / Math.max(1, valid);
    }
    for (int s = 0; s < cfg.distillSteps(); s++) {
      int m = s % parts;
      RecurrentActorCritic.Workspace ws = parts == 1 ? lstm.full() : minibatchWs;
      int cols = parts == 1 ? trials : minibatchTrials;
      if (parts > 1) {
        float[] all = lstm.full().input();
        float[] x = ws.input();
        for (int t = 0; t < time; t++) {
          System.arraycopy(all, (t * trials + m * cols) * in, x, t * cols * in, cols * in);
        }
      }
      double w = minibatchWeight[m];
      ws.forward();
      float[] logA = ws.logProbs();
      Arrays.fill(dz, 0, time * cols * na, 0f);
      Arrays.fill(dv, 0, time * cols, 0f);
      kl = 0;
      verr = 0;
      for (int k = 0; k < cols; k++) {
        int b = m * cols + k;
        for (int t = 0; t < lengths[b]; t++) {
          int ra = t * cols + k;
          int rl = b * time + t;
          double va = ws.value(ra);
          kl += w * PolicyDistillation.kl(teacherLogp, rl * na, logA, ra * na, na);
          PolicyDistillation.actorStep(teacherLogp, rl * na, logA, ra * na, na, teacherV[rl], va, cfg.alpha(),
              cfg.beta(), w, dz, ra * na, dvOne, 0);
          dv[ra] = dvOne[0];
          verr += w * (va - teacherV[rl]) * (va - teacherV[rl]);
        }
      }
      ws.backward(dz, dv, lstm.grad());
      norm = lstm.step(cfg.actorLr(), cfg.maxGradNorm());
    }
    lastKl = kl;
    lastValueError = verr;
    lastActorNorm = norm;
    distillNanos += System.nanoTime() - t0; // one writer (the distilling thread): no lost updates
  }

  /** The last distillation step's mean {@code KL(pi_L || pi_A)} (read after {@link #join}). */
  double lastKl() {
    return lastKl;
  }

  /** The last distillation step's mean {@code (V_A - V_L)^2}. */
  double lastValueError() {
    return lastValueError;
  }

  /** The LSTM's gradient norm before clipping, last distillation step. */
  double lastActorNorm() {
    return lastActorNorm;
  }

  /** Restores the last distillation's figures from a checkpoint (what the next update's statistics report). */
  void restoreFigures(double kl, double valueError, double actorNorm) {
    lastKl = kl;
    lastValueError = valueError;
    lastActorNorm = actorNorm;
  }

  double seconds() {
    return distillNanos / 1e9;
  }

  double waitSeconds() {
    return joinWaitNanos / 1e9;
  }

  /**
   * Waits for a distillation under way and stops the thread (also when the distillation failed): when this returns
   * the thread has ended, not only been told to.
   */
  @Override
  public void close() {
    if (thread == null) {
      return;
    }
    try {
      join();
    } finally {
      thread.shutdownNow();
      try {
        thread.awaitTermination(10, TimeUnit.SECONDS);
        Thread t = worker;
        if (t != null) {
          t.join(TimeUnit.SECONDS.toMillis(10));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
