package dev.mnemo.learners.rl2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.rl2.ActorCriticPolicy;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.agents.rl2.RecurrentActorCritic;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import java.util.List;
import java.util.Random;

/** What the RL² learner tests share: the two trial envs, a network for them, collected batches, recomputation. */
final class Rl2Fixtures {

  /** 3-armed Bernoulli bandits, 6 pulls per trial: obs [1 inner, 3 one-hot action, reward, done], 6 steps. */
  static final String BANDIT = "bandit?arms=3&pulls=6";
  /** Random MDPs of 3 states and 2 actions, 3 episodes of 4 steps per trial: 12 steps. */
  static final String MDP = "mdp?episodes=3&states=3&actions=2&horizon=4";

  private Rl2Fixtures() {}

  static EnvSpec envSpec(String id) {
    try (Env e = EnvRegistry.make(id)) {
      return e.spec();
    }
  }

  static ActorCriticSpec spec(String envId, String core, int hidden, boolean separate) {
    EnvSpec s = envSpec(envId);
    return new ActorCriticSpec(s.obsSize(), s.numActions(), List.of(), core, hidden, List.of(), separate);
  }

  /**
   * The spec's initialisation with every value perturbed by N(0, 0.5^2): the policy head leaves its near-uniform
   * start, so the log-probabilities depend strongly on the recurrent state (what the state tests need).
   */
  static float[] params(ActorCriticSpec spec, long seed) {
    float[] p = spec.initialParams(seed);
    Random r = new Random(seed + 1);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (r.nextGaussian() * 0.5);
    }
    return p;
  }

  static TrialCollector collector(String envId, int trials) {
    return new TrialCollector(i -> EnvRegistry.make(envId), envSpec(envId), trials);
  }

  static ActorCriticPolicy policy(ActorCriticSpec spec, float[] params, int trials, long seed) {
    ActorCriticPolicy p = new ActorCriticPolicy(spec, trials, seed, false);
    p.load(new ParamSnapshot(params.clone(), 0));
    return p;
  }

  /** The training form's log-probabilities of every step of every trial, from the zero state (time-major). */
  static float[] recompute(ActorCriticSpec spec, float[] params, TrialBatch batch) {
    RecurrentActorCritic net = new RecurrentActorCritic(spec, params);
    RecurrentActorCritic.Workspace ws = net.workspace(batch.trials(), batch.time());
    System.arraycopy(batch.obs, 0, ws.input(), 0, batch.obs.length);
    ws.forward();
    return ws.logProbs().clone();
  }

  /** The training form's values of every step from the zero state (time-major). */
  static float[] values(ActorCriticSpec spec, float[] params, TrialBatch batch) {
    RecurrentActorCritic net = new RecurrentActorCritic(spec, params);
    RecurrentActorCritic.Workspace ws = net.workspace(batch.trials(), batch.time());
    System.arraycopy(batch.obs, 0, ws.input(), 0, batch.obs.length);
    ws.forward();
    float[] v = new float[batch.trials() * batch.time()];
    for (int r = 0; r < v.length; r++) {
      v[r] = ws.value(r);
    }
    return v;
  }

  /** Index of the done flag (1 at the first observation of every inner episode) in a MetaTrial observation. */
  static int doneIndex(TrialBatch batch) {
    return batch.obsSize() - 1;
  }

  static PpoConfig config(int epochs, int minibatches, double lr, double weightDecay) {
    return new PpoConfig(epochs, minibatches, 0.9, 0.8, new PpoLoss(0.2, 0.5, 0.01, 1.0, 0.0), false, lr, 1e-5,
        weightDecay, 0.5, 0.0, 0.0, 17);
  }

  /** |got - want| <= tol * max(1, |want|) at every valid step, naming the first that differs. */
  static void assertValidRowsClose(TrialBatch batch, float[] want, float[] got, int width, double tol, String what) {
    assertEquals(want.length, got.length, what + ": length");
    for (int t = 0; t < batch.time(); t++) {
      for (int b = 0; b < batch.trials(); b++) {
        if (!batch.valid(t, b)) {
          continue;
        }
        for (int j = 0; j < width; j++) {
          int i = (t * batch.trials() + b) * width + j;
          if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) {
            fail(what + ": trial " + b + ", step " + t + ", entry " + j + ": expected " + want[i] + ", got " + got[i]);
          }
        }
      }
    }
  }

  /** The largest |a - b| over the valid steps of trial rows where {@code include} holds. */
  static double maxDiff(TrialBatch batch, float[] a, float[] b, int width, java.util.function.BiPredicate<Integer,
      Integer> include) {
    double m = 0;
    for (int t = 0; t < batch.time(); t++) {
      for (int k = 0; k < batch.trials(); k++) {
        if (!batch.valid(t, k) || !include.test(t, k)) {
          continue;
        }
        for (int j = 0; j < width; j++) {
          int i = (t * batch.trials() + k) * width + j;
          m = Math.max(m, Math.abs(a[i] - b[i]));
        }
      }
    }
    return m;
  }
}
