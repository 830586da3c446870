package dev.mnemo.envs.classic;

import dev.mnemo.envs.BaseEnv;
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
