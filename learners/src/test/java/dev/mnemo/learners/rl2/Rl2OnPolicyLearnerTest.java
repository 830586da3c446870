package dev.mnemo.learners.rl2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.rl2.ActorCriticPolicy;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runtime's learner lays several collections side by side into one update's batch: every field of every trial
 * must land in its column at every step (a transposed or offset copy would mix trials, which PPO would not notice
 * as an error, only learn worse from).
 */
class Rl2OnPolicyLearnerTest {

  @Test
  void mergeLaysEachCollectionsTrialsSideBySideAtEveryStep() {
    ActorCriticSpec spec = Rl2Fixtures.spec(Rl2Fixtures.MDP, "gru", 6, true);
    float[] params = Rl2Fixtures.params(spec, 3);
    TrialBatch p = collect(spec, params, 2, 11, 4);
    TrialBatch q = collect(spec, params, 3, 12, 3);
    TrialBatch into = new TrialBatch(5, p.time(), p.obsSize(), p.numActions());
    TrialBatch.merge(List.of(p, q), into);
    assertEquals(3, into.paramVersion(), "the oldest collection's version");
    float[] want = new float[p.obsSize()];
    float[] got = new float[p.obsSize()];
    for (int b = 0; b < 5; b++) {
      TrialBatch part = b < 2 ? p : q;
      int k = b < 2 ? b : b - 2;
      assertEquals(part.trialReturn(k), into.trialReturn(b), "return of trial " + b);
      assertEquals(part.length(k), into.length(b), "length of trial " + b);
      for (int t = 0; t < p.time(); t++) {
        String at = "trial " + b + ", step " + t;
        assertEquals(part.action(t, k), into.action(t, b), at);
        assertEquals(part.reward(t, k), into.reward(t, b), at);
        assertEquals(part.valid(t, k), into.valid(t, b), at);
        part.copyObs(t, k, want, 0);
        into.copyObs(t, b, got, 0);
        assertArrayEquals(want, got, at);
        for (int a = 0; a < p.numActions(); a++) {
          assertEquals(part.logMu(t, k, a), into.logMu(t, b, a), at + ", action " + a);
        }
      }
    }
  }

  @Test
  void mergeRefusesBatchesThatDoNotFillTheUpdate() {
    ActorCriticSpec spec = Rl2Fixtures.spec(Rl2Fixtures.MDP, "gru", 6, true);
    TrialBatch p = collect(spec, Rl2Fixtures.params(spec, 3), 2, 11, 0);
    TrialBatch into = new TrialBatch(5, p.time(), p.obsSize(), p.numActions());
    assertThrows(IllegalArgumentException.class, () -> TrialBatch.merge(List.of(p, p), into));
  }

  private static TrialBatch collect(ActorCriticSpec spec, float[] params, int trials, long seed, long version) {
    TrialCollector c = Rl2Fixtures.collector(Rl2Fixtures.MDP, trials);
    ActorCriticPolicy policy = new ActorCriticPolicy(spec, trials, seed, false);
    policy.load(new ParamSnapshot(params.clone(), version));
    TrialBatch b = c.newBatch();
    c.collect(policy, seed, b);
    return b;
  }
}
