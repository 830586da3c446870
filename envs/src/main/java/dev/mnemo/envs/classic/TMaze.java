package dev.mnemo.envs.classic;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.CopiesStepper;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * The T-Maze of Bakker (2002, "Reinforcement Learning with Long Short-Term Memory"): a corridor of
 * {@code length} cells from the start (cell 0) to a T-junction (cell {@code length}); the goal is up
 * (north) or down (south), shown only in the first observation.
 *
 * <p>Observations (3 floats, Bakker's code): start {@code 011} when the goal is north, {@code 110} when
 * it is south; corridor {@code 101}; junction {@code 010}. Actions: 0 north, 1 east, 2 south, 3 west.
 *
 * <p>Rewards (Bakker's scheme): turning north or south at the junction ends the episode with +4 if it
 * is the goal side and −0.1 otherwise; any move into a wall (north/south in the corridor, west at the
 * start, east at the junction) costs −0.1 and leaves the agent in place; other moves pay 0. The
 * optimal policy walks east {@code length} times and turns to the goal: return 4 in
 * {@code length + 1} steps. Episodes are truncated after {@code maxSteps} steps.
 */
public final class TMaze extends BaseEnv {
  public static final int NORTH = 0;
  public static final int EAST = 1;
  public static final int SOUTH = 2;
  public static final int WEST = 3;
  public static final float GOAL_REWARD = 4f;
  public static final float PENALTY = -0.1f;

  private final int length;
  private final int maxSteps;
  private int pos;
  private boolean goalNorth;

  public TMaze(String id, int length, int maxSteps) {
    super(EnvSpec.flat(id, 3, 4, requirePositive("tmaze maxSteps", maxSteps)));
    this.length = requirePositive("tmaze length", length);
    this.maxSteps = maxSteps;
  }

  public int length() {
    return length;
  }

  /** Whether the goal of the current episode is north (hidden state, for tests and oracles). */
  public boolean goalNorth() {
    return goalNorth;
  }

  @Override
  protected void onReset(float[] obs) {
    pos = 0;
    goalNorth = rng.nextInt(2) == 0;
    observe(obs);
  }

  @Override
  protected void onStep(int action, Step out) {
    onStepInto(action, out, out.obs, 0);
  }

  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    if (pos == length && (action == NORTH || action == SOUTH)) {
      out.reward = (action == NORTH) == goalNorth ? GOAL_REWARD : PENALTY;
      out.terminated = true;
    } else if (action == EAST && pos < length) {
      pos++;
    } else if (action == WEST && pos > 0) {
      pos--;
    } else {
      out.reward = PENALTY; // bumped into a wall
    }
    out.truncated = !out.terminated && t >= maxSteps;
    // observe() without the start's cue: t >= 1 here
    float corridor = pos != length ? 1f : 0f;
    obs[off] = corridor;
    obs[off + 1] = 1f - corridor;
    obs[off + 2] = corridor;
  }

  /** A stepper for copies that are all T-mazes of this one's length and step limit (else null: one by one). */
  @Override
  public CopiesStepper copiesStepper(Env[] copies) {
    TMaze[] mazes = CopiesStepper.ofOneShape(copies, TMaze.class, c -> c.length == length && c.maxSteps == maxSteps);
    return mazes == null ? null : new Copies(mazes);
  }


  /**
   * Steps many T-mazes at once with {@link #onStepInto}'s rules as integer arithmetic on the action and the position
   * (0/1 flags from sign bits), no branch per copy: a random action's branches are ones no predictor guesses, and
   * 64 copies stepped in turn pay every misprediction. The same bits as one by one ({@code
   * CopiesStepperAgreementTest}, {@code TrajectoryFingerprintTest}).
   */
  private static final class Copies implements CopiesStepper {
    private final TMaze[] mazes;

    Copies(TMaze[] mazes) {
      this.mazes = mazes;
    }

    @Override
    public boolean stepAll(int[] actions, float[] obs, float[] rewards, boolean[] terminated,
        boolean[] truncated) {
      TMaze[] ms = mazes;
      int n = ms.length;
      checkSteps(ms, actions);
      int length = ms[0].length;
      int lastFree = ms[0].maxSteps - 1;
      int anyDone = 0;
      for (int i = 0; i < n; i++) {
        TMaze m = ms[i];
        int a = actions[i];
        int pos = m.pos;
        int atJunction = ((pos - length) >>> 31) ^ 1;
        int northSouth = (a & 1) ^ 1;
        int turn = atJunction & northSouth;
        int east = (((a ^ EAST) - 1) >>> 31) & (atJunction ^ 1);
        int west = (((a ^ WEST) - 1) >>> 31) & (-pos >>> 31);
        int next = pos + east - west;
        m.pos = next;
        int north = (a - 1) >>> 31;
        int goal = turn & (north ^ (m.goalNorth ? 0 : 1));
        int penalty = 1 - goal - east - west;
        rewards[i] = goal * GOAL_REWARD + penalty * PENALTY;
        int t = m.t + 1;
        m.t = t;
        int trunc = (turn ^ 1) & ((lastFree - t) >>> 31);
        terminated[i] = turn != 0;
        truncated[i] = trunc != 0;
        float corridor = (next - length) >>> 31;
        obs[3 * i] = corridor;
        obs[3 * i + 1] = 1f - corridor;
        obs[3 * i + 2] = corridor;
        int done = turn | trunc;
        m.endStep(done != 0);
        anyDone |= done;
      }
      return anyDone != 0;
    }
  }

  private void observe(float[] obs) {
    if (pos == 0 && t == 0) {
      obs[0] = goalNorth ? 0f : 1f;
      obs[1] = 1f;
      obs[2] = goalNorth ? 1f : 0f;
    } else if (pos == length) {
      obs[0] = 0f;
      obs[1] = 1f;
      obs[2] = 0f;
    } else {
      obs[0] = 1f;
      obs[1] = 0f;
      obs[2] = 1f;
    }
  }
}
