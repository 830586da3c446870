package dev.mnemo.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SequenceAdderTest {
  static final int OBS = 3;
  static final int STATE = 2;
  static final int ACTIONS = 5;

  /** A copied row as the sink received it. */
  record Got(SequenceBatch seq, float priority) {
    float obs(int t, int k) {
      return seq.obs[t * seq.obsSize() + k];
    }
  }

  /** Keeps a copy of every sequence it receives. */
  static final class Recorder implements SequenceSink {
    final List<Got> got = new ArrayList<>();

    @Override
    public void accept(SequenceBatch sequence, int row, float priority) {
      SequenceBatch copy = new SequenceBatch(1, sequence.length(), sequence.obsSize(), sequence.stateSize(),
          sequence.numActions(), sequence.hasLogits());
      copy.copyRowFrom(sequence, row, 0);
      got.add(new Got(copy, priority));
    }
  }

  // The synthetic stream: everything is a function of (episode, step) so each stored value can be traced.
  static int action(int ep, int step) {
    return (step * 7 + ep) % ACTIONS;
  }

  static float reward(int ep, int step) {
    return step + 0.25f * ep;
  }

  static float stateValue(int ep, int step, int i) {
    return step == 0 ? 0f : ep * 1000 + step + 0.1f * (i + 1);
  }

  static final class Stream {
    final SequenceAdder adder;
    final float[] obs = new float[OBS];
    final float[] state = new float[STATE];
    final float[] logits = new float[ACTIONS];

    Stream(SequenceAdder adder) {
      this.adder = adder;
    }

    void step(int ep, int step, boolean terminated, boolean truncated) throws InterruptedException {
      obs[0] = ep;
      obs[1] = step;
      obs[2] = 7;
      for (int i = 0; i < STATE; i++) {
        state[i] = stateValue(ep, step, i);
      }
      for (int a = 0; a < ACTIONS; a++) {
        logits[a] = ep + step * 0.01f + a;
      }
      adder.add(obs, 0, action(ep, step), reward(ep, step), terminated, truncated, state, 0,
          adder.config().storeLogits() ? logits : null, 0);
    }

    /** One whole episode of {@code length} steps ending as asked; returns the final observation. */
    float[] episode(int ep, int length, boolean truncated) throws InterruptedException {
      for (int t = 0; t < length; t++) {
        boolean last = t == length - 1;
        step(ep, t, last && !truncated, last && truncated);
      }
      float[] fin = {ep, length, -1f};
      adder.endEpisode(fin, 0);
      return fin;
    }
  }

  static SequenceConfig cfg(int burnIn, int train, int n, int period) {
    return new SequenceConfig(burnIn, train, n, period, OBS, STATE, ACTIONS, false, false,
        SequenceBoundary.EPISODE);
  }

  /** The starts the adder must emit for an episode of {@code length}, derived independently. */
  static TreeSet<Integer> expectedStarts(SequenceConfig cfg, int length) {
    TreeSet<Integer> starts = new TreeSet<>();
    for (int s = 0; s < length; s += cfg.period()) {
      if (s + cfg.burnIn() < length) {
        starts.add(s);
      }
    }
    return starts;
  }

  @Test
  void sequencesStartEveryPeriodStayInsideTheirEpisodeAndCoverEveryTrainableStep()
      throws InterruptedException {
    SequenceConfig cfg = cfg(4, 8, 2, 4); // T = 14
    int t = cfg.length();
    // Short, shorter than burn-in, equal to it, exact multiples of the period and of T, and long.
    int[] lengths = {1, 3, 4, 5, 8, 13, 14, 15, 16, 18, 28, 31, 60};
    for (int ei = 0; ei < lengths.length; ei++) {
      Recorder rec = new Recorder();
      Stream s = new Stream(new SequenceAdder(cfg, rec, 3));
      int length = lengths[ei];
      int ep = ei + 1;
      s.episode(ep, length, false);

      TreeSet<Integer> starts = new TreeSet<>();
      boolean[] trained = new boolean[length];
      for (Got g : rec.got) {
        SequenceBatch b = g.seq();
        int start = (int) g.obs(0, 1);
        starts.add(start);
        int real = b.realSteps(0);
        assertEquals(Math.min(t, length - start), real, "real steps of sequence at " + start
            + " in an episode of " + length);
        for (int k = 0; k < t; k++) {
          if (k < real) {
            assertEquals(1f, b.mask[k], "mask at " + k);
            assertEquals(ep, g.obs(k, 0), "episode id at step " + k + ": a sequence crossed an episode");
            assertEquals(start + k, g.obs(k, 1), "step index at " + k);
            assertEquals(action(ep, start + k), b.actions[k]);
            assertEquals(reward(ep, start + k), b.rewards[k]);
            assertEquals(start + k == 0 ? 1f : 0f, b.episodeStarts[k], "episodeStarts at " + k);
            int prevA = start + k == 0 ? -1 : action(ep, start + k - 1);
            float prevR = start + k == 0 ? 0f : reward(ep, start + k - 1);
            assertEquals(prevA, b.prevActions[k], "prevAction at step " + (start + k));
            assertEquals(prevR, b.prevRewards[k], "prevReward at step " + (start + k));
            if (k >= cfg.burnIn() && k < cfg.burnIn() + cfg.trainLength()) {
              trained[start + k] = true;
            }
          } else {
            assertEquals(0f, b.mask[k], "padding mask at " + k);
            assertEquals(0f, b.discounts[k], "padding discount at " + k);
          }
        }
        for (int i = 0; i < STATE; i++) {
          assertEquals(stateValue(ep, start, i), b.state0[i], "state0 of the sequence at " + start);
        }
        assertEquals(3, b.actorIds[0]);
      }
      assertEquals(expectedStarts(cfg, length), starts, "sequence starts for an episode of " + length);
      for (int j = cfg.burnIn(); j < length; j++) {
        assertTrue(trained[j], "step " + j + " of an episode of " + length + " is in no trained window");
      }
    }
  }

  @Test
  void burnInNeverSeesThePreviousEpisodeAndStateStartsAtZero() throws InterruptedException {
    SequenceConfig cfg = cfg(4, 8, 2, 4);
    Recorder rec = new Recorder();
    Stream s = new Stream(new SequenceAdder(cfg, rec, 0));
    int[] lengths = {9, 2, 17, 6, 14};
    for (int i = 0; i < lengths.length; i++) {
      s.episode(i, lengths[i], i % 2 == 0);
    }
    assertTrue(rec.got.size() >= 8, "expected several sequences, got " + rec.got.size());
    for (Got g : rec.got) {
      SequenceBatch b = g.seq();
      int ep = (int) g.obs(0, 0);
      int start = (int) g.obs(0, 1);
      for (int k = 0; k < cfg.burnIn(); k++) {
        if (b.mask[k] == 1f) {
          assertEquals(ep, g.obs(k, 0), "burn-in step " + k + " of a sequence of episode " + ep);
        }
      }
      if (start == 0) {
        assertArrayEquals(new float[STATE], b.state0, "state0 at an episode start");
        assertEquals(-1, b.prevActions[0], "prevAction at an episode start");
        assertEquals(0f, b.prevRewards[0], "prevReward at an episode start");
      }
    }
  }

  @Test
  void truncationKeepsTheFinalObservationInTheBootstrapStep() throws InterruptedException {
    SequenceConfig cfg = cfg(2, 6, 3, 3); // T = 11
    Recorder rec = new Recorder();
    Stream s = new Stream(new SequenceAdder(cfg, rec, 0));
    float[] fin = s.episode(5, 7, true);
    Got first = rec.got.get(0);
    SequenceBatch b = first.seq();
    int e = 6; // last real step
    assertEquals(0f, first.obs(0, 1));
    assertEquals(1f, b.discounts[e], "discount at a truncated last step must stay 1 (bootstrap)");
    assertEquals(0f, b.mask[e + 1], "the bootstrap step is padding");
    for (int k = 0; k < OBS; k++) {
      assertEquals(fin[k], first.obs(e + 1, k), "final observation in the bootstrap step, element " + k);
    }
    assertEquals(b.actions[e], b.prevActions[e + 1], "prevAction of the bootstrap step");
    assertEquals(b.rewards[e], b.prevRewards[e + 1], "prevReward of the bootstrap step");
    assertEquals(0f, b.discounts[e + 1]);
    for (int k = e + 2; k < cfg.length(); k++) {
      assertEquals(0f, first.obs(k, 0), "padding after the bootstrap step is zero");
      assertEquals(-1, b.prevActions[k]);
    }
  }

  @Test
  void terminationZeroesTheDiscountOfTheLastRealStepOnly() throws InterruptedException {
    SequenceConfig cfg = cfg(2, 6, 3, 3);
    Recorder rec = new Recorder();
    Stream s = new Stream(new SequenceAdder(cfg, rec, 0));
    s.episode(1, 5, false);
    SequenceBatch b = rec.got.get(0).seq();
    for (int k = 0; k < 4; k++) {
      assertEquals(1f, b.discounts[k], "discount at step " + k);
    }
    assertEquals(0f, b.discounts[4], "discount at the terminal step");
    assertEquals(5, b.realSteps(0));
  }

  @Test
  void episodeShorterThanTheBurnInYieldsNoSequenceAndIsCounted() throws InterruptedException {
    SequenceConfig cfg = cfg(6, 8, 2, 4);
    Recorder rec = new Recorder();
    Stream s = new Stream(new SequenceAdder(cfg, rec, 0));
    s.episode(0, 5, false);
    s.episode(1, 6, true);
    assertEquals(0, rec.got.size(), "sequences whose trained window is empty must be dropped");
    // Starts 0 and 4 of each episode: both would hold burn-in steps only.
    assertEquals(4, s.adder.droppedSequences());
    s.episode(2, 7, false);
    assertEquals(1, rec.got.size(), "an episode one step longer than burn-in has one trained step");
    assertEquals(1f, rec.got.get(0).seq().mask[6]);
  }

  @Test
  void exactMultiplesOfThePeriodEmitFullSequencesWithoutPadding() throws InterruptedException {
    SequenceConfig cfg = cfg(2, 4, 0, 2); // T = 6
    Recorder rec = new Recorder();
    Stream s = new Stream(new SequenceAdder(cfg, rec, 0));
    s.episode(0, 12, false);
    // Starts 0, 2, 4, 6 are full (end at 6, 8, 10, 12); 8 has 4 real steps; 10 has 2 (all burn-in).
    List<Integer> starts = new ArrayList<>();
    List<Integer> reals = new ArrayList<>();
    for (Got g : rec.got) {
      starts.add((int) g.obs(0, 1));
      reals.add(g.seq().realSteps(0));
    }
    assertEquals(List.of(0, 2, 4, 6, 8), starts);
    assertEquals(List.of(6, 6, 6, 6, 4), reals);
    assertEquals(1, s.adder.droppedSequences());
  }

  @Test
  void trialBoundaryKeepsStateAndPreviousActionAcrossEpisodesOfATrial() throws InterruptedException {
    SequenceConfig cfg = cfg(0, 6, 0, 6).withBoundary(SequenceBoundary.TRIAL);
    Recorder rec = new Recorder();
    Stream s = new Stream(new SequenceAdder(cfg, rec, 0));
    // One trial of three episodes of 2 steps; the state is never reset inside the trial.
    int step = 0;
    for (int ep = 0; ep < 3; ep++) {
      for (int k = 0; k < 2; k++) {
        s.step(9, step++, k == 1, false);
      }
    }
    assertEquals(1, rec.got.size(), "one full sequence across the three episodes");
    SequenceBatch b = rec.got.get(0).seq();
    assertArrayEquals(new float[] {1, 0, 1, 0, 1, 0}, b.discounts, "discount 0 at each episode end");
    assertArrayEquals(new float[] {1, 0, 1, 0, 1, 0}, b.episodeStarts, "episode starts inside the trial");
    assertEquals(-1, b.prevActions[0], "prevAction at the trial start");
    assertEquals(action(9, 1), b.prevActions[2], "prevAction carried across an episode end in a trial");
    assertEquals(reward(9, 1), b.prevRewards[2], "prevReward carried across an episode end in a trial");
    s.adder.endTrial(new float[OBS], 0);
    // A new trial resets the previous action.
    s.step(10, 0, false, false);
    s.step(10, 1, true, false);
    s.adder.endTrial(null, 0);
    SequenceBatch second = rec.got.get(1).seq();
    assertEquals(-1, second.prevActions[0], "prevAction at the next trial's start");
    assertEquals(2, second.realSteps(0));
  }

  @Test
  void zeroStateAblationStoresZerosAndLogitsAndVersionsAreKept() throws InterruptedException {
    SequenceConfig cfg = cfg(2, 4, 0, 2).withStoreZeroState(true).withStoreLogits(true);
    Recorder rec = new Recorder();
    Stream s = new Stream(new SequenceAdder(cfg, rec, 0));
    s.adder.setParamVersion(11);
    s.step(4, 0, false, false);
    s.step(4, 1, false, false);
    s.adder.setParamVersion(12);
    for (int t = 2; t < 8; t++) {
      s.step(4, t, false, false);
    }
    assertEquals(2, rec.got.size());
    SequenceBatch second = rec.got.get(1).seq();
    assertEquals(2f, rec.got.get(1).obs(0, 1));
    assertArrayEquals(new float[STATE], second.state0, "zero-state ablation stores zeros");
    assertEquals(11, rec.got.get(0).seq().paramVersions[0], "version at the first step of sequence 0");
    assertEquals(12, second.paramVersions[0], "version at the first step of sequence 1");
    assertEquals(4 + 2 * 0.01f + 3, second.behaviourLogits[3], 1e-6f, "logit a=3 at step 2");
    assertTrue(Float.isNaN(rec.got.get(0).priority()), "no priority function: replay max (NaN)");
  }

  @Test
  void actorSuppliedPriorityReachesTheSink() throws InterruptedException {
    SequenceConfig cfg = cfg(0, 3, 0, 3);
    Recorder rec = new Recorder();
    Stream s = new Stream(new SequenceAdder(cfg, rec, 0, (seq, row) -> seq.rewards[row * 3 + 2]));
    s.episode(2, 3, false);
    assertEquals(reward(2, 2), rec.got.get(0).priority());
  }

  @Test
  void misuseFailsLoudlyWithTheReason() throws InterruptedException {
    SequenceConfig cfg = cfg(0, 3, 0, 3);
    Stream s = new Stream(new SequenceAdder(cfg, new Recorder(), 0));
    float[] dirty = {0.5f, 0f};
    IllegalArgumentException notReset = assertThrows(IllegalArgumentException.class,
        () -> s.adder.add(new float[OBS], 0, 0, 0f, false, false, dirty, 0));
    assertTrue(notReset.getMessage().contains("must be zero at the start"), notReset.getMessage());
    IllegalArgumentException badAction = assertThrows(IllegalArgumentException.class,
        () -> s.adder.add(new float[OBS], 0, ACTIONS, 0f, false, false, null, 0));
    assertTrue(badAction.getMessage().contains("action must be in [0, 5)"), badAction.getMessage());
    s.step(0, 0, false, true);
    IllegalStateException noEnd = assertThrows(IllegalStateException.class, () -> s.step(1, 0, false, false));
    assertTrue(noEnd.getMessage().contains("endEpisode"), noEnd.getMessage());
    IllegalArgumentException noFinal = assertThrows(IllegalArgumentException.class,
        () -> s.adder.endEpisode(null, 0));
    assertTrue(noFinal.getMessage().contains("finalObs is required"), noFinal.getMessage());
  }

  @Test
  void steadyStateAddAllocatesNothing() throws InterruptedException {
    SequenceConfig cfg = new SequenceConfig(40, 80, 5, 40, 16, 128, 4, false, true, SequenceBoundary.EPISODE);
    SequenceSink discard = (seq, row, p) -> { };
    SequenceAdder adder = new SequenceAdder(cfg, discard, 0);
    float[] obs = new float[16];
    float[] state = new float[128];
    float[] logits = new float[4];
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    int steps = 0;
    long before = 0;
    for (int round = 0; round < 2; round++) {
      if (round == 1) {
        before = mx.getThreadAllocatedBytes(tid);
      }
      for (int i = 0; i < 20_000; i++) {
        int t = i % 300;
        boolean last = t == 299;
        adder.add(obs, 0, i % 4, 1f, false, last, t == 0 ? null : state, 0, logits, 0);
        if (last) {
          adder.endEpisode(obs, 0);
        }
        steps++;
      }
    }
    long bytes = mx.getThreadAllocatedBytes(tid) - before;
    assertTrue(bytes < 20_000, "adding 20000 steps allocated " + bytes + " bytes (expected none)");
    assertTrue(steps == 40_000 && adder.emittedSequences() > 0);
  }
}
