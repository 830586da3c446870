package dev.mnemo.learners.rl2;

import static dev.mnemo.learners.rl2.Rl2Fixtures.MDP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.blocks.Softmax;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.PpoLoss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PpoLearner} on small batches of MDP trials and on hand-made padded batches, and {@link AdamW} against a
 * hand-computed example.
 */
class PpoLearnerTest {

  static final int TRIALS = 8;

  @TempDir
  Path dir;

  private static TrialBatch collect(ActorCriticSpec spec, float[] p, int trials, long seed) {
    TrialCollector c = Rl2Fixtures.collector(MDP, trials);
    TrialBatch batch = c.newBatch();
    c.collect(Rl2Fixtures.policy(spec, p, trials, seed), seed, batch);
    return batch;
  }

  /** An LN-GRU-8 actor-critic on the MDP trials, its initial parameters, and a batch of its trials. */
  private record MdpBatch(ActorCriticSpec spec, float[] p0, TrialBatch batch) {
    static MdpBatch collected() {
      ActorCriticSpec spec = Rl2Fixtures.spec(MDP, "ln_gru", 8, true);
      float[] p0 = spec.initialParams(61);
      return new MdpBatch(spec, p0, collect(spec, p0, TRIALS, 62));
    }
  }

  private static PpoConfig config(int epochs, int minibatches, double lr, double entropy, double popArt) {
    return config(epochs, minibatches, lr, entropy, popArt, 0.8);
  }

  /** {@link #config} with the value targets' own lambda (GAE's is 0.8). */
  private static PpoConfig config(int epochs, int minibatches, double lr, double entropy, double popArt,
      double valueLambda) {
    return new PpoConfig(epochs, minibatches, 0.9, 0.8, new PpoLoss(0.2, 0.5, entropy, 1.0, 0.0), false, lr, 1e-5,
        0.0, 0.5, 0.0, popArt, 17, valueLambda);
  }

  /**
   * One update (4 epochs of 2 minibatches) lowers the clipped surrogate {@code -mean min(rho A, clip(rho) A)} of
   * the batch's advantages (at the behaviour parameters it is {@code -mean A}) and the Huber value loss against
   * the batch's lambda-returns, both recomputed in the test from the parameters before and after.
   */
  @Test
  void anUpdateLowersTheSurrogateAndTheValueLossOnItsBatch() {
    MdpBatch m = MdpBatch.collected();
    PpoConfig cfg = config(4, 2, 3e-3, 0.0, 0.0);
    PpoLearner learner = new PpoLearner(m.spec(), cfg, m.p0());
    PpoStats stats = learner.update(m.batch(), 1.0);
    float[] p1 = learner.snapshot().params();
    assertEquals(1, learner.updates());
    assertEquals(1, learner.snapshot().version());
    assertEquals(8, stats.gradientSteps());
    float[] adv = learner.lastAdvantages().clone();
    float[] ret = new float[adv.length];
    for (int i = 0; i < adv.length; i++) {
      ret[i] = adv[i] + learner.lastValues()[i];
    }
    double[] before = losses(m.spec(), m.p0(), m.batch(), adv, ret, cfg.loss());
    double[] after = losses(m.spec(), p1, m.batch(), adv, ret, cfg.loss());
    assertTrue(after[0] < before[0] - 1e-3, "surrogate " + before[0] + " -> " + after[0]);
    assertTrue(after[1] < before[1] - 1e-3, "value loss " + before[1] + " -> " + after[1]);
    assertTrue(Double.isFinite(stats.policyLoss()) && Double.isFinite(stats.gradNorm()) && stats.gradNorm() > 0);
  }

