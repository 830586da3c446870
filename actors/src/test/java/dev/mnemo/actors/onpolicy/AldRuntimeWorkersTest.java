package dev.mnemo.actors.onpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.agents.transformer.GtrxlGate;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.learners.agent.Evaluator;
import dev.mnemo.learners.agent.OnPolicyBuilder;
import dev.mnemo.learners.agent.OnPolicyLearner;
import dev.mnemo.learners.agent.TrialSource;
import dev.mnemo.learners.ald.AldBuilder;
import dev.mnemo.learners.ald.AldLearner;
import dev.mnemo.learners.ald.AldShapes;
import dev.mnemo.learners.rl2.TrialBatch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ALD's modes through the real on-policy runtime (2 workers): what each worker's source is handed before a collection
 * is the acting network's parameters, counted as the workers see them: the LSTM's in ALD (on the distillation thread
 * too) and in the asymmetric baseline, never the Transformer's (more parameters here); the Transformer's in
 * Transformer-only, whose workers then act with it (its key/value-cache policy) and the learner updates on what they
 * collect. A worker failure ends the run (no restarts), so a collection path that called the Transformer policy's
 * refused {@code copyStateBefore}, or loaded parameters of the wrong network, would fail the test. The learner's
 * distillation thread ends with the run.
 */
class AldRuntimeWorkersTest {

  private static final String ENV = "imaze?length=2&arm=1";
  private static final int TRIALS = 8;

  @ParameterizedTest
  @CsvSource({"ALD, false", "ALD, true", "ASYMMETRIC, false", "TRANSFORMER_ONLY, false"})
  void workersReceiveAndActWithTheActingNetworksParameters(AldLearner.Mode mode, boolean thread) throws Exception {
    long distillersBefore = distillerThreads();
    AldBuilder ald = builder(mode, thread);
    int transformerParams = ald.transformer().paramCount();
    int acting = mode.actsWithTransformer() ? transformerParams : ald.actor().paramCount();
    if (!mode.actsWithTransformer()) {
      assertNotEquals(transformerParams, acting, "the test tells the networks apart by their sizes");
    }
    Observed seen = new Observed(ald, ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet(), new AtomicLong(),
        new AtomicLong());
    List<OnPolicyUpdate<AldLearner.Stats>> updates = new CopyOnWriteArrayList<>();
    OnPolicyResult r = OnPolicyRuntime.run(OnPolicyConfig.defaults().withWorkers(2)
        .withRestarts(0, Duration.ofSeconds(60), Duration.ofMillis(10)), seen, new OnPolicyListener<>() {
          @Override
          public void onEvent(Map<String, Object> event) {
          }

          @Override
          public void onUpdate(OnPolicyUpdate<AldLearner.Stats> u) {
            updates.add(u);
          }
        });
    String what = mode + " (thread " + thread + "): " + r.updates() + " updates, " + seen.collections() + " collections";
    assertEquals(Set.of(acting), seen.paramLengths(), what + ": the parameter counts the workers received");
    assertEquals(acting, r.finalParams().params().length, what);
    assertTrue(r.updates() >= 6, what);
    assertEquals(r.updates(), updates.size(), what);
    assertTrue(seen.collections().get() >= r.updates() * (TRIALS / r.trialsPerCollection()), what);
    assertTrue(seen.newestVersion().get() >= r.updates() - 2, what + ": the workers got updated parameters, newest "
        + seen.newestVersion());
    assertTrue(seen.versions().size() >= 3, what + ": versions acted with " + seen.versions());
    for (int i = 0; i < updates.size(); i++) {
      OnPolicyUpdate<AldLearner.Stats> u = updates.get(i);
      assertEquals(i + 1, u.updates(), what + ": one record per update, numbered by it");
      assertEquals(u.updates(), u.report().updates(), what);
      assertTrue(Double.isFinite(u.report().learnerGradNorm()), what);
      assertEquals(mode == AldLearner.Mode.ALD, Double.isFinite(u.report().distillKl()), what + ": " + u.report());
      assertTrue(u.actingCpuUsPerStep() > 0, what + ": the workers' acting CPU time " + u.actingCpuUsPerStep());
    }
    assertEquals(distillersBefore, distillerThreads(), "the learner's distillation thread ends with the run");
  }

  private static AldBuilder builder(AldLearner.Mode mode, boolean thread) {
    EnvSpec spec = EnvRegistry.spec(ENV);
    AldShapes shapes = new AldShapes(8, 1, 2, 0, 0, 16, GtrxlGate.DEFAULT_GATE_BIAS, "lstm", 8);
    TransformerActorCritic transformer = shapes.transformer(spec);
    ActorCriticSpec actor = shapes.actor(spec, mode);
    AldLearner.Config cfg = new AldLearner.Config(0.99, 0.95, new PpoLoss(0.2, 0.5, 0.01, 0, 0), 2, 2, 1e-3, 3e-3,
        1e-5, 0.0, 1.0, 1.0, 0.5, 0, 2, thread, 4, mode);
    long budget = 10L * TRIALS * spec.maxEpisodeSteps();
    return new AldBuilder(ENV, spec, transformer, actor, cfg, TRIALS, 3, budget, 1000, 8, 8);
  }

  private static long distillerThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals("ald-distiller"))
        .count();
  }

  /**
   * {@link AldBuilder} with every worker's source recording the parameters it is handed (their count and version)
   * before collecting with them.
   */
  private record Observed(AldBuilder ald, Set<Integer> paramLengths, Set<Long> versions, AtomicLong newestVersion,
      AtomicLong collections) implements OnPolicyBuilder<TrialBatch, AldLearner.Stats> {

    @Override
    public TrialSource<TrialBatch> newSource(int worker, int trials, long seed) {
      TrialSource<TrialBatch> inner = ald.newSource(worker, trials, seed);
      return new TrialSource<>() {
        @Override
        public int trials() {
          return inner.trials();
        }

        @Override
        public long maxEnvSteps() {
          return inner.maxEnvSteps();
        }

        @Override
        public Collected<TrialBatch> collect(ParamSnapshot params) {
          paramLengths.add(params.params().length);
          versions.add(params.version());
          newestVersion.accumulateAndGet(params.version(), Math::max);
          collections.incrementAndGet();
          return inner.collect(params);
        }

        @Override
        public void close() {
          inner.close();
        }
      };
    }

    @Override
    public String algorithm() {
      return ald.algorithm();
    }

    @Override
    public String envId() {
      return ald.envId();
    }

    @Override
    public long seed() {
      return ald.seed();
    }

    @Override
    public long totalEnvSteps() {
      return ald.totalEnvSteps();
    }

    @Override
    public int trialsPerUpdate() {
      return ald.trialsPerUpdate();
    }

    @Override
    public boolean acceptsCollectionSize(int trials) {
      return ald.acceptsCollectionSize(trials);
    }

    @Override
    public int evalInterval() {
      return ald.evalInterval();
    }

    @Override
    public OnPolicyLearner<TrialBatch, AldLearner.Stats> newLearner() {
      return ald.newLearner();
    }

    @Override
    public Evaluator newEvaluator() {
      return ald.newEvaluator();
    }

    @Override
    public Evaluator newFinalEvaluator() {
      return ald.newFinalEvaluator();
    }
  }
}
