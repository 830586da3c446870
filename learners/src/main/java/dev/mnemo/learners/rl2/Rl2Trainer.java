package dev.mnemo.learners.rl2;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.rl2.ActorCriticPolicy;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Seeds;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * RL²'s synchronous loop on one thread, deterministic from the seed: collect {@code trialsPerUpdate} whole
 * trials on fresh tasks with the current parameters (on-policy: parameter lag 0), one PPO update, and every
 * {@code evalInterval} updates an evaluation on fixed held-out tasks. At the end the final parameters and the
 * peak ones (best periodic evaluation) are each evaluated on {@code finalEvalTrials} tasks drawn apart from both
 * training's and the periodic evaluation's, so final and peak figures are reported separately and neither is
 * selected on the tasks that measure it.
 */
public final class Rl2Trainer implements AutoCloseable {
  static final long TRAIN_SALT = 0x7472616EL;
  static final long EVAL_SALT = 0x6576616CL;
  static final long FINAL_SALT = 0x66696E61L;

  private final Rl2Config cfg;
  private final IntFunction<Env> envFactory;
  private final EnvSpec envSpec;
  private final ActorCriticSpec spec;
  private final PpoLearner learner;

  public Rl2Trainer(Rl2Config cfg) {
    this.cfg = cfg;
    this.envFactory = i -> EnvRegistry.make(cfg.env());
    try (Env probe = EnvRegistry.make(cfg.env())) {
      this.envSpec = probe.spec();
    }
    this.spec = cfg.spec(envSpec.obsSize(), envSpec.numActions());
    this.learner = new PpoLearner(spec, cfg.ppo(), spec.initialParams(Seeds.combine(cfg.seed(), 1)),
        cfg.learnerThreads());
  }

  /** Stops the learner's threads. */
  @Override
  public void close() {
    learner.close();
  }

  public ActorCriticSpec spec() {
    return spec;
  }

  public EnvSpec envSpec() {
    return envSpec;
  }

  public PpoLearner learner() {
    return learner;
  }

  /** The evaluator of {@code trials} trials on the final evaluation's tasks. */
  public TrialEvaluator finalEvaluator(int trials) {
    return evaluator(trials, Seeds.combine(cfg.seed(), FINAL_SALT));
  }

  /** An evaluator of {@code trials} trials on tasks drawn from {@code seed} ({@code mnemo eval}'s fresh tasks). */
  public TrialEvaluator evaluator(int trials, long seed) {
    return new TrialEvaluator(spec, envFactory, envSpec, trials, seed, cfg.evalGreedy());
  }

  /**
   * Trains until the budget or {@code stop}, calling {@code listener} after every update.
   */
  public Rl2Result run(Consumer<Rl2Metrics> listener, BooleanSupplier stop) {
    long start = System.nanoTime();
    TrialCollector collector = new TrialCollector(envFactory, envSpec, cfg.trialsPerUpdate());
    TrialBatch batch = collector.newBatch();
    ActorCriticPolicy policy = new ActorCriticPolicy(spec, cfg.trialsPerUpdate(), Seeds.combine(cfg.seed(), 2),
        false);
    TrialEvaluator periodic = new TrialEvaluator(spec, envFactory, envSpec, cfg.evalTrials(),
        Seeds.combine(cfg.seed(), EVAL_SALT), cfg.evalGreedy());
    long envSteps = 0;
    double learnSeconds = 0;
    double evalSeconds = 0;
    double bestEval = Double.NEGATIVE_INFINITY;
    ParamSnapshot peak = learner.snapshot();
    long peakUpdate = 0;
    while (envSteps < cfg.totalEnvSteps() && !stop.getAsBoolean()) {
      long c0 = System.nanoTime();
      policy.load(learner.snapshot());
      collector.collect(policy, Seeds.combine(Seeds.combine(cfg.seed(), TRAIN_SALT), learner.updates()), batch);
      envSteps += batch.validSteps();
      long c1 = System.nanoTime();
      PpoStats s = learner.update(batch, cfg.lrScale(envSteps));
      long c2 = System.nanoTime();
      learnSeconds += (c2 - c1) / 1e9;
      double evalReturn = Double.NaN;
      double evalCi = Double.NaN;
      boolean last = envSteps >= cfg.totalEnvSteps();
      if (s.updates() % cfg.evalInterval() == 0 || last) {
        ParamSnapshot now = learner.snapshot();
        Evaluation e = periodic.evaluate(now);
        evalReturn = e.meanReturn();
        evalCi = e.ci95();
        if (evalReturn > bestEval) {
          bestEval = evalReturn;
          peak = now;
          peakUpdate = s.updates();
        }
        evalSeconds += (System.nanoTime() - c2) / 1e9;
      }
      listener.accept(new Rl2Metrics(envSteps, batch.meanReturn(), evalReturn, evalCi, s, (c1 - c0) / 1e9,
          (c2 - c1) / 1e9, (System.nanoTime() - start) / 1e9));
    }
    long f0 = System.nanoTime();
    ParamSnapshot last = learner.snapshot();
    TrialEvaluator fin = finalEvaluator(cfg.finalEvalTrials());
    Evaluation finalEval = fin.evaluate(last);
    Evaluation peakEval = peak.version() == last.version() ? finalEval : fin.evaluate(peak);
    evalSeconds += (System.nanoTime() - f0) / 1e9;
    return new Rl2Result(envSteps, learner.updates(), finalEval, peakEval, peakUpdate, last, peak,
        collector.envNanos() / 1e9, collector.actNanos() / 1e9, learnSeconds, evalSeconds);
  }
}
