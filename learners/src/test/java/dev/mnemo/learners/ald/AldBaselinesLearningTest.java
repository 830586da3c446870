package dev.mnemo.learners.ald;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.rl2.ActorCriticPolicy;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.agents.transformer.GtrxlGate;
import dev.mnemo.agents.transformer.GtrxlTrunk;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import dev.mnemo.agents.transformer.TransformerActorCriticPolicy;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import dev.mnemo.learners.ald.AldLearner.Mode;
import dev.mnemo.learners.rl2.TrialBatch;
import dev.mnemo.learners.rl2.TrialCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ALD experiment's two baselines for real, on {@link AldImazeLearningTest}'s short I-Maze (corridor 3, arms 1:
 * the cue is seen at step 0 only, the decision at step 4; a policy without memory earns 0 in expectation, following
 * the cue +1), with the same networks and PPO settings: the Transformer-only baseline, acting with its own
 * key/value-cache kernel, follows the cue; the asymmetric one (LSTM policy, Transformer value) learns too. Also which
 * parameters each mode's actors get (ALD's never the Transformer's), that the Transformer-only batch's behaviour
 * probabilities are the Transformer's own (so its PPO ratios start at 1), and determinism.
 *
 * <p>Seeds as in ALD's test: 3 for the trainer (episodes, sampling, evaluations), 1 and 2 for the Transformer's and the
 * LSTM's initial parameters, 7 for the minibatch shuffle. Figures when written (the same on every run: the loop is
 * deterministic): Transformer-only evaluates at 0.95 after 16,234 env steps, asymmetric at 0.95 after 11,518 (ALD's
 * distilled actor: 0.965 after 36,285); with no memory of the cue a policy evaluates near 0.
 */
class AldBaselinesLearningTest {

  static final String ENV = AldImazeLearningTest.ENV;

  @Test
  void theTransformerOnlyBaselineActingWithItsKernelFollowsTheCue() {
    Setup s = new Setup(Mode.TRANSFORMER_ONLY, 64);
    try (AldLearner learner = s.learner()) {
      AldTrainer trainer = new AldTrainer(learner, i -> EnvRegistry.make(ENV), s.spec, 64, 200, 5, 3);
      assertInstanceOf(TransformerActorCriticPolicy.class, trainer.actingPolicy(), "Transformer-only acts with it");
      List<AldTrainer.Metrics> log = new ArrayList<>();
      Evaluation e = trainer.run(400_000, 0.9, log::add);
      AldTrainer.Metrics last = log.get(log.size() - 1);
      System.out.println("Transformer-only on " + ENV + ": " + e.meanReturn() + " +- " + e.ci95() + " after "
          + last.envSteps() + " env steps, " + last.stats() + ", acting " + last.actingCpuUsPerStep() + " us/step");
      assertTrue(e.meanReturn() >= 0.9, "the Transformer should follow the cue: " + e.meanReturn() + " after "
          + last.envSteps() + " env steps; returns " + returns(log));
      assertArrayEquals(learner.learnerParams(), learner.actingSnapshot().params(),
          "Transformer-only publishes the Transformer");
      assertTrue(last.actingCpuUsPerStep() > 0 && Double.isFinite(last.actingCpuUsPerStep()),
          "acting CPU time per step: " + last.actingCpuUsPerStep());
      assertTrue(Double.isNaN(last.stats().distillKl()), "no distillation: " + last.stats());
    }
  }

  @Test
  void theAsymmetricBaselineLearns() {
    Setup s = new Setup(Mode.ASYMMETRIC, 64);
    try (AldLearner learner = s.learner()) {
      AldTrainer trainer = new AldTrainer(learner, i -> EnvRegistry.make(ENV), s.spec, 64, 200, 5, 3);
      assertInstanceOf(ActorCriticPolicy.class, trainer.actingPolicy(), "the asymmetric baseline's LSTM acts");
      float[] transformer0 = learner.learnerParams();
      List<AldTrainer.Metrics> log = new ArrayList<>();
      Evaluation e = trainer.run(400_000, 0.9, log::add);
      AldTrainer.Metrics last = log.get(log.size() - 1);
      System.out.println("Asymmetric on " + ENV + ": " + e.meanReturn() + " +- " + e.ci95() + " after "
          + last.envSteps() + " env steps, " + last.stats() + ", acting " + last.actingCpuUsPerStep() + " us/step");
      assertTrue(e.meanReturn() >= 0.9, "the asymmetric LSTM should follow the cue: " + e.meanReturn() + " after "
          + last.envSteps() + " env steps; returns " + returns(log));
      assertEquals(s.actor.paramCount(), learner.actingSnapshot().params().length, "the LSTM is published");
      assertFalse(Arrays.equals(transformer0, learner.learnerParams()), "the Transformer critic trains");
    }
  }

  private static List<String> returns(List<AldTrainer.Metrics> log) {
    return log.stream().map(m -> String.format("%.2f", m.trainReturn())).toList();
  }

  /** The invariant ALD rests on: its actors act with the LSTM and receive its parameters, never the Transformer's. */
  @Test
  void aldsActorsNeverReceiveTheTransformersParameters() {
    for (boolean thread : new boolean[] {false, true}) {
      Setup s = new Setup(Mode.ALD, 16);
      s.thread = thread;
      try (AldLearner learner = s.learner()) {
        AldTrainer trainer = new AldTrainer(learner, i -> EnvRegistry.make(ENV), s.spec, 16, 10, 100, 3);
        assertInstanceOf(ActorCriticPolicy.class, trainer.actingPolicy(), "ALD's actors run the LSTM");
        List<float[]> published = new ArrayList<>();
        trainer.run(16 * 16 * 5, 1e9, m -> published.add(learner.actingSnapshot().params()));
        assertTrue(published.size() >= 4, "updates: " + published.size());
        for (float[] p : published) {
          assertEquals(s.actor.paramCount(), p.length, "an LSTM's parameters");
          assertFalse(p.length == s.transformer.paramCount() && Arrays.equals(p, learner.learnerParams()));
        }
        assertFalse(Arrays.equals(published.get(0), published.get(published.size() - 1)), "the actor is distilled");
        assertThrows(IllegalArgumentException.class,
            () -> trainer.actingPolicy().load(new dev.mnemo.agents.ParamSnapshot(learner.learnerParams(), 0)),
            "the LSTM policy refuses the Transformer's parameters");
      }
    }
  }

