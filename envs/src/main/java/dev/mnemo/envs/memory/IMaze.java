package dev.mnemo.envs.memory;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * An I-shaped maze in the spirit of the I-Maze of Actor-Learner Distillation (Parisotto and Salakhutdinov 2021;
 * after Oh et al. 2016), on a grid and with our own rules: a vertical corridor from the start (row 0) down to a
 * horizontal bar (row {@code length}) whose two ends, {@code arm} cells left and right of the corridor, are the
 * candidate goals. A cue seen only while standing on the start cell says which end holds the goal.
 *
 * <p>Layout (x, y): the corridor cells {@code (0, 0) .. (0, length)}, the bar {@code (-arm, length) ..
 * (arm, length)}. Actions: 0 north (y - 1), 1 east (x + 1), 2 south (y + 1), 3 west (x - 1); a move off the layout
 * leaves the agent in place (no penalty).
 *
 * <p>Observation (6 floats): whether each neighbour N, E, S, W is open (1) or wall (0), then the cue (left, right)
 * — {@code (1, 0)} goal at the left end, {@code (0, 1)} at the right end — only on the start cell, zeros elsewhere.
 * So an agent must carry the cue for the {@code length + arm} steps to the ends: every cell of the corridor below
 * the start looks the same, and the two ends look alike.
 *
 * <p>Rewards: reaching the goal end +1, the other end −1, both ending the episode; nothing else. Episodes are
 * truncated after {@code maxSteps}. The optimal policy walks south {@code length} times and then {@code arm}
 * times towards the cue: return +1 in {@code length + arm} steps; ignoring the cue earns 0 in expectation.
 */
public final class IMaze extends BaseEnv {
  public static final int NORTH = 0;
  public static final int EAST = 1;
  public static final int SOUTH = 2;
  public static final int WEST = 3;
  public static final float GOAL_REWARD = 1f;
  public static final float WRONG_END_REWARD = -1f;

  private final int length;
  private final int arm;
  private final int maxSteps;
  private int x;
  private int y;
  private boolean goalLeft;
  /** {@link #goalLeft} as 0/1, for {@link #onStepInto}. */
  private int goal;

  /**
   * @param length rows from the start to the bar, >= 1
   * @param arm cells from the corridor to each end of the bar, >= 1
   * @param maxSteps truncation length, >= 1
   */
  public IMaze(String id, int length, int arm, int maxSteps) {
    super(EnvSpec.flat(id, 6, 4, requirePositive("imaze maxSteps", maxSteps)));
    this.length = requirePositive("imaze length", length);
    this.arm = requirePositive("imaze arm", arm);
    this.maxSteps = maxSteps;
  }

  /** Steps of the shortest path to either end. */
  public int shortestPath() {
    return length + arm;
  }

  /** Whether the goal of the current episode is the left end (hidden state, for tests and oracles). */
  public boolean goalLeft() {
    return goalLeft;
  }

  @Override
  protected void onReset(float[] obs) {
    x = 0;
    y = 0;
    goalLeft = rng.nextInt(2) == 0;
    goal = goalLeft ? 1 : 0;
    observe(obs);
  }

  @Override
  protected void onStep(int action, Step out) {
    int nx = x + (action == EAST ? 1 : action == WEST ? -1 : 0);
    int ny = y + (action == SOUTH ? 1 : action == NORTH ? -1 : 0);
    if (open(nx, ny)) {
      x = nx;
      y = ny;
    }
    if (y == length && (x == -arm || x == arm)) {
      out.reward = (x == -arm) == goalLeft ? GOAL_REWARD : WRONG_END_REWARD;
      out.terminated = true;
    }
    out.truncated = !out.terminated && t >= maxSteps;
    observe(out.obs);
  }

  /**
   * {@link #onStep}'s rules with the moves, walls and observation in integer arithmetic, for a
   * {@link dev.mnemo.envs.VectorEnv}: the action is the policy's, a coin flip to the branch predictor, and across
   * 64 copies every mispredicted branch (a move's direction, a wall, each neighbour's float) costs as much as
   * the rest of the step. Stepping one env keeps the branches: there the arithmetic would chain one step's
   * position to the next, while predicted branches run ahead. {@code VectorEnvInPlaceTest} checks the two give
   * the same transitions, bit for bit.
   */
  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    int odd = action & 1;
    int nx = x + odd * (2 - action); // EAST +1, WEST -1
    int ny = y + (odd ^ 1) * (action - 1); // SOUTH +1, NORTH -1
    int moved = openBit(nx, ny);
    int cx = x + (nx - x) * moved;
    int cy = y + (ny - y) * moved;
    x = cx;
    y = cy;
    if (cy == length && (cx == -arm || cx == arm)) { // the episode's last step: rare, predicted
      out.reward = (cx == -arm) == goalLeft ? GOAL_REWARD : WRONG_END_REWARD;
      out.terminated = true;
    }
    out.truncated = !out.terminated && t >= maxSteps;
    obs[off] = openBit(cx, cy - 1);
    obs[off + 1] = openBit(cx + 1, cy);
    obs[off + 2] = openBit(cx, cy + 1);
    obs[off + 3] = openBit(cx - 1, cy);
    int start = isZero(cx) & isZero(cy); // back on the start cell: the cue shows again
    obs[off + 4] = start & goal;
    obs[off + 5] = start & (goal ^ 1);
  }

  /** {@link #open} as 0/1 without branches. */
  private int openBit(int cx, int cy) {
    return isZero(cx) & within(cy, 0, length) | isZero(cy - length) & within(cx, -arm, arm);
  }

  /** 1 when {@code x == 0}, else 0 (for {@code x > Integer.MIN_VALUE}). */
  private static int isZero(int x) {
    return ((x | -x) >>> 31) ^ 1;
  }

  /** 1 when {@code lo <= v <= hi}, else 0 (no overflow in {@code v - lo}, {@code hi - v}). */
  private static int within(int v, int lo, int hi) {
    return ((v - lo) | (hi - v)) >>> 31 ^ 1;
  }

  private boolean open(int cx, int cy) {
    return (cx == 0 && cy >= 0 && cy <= length) || (cy == length && cx >= -arm && cx <= arm);
  }

  private void observe(float[] obs) {
    obs[0] = open(x, y - 1) ? 1f : 0f;
    obs[1] = open(x + 1, y) ? 1f : 0f;
    obs[2] = open(x, y + 1) ? 1f : 0f;
    obs[3] = open(x - 1, y) ? 1f : 0f;
    boolean start = x == 0 && y == 0;
    obs[4] = start && goalLeft ? 1f : 0f;
    obs[5] = start && !goalLeft ? 1f : 0f;
  }
}
