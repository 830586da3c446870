package dev.mnemo.envs.memory;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.CopiesStepper;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * A fetch task in the spirit of the Meta-Fetch of Actor-Learner Distillation (Parisotto and Salakhutdinov 2021),
 * with our own rules: on an open {@code size x size} grid lie {@code objects} objects, each on its own cell, and
 * they must be fetched in a hidden order drawn for the episode. Fetching the next object in the order pays +1 and
 * removes it; fetching any other object pays nothing and puts every fetched object back (progress resets); once
 * all are fetched they all come back and the same order starts again, until the time limit. An agent that has
 * found the order (by trying, and remembering which tries paid) can repeat it for the rest of the episode: what
 * it gains over one that cannot remember is the point of the task.
 *
 * <p>Each episode draws the agent's cell, the objects' cells (distinct, not the agent's) and the order from the
 * reset seed. Actions: 0 north (y - 1), 1 east (x + 1), 2 south (y + 1), 3 west (x - 1); a move off the grid
 * leaves the agent in place. An object is fetched by moving onto its cell (staying on it fetches nothing).
 *
 * <p>Observation ({@code 2 + 3 objects + 2} floats): the agent's cell, {@code x / (size - 1), y / (size - 1)};
 * per object {@code k}, always in the same slot, its offset from the agent {@code (dx, dy) / (size - 1)} and 1 if
 * it is on the grid (0 if fetched in the current round); then 1 if this step fetched the right object, 1 if it
 * fetched a wrong one. Episodes end only by truncation after {@code maxSteps}.
 *
 * <p>Optimal return: with one object, {@code 1 + floor((maxSteps - d) / 2)} where {@code d} is its distance (it
 * comes back under the agent, which must step off and back); in general it depends on the layout (tests check the
 * one-object case exactly and an order-knowing walker against one that forgets).
 */
public final class MetaFetch extends BaseEnv {
  public static final int NORTH = 0;
  public static final int EAST = 1;
  public static final int SOUTH = 2;
  public static final int WEST = 3;
  public static final float PICKUP_REWARD = 1f;
  /** Column and row change of each action (north, east, south, west). */
  private static final int[] DX = {0, 1, 0, -1};
  private static final int[] DY = {-1, 0, 1, 0};

  private final int size;
  private final int n;
  private final int maxSteps;
  private final int[] ox;
  private final int[] oy;
  /** 1 for an object still on the grid, 0 for a fetched one: the observation's flag as it is written. */
  private final float[] present;
  /** order[i]: the object to fetch i-th. */
  private final int[] order;
  /**
   * The present object on each cell ({@code y * size + x}), -1 for none or a fetched one: finding the object the
   * agent stepped on is one read instead of a loop over the objects whose branches differ from copy to copy.
   */
  private final int[] objectOnCell;
  private int progress;
  private int ax;
  private int ay;

  /**
   * @param size grid side, >= 2
   * @param objects objects to fetch, 1 .. size * size - 1
   * @param maxSteps truncation length, >= 1
   */
  public MetaFetch(String id, int size, int objects, int maxSteps) {
    super(EnvSpec.flat(id, 2 + 3 * objects + 2, 4, requirePositive("metafetch maxSteps", maxSteps)));
    if (size < 2) {
      throw new IllegalArgumentException("metafetch size must be >= 2, got " + size);
    }
    if (objects < 1 || objects > size * size - 1) {
      throw new IllegalArgumentException("metafetch objects must be in [1, size * size - 1] = [1, "
          + (size * size - 1) + "], got " + objects);
    }
    this.size = size;
    this.n = objects;
    this.maxSteps = maxSteps;
    ox = new int[n];
    oy = new int[n];
    present = new float[n];
    order = new int[n];
    objectOnCell = new int[size * size];
    java.util.Arrays.fill(objectOnCell, -1);
  }

  public int size() {
    return size;
  }

  public int objects() {
    return n;
  }

  /** Hidden state, for tests and oracles. */
  public int objectX(int k) {
    return ox[k];
  }

  public int objectY(int k) {
    return oy[k];
  }

  /** The object to fetch {@code i}-th in this episode's order. */
  public int order(int i) {
    return order[i];
  }

  /** Objects fetched in the current round. */
  public int progress() {
    return progress;
  }

  public boolean present(int k) {
    return present[k] != 0f;
  }

  public int agentX() {
    return ax;
  }

  public int agentY() {
    return ay;
  }

  @Override
  protected void onReset(float[] obs) {
    // Distinct cells for the agent and the objects: a partial Fisher-Yates over the cells, no allocation.
    int cells = size * size;
    int agentCell = rng.nextInt(cells);
    ax = agentCell % size;
    ay = agentCell / size;
    for (int k = 0; k < n; k++) {
      objectOnCell[oy[k] * size + ox[k]] = -1; // the last episode's objects (all at (0, 0) before the first)
    }
    for (int k = 0; k < n; k++) {
      int c;
      do {
        c = rng.nextInt(cells);
      } while (c == agentCell || taken(c, k));
      ox[k] = c % size;
      oy[k] = c / size;
      objectOnCell[c] = k;
      present[k] = 1f;
      order[k] = k;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    progress = 0;
    observe(obs, 0, false, false);
  }

  private boolean taken(int cell, int before) {
    for (int k = 0; k < before; k++) {
      if (ox[k] + oy[k] * size == cell) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected void onStep(int action, Step out) {
    onStepInto(action, out, out.obs, 0);
  }

  /**
   * The move as a clamp (a step off the grid leaves the agent where it is, exactly as "no move"), so the policy's
   * random-looking action costs no mispredicted branches before the pickup test; writes the observation at
   * {@code off} of {@code obs} (a VectorEnv's batch row).
   */
  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    int last = size - 1;
    int nx = Math.max(0, Math.min(last, ax + DX[action]));
    int ny = Math.max(0, Math.min(last, ay + DY[action]));
    boolean right = false;
    boolean wrong = false;
    int moved = nx ^ ax | ny ^ ay; // 0 when the clamp kept the agent in place: no pickup then
    ax = nx;
    ay = ny;
    int k = objectOnCell[ny * size + nx] | (moved - 1) >> 31; // -1 unless moved onto a present object
    if (k >= 0) {
      if (k == order[progress]) {
        right = true;
        out.reward = PICKUP_REWARD;
        present[k] = 0f;
        objectOnCell[ny * size + nx] = -1;
        progress++;
        if (progress == n) {
          restore();
        }
      } else {
        wrong = true;
        restore();
      }
    }
    out.truncated = t >= maxSteps;
    observe(obs, off, right, wrong);
  }

  /** A stepper for copies that are all Meta-Fetches of this one's size, objects and step limit (else null). */
  @Override
  public CopiesStepper copiesStepper(Env[] copies) {
    MetaFetch[] fetches = CopiesStepper.ofOneShape(copies, MetaFetch.class,
        c -> c.size == size && c.n == n && c.maxSteps == maxSteps);
    return fetches == null ? null : new Copies(fetches);
  }


  /**
   * Steps many Meta-Fetches at once with {@link #onStepInto}'s rules (the same bits): the grid's size, the number
   * of objects and the step limit, which the copies share, are read once per call instead of once per copy, and
   * the observation rows are written without the per-copy {@link Step}.
   */
  private static final class Copies implements CopiesStepper {
    private final MetaFetch[] fetches;

    Copies(MetaFetch[] fetches) {
      this.fetches = fetches;
    }

    @Override
    public boolean stepAll(int[] actions, float[] obs, float[] rewards, boolean[] terminated,
        boolean[] truncated) {
      MetaFetch[] ms = fetches;
      int count = ms.length;
      checkSteps(ms, actions);
      MetaFetch shape = ms[0];
      int size = shape.size;
      int last = size - 1;
      int n = shape.n;
      int lastFree = shape.maxSteps - 1;
      int stride = 2 + 3 * n + 2;
      float scale = 1f / last;
      int anyDone = 0;
      for (int i = 0; i < count; i++) {
        MetaFetch m = ms[i];
        int a = actions[i];
        int ax = m.ax;
        int ay = m.ay;
        int nx = Math.max(0, Math.min(last, ax + DX[a]));
        int ny = Math.max(0, Math.min(last, ay + DY[a]));
        int moved = nx ^ ax | ny ^ ay;
        m.ax = nx;
        m.ay = ny;
        int cell = ny * size + nx;
        int k = m.objectOnCell[cell] | (moved - 1) >> 31;
        float reward = 0f;
        boolean right = false;
        boolean wrong = false;
        if (k >= 0) {
          if (k == m.order[m.progress]) {
            right = true;
            reward = PICKUP_REWARD;
            m.present[k] = 0f;
            m.objectOnCell[cell] = -1;
            if (++m.progress == n) {
              m.restore();
            }
          } else {
            wrong = true;
            m.restore();
          }
        }
        int t = m.t + 1;
        m.t = t;
        int trunc = (lastFree - t) >>> 31;
        rewards[i] = reward;
        terminated[i] = false;
        truncated[i] = trunc != 0;
        m.observe(obs, stride * i, scale, right, wrong);
        m.endStep(trunc != 0);
        anyDone |= trunc;
      }
      return anyDone != 0;
    }
  }

  private void restore() {
    for (int k = 0; k < n; k++) {
      present[k] = 1f;
      objectOnCell[oy[k] * size + ox[k]] = k;
    }
    progress = 0;
  }

  private void observe(float[] obs, int off, boolean right, boolean wrong) {
    observe(obs, off, 1f / (size - 1), right, wrong);
  }

  /** The observation (class comment) at {@code off} of {@code obs}, with {@code scale = 1 / (size - 1)}. */
  private void observe(float[] obs, int off, float scale, boolean right, boolean wrong) {
    obs[off] = ax * scale;
    obs[off + 1] = ay * scale;
    for (int k = 0; k < n; k++) {
      obs[off + 2 + 3 * k] = (ox[k] - ax) * scale;
      obs[off + 3 + 3 * k] = (oy[k] - ay) * scale;
      obs[off + 4 + 3 * k] = present[k];
    }
    obs[off + 2 + 3 * n] = right ? 1f : 0f;
    obs[off + 3 + 3 * n] = wrong ? 1f : 0f;
  }
}
