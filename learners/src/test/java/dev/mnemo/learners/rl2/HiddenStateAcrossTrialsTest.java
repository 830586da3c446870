package dev.mnemo.learners.rl2;

import static dev.mnemo.learners.rl2.Rl2Fixtures.BANDIT;
import static dev.mnemo.learners.rl2.Rl2Fixtures.MDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.rl2.ActorCriticPolicy;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.RecurrentActorCritic;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RL²'s hidden state spans exactly one trial: it must be zero at each trial's start and kept across the trial's
 * inner episodes. The behaviour log-probabilities a collection records must equal the training form run from
 * the zero state over each whole trial, also for a second collection with the same policy object (a state left
 * over from the first collection would show). Each check is shown to be sensitive: the log-probabilities of a
 * policy whose state leaked from the previous trial, and those of one reset at every inner episode start, both
 * differ from the recorded ones by far more than the tolerance.
 */
class HiddenStateAcrossTrialsTest {

  static final int TRIALS = 4;

  @ParameterizedTest
  @ValueSource(strings = {BANDIT, MDP})
  void aSecondCollectionWithTheSamePolicyStartsEveryTrialFromTheZeroState(String env) {
    ActorCriticSpec spec = Rl2Fixtures.spec(env, "ln_gru", 8, true);
    float[] p = Rl2Fixtures.params(spec, 31);
    TrialCollector c = Rl2Fixtures.collector(env, TRIALS);
    ActorCriticPolicy policy = Rl2Fixtures.policy(spec, p, TRIALS, 32);
    TrialBatch first = c.newBatch();
    TrialBatch second = c.newBatch();
    c.collect(policy, 100, first);
    c.collect(policy, 101, second); // the same policy object: its state ended the first collection non-zero
    Rl2Fixtures.assertValidRowsClose(first, Rl2Fixtures.recompute(spec, p, first), first.logMu, spec.numActions(),
        1e-5, env + ", first collection");
    Rl2Fixtures.assertValidRowsClose(second, Rl2Fixtures.recompute(spec, p, second), second.logMu,
        spec.numActions(), 1e-5, env + ", second collection with the same policy");

    // Sensitivity: a policy whose state leaked from the first collection's trial b into the second's would
    // record the training form's log-probabilities over [first trial b, second trial b] run as one sequence.
    int time = c.time();
    int na = spec.numActions();
    int os = first.obsSize();
    RecurrentActorCritic net = new RecurrentActorCritic(spec, p);
    RecurrentActorCritic.Workspace ws = net.workspace(TRIALS, 2 * time);
    for (int t = 0; t < 2 * time; t++) {
      for (int b = 0; b < TRIALS; b++) {
        (t < time ? first : second).copyObs(t % time, b, ws.input(), (t * TRIALS + b) * os);
      }
    }
    ws.forward();
    float[] leaked = new float[TRIALS * time * na];
    System.arraycopy(ws.logProbs(), TRIALS * time * na, leaked, 0, leaked.length);
    double d = Rl2Fixtures.maxDiff(second, leaked, second.logMu, na, (t, b) -> true);
    assertTrue(d > 1e-2, env + ": a leaked state changes the log-probabilities by only " + d
        + ", the check above could not see a leak");
  }

  /**
   * The state is kept across inner episodes: the recorded log-probabilities differ from those of a policy reset
   * at every inner episode start (each inner episode recomputed from the zero state on its own), while the first
   * inner episode, which starts at the trial's start, agrees with it (so the counterfactual is built right).
   */
  @ParameterizedTest
  @ValueSource(strings = {MDP, BANDIT})
  void theStateIsNotResetAtInnerEpisodeStarts(String env) {
    ActorCriticSpec spec = Rl2Fixtures.spec(env, "ln_gru", 8, true);
    float[] p = Rl2Fixtures.params(spec, 41);
    TrialCollector c = Rl2Fixtures.collector(env, TRIALS);
    TrialBatch batch = c.newBatch();
    c.collect(Rl2Fixtures.policy(spec, p, TRIALS, 42), 200, batch);
    int time = batch.time();
    int na = spec.numActions();
    int os = batch.obsSize();
    int done = Rl2Fixtures.doneIndex(batch);
    float[] x = new float[os];
    // Inner episodes from the done flags: segment k = (trial, first step, length).
    List<int[]> segs = new ArrayList<>();
    int longest = 0;
    for (int b = 0; b < TRIALS; b++) {
      int start = 0;
      for (int t = 1; t <= batch.length(b); t++) {
        boolean boundary = t == batch.length(b);
        if (!boundary) {
          batch.copyObs(t, b, x, 0);
          boundary = x[done] == 1f;
        }
        if (boundary) {
          segs.add(new int[] {b, start, t - start});
          longest = Math.max(longest, t - start);
          start = t;
        }
      }
    }
    int episodes = env.equals(MDP) ? 3 : 6;
    assertEquals(TRIALS * episodes, segs.size(), "inner episodes found from the done flags");
    RecurrentActorCritic net = new RecurrentActorCritic(spec, p);
    RecurrentActorCritic.Workspace ws = net.workspace(segs.size(), longest);
    java.util.Arrays.fill(ws.input(), 0f);
    for (int k = 0; k < segs.size(); k++) {
      int[] s = segs.get(k);
      for (int j = 0; j < s[2]; j++) {
        batch.copyObs(s[1] + j, s[0], ws.input(), (j * segs.size() + k) * os);
      }
    }
    ws.forward();
    float[] reset = new float[TRIALS * time * na]; // back in the batch's time-major layout
    boolean[] firstEpisode = new boolean[TRIALS * time];
    for (int k = 0; k < segs.size(); k++) {
      int[] s = segs.get(k);
      for (int j = 0; j < s[2]; j++) {
        int r = (s[1] + j) * TRIALS + s[0];
        System.arraycopy(ws.logProbs(), (j * segs.size() + k) * na, reset, r * na, na);
        firstEpisode[r] = s[1] == 0;
      }
    }
    double inFirst = Rl2Fixtures.maxDiff(batch, reset, batch.logMu, na, (t, b) -> firstEpisode[t * TRIALS + b]);
    double later = Rl2Fixtures.maxDiff(batch, reset, batch.logMu, na, (t, b) -> !firstEpisode[t * TRIALS + b]);
    assertTrue(inFirst <= 1e-5, env + ": the first inner episode starts at the trial's start, yet differs by "
        + inFirst);
    assertTrue(later > 1e-2, env + ": a reset at inner episode starts changes the log-probabilities by only "
        + later + ": the collector's agreement with the whole-trial recomputation would not show such a reset");
    // And the recorded log-probabilities are those of the whole trial.
    Rl2Fixtures.assertValidRowsClose(batch, Rl2Fixtures.recompute(spec, p, batch), batch.logMu, na, 1e-5,
        env + ": behaviour log pi vs whole-trial recomputation");
  }
}