  /**
   * {@code valueLambda} changes the value targets only: the advantages are GAE's at its own lambda whatever the
   * value's lambda, and with value lambda 1 an update lowers the value loss against the discounted return of
   * each trial's remaining steps, computed here from the batch's rewards alone (time-major: row t * trials + b).
   */
  @Test
  void valueLambdaOneFitsTheDiscountedReturnAndLeavesTheAdvantages() {
    MdpBatch m = MdpBatch.collected();
    TrialBatch batch = m.batch();
    PpoConfig gaeTargets = config(4, 2, 3e-3, 0.0, 0.0);
    PpoConfig monteCarlo = config(4, 2, 3e-3, 0.0, 0.0, 1.0);
    PpoLearner a = new PpoLearner(m.spec(), gaeTargets, m.p0());
    PpoLearner b = new PpoLearner(m.spec(), monteCarlo, m.p0());
    a.update(batch, 1.0);
    b.update(batch, 1.0);
    assertArrayEquals(a.lastAdvantages(), b.lastAdvantages(), "advantages depend on GAE's lambda only");
    float[] g = new float[batch.rewards.length];
    for (int trial = 0; trial < TRIALS; trial++) {
      double sum = 0;
      for (int t = batch.lengths[trial] - 1; t >= 0; t--) {
        int r = t * TRIALS + trial;
        sum = batch.rewards[r] + 0.9 * sum;
        g[r] = (float) sum;
      }
    }
    float[] adv = b.lastAdvantages();
    double before = losses(m.spec(), m.p0(), batch, adv, g, monteCarlo.loss())[1];
    double after = losses(m.spec(), b.snapshot().params(), batch, adv, g, monteCarlo.loss())[1];
    double afterGae = losses(m.spec(), a.snapshot().params(), batch, adv, g, monteCarlo.loss())[1];
    assertTrue(after < before - 1e-3, "value loss against the discounted return " + before + " -> " + after);
    assertTrue(after < afterGae, "fit to the discounted return: " + after + ", to the lambda-returns: " + afterGae);
    assertThrows(IllegalArgumentException.class, () -> config(4, 2, 3e-3, 0.0, 0.0, 1.5));
  }

  /** {mean surrogate, mean Huber value loss} over the valid steps under parameters p. */
  private static double[] losses(ActorCriticSpec spec, float[] p, TrialBatch batch, float[] adv, float[] ret,
      PpoLoss loss) {
    float[] logp = Rl2Fixtures.recompute(spec, p, batch);
    float[] v = Rl2Fixtures.values(spec, p, batch);
    int na = spec.numActions();
    double s = 0;
    double sv = 0;
    int n = 0;
    for (int r = 0; r < adv.length; r++) {
      if (batch.mask[r] == 0f) {
        continue;
      }
      int a = batch.actions[r];
      double rho = Math.exp(logp[r * na + a] - batch.logMu[r * na + a]);
      double clipped = Math.max(1 - loss.clip(), Math.min(1 + loss.clip(), rho));
      s += -Math.min(rho * adv[r], clipped * adv[r]);
      double e = Math.abs(v[r] - ret[r]);
      sv += e <= 1 ? 0.5 * e * e : e - 0.5;
      n++;
    }
    return new double[] {s / n, sv / n};
  }

  /**
   * The reported KL is the exact KL(behaviour || current) of the last epoch's minibatches, measured before each
   * step: with one minibatch and two epochs it is that of the parameters after one step, which a one-epoch
   * learner from the same start reaches, computed here independently. Non-negative, and larger for larger steps.
   */
  @Test
  void reportedKlIsExactNonNegativeAndGrowsWithTheLearningRate() {
    ActorCriticSpec spec = Rl2Fixtures.spec(MDP, "gru", 8, true);
    float[] p0 = spec.initialParams(71);
    TrialBatch batch = collect(spec, p0, 4, 72);
    PpoLearner one = new PpoLearner(spec, config(1, 1, 3e-3, 0.01, 0), p0);
    PpoStats s1 = one.update(batch, 1.0);
    assertEquals(0.0, s1.kl(), 1e-6, "the first minibatch is measured at the behaviour parameters");
    float[] theta1 = one.snapshot().params();
    PpoStats s2 = new PpoLearner(spec, config(2, 1, 3e-3, 0.01, 0), p0).update(batch, 1.0);
    float[] logp = Rl2Fixtures.recompute(spec, theta1, batch);
    int na = spec.numActions();
    double kl = 0;
    int n = 0;
    for (int r = 0; r < batch.mask.length; r++) {
      if (batch.mask[r] == 0f) {
        continue;
      }
      for (int j = 0; j < na; j++) {
        double lm = batch.logMu[r * na + j];
        kl += Math.exp(lm) * (lm - logp[r * na + j]);
      }
      n++;
    }
    kl /= n;
    assertTrue(kl > 1e-7, "one step must move the policy: KL " + kl);
    assertEquals(kl, s2.kl(), 1e-3 * kl + 1e-8, "reported KL vs KL(mu || pi_theta1) computed here");

    double[] lrs = {1e-4, 1e-3, 1e-2};
    double prev = -1;
    for (double lr : lrs) {
      PpoStats s = new PpoLearner(spec, config(3, 2, lr, 0.01, 0), p0).update(batch, 1.0);
      assertTrue(s.kl() >= 0, "KL " + s.kl() + " at lr " + lr);
      assertTrue(s.kl() > prev, "KL " + s.kl() + " at lr " + lr + " not above " + prev + " at the smaller rate");
      prev = s.kl();
    }
  }

