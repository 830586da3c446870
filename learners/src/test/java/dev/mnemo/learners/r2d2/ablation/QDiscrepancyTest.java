package dev.mnemo.learners.r2d2.ablation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.ParamTensor;
import dev.mnemo.agents.r2d2.RecurrentQNetwork;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QDiscrepancyTest {

  static final RecurrentQSpec SPEC = new RecurrentQSpec(3, 4, List.of(16), 16, 16);
  static final int T = 60;

  /** Random initial parameters with the LSTM forget-gate bias set to {@code forgetBias} (gates [i, f, g, o]). */
  static float[] params(long seed, float forgetBias) {
    float[] p = RecurrentQNetwork.initialParams(SPEC, seed);
    ParamTensor b = SPEC.layoutByName().get("lstm.b");
    int h = SPEC.coreSize();
    for (int k = 0; k < h; k++) {
      p[b.offset() + h + k] = forgetBias;
    }
    // larger head biases so that Q is far from 0 and the normaliser is well defined
    p[SPEC.layoutByName().get("v2.b").offset()] = 1f;
    return p;
  }

  /** p + sigma * N(0, 1) on every parameter: the "older" parameters that produced stale stored states. */
  static float[] perturbed(float[] p, double sigma, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] q = p.clone();
    for (int i = 0; i < q.length; i++) {
      q[i] += (float) (sigma * gaussian(r));
    }
    return q;
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** A random episode's inputs (observations, previous actions and rewards), states by {@code acting}. */
  static RecordedEpisode episode(float[] acting, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] obs = new float[T * 3];
    int[] pa = new int[T];
    float[] pr = new float[T];
    for (int i = 0; i < obs.length; i++) {
      obs[i] = r.nextInt(2);
    }
    pa[0] = -1;
    for (int t = 1; t < T; t++) {
      pa[t] = r.nextInt(4);
      pr[t] = (float) gaussian(r);
    }
    return QDiscrepancy.actedBy(SPEC, new ParamSnapshot(acting, 0), T, obs, pa, pr);
  }

  /** Mean ΔQ (first, last) over windows of 10 steps starting at 10, 20, ..., 40. */
  static double[] meanDq(QDiscrepancy d, UnrollStrategy s) {
    double f = 0;
    double l = 0;
    for (int t = 10; t <= 40; t += 10) {
      Discrepancy x = d.measure(t, 10, s);
      f += x.first() / 4;
      l += x.last() / 4;
    }
    return new double[] {f, l};
  }

  @Test
  void storedTrueStateWithoutBurnInHasZeroDiscrepancy() {
    float[] p = params(1, 1f);
    QDiscrepancy d = new QDiscrepancy(SPEC, T);
    d.prepare(new ParamSnapshot(p, 5), episode(p, 7));
    for (int t = 0; t + 10 <= T; t += 7) {
      Discrepancy x = d.measure(t, 10, new UnrollStrategy(StartState.STORED, 0));
      assertEquals(0.0, x.first(), 0.0, "stored state = true state at t=" + t + " must give ΔQ 0 (first)");
      assertEquals(0.0, x.last(), 0.0, "stored state = true state at t=" + t + " must give ΔQ 0 (last)");
    }
    // at the episode start the zero state IS the true state
    Discrepancy z = d.measure(0, 10, new UnrollStrategy(StartState.ZERO, 0));
    assertEquals(0.0, z.first(), 0.0, "zero state at the episode start must give ΔQ 0");
    assertEquals(0.0, z.last(), 0.0, "zero state at the episode start must give ΔQ 0 (last)");
  }

  @Test
  void burnInReachingTheEpisodeStartHasZeroDiscrepancyWhateverTheStart() {
    float[] p = params(2, 1f);
    QDiscrepancy d = new QDiscrepancy(SPEC, T);
    d.prepare(new ParamSnapshot(p, 1), episode(perturbed(p, 0.5, 3), 8));
    Discrepancy x = d.measure(12, 10, new UnrollStrategy(StartState.ZERO, 12));
    assertEquals(0.0, x.first(), 0.0, "a burn-in back to step 0 from the zero state is the true unroll");
    Discrepancy y = d.measure(12, 10, new UnrollStrategy(StartState.STORED, 40));
    assertEquals(0.0, y.last(), 0.0, "a burn-in clamped at step 0 uses the (zero) state stored there");
  }

  @Test
  void discrepancyGrowsWithStalenessOfTheStoredState() {
    float[] p = params(3, 1f);
    QDiscrepancy d = new QDiscrepancy(SPEC, T);
    UnrollStrategy stored = new UnrollStrategy(StartState.STORED, 0);
    double[] prev = {0, 0};
    for (double sigma : new double[] {0.01, 0.1, 0.5}) {
      d.prepare(new ParamSnapshot(p, 9), episode(perturbed(p, sigma, 11), 12));
      double[] dq = meanDq(d, stored);
      assertTrue(dq[0] > prev[0], "ΔQ(first) with stored states from params perturbed by " + sigma
          + " was " + dq[0] + ", not above " + prev[0] + " of the less stale case");
      prev = dq;
    }
    assertTrue(prev[0] > 0.01, "stale states (sigma 0.5) must give a visible ΔQ, got " + prev[0]);
    // and the zero state is off too once the episode has moved on
    double[] zero = meanDq(d, new UnrollStrategy(StartState.ZERO, 0));
    assertTrue(zero[0] > 0.01, "zero state mid-episode must differ from the true state, ΔQ " + zero[0]);
  }

  @Test
  void burnInReducesTheDiscrepancyOfAForgetfulNetwork() {
    // forget bias -1: sigmoid(-1) ~ 0.27 (plus input-dependent terms), so the LSTM contracts and a
    // burn-in washes the wrong start state out
    float[] p = params(4, -1f);
    QDiscrepancy d = new QDiscrepancy(SPEC, T);
    d.prepare(new ParamSnapshot(p, 2), episode(perturbed(p, 0.5, 5), 6));
    for (StartState start : StartState.values()) {
      double[] none = meanDq(d, new UnrollStrategy(start, 0));
      double[] burn = meanDq(d, new UnrollStrategy(start, 8));
      assertTrue(none[0] > 0.01, start + " without burn-in should be off, ΔQ(first) " + none[0]);
      assertTrue(burn[0] < 0.1 * none[0], start + ": burn-in 8 should cut ΔQ(first) tenfold: " + none[0]
          + " -> " + burn[0]);
      // the trained steps themselves act as a burn-in for the last step
      assertTrue(none[1] < none[0], start + ": ΔQ(last) " + none[1] + " should be below ΔQ(first) " + none[0]);
    }
  }

  @Test
  void normaliserIsTheLargestAbsoluteTrueQOfTheWindow() {
    float[] qt = {1, -2, 0.5f, 3, /* row 1 */ -4, 0, 0, 1, /* row 2 (outside the window) */ 100, 0, 0, 0};
    float[] qu = {1, -2, 0.5f, 3, /* row 1 */ -1, 4, 0, 1, 0, 0, 0, 0};
    assertEquals(4.0, QDiscrepancy.scale(qt, 0, 2, 4), 0.0, "max |q| over rows 0-1 is |-4|");
    assertEquals(0.0, QDiscrepancy.distance(qt, qu, 0, 4), 0.0, "identical rows");
    assertEquals(5.0, QDiscrepancy.distance(qt, qu, 1, 4), 1e-12, "‖(-3, -4, 0, 0)‖ = 5");
    assertTrue(Double.isNaN(QDiscrepancy.scale(new float[8], 0, 2, 4)), "all-zero Q has no scale");
  }

  @Test
  void discrepancyIsInvariantToTheScaleOfQ() {
    float[] p = params(6, 1f);
    float[] k = p.clone();
    // scaling both dueling output layers by 7 scales every Q-value by 7
    for (String name : new String[] {"v2.W", "v2.b", "a2.W", "a2.b"}) {
      ParamTensor t = SPEC.layoutByName().get(name);
      for (int i = t.offset(); i < t.end(); i++) {
        k[i] *= 7f;
      }
    }
    float[] old = perturbed(p, 0.3, 13);
    RecordedEpisode ep = episode(old, 14);
    QDiscrepancy d = new QDiscrepancy(SPEC, T);
    UnrollStrategy zero = new UnrollStrategy(StartState.ZERO, 0);
    d.prepare(new ParamSnapshot(p, 0), ep);
    Discrepancy a = d.measure(20, 10, zero);
    d.prepare(new ParamSnapshot(k, 0), ep);
    Discrepancy b = d.measure(20, 10, zero);
    assertTrue(a.first() > 0, "the zero state mid-episode must show a discrepancy");
    assertEquals(a.first(), b.first(), 1e-5 * a.first(), "ΔQ(first) must not depend on the scale of Q");
    assertEquals(a.last(), b.last(), 1e-5 * a.first(), "ΔQ(last) must not depend on the scale of Q");
  }

  @Test
  void badWindowsAndEpisodesFailWithTheirValues() {
    float[] p = params(7, 1f);
    QDiscrepancy d = new QDiscrepancy(SPEC, T);
    var e0 = assertThrows(IllegalStateException.class, () -> d.measure(0, 5, new UnrollStrategy(StartState.ZERO, 0)));
    assertTrue(e0.getMessage().contains("prepare"), e0.getMessage());
    d.prepare(new ParamSnapshot(p, 0), episode(p, 1));
    var e = assertThrows(IllegalArgumentException.class,
        () -> d.measure(55, 10, new UnrollStrategy(StartState.ZERO, 0)));
    assertTrue(e.getMessage().contains("[55, 65)") && e.getMessage().contains("60"), e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> new QDiscrepancy(SPEC, 10).prepare(
        new ParamSnapshot(p, 0), episode(p, 1)));
    assertTrue(e2.getMessage().contains("maxLength 10"), e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class, () -> new UnrollStrategy(StartState.STORED, -1));
    assertTrue(e3.getMessage().contains("-1"), e3.getMessage());
  }
}
