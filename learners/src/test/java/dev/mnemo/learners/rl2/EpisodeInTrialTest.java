package dev.mnemo.learners.rl2;

import static dev.mnemo.learners.rl2.Rl2Fixtures.BANDIT;
import static dev.mnemo.learners.rl2.Rl2Fixtures.MDP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.learners.agent.Evaluator.Evaluation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The inner episode each collected step belongs to, and the evaluation's mean return per inner episode: what shows
 * whether a policy improves within a trial.
 */
class EpisodeInTrialTest {

  /**
   * Step t of a trial of fixed-length inner episodes belongs to episode t / horizon (1 step per bandit pull, 4 per
   * episode of the small MDP), and the observation's done flag is set exactly where that index changes.
   */
  @ParameterizedTest
  @ValueSource(strings = {BANDIT, MDP})
  void eachStepIsNumberedWithItsInnerEpisode(String env) {
    int horizon = env.equals(BANDIT) ? 1 : 4;
    ActorCriticSpec spec = Rl2Fixtures.spec(env, "gru", 8, true);
    TrialCollector c = Rl2Fixtures.collector(env, 5);
    TrialBatch batch = c.newBatch();
    c.collect(Rl2Fixtures.policy(spec, Rl2Fixtures.params(spec, 2), 5, 3), 11, batch);
    int done = Rl2Fixtures.doneIndex(batch);
    float[] x = new float[batch.obsSize()];
    for (int b = 0; b < 5; b++) {
      for (int t = 0; t < batch.time(); t++) {
        assertEquals(t / horizon, batch.episodeInTrial(t, b), env + ": trial " + b + " step " + t);
        batch.copyObs(t, b, x, 0);
        assertEquals(t % horizon == 0 ? 1f : 0f, x[done], env + ": done flag of trial " + b + " step " + t);
      }
    }
  }

  /**
   * The per-episode returns of each trial add up to its return, so their means add up to the evaluation's mean; one
   * mean per inner episode.
   */
  @ParameterizedTest
  @ValueSource(strings = {BANDIT, MDP})
  void episodeMeansAddUpToTheTrialMean(String env) {
    ActorCriticSpec spec = Rl2Fixtures.spec(env, "ln_gru", 8, true);
    ParamSnapshot params = new ParamSnapshot(Rl2Fixtures.params(spec, 4), 1);
    TrialEvaluator eval = new TrialEvaluator(spec, i -> EnvRegistry.make(env), Rl2Fixtures.envSpec(env), 40, 5,
        false);
    Evaluation e = eval.evaluate(params);
    int episodes = env.equals(BANDIT) ? 6 : 3;
    assertEquals(episodes, e.episodeInTrialMeans().length);
    double sum = 0;
    for (double m : e.episodeInTrialMeans()) {
      sum += m;
    }
    assertEquals(e.meanReturn(), sum, 1e-9);
  }

  /** Means by index over trials, from hand-made per-trial episode returns. */
  @org.junit.jupiter.api.Test
  void meansAreTakenPerIndexOverTrials() {
    double[][] byTrial = {{1, 2, 3}, {3, 4, 5}, {2, 0, 1}};
    assertArrayEquals(new double[] {2, 2, 3}, TrialEvaluator.episodeMeans(byTrial), 1e-12);
    assertEquals(0, TrialEvaluator.episodeMeans(new double[][] {{}, {}}).length);
  }
}
