package dev.mnemo.envs.memory;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.CopiesStepper;
import dev.mnemo.envs.Env;
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
  /**
   * The maze as tables over its open cells (ids: the corridor's {@code (0, y)} is {@code y}, the bar's
   * {@code (x, length)} for {@code x != 0} follow), built once from {@link #open}: {@code move[4 * cell + action]} is
   * the cell an action leads to (itself at a wall), {@code walls[4 * cell + k]} the cell's N, E, S, W observation
   * and {@code end[cell]} 0 inside the maze, 1 at the left end, 2 at the right end. A step is three table reads
   * instead of a chain of comparisons whose outcome the branch predictor cannot guess across 64 copies.
   */
  private final int[] move;
  private final float[] walls;
  private final byte[] end;
  /** The agent's cell; the start cell is 0. */
  private int cell;
  private boolean goalLeft;
  /** {@link #goalLeft} as 0/1, for the cue. */
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
    int cells = Math.addExact(Math.addExact(length, 1), Math.multiplyExact(2, arm));
    this.move = new int[Math.multiplyExact(4, cells)];
    this.walls = new float[4 * cells];
    this.end = new byte[cells];
    for (int c = 0; c < cells; c++) {
      int cx = cellX(c);
      int cy = cellY(c);
      for (int a = 0; a < 4; a++) {
        int nx = cx + (a == EAST ? 1 : a == WEST ? -1 : 0);
        int ny = cy + (a == SOUTH ? 1 : a == NORTH ? -1 : 0);
        move[4 * c + a] = open(nx, ny) ? cellId(nx, ny) : c;
      }
      walls[4 * c] = open(cx, cy - 1) ? 1f : 0f;
      walls[4 * c + 1] = open(cx + 1, cy) ? 1f : 0f;
      walls[4 * c + 2] = open(cx, cy + 1) ? 1f : 0f;
      walls[4 * c + 3] = open(cx - 1, cy) ? 1f : 0f;
      end[c] = (byte) (cy == length && cx == -arm ? 1 : cy == length && cx == arm ? 2 : 0);
    }
  }

  /** The id of the open cell {@code (cx, cy)}. */
  private int cellId(int cx, int cy) {
    return cx == 0 ? cy : cx < 0 ? length + 1 + (cx + arm) : length + arm + cx;
  }

  private int cellX(int c) {
    return c <= length ? 0 : c <= length + arm ? c - length - 1 - arm : c - length - arm;
  }

  private int cellY(int c) {
    return c <= length ? c : length;
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
    cell = 0;
    goalLeft = rng.nextInt(2) == 0;
    goal = goalLeft ? 1 : 0;
    observeInto(obs, 0, 0);
  }

  @Override
  protected void onStep(int action, Step out) {
    onStepInto(action, out, out.obs, 0);
  }

  /**
   * One step by the tables: the same transitions, rewards and observations as the rules in the class comment
   * ({@code TrajectoryFingerprintTest} pins them to the trajectories of the comparison-by-comparison version).
   */
  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    int c = move[(cell << 2) + action];
    cell = c;
    int e = end[c];
    if (e != 0) { // the episode's last step: rare, predicted
      out.reward = (e == 1) == goalLeft ? GOAL_REWARD : WRONG_END_REWARD;
      out.terminated = true;
    }
    out.truncated = !out.terminated && t >= maxSteps;
    observeInto(obs, off, c);
  }

  /** A stepper for copies that are all I-mazes of this one's shape and step limit (else null: one by one). */
  @Override
  public CopiesStepper copiesStepper(Env[] copies) {
    IMaze[] mazes = CopiesStepper.ofOneShape(copies, IMaze.class,
        c -> c.length == length && c.arm == arm && c.maxSteps == maxSteps);
    return mazes == null ? null : new Copies(mazes, this);
  }


  /**
   * Steps many I-mazes at once by one set of tables (copies of one shape have equal tables, so 64 copies read one
   * set instead of 64 from all over the heap) and with the end of an episode as arithmetic, no branch per copy;
   * {@link #onStepInto}'s rules, the same bits.
   */
  private static final class Copies implements CopiesStepper {
    private final IMaze[] mazes;
    private final int[] move;
    private final float[] walls;
    private final byte[] end;
    private final int maxSteps;
    /** Where {@link #stepAll} has the ended copies listed, unread. */
    private final int[] endedScratch;

    Copies(IMaze[] mazes, IMaze shape) {
      this.mazes = mazes;
      this.move = shape.move;
      this.walls = shape.walls;
      this.end = shape.end;
      this.maxSteps = shape.maxSteps;
      this.endedScratch = new int[mazes.length];
    }

    @Override
    public boolean stepAll(int[] actions, float[] obs, float[] rewards, boolean[] terminated,
        boolean[] truncated) {
      return stepAllListingEnded(actions, obs, rewards, terminated, truncated, endedScratch) > 0;
    }

    /** The ended copies are listed in the stepping loop: I-mazes end their episodes at different steps. */
    @Override
    public boolean listsEndedWhileStepping() {
      return true;
    }

    @Override
    public int stepAllListingEnded(int[] actions, float[] obs, float[] rewards, boolean[] terminated,
        boolean[] truncated, int[] ended) {
      IMaze[] ms = mazes;
      int n = ms.length;
      checkSteps(ms, actions);
      int lastFree = maxSteps - 1;
      int count = 0;
      for (int i = 0; i < n; i++) {
        IMaze m = ms[i];
        int c = move[(m.cell << 2) + actions[i]];
        m.cell = c;
        int e = end[c]; // 0 inside, 1 left end, 2 right end
        int term = (-e) >>> 31;
        int right = term & ((e & 1) ^ m.goal ^ 1); // the end reached is the cued one
        rewards[i] = 2 * right - term; // +1, -1 or 0
        int t = m.t + 1;
        m.t = t;
        int trunc = (term ^ 1) & ((lastFree - t) >>> 31);
        terminated[i] = term != 0;
        truncated[i] = trunc != 0;
        observeInto(walls, m.goal, obs, 6 * i, c);
        int done = term | trunc;
        m.endStep(done != 0);
        ended[count] = i;
        count += done;
      }
      return count;
    }
  }

  private void observeInto(float[] obs, int off, int c) {
    observeInto(walls, goal, obs, off, c);
  }

  /**
   * The observation at cell {@code c} (walls from {@code walls}, the cue {@code goal} on the start cell) into
   * {@code obs[off ..]}: one writer for the step and the copies' stepper, which passes the one table its copies share.
   */
  private static void observeInto(float[] walls, int goal, float[] obs, int off, int c) {
    int w = c << 2;
    obs[off] = walls[w];
    obs[off + 1] = walls[w + 1];
    obs[off + 2] = walls[w + 2];
    obs[off + 3] = walls[w + 3];
    int start = ((c | -c) >>> 31) ^ 1; // on the start cell: the cue shows
    obs[off + 4] = start & goal;
    obs[off + 5] = start & (goal ^ 1);
  }

  private boolean open(int cx, int cy) {
    return (cx == 0 && cy >= 0 && cy <= length) || (cy == length && cx >= -arm && cx <= arm);
  }
}
