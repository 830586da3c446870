package dev.mnemo.envs.bench;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvInfo;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Rng;
import dev.mnemo.envs.Step;
import dev.mnemo.envs.VectorEnv;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Steps per second of every registered environment, as a single instance (the caller resets on
 * episode end) and as a {@link VectorEnv} of 64 copies (auto-reset, caller-owned buffers), with
 * uniformly random actions drawn beforehand so the policy costs nothing. POPGym's published Python
 * figures (Morad et al. 2023, a laptop) are printed beside the two tasks they exist for, as ratios.
 *
 * <p>Each cell warms up (JIT) for as long as it measures. Rates are steps per CPU-second of the
 * measuring thread (so per core, and robust to other processes sharing the machine); the wall-clock
 * vector rate is printed too. CPU time does not shield a loop from the caches other processes evict, so the
 * loops of an env take turns in short slices and each reports its median slice. Each environment is
 * measured in a fresh class loader, so the JIT profiles its call sites as a real run would (one env
 * type per JVM) instead of seeing every env type at the same call site. The same-run baseline is the
 * single-instance loop: {@code vec/sgl} is the VectorEnv's cost relative to stepping one env by hand. Two hand
 * loops split that cost: over n envs ({@code vec/hand}: the VectorEnv's own overhead) and over n references to one
 * env ({@code hand/one}: what n distinct envs' states and branches cost, whatever loop steps them).
 *
 * <p>A fresh class loader does not make the JIT's choices repeatable: which method C2 compiles first decides what it
 * inlines (a copy's {@code stepInto} compiled on its own before the VectorEnv's loop is "already compiled into a big
 * method" and called out of line, in some JVMs and not others), and one loop's rate can differ by a third from one
 * JVM to the next, the single env's as much as the VectorEnv's ({@code experiments/envs-bench/jit-probe}).
 * {@code --forks F} measures every env in F fresh JVMs (this JVM's binary, flags and class path) and prints the median
 * of each rate, the median of the per-JVM {@code vec/sgl} ratios and their range: a verdict that does not hang on one
 * JVM's compilation order.
 *
 * <p>The machine itself changes speed: on a shared (virtual) host, periods of seconds to tens of seconds come when a
 * loop of register arithmetic runs 15-50% slower per CPU-second, one env stepped alone ~17% slower and a 64-copy
 * VectorEnv ~35% slower (its 64 copies' data and its deep out-of-order overlap are hit hardest by whatever else the
 * host runs), and a JVM measured then gives a {@code vec/sgl} that says more about the host than the code
 * ({@code experiments/envs-bench/host-probe/}, {@code experiments/envs-bench/NOTES.md} session 16). So every slice
 * also times a canary (that register loop), and with {@code --forks} a JVM whose canary ran below
 * {@link #QUIET_CANARY} of the fastest canary of the run is re-run (up to {@code --reruns R} times, default
 * {@value #DEFAULT_RERUNS}); the rows say how many JVMs were re-run and the median {@code vec/sgl} they had measured,
 * and how many counted JVMs stayed slowed after the re-runs.
 *
 * <p>Arguments: {@code --seconds S} measuring time per cell (default 0.5), {@code --n N} vector size
 * (default 64), {@code --rounds R} slices each cell's time is cut into (default 5), {@code --filter TEXT}
 * only ids containing TEXT, {@code --shared-jit true} to measure everything in one class loader, {@code --forks F}
 * each env in F fresh JVMs (default 0: in this one, a class loader per env), {@code --reruns R} with forks, how often
 * a JVM measured on a slowed host is re-run.
 */
public final class EnvsBench {
  /** POPGym paper, Python, single env on a laptop. */
  static final double POPGYM_POSITION_ONLY_CARTPOLE = 218_000;
  static final double POPGYM_REPEAT_PREVIOUS = 136_000;
  /**
   * log2 of the length of the random action sequence every loop cycles through (4M actions, 16 MB). It must be far
   * longer than a branch predictor can learn: with 16,384 actions (this bench until 2026-12-06) the one-env loop's
   * branches on its action repeated every 16,384 steps, and the predictor learned enough of them to step a T-Maze at
   * 115M steps/s, against 91-93M with 65,536 actions or more (`--action-pool 14` vs 16 and 22, 3 JVMs each:
   * experiments/envs-bench/action-pool-probe-2026-12-06.txt), and each of a 64-copy loop's copies saw its own
   * actions repeat every 256 steps. A real actor's actions do not repeat so.
   */
  static final int DEFAULT_POOL_BITS = 22;
  /** Measuring slices per cell, interleaved across the three loops; the median is reported. */
  static final int DEFAULT_ROUNDS = 5;
  /**
   * A JVM counts as measured on a quiet host when its canary (the median of its slices) ran at this fraction or more
   * of the run's fastest canary. A judgement from the host probes (experiments/envs-bench/host-probe): the one JVM of
   * out-2026-12-06-imaze-b.txt on a quiet host kept its canary at 743-789M iterations per CPU-second, the nine in a
   * slowed period at 408-664M; single rounds overlap more, a round's canary not running at the same instant as its
   * loops.
   */
  static final double QUIET_CANARY = 0.92;
  static final int DEFAULT_RERUNS = 3;

  private EnvsBench() {}

  /** One row of the table. */
  /**
   * @param oneHandStepsPerSecond the hand loop over n references to ONE env: the loop of {@code hand x n} with the
   *     data of {@code single}, so {@code hand/one} is what stepping n distinct envs costs (their states out of the
   *     caches, their branches unlike one another) apart from any loop
   */
  public record Row(String id, double singleStepsPerSecond, double handStepsPerSecond, double vectorStepsPerSecond,
      double vectorWallStepsPerSecond, double popgymStepsPerSecond, double oneHandStepsPerSecond,
      ForkSpread forks) {
    public Row(String id, double singleStepsPerSecond, double handStepsPerSecond, double vectorStepsPerSecond,
        double vectorWallStepsPerSecond, double popgymStepsPerSecond, double oneHandStepsPerSecond) {
      this(id, singleStepsPerSecond, handStepsPerSecond, vectorStepsPerSecond, vectorWallStepsPerSecond,
          popgymStepsPerSecond, oneHandStepsPerSecond, null);
    }

    /** {@code vec/sgl}: with forks, the median of each JVM's own ratio; else vector over single. */
    public double vectorOverSingle() {
      return forks == null ? vectorStepsPerSecond / singleStepsPerSecond : forks.medianRatio();
    }
  }

  /**
   * The {@code vec/sgl} ratio of each of {@code count} JVMs, as median, lowest and highest; {@code reruns} JVMs were
   * measured on a slowed host (canary below {@link #QUIET_CANARY}) and re-run, their median {@code vec/sgl}
   * {@code rerunMedianRatio} (NaN if none); {@code slowKept} of the {@code count} JVMs were still slowed after the
   * re-runs and are counted all the same.
   */
  public record ForkSpread(int count, double medianRatio, double minRatio, double maxRatio, int reruns,
      double rerunMedianRatio, int slowKept) {
    public ForkSpread(int count, double medianRatio, double minRatio, double maxRatio) {
      this(count, medianRatio, minRatio, maxRatio, 0, Double.NaN, 0);
    }
  }

  /** What a child JVM prints before its six figures (the order of {@link #measureOne}'s result). */
  static final String CHILD_ROW = "envs-bench-row";

  public static void run(PrintStream out, String... args) {
    double seconds = 0.5;
    int n = 64;
    String filter = "";
    int rounds = DEFAULT_ROUNDS;
    boolean sharedJit = false;
    int forks = 0;
    int poolBits = DEFAULT_POOL_BITS;
    int reruns = DEFAULT_RERUNS;
    String child = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        out.println("envs bench options: --seconds S (per cell, default 0.5), --n N (VectorEnv size,"
            + " default 64), --rounds R (interleaved slices per cell, median reported, default " + DEFAULT_ROUNDS
            + "), --filter TEXT (ids containing TEXT), --shared-jit true|false, --forks F (each env in F fresh JVMs;"
            + " default 0: this JVM, a class loader per env), --action-pool B (each loop cycles through 2^B random"
            + " actions, default " + DEFAULT_POOL_BITS + "), --reruns R (with forks: re-runs of a JVM measured on a"
            + " slowed host, default " + DEFAULT_RERUNS + ")");
        return;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("envs bench: option " + a + " needs a value; options: " + OPTIONS);
      }
      String v = args[++i];
      switch (a) {
        case "--seconds" -> seconds = number(a, v);
        case "--n" -> n = (int) number(a, v);
        case "--rounds" -> rounds = (int) number(a, v);
        case "--filter" -> filter = v;
        case "--shared-jit" -> sharedJit = Boolean.parseBoolean(v);
        case "--forks" -> forks = (int) number(a, v);
        case "--action-pool" -> poolBits = (int) number(a, v);
        case "--reruns" -> reruns = (int) number(a, v);
        case "--child" -> child = v;
        default -> throw new IllegalArgumentException("envs bench: unknown option '" + a + "'; options: " + OPTIONS);
      }
    }
    if (!(seconds > 0) || n < 1 || rounds < 1 || forks < 0 || poolBits < 0 || poolBits > 26 || reruns < 0) {
      throw new IllegalArgumentException("envs bench: --seconds must be > 0, --n and --rounds >= 1, --forks and"
          + " --reruns >= 0, --action-pool in [0, 26], got " + seconds + ", " + n + ", " + rounds + ", " + forks
          + ", " + reruns + ", " + poolBits);
    }
    if (child != null) { // a fork of the command below: one env, in this fresh JVM
      double[] r = measureOne(child, seconds, n, rounds, poolBits);
      out.printf(Locale.ROOT, "%s %s %s %s %s %s %s%n", CHILD_ROW, r[0], r[1], r[2], r[3], r[4], r[5]);
      return;
    }
    List<Row> rows = forks > 0 ? measureForked(seconds, n, rounds, filter, forks, poolBits, reruns)
        : measureAll(seconds, n, rounds, filter, !sharedJit, poolBits);
    print(out, rows, n, seconds, rounds, poolBits);
  }

  private static final String OPTIONS = "--seconds S, --n N, --rounds R, --filter TEXT, --shared-jit true|false, "
      + "--forks F, --action-pool B, --reruns R";

  private static double number(String option, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("envs bench: " + option + " expects a number, got '" + value
          + "'", e);
    }
  }

  static List<Row> measureAll(double seconds, int n, int rounds, String filter, boolean isolate, int poolBits) {
    List<Row> rows = new ArrayList<>();
    for (String id : selectedIds(filter)) {
      double[] r = isolate ? measureIsolated(id, seconds, n, rounds, poolBits)
          : measureOne(id, seconds, n, rounds, poolBits);
      rows.add(new Row(id, r[0], r[3], r[1], r[2], popgym(id), r[4])); // r[5], the canary: forks compare it
    }
    return rows;
  }

  /** The registry's ids containing {@code filter}, in the registry's order. */
  private static List<String> selectedIds(String filter) {
    return EnvRegistry.list().stream().map(EnvInfo::id).filter(id -> id.contains(filter)).toList();
  }

  private static double popgym(String id) {
    return id.equals("popgym/PositionOnlyCartPole-Easy") ? POPGYM_POSITION_ONLY_CARTPOLE
        : id.equals("popgym/RepeatPrevious-Easy") ? POPGYM_REPEAT_PREVIOUS : Double.NaN;
  }

  /**
   * Every selected env measured in {@code forks} fresh JVMs, one after another (never two at once: they would share
   * the cores and caches): each rate is the median over the JVMs, {@code vec/sgl} the median of each JVM's own ratio.
   * A JVM whose canary ran below {@link #QUIET_CANARY} of the fastest canary so far (this JVM's own, timed first, or
   * any child's) is re-run, up to {@code reruns} times, a pause before each; if every attempt was slowed, the one
   * with the fastest canary counts.
   */
  static List<Row> measureForked(double seconds, int n, int rounds, String filter, int forks, int poolBits,
      int reruns) {
    double[] fastestCanary = {canaryRate(seconds, rounds)};
    List<Row> rows = new ArrayList<>();
    for (String id : selectedIds(filter)) {
      rows.add(forkedRow(id, forks, reruns, fastestCanary, () -> measureInFreshJvm(id, seconds, n, rounds, poolBits),
          () -> pause(RERUN_PAUSE_MILLIS)));
    }
    return rows;
  }

  /**
   * {@link #measureForked}'s row for one env: {@code forks} JVMs measured by {@code measure} (its six figures), each
   * re-run after {@code beforeRerun} while its canary is below {@link #QUIET_CANARY} of {@code fastestCanary[0]}
   * (raised by every canary seen), up to {@code reruns} times.
   */
  static Row forkedRow(String id, int forks, int reruns, double[] fastestCanary,
      java.util.function.Supplier<double[]> measure, Runnable beforeRerun) {
    double[][] r = new double[5][forks];
    double[] ratios = new double[forks];
    List<Double> rerunRatios = new ArrayList<>();
    int slowKept = 0;
    for (int f = 0; f < forks; f++) {
      double[] kept = null;
      for (int attempt = 0; attempt <= reruns; attempt++) {
        if (attempt > 0) {
          beforeRerun.run();
        }
        double[] one = measure.get();
        fastestCanary[0] = Math.max(fastestCanary[0], one[5]);
        if (kept == null || one[5] > kept[5]) {
          if (kept != null) {
            rerunRatios.add(kept[1] / kept[0]);
          }
          kept = one;
        } else {
          rerunRatios.add(one[1] / one[0]);
        }
        if (one[5] >= QUIET_CANARY * fastestCanary[0]) {
          break;
        }
      }
      slowKept += kept[5] >= QUIET_CANARY * fastestCanary[0] ? 0 : 1;
      for (int c = 0; c < 5; c++) {
        r[c][f] = kept[c];
      }
      ratios[f] = kept[1] / kept[0];
    }
    double[] sorted = ratios.clone();
    java.util.Arrays.sort(sorted);
    double rerunMedian = rerunRatios.isEmpty() ? Double.NaN
        : median(rerunRatios.stream().mapToDouble(Double::doubleValue).toArray());
    return new Row(id, median(r[0]), median(r[3]), median(r[1]), median(r[2]), popgym(id), median(r[4]),
        new ForkSpread(forks, median(ratios), sorted[0], sorted[forks - 1], rerunRatios.size(), rerunMedian,
            slowKept));
  }

  /** How long a slowed host is given before a JVM is re-run: its slow periods last seconds to tens of seconds. */
  private static final long RERUN_PAUSE_MILLIS = 3000;

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("envs bench: interrupted while waiting to re-run a JVM", e);
    }
  }

  /**
   * {@link #measureOne}'s six figures for {@code id}, measured by a child JVM: this JVM's binary, its flags (so a
   * launcher's {@code -XX} options hold there too) and class path, running {@code --child id}.
   */
  static double[] measureInFreshJvm(String id, double seconds, int n, int rounds, int poolBits) {
    return FreshJvm.figures(EnvsBench.class, List.of("--child", id, "--seconds", Double.toString(seconds), "--n",
        Integer.toString(n), "--rounds", Integer.toString(rounds), "--action-pool", Integer.toString(poolBits)),
        CHILD_ROW, "envs bench: " + id, 6);
  }

  /** {@link #measureOne(String, double, int, int)} with {@link #DEFAULT_ROUNDS} rounds. */
  public static double[] measureOne(String id, double seconds, int n) {
    return measureOne(id, seconds, n, DEFAULT_ROUNDS, DEFAULT_POOL_BITS);
  }

  /**
   * {@code [single steps/cpu-s, vector steps/cpu-s, vector steps/wall-s, hand loop over n steps/cpu-s, hand loop over
   * n references to one env steps/cpu-s, canary iterations/cpu-s]} for one id (the canary: {@link #canary}, how fast
   * the host ran the slices), each the median over {@code rounds} slices of {@code seconds / rounds}. The loops are
   * warmed up first, then measured in turn, slice after slice, so a change of machine load (other processes taking
   * the caches or the core) falls on all of them alike instead of on whichever loop ran at the time. Every loop
   * cycles through the same {@code 2^poolBits} random actions ({@link #DEFAULT_POOL_BITS}). Public and static so
   * {@link #measureIsolated} can call it reflectively in a fresh class loader.
   */
  public static double[] measureOne(String id, double seconds, int n, int rounds, int poolBits) {
    int[] pool = randomActions(EnvRegistry.make(id).spec().numActions(), 1 << poolBits, 1);
    Loop[] loops = {single(id, pool), vector(id, n, pool), handLoop(id, n, false, pool), handLoop(id, n, true, pool),
        canary()};
    for (Loop loop : loops) {
      run(loop, warmUpNanos(seconds), new double[1]);
    }
    double[][] cpu = new double[loops.length][rounds];
    double[][] wall = new double[loops.length][rounds];
    long slice = (long) (seconds * 1e9 / rounds);
    double[] sink = new double[1];
    for (int r = 0; r < rounds; r++) {
      for (int l = 0; l < loops.length; l++) {
        long startCpu = cpuNanos();
        long start = System.nanoTime();
        long steps = run(loops[l], slice, sink);
        long wallNanos = System.nanoTime() - start;
        cpu[l][r] = steps / ((cpuNanos() - startCpu) / 1e9);
        wall[l][r] = steps / (wallNanos / 1e9);
      }
    }
    consume(sink[0]);
    return new double[] {median(cpu[0]), median(cpu[1]), median(wall[1]), median(cpu[2]), median(cpu[3]),
        median(cpu[4])};
  }

  /**
   * The canary's iterations per CPU-second in this JVM, after a warm-up: the host's speed when the bench starts, the
   * first reference a child's canary is compared with.
   */
  static double canaryRate(double seconds, int rounds) {
    Loop loop = canary();
    double[] sink = new double[1];
    run(loop, warmUpNanos(seconds), sink);
    double fastest = 0;
    long slice = (long) (seconds * 1e9 / rounds);
    for (int r = 0; r < rounds; r++) {
      long startCpu = cpuNanos();
      long iterations = run(loop, slice, sink);
      fastest = Math.max(fastest, iterations / ((cpuNanos() - startCpu) / 1e9));
    }
    consume(sink[0]);
    return fastest;
  }

  /**
   * Register arithmetic with no memory traffic and no branch to mispredict (four independent multiply-add chains):
   * its rate per CPU-second changes only when the host runs this core slower (a busy sibling, a lower clock), so it
   * tells a slowed host from a slow loop. Counts iterations as its "steps".
   */
  static Loop canary() {
    long[] state = {1, 2, 3, 4};
    return new Loop(4096, () -> {
      long a = state[0];
      long b = state[1];
      long c = state[2];
      long d = state[3];
      for (int i = 0; i < 4096; i++) {
        a = a * 0x9E3779B97F4A7C15L + (b >>> 29);
        b = b * 0x9E3779B97F4A7C15L + (c >>> 29);
        c = c * 0x9E3779B97F4A7C15L + (d >>> 29);
        d = d * 0x9E3779B97F4A7C15L + (a >>> 29);
      }
      state[0] = a;
      state[1] = b;
      state[2] = c;
      state[3] = d;
      return (a ^ b ^ c ^ d) & 1;
    });
  }

  static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  /** Runs {@link #measureOne} with this module's classes loaded afresh (fresh JIT profiles). */
  static double[] measureIsolated(String id, double seconds, int n) {
    return measureIsolated(id, seconds, n, DEFAULT_ROUNDS, DEFAULT_POOL_BITS);
  }

  static double[] measureIsolated(String id, double seconds, int n, int rounds, int poolBits) {
    java.security.CodeSource src = EnvsBench.class.getProtectionDomain().getCodeSource();
    if (src == null || src.getLocation() == null) {
      return measureOne(id, seconds, n, rounds, poolBits);
    }
    try (java.net.URLClassLoader loader = new java.net.URLClassLoader(
        new java.net.URL[] {src.getLocation()}, ClassLoader.getPlatformClassLoader())) {
      Class<?> bench = Class.forName(EnvsBench.class.getName(), true, loader);
      return (double[]) bench.getMethod("measureOne", String.class, double.class, int.class, int.class, int.class)
          .invoke(null, id, seconds, n, rounds, poolBits);
    } catch (ReflectiveOperationException | java.io.IOException e) {
      throw new IllegalStateException("envs bench: could not measure " + id + " in its own class loader",
          e);
    }
  }

  /**
   * Warm-up as long as the measurement: on a loaded machine the JIT's compiler threads get little
   * CPU, and a short warm-up would measure interpreted or C1 code.
   */
  private static long warmUpNanos(double seconds) {
    return (long) (seconds * 1e9);
  }

  private static long cpuNanos() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static int[] randomActions(int numActions, int length, long seed) {
    Rng rng = new Rng(seed);
    int[] a = new int[length];
    for (int i = 0; i < a.length; i++) {
      a[i] = rng.nextInt(numActions);
    }
    return a;
  }

  /**
   * Single env, the loop a simple actor writes: step, hand the observation to the policy (copied into its input
   * buffer, as every policy here reads it), and reset with the episode's reproducible seed
   * ({@link dev.mnemo.envs.Seeds#episodeSeed}) when the episode is over: the work a {@link VectorEnv} does per
   * copy, so {@code vec/sgl} prices the vectorisation itself. (Until 2026-12 this loop neither read the
   * observation nor derived seeds, and the VectorEnv looked 0.14-0.96x as fast for doing more.)
   */
  static Loop single(String id, int[] actions) {
    Env env = EnvRegistry.make(id);
    int mask = actions.length - 1;
    float[] input = new float[env.spec().obsSize()];
    env.reset(dev.mnemo.envs.Seeds.episodeSeed(7, 0, 0));
    long[] episode = {1};
    int[] k = {0};
    return new Loop(4096, () -> {
      double sum = 0;
      int j = k[0];
      for (int c = 0; c < 4096; c++) {
        Step s = env.step(actions[j]);
        j = (j + 1) & mask;
        sum += s.reward;
        if (s.terminated || s.truncated) {
          s = env.reset(dev.mnemo.envs.Seeds.episodeSeed(7, 0, episode[0]++));
        }
        System.arraycopy(s.obs, 0, input, 0, input.length);
      }
      k[0] = j;
      return sum + input[0];
    });
  }

  /**
   * n envs stepped by a hand-written loop doing what {@link VectorEnv} does per copy (copy the observation, keep
   * the reward, reset with the episode's seed), minus its checks and bookkeeping: {@code vec/hand} is the
   * VectorEnv's own overhead, apart from the cost of stepping n distinct envs instead of one. With {@code oneEnv}
   * the n entries are one env (the loop of n envs with the data of one: what n distinct envs cost beyond it).
   */
  static Loop handLoop(String id, int n, boolean oneEnv, int[] pool) {
    Env[] envs = new Env[n];
    int obsSize = 0;
    for (int i = 0; i < n; i++) {
      envs[i] = oneEnv && i > 0 ? envs[0] : EnvRegistry.make(id);
      if (!oneEnv || i == 0) {
        envs[i].reset(dev.mnemo.envs.Seeds.episodeSeed(7, i, 0));
      }
      obsSize = envs[i].spec().obsSize();
    }
    int os = obsSize;
    int mask = pool.length - 1;
    float[] obs = new float[n * os];
    float[] rewards = new float[n];
    long[] episode = new long[n];
    java.util.Arrays.fill(episode, 1);
    int[] k = {0};
    int chunk = Math.max(1, 4096 / n);
    return new Loop((long) chunk * n, () -> {
      double sum = 0;
      int j = k[0];
      for (int c = 0; c < chunk; c++) {
        for (int i = 0; i < n; i++) {
          Step s = envs[i].step(pool[j]);
          j = (j + 1) & mask;
          rewards[i] = s.reward;
          if (s.terminated || s.truncated) {
            s = envs[i].reset(dev.mnemo.envs.Seeds.episodeSeed(7, i, episode[i]++));
          }
          System.arraycopy(s.obs, 0, obs, i * os, os);
        }
        sum += rewards[0];
      }
      k[0] = j;
      return sum;
    });
  }

  /** A VectorEnv of n copies: one call steps them all. */
  static Loop vector(String id, int n, int[] pool) {
    VectorEnv venv = new VectorEnv(id, n, 7);
    int obsSize = venv.spec().obsSize();
    int mask = pool.length - 1;
    int[] actions = new int[n];
    float[] obs = new float[n * obsSize];
    float[] rewards = new float[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    venv.reset(obs);
    int[] k = {0};
    int chunk = Math.max(1, 4096 / n);
    return new Loop((long) chunk * n, () -> {
      double sum = 0;
      int j = k[0];
      for (int c = 0; c < chunk; c++) {
        for (int i = 0; i < n; i++) {
          actions[i] = pool[j];
          j = (j + 1) & mask;
        }
        venv.step(actions, obs, rewards, terminated, truncated);
        sum += rewards[0];
      }
      k[0] = j;
      return sum;
    });
  }

  /** A measured loop: {@code chunk} takes {@code stepsPerChunk} env steps and returns a reward sum. */
  record Loop(long stepsPerChunk, java.util.function.DoubleSupplier chunk) {}

  /** Runs whole chunks of {@code loop} for {@code nanos} of wall time; returns the env steps taken. */
  private static long run(Loop loop, long nanos, double[] sink) {
    long end = System.nanoTime() + nanos;
    long steps = 0;
    double sum = 0;
    do {
      sum += loop.chunk().getAsDouble();
      steps += loop.stepsPerChunk();
    } while (System.nanoTime() < end);
    sink[0] += sum;
    return steps;
  }

  private static void consume(double sink) {
    if (sink == 0.123456789) {
      System.err.print(""); // keeps the reward sum observable so the JIT cannot drop the loop
    }
  }

  static void print(PrintStream out, List<Row> rows, int n, double seconds, int rounds, int poolBits) {
    ForkSpread first = rows.isEmpty() ? null : rows.get(0).forks();
    String where = first == null ? "one JVM, a class loader per env"
        : first.count() + " fresh JVMs per env: medians over them; vec/sgl the median of each JVM's own ratio, "
            + "vec/sgl range its lowest and highest";
    out.printf(Locale.ROOT, "Mnemo envs benchmark: steps per CPU-second (one core), random actions (a cycle of 2^%d),"
        + " %.2f s per cell (median of %d interleaved slices), VectorEnv of %d; %s%n", poolBits, seconds, rounds, n,
        where);
    out.printf(Locale.ROOT, "%-38s %14s %14s %14s %8s %9s %14s %9s %14s %16s %10s%s %8s%n", "env", "single",
        "hand x" + n, "vector", "vec/sgl", "vec/hand", "one x" + n, "hand/one", "vector (wall)", "POPGym (Python)",
        "vec/POPGym", first == null ? "" : String.format(Locale.ROOT, " %16s %6s %13s %9s", "vec/sgl range", "re-run",
            "re-run vec/sgl", "slow kept"), "together");
    double logSum = 0;
    int below = 0;
    int reruns = 0;
    int slowKept = 0;
    for (Row r : rows) {
      String pop = Double.isNaN(r.popgymStepsPerSecond()) ? "-"
          : String.format(Locale.ROOT, "%,.0f", r.popgymStepsPerSecond());
      String ratio = Double.isNaN(r.popgymStepsPerSecond()) ? "-"
          : String.format(Locale.ROOT, "%.0fx", r.vectorStepsPerSecond() / r.popgymStepsPerSecond());
      ForkSpread f = r.forks();
      String range = f == null ? ""
          : String.format(Locale.ROOT, " %16s %6d %13s %9d", String.format(Locale.ROOT, "%.2f-%.2fx", f.minRatio(),
              f.maxRatio()), f.reruns(), Double.isNaN(f.rerunMedianRatio()) ? "-"
                  : String.format(Locale.ROOT, "%.2fx", f.rerunMedianRatio()), f.slowKept());
      reruns += f == null ? 0 : f.reruns();
      slowKept += f == null ? 0 : f.slowKept();
      double vs = r.vectorOverSingle();
      logSum += Math.log(vs);
      below += vs < 1 ? 1 : 0;
      // A ratio just below 1 gets a third decimal: "1.00x" in a row the footer counts as below would contradict it.
      String vsText = String.format(Locale.ROOT, vs < 1 && vs >= 0.995 ? "%.3fx" : "%.2fx", vs);
      out.printf(Locale.ROOT, "%-38s %,14.0f %,14.0f %,14.0f %8s %8.2fx %,14.0f %8.2fx %,14.0f %16s %10s%s %8s%n",
          r.id(), r.singleStepsPerSecond(), r.handStepsPerSecond(), r.vectorStepsPerSecond(), vsText,
          r.vectorStepsPerSecond() / r.handStepsPerSecond(), r.oneHandStepsPerSecond(),
          r.handStepsPerSecond() / r.oneHandStepsPerSecond(), r.vectorWallStepsPerSecond(), pop, ratio, range,
          steppedTogether(r.id()) ? "yes" : "no");
    }
    if (!rows.isEmpty()) {
      out.printf(Locale.ROOT, "vec/sgl: geometric mean %.2fx over %d envs; below 1.00x on %d of them (target: none)%n",
          Math.exp(logSum / rows.size()), rows.size(), below);
    }
    if (first != null) {
      out.printf(Locale.ROOT, "Slowed host: %d JVMs re-run because their canary (register arithmetic timed in every"
          + " slice) ran below %.2f of the run's fastest; %d JVMs counted although still slowed after %s re-runs"
          + " ('re-run vec/sgl': the median ratio the re-run JVMs had measured)%n", reruns, QUIET_CANARY, slowKept,
          "their");
    }
    out.println("POPGym figures: a published reference, NOT measured in this run (Morad et al. 2023, Python, one env"
        + " on a laptop; Easy levels compared); the same-run baselines are 'single' (one env, the same work per step)"
        + " and 'hand x" + n + "' (a hand loop over " + n + " envs: vec/hand is the VectorEnv's own overhead); 'one x"
        + n + "' is that loop over " + n + " references to one env (hand/one: the cost of " + n + " distinct envs'"
        + " data, which no loop removes). 'together': the VectorEnv steps its copies with the env type's"
        + " CopiesStepper (states in arrays, loops the JIT vectorises) instead of one by one.");
  }

  /** Whether a {@link VectorEnv} of {@code id} steps its copies together ({@link Env#copiesStepper}). */
  static boolean steppedTogether(String id) {
    Env[] copies = {EnvRegistry.make(id), EnvRegistry.make(id)};
    try {
      return copies[0].copiesStepper(copies) != null;
    } finally {
      copies[0].close();
      copies[1].close();
    }
  }

  public static void main(String[] args) {
    run(System.out, args);
  }
}
