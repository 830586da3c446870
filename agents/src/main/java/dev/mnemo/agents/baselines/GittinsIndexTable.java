package dev.mnemo.agents.baselines;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Finite-horizon Gittins indices G(1 + s, 1 + f, r) of a Beta(1, 1)-prior Bernoulli arm after s
 * successes and f failures with r pulls left, tabulated for every state a bandit of horizon up to
 * {@code maxHorizon} can reach (s + f + r <= maxHorizon). The index does not depend on the bandit's
 * horizon or number of arms, so one table serves every (n, k) setting; it is immutable once built and
 * shared by all threads.
 *
 * <p>Two ways to fill it:
 *
 * <ul>
 *   <li>{@link Method#EXACT}: {@link GittinsIndex#exact} per state. Cost grows like N^5 / 24 state
 *       updates (N = 100: about a second); used where affordable.
 *   <li>{@link Method#LAMBDA_GRID}: one backward induction per retirement price lambda on a uniform
 *       grid of {@code gridSize} values in [0, 1) and per diagonal s + f + r = R serves all states of
 *       that diagonal at once (N^3 / 6 state updates per price). Each state keeps the best ratio
 *       E[rewards] / E[pulls] of the stopping rules optimal at the grid prices: always a lower bound
 *       (it is a feasible rule) and equal to the index as soon as a grid price falls on the last
 *       linear piece of the calibration value before the index, i.e. one Dinkelbach/Newton step from
 *       the nearest grid price. Measured error against the exact index is in the notes and tests.
 * </ul>
 *
 * The RL² authors truncated the look-ahead at 500 pulls; no truncation is needed here because every
 * table covers the full remaining horizon.
 */
public final class GittinsIndexTable {

  /** How the table is filled. */
  public enum Method {
    EXACT,
    LAMBDA_GRID
  }

  private final int maxHorizon;
  private final Method method;
  private final int gridSize;
  private final int[] offsets;
  private final float[] values;

  private GittinsIndexTable(int maxHorizon, Method method, int gridSize) {
    this.maxHorizon = maxHorizon;
    this.method = method;
    this.gridSize = gridSize;
    this.offsets = new int[maxHorizon + 1];
    long size = 0;
    for (int d = 0; d < maxHorizon; d++) {
      offsets[d] = (int) size;
      size += (long) (d + 1) * (maxHorizon - d);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxHorizon " + maxHorizon + " needs " + size + " entries, too many");
    }
    offsets[maxHorizon] = (int) size;
    this.values = new float[(int) size];
  }

  /**
   * Builds a table, exactly when {@code maxHorizon <= exactUpTo}, else on a lambda grid.
   *
   * @param maxHorizon largest bandit horizon the table must serve, >= 1
   * @param exactUpTo largest horizon filled exactly
   * @param gridSize number of retirement prices for the grid method, >= 2
   * @param threads worker threads, >= 1
   */
  public static GittinsIndexTable build(int maxHorizon, int exactUpTo, int gridSize, int threads) {
    return maxHorizon <= exactUpTo
        ? build(maxHorizon, Method.EXACT, gridSize, threads)
        : build(maxHorizon, Method.LAMBDA_GRID, gridSize, threads);
  }

  /** Builds a table with the given method. */
  public static GittinsIndexTable build(int maxHorizon, Method method, int gridSize, int threads) {
    if (maxHorizon < 1) {
      throw new IllegalArgumentException("maxHorizon must be >= 1, got " + maxHorizon);
    }
    if (method == Method.LAMBDA_GRID && gridSize < 2) {
      throw new IllegalArgumentException("gridSize must be >= 2, got " + gridSize);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    GittinsIndexTable table = new GittinsIndexTable(maxHorizon, method, gridSize);
    // Work items are processed largest first so the two ends of a fixed pool finish together; each
    // item writes a disjoint set of entries, so the table is the same whatever the thread count.
    AtomicInteger next = new AtomicInteger(maxHorizon);
    Runnable worker = () -> table.fillGrid(next, method == Method.EXACT);
    runOnPool(worker, threads);
    return table;
  }

  private static void runOnPool(Runnable worker, int threads) {
    if (threads == 1) {
      worker.run();
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(worker));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the Gittins table", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("building the Gittins table failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Grid fill; work item R = s + f + r, i.e. one backward induction from the prior over R pulls. With
   * {@code polish}, each grid value (a lower bound) then starts Dinkelbach's exact iteration, which
   * from there needs one or two backward inductions instead of about five from the posterior mean.
   */
  private void fillGrid(AtomicInteger next, boolean polish) {
    double[] work = polish ? new double[2 * (maxHorizon + 1)] : null;
    double[] rewards = new double[maxHorizon + 2];
    double[] pulls = new double[maxHorizon + 2];
    double[] best = new double[(maxHorizon + 1) * (maxHorizon + 2) / 2];
    for (int diagonal = next.getAndDecrement(); diagonal >= 1; diagonal = next.getAndDecrement()) {
      // best[d(d+1)/2 + j]: state with d = s + f pulls, j = s successes, r = diagonal - d pulls left.
      for (int d = 0; d < diagonal; d++) {
        for (int j = 0; j <= d; j++) {
          best[d * (d + 1) / 2 + j] = (1.0 + j) / (2.0 + d); // tau = 1: the posterior mean
        }
      }
      for (int g = 0; g < gridSize; g++) {
        double lambda = (double) g / gridSize;
        java.util.Arrays.fill(rewards, 0, diagonal + 1, 0.0);
        java.util.Arrays.fill(pulls, 0, diagonal + 1, 0.0);
        for (int d = diagonal - 1; d >= 0; d--) {
          double inverseTotal = 1.0 / (2.0 + d);
          int base = d * (d + 1) / 2;
          for (int j = 0; j <= d; j++) {
            double p = (1.0 + j) * inverseTotal;
            double q = 1 - p;
            double r = p + p * rewards[j + 1] + q * rewards[j];
            double n = 1 + p * pulls[j + 1] + q * pulls[j];
            double ratio = r / n;
            if (ratio > best[base + j]) {
              best[base + j] = ratio;
            }
            boolean keepPulling = r - lambda * n > 0;
            rewards[j] = keepPulling ? r : 0;
            pulls[j] = keepPulling ? n : 0;
          }
        }
      }
      for (int d = 0; d < diagonal; d++) {
        for (int j = 0; j <= d; j++) {
          double index = best[d * (d + 1) / 2 + j];
          if (polish) {
            index = GittinsIndex.exact(1 + j, 1 + d - j, diagonal - d, work, index);
          }
          values[slot(d, j, diagonal - d)] = (float) index;
        }
      }
    }
  }

  private int slot(int d, int j, int r) {
    return offsets[d] + j * (maxHorizon - d) + (r - 1);
  }

  /**
   * The index after {@code successes} and {@code failures} with {@code remaining} pulls left
   * (including the one being chosen).
   */
  public double index(int successes, int failures, int remaining) {
    int d = successes + failures;
    if (successes < 0 || failures < 0 || remaining < 1 || d + remaining > maxHorizon) {
      throw new IllegalArgumentException("state (successes=" + successes + ", failures=" + failures
          + ", remaining=" + remaining + ") outside the table: need counts >= 0, remaining >= 1 and "
          + "successes + failures + remaining <= maxHorizon=" + maxHorizon);
    }
    return values[slot(d, successes, remaining)];
  }

  public int maxHorizon() {
    return maxHorizon;
  }

  public Method method() {
    return method;
  }

  /** Number of retirement prices used by the grid method (meaningless for {@link Method#EXACT}). */
  public int gridSize() {
    return gridSize;
  }

  /** One-line description for result notes, e.g. {@code exact, N=100}. */
  public String describe() {
    return method == Method.EXACT
        ? "exact (Dinkelbach), N=" + maxHorizon
        : "lambda grid of " + gridSize + " prices + Newton step, N=" + maxHorizon;
  }
}
