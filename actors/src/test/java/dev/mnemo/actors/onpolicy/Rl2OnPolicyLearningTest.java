package dev.mnemo.actors.onpolicy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import dev.mnemo.learners.rl2.PpoConfig;
import dev.mnemo.learners.rl2.PpoStats;
import dev.mnemo.learners.rl2.Rl2Builder;
import dev.mnemo.learners.rl2.Rl2Config;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RL² trained through the on-policy Pekko runtime (2 trial workers, max_param_lag 1) learns to explore Bernoulli
 * bandits from a fixed seed within a small budget: its final parameters, evaluated on fresh tasks apart from
 * training's, beat the random policy (pulls x 0.5 in expectation: p ~ U[0,1]) well outside the 95% interval.
 * Not bit-reproducible (arrival order is the threads'), so the margins are wide.
 */
class Rl2OnPolicyLearningTest {

  @Test
  void learnsThreeArmedBanditsOfFivePulls() throws Exception {
    assertLearns("bandit?arms=3&pulls=5", 5, 300_000, 2.5, 0.3);
  }

  @Test
  void learnsFiveArmedBanditsOfTenPulls() throws Exception {
    assertLearns("bandit?arms=5&pulls=10", 10, 400_000, 5.0, 0.6);
  }

  private static void assertLearns(String env, int pulls, long budget, double random, double margin)
      throws Exception {
    PpoConfig ppo = new PpoConfig(8, 4, 0.99, 0.3, new PpoLoss(0.1, 0.5, 0.01, 1.0, 0), false, 1e-3, 1e-5, 0.01,
        0.5, 0, 0.1, 3);
    Rl2Config cfg = new Rl2Config(env, 1, "ln_gru", 32, List.of(), List.of(), true, 400, ppo, "constant", budget,
        10, 200, 500, false, 1);
    Rl2Builder builder = new Rl2Builder(cfg);
    long t0 = System.nanoTime();
    OnPolicyResult r = OnPolicyRuntime.run(OnPolicyConfig.defaults().withWorkers(2), builder,
        OnPolicyListener.<PpoStats>none());
    Evaluation fin = builder.newFinalEvaluator().evaluate(r.finalParams());
    String report = String.format("%s: final %.3f +- %.3f after %d env steps, %d updates, %.0f s; lag %s, dropped %s, "
        + "peak update %d", env, fin.meanReturn(), fin.ci95(), r.envSteps(), r.updates(),
        (System.nanoTime() - t0) / 1e9, r.lag().kept(), r.lag().dropped(), r.peakUpdate());
    System.out.println(report);
    assertTrue(r.envSteps() >= budget, report);
    assertTrue(fin.meanReturn() - fin.ci95() > random + margin, "must beat random (" + random + ") by " + margin
        + " outside the CI: " + report);
  }
}
