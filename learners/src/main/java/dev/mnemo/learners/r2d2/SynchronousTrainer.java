package dev.mnemo.learners.r2d2;

import dev.mnemo.agents.kernel.RecurrentQKernel;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.VectorEnv;
import dev.mnemo.replay.PrioritizedSequenceReplay;
import dev.mnemo.replay.RateLimiterConfig;
import dev.mnemo.replay.ReplayConfig;
import dev.mnemo.replay.SequenceAdder;
import dev.mnemo.replay.SequenceBatch;
import dev.mnemo.replay.SequenceBoundary;
import dev.mnemo.replay.SequenceConfig;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * R2D2 in one thread: N vectorised envs acted on by the pure-Java kernel with per-actor epsilon
 * (epsilon_i = base^(1 + alpha i/(N-1))), one {@link SequenceAdder} per env feeding a
 * {@link PrioritizedSequenceReplay}, and the {@link R2d2Learner} updating at the configured
 * samples-per-insert ratio. The kernel gets the learner's parameters every {@code actorRefreshSteps}
 * steps of each env; greedy evaluation episodes run every {@code evalInterval} env steps on separate
 * env copies. Everything random derives from the config's seed, so a run is deterministic.
 *
 * <p>In one thread the replay ratio is kept by the loop itself (after every env step: update while
 * {@code updates * batch <= samplesPerInsert * inserted}), so the replay's blocking rate limiter is
 * configured wide open and never waits.
 */
public final class SynchronousTrainer {

  private final R2d2Config config;
  private final VectorEnv envs;
  private final EnvSpec envSpec;
  private final RecurrentQSpec spec;
  private final RecurrentQKernel kernel;
  private final R2d2Learner learner;
  private final PrioritizedSequenceReplay replay;
  private final SequenceAdder[] adders;
  private final SequenceBatch batch;
  private final double[] epsilons;
  private final SplittableRandom rng;
  private final Evaluator evaluator;