  /**
   * Transformer-only collects with the Transformer, so a batch's behaviour log-probabilities are the Transformer's
   * own training-form ones on the same episodes (16-step episodes, read as segments of 8 over a memory of 8: the
   * acting kernel's segment cuts and memory hand-over match the learner's): PPO's ratios start at exactly the
   * on-policy 1, up to float rounding.
   */
  @Test
  void transformerOnlysBehaviourProbabilitiesAreItsOwnTrainingForms() {
    Setup s = new Setup(Mode.TRANSFORMER_ONLY, 8);
    s.segment = 8;
    s.memory = 8;
    try (AldLearner learner = s.learner()) {
      int time = s.spec.maxEpisodeSteps();
      assertTrue(time > s.segment, "episodes must span segments: " + time);
      TrialCollector collector = new TrialCollector(i -> EnvRegistry.make(ENV), s.spec, 8);
      TrialBatch batch = collector.newBatch();
      TransformerActorCriticPolicy policy = new TransformerActorCriticPolicy(s.transformer, 8, 5, false);
      policy.load(learner.actingSnapshot());
      collector.collect(policy, 11, batch);
      float[] p = learner.learnerParams();
      TransformerActorCritic.Pass pass = s.transformer.newPass(1);
      GtrxlTrunk.Memory memory = s.transformer.trunk().newMemory(1);
      int in = s.spec.obsSize();
      int na = s.spec.numActions();
      float[] x = new float[s.segment * in];
      boolean[] first = new boolean[s.segment];
      first[0] = true;
      boolean[] none = new boolean[s.segment];
      double worst = 0;
      int compared = 0;
      for (int b = 0; b < 8; b++) {
        memory.clear();
        for (int sg = 0; sg * s.segment < batch.length(b); sg++) {
          Arrays.fill(x, 0f);
          for (int j = 0; j < s.segment && sg * s.segment + j < time; j++) {
            batch.copyObs(sg * s.segment + j, b, x, j * in);
          }
          pass.forward(1, p, x, 0, sg == 0 ? first : none, memory);
          for (int j = 0; j < s.segment && sg * s.segment + j < batch.length(b); j++) {
            for (int a = 0; a < na; a++) {
              worst = Math.max(worst, Math.abs(pass.logProbs()[j * na + a] - batch.logMu(sg * s.segment + j, b, a)));
            }
            compared++;
          }
          pass.nextMemory(memory, memory);
        }
      }
      assertTrue(compared > 8 * s.segment, "steps compared beyond the first segment: " + compared);
      assertTrue(worst < 1e-5, "largest |log pi - log mu|: " + worst);
    }
  }

  /** Two runs of each baseline from one seed end on the same parameters. */
  @Test
  void eachBaselineIsDeterministicGivenItsSeed() {
    for (Mode mode : new Mode[] {Mode.TRANSFORMER_ONLY, Mode.ASYMMETRIC}) {
      float[] a = fewUpdates(mode);
      assertArrayEquals(a, fewUpdates(mode), mode + ": two runs from one seed");
    }
  }

  private static float[] fewUpdates(Mode mode) {
    Setup s = new Setup(mode, 16);
    try (AldLearner learner = s.learner()) {
      AldTrainer trainer = new AldTrainer(learner, i -> EnvRegistry.make(ENV), s.spec, 16, 10, 100, 3);
      trainer.run(16 * 5 * 4, 1e9, m -> { });
      return learner.actingSnapshot().params();
    }
  }

  /** The test's networks and settings: {@link AldImazeLearningTest}'s, in a given mode. */
  static final class Setup {
    final EnvSpec spec;
    final Mode mode;
    final int trials;
    final ActorCriticSpec actor;
    /** The Transformer of the last {@link #learner()}. */
    TransformerActorCritic transformer;
    boolean thread;
    int segment;
    int memory;

    Setup(Mode mode, int trials) {
      spec = EnvRegistry.spec(ENV);
      this.mode = mode;
      this.trials = trials;
      this.segment = spec.maxEpisodeSteps();
      this.actor = mode.actsWithTransformer() ? null : new ActorCriticSpec(spec.obsSize(), spec.numActions(),
          List.of(), "lstm", 32, List.of(), mode == Mode.ALD);
    }

    AldLearner learner() {
      int time = spec.maxEpisodeSteps();
      GtrxlTrunk trunk = new GtrxlTrunk(spec.obsSize(), 32, 1, 2, memory, segment, 64, GtrxlGate.DEFAULT_GATE_BIAS,
          BatchOps.best());
      TransformerActorCritic t = new TransformerActorCritic(trunk, List.of(), spec.numActions(), BatchOps.best());
      transformer = t;
      AldLearner.Config cfg = new AldLearner.Config(0.99, 0.95, new PpoLoss(0.2, 0.5, 0.01, 0, 0), 4, 4, 1e-3,
          3e-3, 1e-5, 0.0, 1.0, 1.0, 0.5, 0.0, 4, thread, 7, mode);
      return new AldLearner(t, t.initialParams(1), actor, actor == null ? null : actor.initialParams(2), cfg,
          trials, time);
    }
  }
}
