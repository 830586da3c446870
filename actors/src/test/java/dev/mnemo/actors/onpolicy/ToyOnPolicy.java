package dev.mnemo.actors.onpolicy;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.learners.agent.OnPolicyBuilder;
import dev.mnemo.learners.agent.OnPolicyLearner;
import dev.mnemo.learners.agent.TrialSource;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A toy on-policy algorithm, unknown to the runtime, whose parts the tests steer: each trial is {@code steps}
 * env steps with return 1, the learner only counts its updates (its parameters are one float, the count), and
 * hooks run at the start of every collection (worker, the seed of its incarnation, collection index within that
 * incarnation, the parameters' version) and of every update, where a test may block or throw.
 */
final class ToyOnPolicy {

  /** A toy batch: who collected it, with which parameters. */
  record Batch(int worker, long version, int trials) {
  }

  /** Runs at the start of a collection. */
  interface CollectHook {
    void before(int worker, long incarnationSeed, long collection, long version) throws Exception;
  }

  /** Runs at the start of an update. */
  interface UpdateHook {
    void before(long updates, List<Batch> batches) throws Exception;
  }

  /** What the toy saw (written by actor threads, read by the test). */
  static final class Seen {
    final AtomicLong updates = new AtomicLong();
    final AtomicLong collectionsStarted = new AtomicLong();
    final AtomicLong trialsUpdatedOn = new AtomicLong();
  }

  record Builder(int trialsPerUpdate, int steps, long totalEnvSteps, CollectHook onCollect, UpdateHook onUpdate,
      Seen seen) implements OnPolicyBuilder<Batch, Long> {

    @Override
    public String algorithm() {
      return "toy-on-policy";
    }

    @Override
    public String envId() {
      return "none";
    }

    @Override
    public long seed() {
      return 1;
    }

    @Override
    public int evalInterval() {
      return 2;
    }

    @Override
    public OnPolicyLearner<Batch, Long> newLearner() {
      return new Learner(onUpdate, seen);
    }

    @Override
    public TrialSource<Batch> newSource(int worker, int trials, long seed) {
      return new Source(worker, trials, steps, seed, onCollect, seen);
    }

    @Override
    public Evaluator newEvaluator() {
      return new CountEvaluator();
    }

    @Override
    public Evaluator newFinalEvaluator() {
      return new CountEvaluator();
    }
  }

  /** Evaluates a snapshot as its version (so later parameters are "better"). */
  static final class CountEvaluator implements Evaluator {
    @Override
    public int episodes() {
      return 2;
    }

    @Override
    public Evaluation evaluate(ParamSnapshot params) {
      return new Evaluation(params.version(), 0, 2);
    }
  }

  static final class Learner implements OnPolicyLearner<Batch, Long> {
    private final UpdateHook hook;
    private final Seen seen;
    private long updates;

    Learner(UpdateHook hook, Seen seen) {
      this.hook = hook;
      this.seen = seen;
    }

    @Override
    public long updates() {
      return updates;
    }

    @Override
    public ParamSnapshot snapshot() {
      return new ParamSnapshot(new float[] {updates}, updates);
    }

    @Override
    public Long update(List<Batch> batches, long envSteps) {
      try {
        hook.before(updates, batches);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      updates++;
      seen.updates.set(updates);
      seen.trialsUpdatedOn.addAndGet(batches.stream().mapToInt(Batch::trials).sum());
      return updates;
    }

    @Override
    public void save(Path file) {
    }

    @Override
    public void restore(Path file) {
    }

    @Override
    public void close() {
    }
  }

  static final class Source implements TrialSource<Batch> {
    private final int worker;
    private final int trials;
    private final int steps;
    private final long incarnationSeed;
    private final CollectHook hook;
    private final Seen seen;
    private long collections;

    Source(int worker, int trials, int steps, long seed, CollectHook hook, Seen seen) {
      this.worker = worker;
      this.trials = trials;
      this.steps = steps;
      this.incarnationSeed = seed; // the runtime gives every incarnation of a worker a seed of its own
      this.hook = hook;
      this.seen = seen;
    }

    @Override
    public int trials() {
      return trials;
    }

    @Override
    public long maxEnvSteps() {
      return (long) trials * steps;
    }

    @Override
    public Collected<Batch> collect(ParamSnapshot params) {
      seen.collectionsStarted.incrementAndGet();
      try {
        hook.before(worker, incarnationSeed, collections++, params.version());
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return new Collected<>(new Batch(worker, params.version(), trials), params.version(), trials,
          (long) trials * steps, trials, 0, 0, 0, Double.NaN, (long) trials * steps);
    }
  }

  private ToyOnPolicy() {
  }
}
