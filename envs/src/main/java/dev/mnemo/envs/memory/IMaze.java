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
