package dev.mnemo.envs.memory;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.CopiesStepper;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;
import dev.mnemo.envs.VectorApiModule;

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
  /**
   * The objects as the observation row holds them before the agent's cell is subtracted and the scale applied: from
   * index {@code 2 + 3 k}, object {@code k}'s column, row, and 1 while it is on the grid (0 once fetched in the
   * current round); zeros in the other slots, and up to a length that is a multiple of {@link #ROW_ALIGN}
   * so that a stepper can read it a whole vector at a time.
   */
  private final int[] objectRow;
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
    objectRow = new int[paddedWidth(rowWidth(n))];
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
    return objectRow[2 + 3 * k];
  }

  public int objectY(int k) {
    return objectRow[3 + 3 * k];
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
    return objectRow[4 + 3 * k] != 0;
  }

  /**
   * What {@link #objectRow} is padded to: 16 ints, the widest x86 vector (AVX-512), and a multiple of every narrower
   * vector's lane count. Here rather than in {@link MetaFetchRows}, which only a JVM with the Vector API may load.
   */
  static final int ROW_ALIGN = 16;

  /** {@code floats} rounded up to a multiple of {@link #ROW_ALIGN}. */
  static int paddedWidth(int floats) {
    return (floats + ROW_ALIGN - 1) / ROW_ALIGN * ROW_ALIGN;
  }

  /** Floats in an observation row: the agent's cell, three per object, the two fetch flags. */
  static int rowWidth(int objects) {
    return 2 + 3 * objects + 2;
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
      objectOnCell[objectY(k) * size + objectX(k)] = -1; // the last episode's objects (all at (0, 0) before the first)
    }
    for (int k = 0; k < n; k++) {
      int c;
      do {
        c = rng.nextInt(cells);
      } while (c == agentCell || taken(c, k));
      objectRow[2 + 3 * k] = c % size;
      objectRow[3 + 3 * k] = c / size;
      objectRow[4 + 3 * k] = 1;
      objectOnCell[c] = k;
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
      if (objectX(k) + objectY(k) * size == cell) {
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
      if (pickUp()) {
        right = true;
        out.reward = PICKUP_REWARD;
      } else {
        wrong = true;
      }
    }
    out.truncated = t >= maxSteps;
    observe(obs, off, right, wrong);
  }

  /**
   * The pickup rule, once the agent has moved onto a present object's cell: the next object in the order is removed
   * (and all come back once it was the last), any other puts every fetched object back.
   *
   * @return true for the right object
   */
  private boolean pickUp() {
    int cell = ay * size + ax;
    int k = objectOnCell[cell];
    if (k != order[progress]) {
      restore();
      return false;
    }
    objectRow[4 + 3 * k] = 0;
    objectOnCell[cell] = -1;
    progress++;
    if (progress == n) {
      restore();
    }
    return true;
  }

  /**
   * A stepper for copies that are all Meta-Fetches of this one's size, objects and step limit (else null); it writes
   * the observation rows a vector at a time when the JVM has the Vector API ({@code --add-modules
   * jdk.incubator.vector}, which Mnemo's launcher and test JVMs add), one float at a time otherwise.
   */
  @Override
  public CopiesStepper copiesStepper(Env[] copies) {
    return copiesStepper(copies, VectorApiModule.isPresent());
  }

  /** {@link #copiesStepper(Env[])} with the choice of row writing made by the caller (a test runs both). */
  CopiesStepper copiesStepper(Env[] copies, boolean vectorRows) {
    MetaFetch[] fetches = CopiesStepper.ofOneShape(copies, MetaFetch.class,
        c -> c.size == size && c.n == n && c.maxSteps == maxSteps);
    return fetches == null ? null : new Copies(fetches, vectorRows ? new MetaFetchRows(size, n) : null);
  }

  /**
   * Steps many Meta-Fetches at once with {@link #onStepInto}'s rules (the same bits), in three passes: the moves,
   * listing the copies that stepped onto a present object (one copy in ten or so with random actions) without a
   * branch per copy; the pickup rule for the listed copies only; then the step counts and the observation rows. The
   * grid's size, the number of objects and the step limit, which the copies share, are read once per call.
   *
   * <p>Why so (the host probes of {@code experiments/envs-bench/NOTES.md}, session 18): the rows, written by
   * {@link #observe}'s loop over the objects, took about half of the stepper's time, and that loop's cost was its
   * being a short loop run once per copy more than its arithmetic or its stores. {@link MetaFetchRows} writes each row
   * with one vector (two or more for rows wider than the vectors) instead: the rows of a batch lie end to end, so a
   * full-width store may run into the next row, which is written after it. One env stepped alone cannot do that: its
   * row is the whole array. One loop doing all three passes, with the rare pickup branch and the restore loops
   * inlined into it, left C2 a body that spilled registers.
   */
  private static final class Copies implements CopiesStepper {
    private static final byte RIGHT = 1;
    private static final byte WRONG = 2;
    private final MetaFetch[] fetches;
    /** Writes the rows a vector at a time; null without the Vector API. */
    private final MetaFetchRows vectorRows;
    /** Each copy's {@link #objectRow}, for {@link #vectorRows}. */
    private final int[][] objectRows;
    /** The copies' cells after this call's moves. */
    private final int[] xs;
    private final int[] ys;
    /** The copies that stepped onto a present object in this call, in its first {@code hits} entries. */
    private final int[] hitList;
    /** Per copy, what this call's step fetched: 0, {@link #RIGHT} or {@link #WRONG}. */
    private final byte[] outcome;

    Copies(MetaFetch[] fetches, MetaFetchRows vectorRows) {
      this.fetches = fetches;
      this.vectorRows = vectorRows;
      int count = fetches.length;
      this.objectRows = new int[count][];
      for (int i = 0; i < count; i++) {
        objectRows[i] = fetches[i].objectRow;
      }
      this.xs = new int[count];
      this.ys = new int[count];
      this.hitList = new int[count];
      this.outcome = new byte[count];
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
      int lastFree = shape.maxSteps - 1;
      int[] hitList = this.hitList;
      byte[] outcome = this.outcome;
      int hits = 0;
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
        xs[i] = nx;
        ys[i] = ny;
        int k = m.objectOnCell[ny * size + nx] | (moved - 1) >> 31; // -1 unless moved onto a present object
        outcome[i] = 0;
        hitList[hits] = i;
        hits += ~k >>> 31;
      }
      for (int h = 0; h < hits; h++) {
        int i = hitList[h];
        outcome[i] = ms[i].pickUp() ? RIGHT : WRONG;
      }
      int anyDone = 0;
      for (int i = 0; i < count; i++) {
        MetaFetch m = ms[i];
        int t = m.t + 1;
        m.t = t;
        int trunc = (lastFree - t) >>> 31;
        rewards[i] = (outcome[i] & RIGHT) * PICKUP_REWARD;
        terminated[i] = false;
        truncated[i] = trunc != 0;
        m.endStep(trunc != 0);
        anyDone |= trunc;
      }
      writeRows(obs);
      return anyDone != 0;
    }

    /** The observation rows after this call's steps. */
    private void writeRows(float[] obs) {
      MetaFetch[] ms = fetches;
      int count = ms.length;
      int stride = rowWidth(ms[0].n);
      int vectorRowCount = 0;
      if (vectorRows != null) {
        vectorRowCount = vectorRows.rowsThatFit(count * stride, stride); // never past the last row
        vectorRows.write(objectRows, xs, ys, vectorRowCount, obs, stride);
        for (int i = 0; i < vectorRowCount; i++) { // the flags, which the vectors leave 0
          int fetched = outcome[i];
          obs[stride * i + stride - 2] = fetched & RIGHT;
          obs[stride * i + stride - 1] = fetched >> 1;
        }
      }
      float scale = 1f / (ms[0].size - 1);
      for (int i = vectorRowCount; i < count; i++) {
        int fetched = outcome[i];
        ms[i].observe(obs, stride * i, scale, fetched & RIGHT, fetched >> 1);
      }
    }
  }

  private void restore() {
    for (int k = 0; k < n; k++) {
      objectRow[4 + 3 * k] = 1;
      objectOnCell[objectY(k) * size + objectX(k)] = k;
    }
    progress = 0;
  }

  private void observe(float[] obs, int off, boolean right, boolean wrong) {
    observe(obs, off, 1f / (size - 1), right ? 1 : 0, wrong ? 1 : 0);
  }

  /**
   * The observation (class comment) at {@code off} of {@code obs}, with {@code scale = 1 / (size - 1)} and the flags
   * of a right and of a wrong fetch as 0 or 1. {@link MetaFetchRows#write} computes the same floats.
   */
  private void observe(float[] obs, int off, float scale, int right, int wrong) {
    int[] row = objectRow;
    obs[off] = ax * scale;
    obs[off + 1] = ay * scale;
    for (int k = 0, j = 2; k < n; k++, j += 3) {
      obs[off + j] = (row[j] - ax) * scale;
      obs[off + j + 1] = (row[j + 1] - ay) * scale;
      obs[off + j + 2] = row[j + 2];
    }
    obs[off + 2 + 3 * n] = right;
    obs[off + 3 + 3 * n] = wrong;
  }
}