  /**
   * Padded steps count for nothing: a batch of trials of lengths 6, 4, 5, 3 gives the same parameters whether it
   * is 6 steps long or 9 with garbage (different garbage) in every padded step. Sensitivity: unmasking one of the
   * garbage steps changes them.
   */
  @Test
  void paddedStepsDoNotChangeTheUpdate() {
    ActorCriticSpec spec = new ActorCriticSpec(7, 2, List.of(4), "lstm", 6, List.of(), false);
    float[] p0 = spec.initialParams(81);
    int[] lengths = {6, 4, 5, 3};
    TrialBatch a = handBatch(spec, 6, lengths, 1);
    TrialBatch b = handBatch(spec, 9, lengths, 2);
    PpoConfig cfg = config(2, 2, 3e-3, 0.01, 0.1);
    float[] pa = update(spec, cfg, p0, a);
    float[] pb = update(spec, cfg, p0, b);
    // Equal up to float summation order (the products block more rows): a few ulps, where one update moves
    // parameters by ~1e-2.
    double same = 0;
    for (int i = 0; i < pa.length; i++) {
      same = Math.max(same, Math.abs(pa[i] - pb[i]));
    }
    assertTrue(same <= 1e-6, "padded garbage changed the parameters by " + same);
    // Unmask step 4 of trial 1 (garbage): now it counts.
    b.mask[4 * 4 + 1] = 1f;
    b.lengths[1] = 5;
    float[] pc = update(spec, cfg, p0, b);
    double d = 0;
    for (int i = 0; i < pa.length; i++) {
      d = Math.max(d, Math.abs(pa[i] - pc[i]));
    }
    assertTrue(d > 1e-4, "an unmasked garbage step changed the parameters by only " + d);
  }

  /**
   * An update given a schedule's entropy bonus is the update of a learner configured with that bonus (two updates,
   * so Adam's moments carry it too), and a bonus of 0 moves the parameters elsewhere than 0.05 does; given the
   * config's own bonus it is the plain update.
   */
  @Test
  void anUpdateWithAScheduledEntropyBonusIsTheUpdateOfALearnerConfiguredWithIt() {
    MdpBatch m = MdpBatch.collected();
    PpoConfig cfg = config(2, 2, 3e-3, 0.05, 0.1);
    PpoLearner scheduled = new PpoLearner(m.spec(), cfg, m.p0());
    PpoLearner configured = new PpoLearner(m.spec(), config(2, 2, 3e-3, 0.0, 0.1), m.p0());
    PpoLearner plain = new PpoLearner(m.spec(), cfg, m.p0());
    PpoLearner own = new PpoLearner(m.spec(), cfg, m.p0());
    for (int u = 0; u < 2; u++) {
      scheduled.update(m.batch(), 0.5, 0.0);
      configured.update(m.batch(), 0.5);
      plain.update(m.batch(), 0.5);
      own.update(m.batch(), 0.5, 0.05);
    }
    assertArrayEquals(configured.snapshot().params(), scheduled.snapshot().params(), "bonus 0 given = configured");
    assertArrayEquals(plain.snapshot().params(), own.snapshot().params(), "the config's own bonus = plain update");
    float[] a = scheduled.snapshot().params();
    float[] b = plain.snapshot().params();
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    assertTrue(diff > 1e-5, "the entropy bonus changes the update: max |diff| " + diff);
  }

  private static float[] update(ActorCriticSpec spec, PpoConfig cfg, float[] p0, TrialBatch batch) {
    PpoLearner l = new PpoLearner(spec, cfg, p0);
    l.update(batch, 1.0);
    return l.snapshot().params();
  }

