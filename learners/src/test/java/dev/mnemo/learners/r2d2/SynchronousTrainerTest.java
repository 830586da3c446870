package dev.mnemo.learners.r2d2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * R2D2 learns a memory task for real: Bakker's T-Maze with a corridor of 10, where the goal side is
 * shown only at the first step. Sequences are deliberately short (burn-in 2, 4 trained steps, period 2,
 * 3-step targets: 9 steps), so no sequence that starts at the episode start reaches the junction at step
 * 10: the decision can only be learned through the recurrent state stored with mid-episode sequences.
 * The same run with zero initial states (the paper's ablation) must fail, which shows the test depends on
 * the stored-state burn-in rather than on luck.
 */
class SynchronousTrainerTest {

  /**
   * configs/quickstart.conf (T-Maze 10; solved = mean greedy return over 20 episodes >= 3.5, where
   * always-correct scores ~3.8 and a coin flip ~2) with the given state mode and budget.
   */
  static R2d2Config tmaze10(boolean storedState, long budget) {
    R2d2Config q = R2d2Config.fromMap(ConfigFactory.parseFile(R2d2ConfigTest.configsDir()
        .resolve("quickstart.conf").toFile()).root().unwrapped());
    assertEquals("tmaze?length=10", q.env());
    assertEquals(9, q.sequenceLength(), "the test relies on sequences too short to reach the junction");
    return q.withRun(q.env(), q.seed(), budget).withStoredState(storedState);
  }

  @Test
  void solvesTMaze10FromTheStoredStateWithinTheBudget() {
    List<TrainMetrics> log = new ArrayList<>();
    // Default initial_priority = actor: seeds 1-6 solve at 18k, 22k, 16k, 16k, 22k, 12k env steps; with max
    // (LstmGoldenTest pins seed 1's curve): 12k, 24k, 6k, 22k, 8k, 16k (experiments/r2d2-initial-priority).
    TrainResult r = new SynchronousTrainer(tmaze10(true, 50_000)).run(log::add, true);
    assertTrue(r.solved(), "T-Maze 10 not solved in 50k env steps: last eval " + r.evalMeanReturn() + " ± "
        + r.evalCi95() + ", " + r.updates() + " updates; log " + log);
    assertTrue(r.evalMeanReturn() >= 3.5, "eval return " + r.evalMeanReturn());
    assertTrue(r.updates() > 0 && r.episodes() > 0, r.toString());
    System.out.println("T-Maze 10 (stored state): " + r);
  }

  /**
   * The same task with the other recurrent cores, seed 1 (deterministic): solved from the stored state.
   * Solved at (seed 1 / 2 / 3, env steps, with {@code initial_priority = max}): gru 46k / 94k / 20k, ln_gru 8k /
   * 20k / 14k, elman 10k / 24k / 10k (corridor 10, as for the LSTM); the budgets leave about 2x. With the
   * default actor-side priority, seed 1: gru 20k, ln_gru 10k, elman 16k. GRU and LN-GRU also fail from zero
   * states within 30k; Elman does not: with zero states it solved at 20k (seed 1, max), so its zero-state run
   * proves nothing and is not asserted (see {@link #zeroStateAblationFailsTheSameTask}). IndRNN ({@code indrnn},
   * 2 layers, u_max = 1) is not listed: with the default priority, seed 1 does not solve within 100k env steps
   * (greedy return -4.4; the learner's mean Q of taken actions climbs to ~20 while no return exceeds 4: the
   * ReLU states of units with u near 1 grow through long wall-bumping episodes), seeds 2 / 3 / 8 solve at 32k /
   * 62k / 26k and seeds 4-7 do not within 100k. u_max = 0.9 keeps seed 1's Q near 0.6 but solves no more seeds
   * (0.9: seed 3 of 1-7; 0.95: seed 3 of 1-4).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"gru, 100000, true", "ln_gru, 30000, true", "elman, 40000, false"})
  void otherCoresSolveTMaze10FromTheStoredState(String core, long budget, boolean zeroStateFails) {
    R2d2Config stored = tmaze10(true, budget).withCore(core, 32);
    TrainResult r = new SynchronousTrainer(stored).run(m -> { }, true);
    assertTrue(r.solved(), core + ": T-Maze 10 not solved in " + budget + " env steps: " + r);
    if (zeroStateFails) {
      TrainResult zero = new SynchronousTrainer(tmaze10(false, 30_000).withCore(core, 32)).run(m -> { }, true);
      assertFalse(zero.solved(), core + ": zero-state R2D2 should not solve T-Maze 10 in 30k: " + zero);
    }
    System.out.println("T-Maze 10 (" + core + "): " + r);
  }

  /**
   * The attention-like family (issue 14's CI learning test for it): linear attention ({@code linattn}) and the fast
   * weight programmer ({@code fwp}, delta rule), 4 heads of 8 for H = 32, on the same task, seed 1, from the stored
   * state; both fail from zero states within 30k (seeds 1-3: greedy return 1.7-2.3 for linattn, -2.0-2.2 for
   * fwp), so the stored memory is what solves it. Measured with the default actor-side priority, budget 100k (env
   * steps at which each seed solved; every seed tried is listed):
   * <ul>
   *   <li>linattn, seeds 1-8: 12k, 16k, 14k, 6k, 14k, 6k, 26k, 22k;</li>
   *   <li>fwp (delta rule, what {@code core = fwp} builds), seeds 1-8: 6k, 12k, 12k, 6k, 6k, 6k, 8k, 6k;</li>
   *   <li>fwp with the sum rule ({@code new FastWeightCore(in, H, 4, false)}, not a config name, not asserted),
   *       seeds 1-8: 12k, 28k, 6k, 8k, 12k, 22k, 78k, 10k: it learns too, slower and less reliably.</li>
   * </ul>
   * (Before the memory ran on the Vector API block operations, whose φ takes the gates' exp and whose fwp
   * backward sums in another order, the same seeds gave linattn 12k, 16k, 14k, 26k, 14k, 6k, 10k, 14k and fwp 6k,
   * 10k, 10k, 6k, 6k, 6k, 8k, 6k: the bits moved, the picture did not.)
   * Budgets: about twice seed 1's (12k, 6k), rounded up.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"linattn, 25000", "fwp, 15000"})
  void attentionLikeCoresSolveTMaze10FromTheStoredStateAndNotFromZeros(String core, long budget) {
    TrainResult r = new SynchronousTrainer(tmaze10(true, budget).withCore(core, 32)).run(m -> { }, true);
    assertTrue(r.solved(), core + ": T-Maze 10 not solved in " + budget + " env steps: " + r);
    TrainResult zero = new SynchronousTrainer(tmaze10(false, 30_000).withCore(core, 32)).run(m -> { }, true);
    assertFalse(zero.solved(), core + ": zero-state R2D2 should not solve T-Maze 10 in 30k: " + zero);
    System.out.println("T-Maze 10 (" + core + "): " + r);
  }

  /**
   * The state-space family's CI learning test: the Legendre Memory Unit ({@code lmu}, d = 32, θ = 64, H = 32) solves
   * the same task from the stored state, seed 1. Measured with the default actor-side priority, budget 100k (env
   * steps at which each seed solved; every seed tried is listed): seeds 1-8: 14k, 16k, 12k, 10k, 4k, 54k, 14k, 18k.
   * Budget: about twice seed 1's 14k. The zero-state ablation proves nothing for this core and is not asserted:
   * with zero states and 30k, seeds 1 and 3 solved (22k, 30k) and seed 2 did not (greedy 0.81), the route through
   * the policy's own previous actions that Elman found too (see {@link #zeroStateAblationFailsTheSameTask}).
   */
  @Test
  void legendreMemoryUnitSolvesTMaze10FromTheStoredState() {
    TrainResult r = new SynchronousTrainer(tmaze10(true, 30_000).withCore("lmu", 32)).run(m -> { }, true);
    assertTrue(r.solved(), "lmu: T-Maze 10 not solved in 30k env steps: " + r);
    System.out.println("T-Maze 10 (lmu): " + r);
  }

  /**
   * The state-space family's second core, S4D ({@code s4d}: N = 16, i.e. 8 complex modes per channel, Δ in [1e-3,
   * 1e-1], H = 32), solves the same task from the stored state, seed 1. Measured with the default actor-side
   * priority, budget 100k (env steps at which each seed solved; every seed tried is listed): seeds 1-8: 16k, 12k, 8k,
   * 30k, 14k, 14k, 20k, 18k. Budget: about twice seed 1's 16k, rounded up. The zero-state ablation proves nothing for
   * this core either and is not asserted: with zero states and 30k, seed 1 solved (8k) and seeds 2 and 3 did not
   * (greedy -3.51, 2.36). (Before the state and the A, C tensors were stored mode-major, which changed the order of
   * the initial draws, seeds 1-3 solved at 34k, 28k, 10k.)
   */
  @Test
  void s4dSolvesTMaze10FromTheStoredState() {
    TrainResult r = new SynchronousTrainer(tmaze10(true, 35_000).withCore("s4d", 32)).run(m -> { }, true);
    assertTrue(r.solved(), "s4d: T-Maze 10 not solved in 35k env steps: " + r);
    System.out.println("T-Maze 10 (s4d): " + r);
  }

  /**
   * The mlp control is a control: with the LSTM's budget (50k env steps, of which the LSTM needs 18k, seed 1) and
   * the same seed and settings it does not solve T-Maze 10. Seed 1 ends at a greedy return of 0.96 over 20
   * episodes, and the kept parameters score 1.88 ± 0.41 over 100: a coin flip is ~2.
   *
   * <p>The 4-frame stack is NOT asserted here. It reached 3.43 over 20 episodes with the same seed and budget,
   * just short of solving. The cue leaves its window 4 steps into the corridor, but each frame's input row
   * carries the previous action. A policy that writes the cue into its own actions (say, a wall bump every
   * other step) therefore keeps the cue in every window, a memory that any core reading previous actions can
   * build. So on a task with free actions, a frame stack is not memory-less.
   */
  @Test
  void theMemorylessControlDoesNotSolveTMaze10WithTheLstmsBudget() {
    String core = "mlp";
    TrainResult r = new SynchronousTrainer(tmaze10(true, 50_000).withCore(core, 32)).run(m -> { }, true);
    assertFalse(r.solved(), core + ": a control without memory solved T-Maze 10: " + r);
    assertTrue(r.evalMeanReturn() < 3.0, core + ": greedy return " + r.evalMeanReturn() + " is not a coin flip's");
    System.out.println("T-Maze 10 (" + core + "): " + r);
  }

  /**
   * No 9-step window holds both the cue and the junction, so a zero-state learner cannot learn the turn from
   * the cue inside one window. It is not impossible outright: the policy's own previous actions are inputs, so
   * a policy can copy the cue into its action stream; the Elman core found some such route (zero-state, seed
   * 1: solved at 20k). For the LSTM, seed 1, within 30k it does not happen.
   */
  @Test
  void zeroStateAblationFailsTheSameTask() {
    TrainResult r = new SynchronousTrainer(tmaze10(false, 30_000)).run(m -> { }, true);
    assertFalse(r.solved(), "zero-state R2D2 should not solve T-Maze 10 with 9-step sequences: " + r);
    System.out.println("T-Maze 10 (zero state): " + r);
  }

  @Test
  void runIsDeterministicForASeed() {
    R2d2Config c = tmaze10(true, 2_400);
    SynchronousTrainer a = new SynchronousTrainer(c);
    SynchronousTrainer b = new SynchronousTrainer(c);
    TrainResult ra = a.run(m -> { }, false);
    TrainResult rb = b.run(m -> { }, false);
    assertTrue(ra.updates() > 0, "the short run must reach learning, got " + ra);
    assertEquals(ra.updates(), rb.updates());
    assertEquals(ra.episodes(), rb.episodes());
    assertEquals(ra.evalMeanReturn(), rb.evalMeanReturn(), 0.0);
    assertArrayEquals(a.learner().onlineParams(), b.learner().onlineParams(), "same seed, same parameters");
  }
}