  public SynchronousTrainer(R2d2Config config) {
    this.config = config;
    int n = config.numEnvs();
    this.envs = new VectorEnv(config.env(), n, config.seed());
    this.envSpec = envs.spec();
    this.spec = R2d2Learner.specFor(config, envSpec.obsSize(), envSpec.numActions());
    this.learner = new R2d2Learner(spec, config);
    this.kernel = new RecurrentQKernel(spec, n);
    SequenceConfig seq = new SequenceConfig(config.burnIn(), config.traceLength(), config.nStep(),
        config.sequencePeriod(), envSpec.obsSize(), spec.lstmSize(), envSpec.numActions(),
        !config.storedState(), false, SequenceBoundary.EPISODE);
    RateLimiterConfig open = new RateLimiterConfig(1, config.samplesPerInsert(), -Double.MAX_VALUE,
        Double.MAX_VALUE);
    this.replay = new PrioritizedSequenceReplay(new ReplayConfig(config.replayCapacity(), seq,
        config.priorityExponent(), config.importanceExponent(), 1.0, 1e-6, open, config.seed() ^ 0x5EEDL));
    this.adders = new SequenceAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new SequenceAdder(seq, replay, i);
    }
    this.batch = replay.newBatch(config.batchSize());
    this.epsilons = new double[n];
    for (int i = 0; i < n; i++) {
      epsilons[i] = R2d2Config.actorEpsilon(i, n, config.epsilonBase(), config.epsilonAlpha());
    }
    this.rng = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + 17);
    this.evaluator = new Evaluator(config.env(), Math.max(1, config.evalEpisodes()), config.seed() + 1_000_003L,
        spec);
  }

  public R2d2Learner learner() {
    return learner;
  }

  public PrioritizedSequenceReplay replay() {
    return replay;
  }

  /**
   * Trains until {@code totalEnvSteps} (or until an evaluation reaches {@code solvedThreshold} when
   * {@code stopWhenSolved}), reporting after every evaluation.
   */
  public TrainResult run(Consumer<TrainMetrics> metrics, boolean stopWhenSolved) {
    long start = System.nanoTime();
    int n = envs.size();
    int os = envSpec.obsSize();
    int na = envSpec.numActions();
    int hs = spec.lstmSize();
    float[] obs = new float[n * os];
    float[] obsBefore = new float[n * os];
    float[] rewards = new float[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    int[] actions = new int[n];
    int[] prevActions = new int[n];
    float[] prevRewards = new float[n];
    float[] hBefore = new float[n * hs];
    float[] cBefore = new float[n * hs];
    java.util.Arrays.fill(prevActions, -1);
    envs.reset(obs);
    kernel.resetAllStates();
    refreshActors();

    long envSteps = 0;
    long episodes = 0;
    long inserted;
    long iteration = 0;
    double returnSum = 0;
    int returnCount = 0;
    UpdateStats last = null;
    long nextEval = config.evalInterval();
    long lastReportSteps = 0;
    long lastReportUpdates = 0;
    long lastReportTime = start;
    double evalMean = Double.NaN;
    double evalCi = Double.NaN;
    boolean solved = false;
    long solvedAt = -1;
    try {
      while (envSteps < config.totalEnvSteps()) {
        // act: kernel step from the current state, then epsilon-greedy per actor
        kernel.step(obs, prevActions, prevRewards);
        for (int i = 0; i < n; i++) {
          actions[i] = rng.nextDouble() < epsilons[i] ? rng.nextInt(na) : argmax(kernel.qValues(), i * na, na);
          kernel.copyStateBefore(i, hBefore, i * hs, cBefore, i * hs);
        }
        System.arraycopy(obs, 0, obsBefore, 0, obs.length);
        envs.step(actions, obs, rewards, terminated, truncated);
        for (int i = 0; i < n; i++) {
          adders[i].add(obsBefore, i * os, actions[i], rewards[i], terminated[i], truncated[i], hBefore, cBefore,
              i * hs);
          if (terminated[i] || truncated[i]) {
            adders[i].endEpisode(envs.finalObs(), i * os);
            kernel.resetState(i);
            prevActions[i] = -1;
            prevRewards[i] = 0f;
            episodes++;
            returnSum += envs.lastEpisodeReturn(i);
            returnCount++;
          } else {
            prevActions[i] = actions[i];
            prevRewards[i] = rewards[i];
          }
        }
        envSteps += n;
        iteration++;
        // learn at the replay ratio
        inserted = replay.stats().inserts();
        if (replay.size() >= config.minReplaySize()) {
          while ((double) (learner.updates() + 1) * config.batchSize()
              <= config.samplesPerInsert() * (inserted - config.minReplaySize() + config.batchSize())) {
            if (!replay.sample(batch, 1, TimeUnit.SECONDS)) {
              throw new IllegalStateException("replay refused a sample with " + replay.size() + " sequences");
            }
            last = learner.update(batch);
            replay.updatePriorities(batch, last.priorities());
          }
        }
        if (iteration % config.actorRefreshSteps() == 0) {
          refreshActors();
        }
        if (envSteps >= nextEval || envSteps >= config.totalEnvSteps()) {
          nextEval += config.evalInterval();
          if (config.evalEpisodes() > 0) {
            double[] e = evaluator.evaluate(learner.snapshot());
            evalMean = e[0];
            evalCi = e[1];
            if (!solved && evalMean >= config.solvedThreshold()) {
              solved = true;
              solvedAt = envSteps;
            }
          }
          long now = System.nanoTime();
          double dt = (now - lastReportTime) / 1e9;
          metrics.accept(new TrainMetrics(envSteps, learner.updates(), episodes,
              returnCount > 0 ? returnSum / returnCount : Double.NaN, evalMean, evalCi,
              last == null ? Double.NaN : last.loss(), last == null ? Double.NaN : last.meanAbsTd(),
              last == null ? Double.NaN : last.meanQ(), last == null ? Double.NaN : last.gradNorm(),
              (learner.updates() - lastReportUpdates) / dt, (envSteps - lastReportSteps) / dt,
              (now - start) / 1e9));
          returnSum = 0;
          returnCount = 0;
          lastReportTime = now;
          lastReportSteps = envSteps;
          lastReportUpdates = learner.updates();
          if (solved && stopWhenSolved) {
            break;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("trainer interrupted", e);
    }
    return new TrainResult(envSteps, learner.updates(), episodes, evalMean, evalCi,
        config.evalEpisodes(), solved, solvedAt, (System.nanoTime() - start) / 1e9);
  }

  private void refreshActors() {
    kernel.load(learner.snapshot());
    for (SequenceAdder a : adders) {
      a.setParamVersion(learner.updates());
    }
  }

  static int argmax(float[] q, int off, int n) {
    int best = 0;
    for (int a = 1; a < n; a++) {
      if (q[off + a] > q[off + best]) {
        best = a;
      }
    }
    return best;
  }

  /** Greedy episodes on their own env copies (one per episode), seeded apart from training. */
  static final class Evaluator {
    private final String envId;
    private final int episodes;
    private final long seed;
    private final RecurrentQKernel kernel;
    private long round;

    Evaluator(String envId, int episodes, long seed, RecurrentQSpec spec) {
      this.envId = envId;
      this.episodes = episodes;
      this.seed = seed;
      this.kernel = new RecurrentQKernel(spec, episodes);
    }

    /** {mean return, 95% CI half-width} of one greedy episode per copy. */
    double[] evaluate(dev.mnemo.agents.ParamSnapshot params) {
      VectorEnv env = new VectorEnv(envId, episodes, seed + 7919L * round++);
      int os = env.spec().obsSize();
      int na = env.spec().numActions();
      float[] obs = new float[episodes * os];
      float[] rewards = new float[episodes];
      boolean[] term = new boolean[episodes];
      boolean[] trunc = new boolean[episodes];
      int[] actions = new int[episodes];
      int[] prevA = new int[episodes];
      float[] prevR = new float[episodes];
      boolean[] done = new boolean[episodes];
      double[] returns = new double[episodes];
      java.util.Arrays.fill(prevA, -1);
      env.reset(obs);
      kernel.load(params);
      kernel.resetAllStates();
      int remaining = episodes;
      while (remaining > 0) {
        kernel.step(obs, prevA, prevR);
        for (int i = 0; i < episodes; i++) {
          actions[i] = argmax(kernel.qValues(), i * na, na);
        }
        env.step(actions, obs, rewards, term, trunc);
        for (int i = 0; i < episodes; i++) {
          prevA[i] = actions[i];
          prevR[i] = rewards[i];
          if ((term[i] || trunc[i]) && !done[i]) {
            done[i] = true;
            returns[i] = env.lastEpisodeReturn(i);
            remaining--;
          }
        }
      }
      double mean = 0;
      for (double r : returns) {
        mean += r / episodes;
      }
      double var = 0;
      for (double r : returns) {
        var += (r - mean) * (r - mean);
      }
      double sd = episodes > 1 ? Math.sqrt(var / (episodes - 1)) : 0;
      return new double[] {mean, 1.96 * sd / Math.sqrt(episodes)};
    }
  }
}