  /**
   * Valid steps from one seeded stream (the same whatever {@code time}); every padded step garbage from
   * {@code garbageSeed}: large observations, rewards and log-probabilities, actions in range.
   */
  private static TrialBatch handBatch(ActorCriticSpec spec, int time, int[] lengths, long garbageSeed) {
    int trials = lengths.length;
    int os = spec.inputSize();
    int na = spec.numActions();
    TrialBatch batch = new TrialBatch(trials, time, os, na);
    Random valid = new Random(5);
    Random junk = new Random(garbageSeed);
    float[] z = new float[na];
    for (int t = 0; t < time; t++) {
      for (int b = 0; b < trials; b++) {
        int r = t * trials + b;
        boolean ok = t < lengths[b];
        Random rnd = ok ? valid : junk;
        double scale = ok ? 1 : 50;
        for (int j = 0; j < os; j++) {
          batch.obs[r * os + j] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        for (int j = 0; j < na; j++) {
          z[j] = (float) (rnd.nextGaussian() * (ok ? 1 : 20));
        }
        Softmax.logSoftmax(z, 0, na, batch.logMu, r * na);
        batch.actions[r] = rnd.nextInt(na);
        batch.rewards[r] = (float) (rnd.nextGaussian() * scale);
        batch.mask[r] = ok ? 1f : 0f;
        if (ok) {
          batch.trialReturns[b] += batch.rewards[r];
        }
      }
    }
    System.arraycopy(lengths, 0, batch.lengths, 0, trials);
    return batch;
  }

  /**
   * save then restore into a learner of other parameters gives the same parameters and update count, and saving
   * again writes the same bytes (parameters, both Adam moments, its step, PopArt's moments); both then take the
   * same next update, bit for bit (a one-trial batch: no shuffle).
   */
  @Test
  void saveAndRestoreRoundTripExactly() throws Exception {
    ActorCriticSpec spec = Rl2Fixtures.spec(MDP, "ln_gru", 6, true);
    float[] p0 = spec.initialParams(91);
    PpoConfig cfg = config(2, 1, 3e-3, 0.01, 0.1);
    PpoLearner a = new PpoLearner(spec, cfg, p0);
    a.update(collect(spec, p0, 3, 92), 1.0);
    a.update(collect(spec, a.snapshot().params(), 3, 93), 0.5);
    Path f1 = dir.resolve("a.ckpt");
    a.save(f1);
    PpoLearner b = new PpoLearner(spec, cfg, spec.initialParams(94));
    b.restore(f1);
    assertArrayEquals(a.snapshot().params(), b.snapshot().params());
    assertEquals(2, b.updates());
    assertEquals(2, b.snapshot().version());
    Path f2 = dir.resolve("b.ckpt");
    b.save(f2);
    assertArrayEquals(Files.readAllBytes(f1), Files.readAllBytes(f2), "a restored learner saves the same state");

    TrialBatch next = collect(spec, a.snapshot().params(), 1, 95);
    PpoStats sa = a.update(next, 1.0);
    PpoStats sb = b.update(next, 1.0);
    assertArrayEquals(a.snapshot().params(), b.snapshot().params(), "the update after a restore");
    assertEquals(sa, sb);
    // Sensitivity: a learner with the same parameters but fresh Adam moments and PopArt takes another step.
    PpoLearner fresh = new PpoLearner(spec, cfg, f1ParamsOf(spec, cfg, f1));
    fresh.update(next, 1.0);
    assertTrue(!Arrays.equals(a.snapshot().params(), fresh.snapshot().params()),
        "optimizer state must matter for the next update");
  }

  private static float[] f1ParamsOf(ActorCriticSpec spec, PpoConfig cfg, Path f) {
    PpoLearner l = new PpoLearner(spec, cfg, spec.initialParams(1));
    l.restore(f);
    return l.snapshot().params();
  }

  @Test
  void restoreRefusesACheckpointOfAnotherNetworkNamingBoth() {
    ActorCriticSpec gru = Rl2Fixtures.spec(MDP, "gru", 8, true);
    ActorCriticSpec lstm = Rl2Fixtures.spec(MDP, "lstm", 8, true);
    PpoLearner a = new PpoLearner(gru, config(1, 1, 1e-3, 0, 0), gru.initialParams(1));
    Path f = dir.resolve("gru.ckpt");
    a.save(f);
    float[] before = lstm.initialParams(2);
    PpoLearner c = new PpoLearner(lstm, config(1, 1, 1e-3, 0, 0), before);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.restore(f));
    String m = e.getMessage();
    assertTrue(m.contains("[7, 2, [], gru, 8, [], true]") && m.contains("[7, 2, [], lstm, 8, [], true]"),
        "the message must name both networks: " + m);
    assertArrayEquals(before, c.snapshot().params(), "a refused checkpoint changes nothing");
    assertEquals(0, c.updates());
  }
}
