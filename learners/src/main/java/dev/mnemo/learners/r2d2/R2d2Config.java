package dev.mnemo.learners.r2d2;

import dev.mnemo.agents.core.RecurrentCores;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every R2D2 hyperparameter, with the paper's value as default (Kapturowski et al. 2019; DESIGN.md).
 * Small tasks scale these down in {@code configs/}; the HOCON key of each field is its snake_case name
 * ({@code burnIn} is {@code burn_in}, {@code coreSize} is {@code core_size}, ...).
 *
 * @param env environment id with parameters, e.g. {@code tmaze?length=10}
 * @param seed master seed: every random stream of a run derives from it
 * @param numEnvs actors N (each owns one env; epsilon_i = epsilonBase^(1 + epsilonAlpha i/(N-1)))
 * @param burnIn steps l unrolled without gradient before the trained steps
 * @param traceLength trained steps m per sequence
 * @param sequencePeriod env steps between starts of adjacent sequences (paper: overlap 40 of 80)
 * @param nStep n of the n-step targets
 * @param gamma discount
 * @param encoderSizes Dense+ReLU widths before the core (the paper's torso is a conv net; vectors use this)
 * @param core the recurrent core: {@code lstm} (the paper's), {@code gru}, {@code ln_gru}, {@code elman}, {@code indrnn},
 *     {@code linattn}, {@code fwp}, {@code lmu}, {@code s4d}, or the memory-less controls {@code framestack} and {@code mlp}
 * @param coreSize the core's hidden size ({@code lstm_size} is accepted as a deprecated alias)
 * @param headSize hidden width of each dueling stream
 * @param batchSize sequences per update
 * @param learningRate Adam step size
 * @param adamEpsilon Adam epsilon
 * @param maxGradNorm global gradient-norm clip (0 disables); not in the paper, a guard for small replays
 * @param targetPeriod updates between target-network copies
 * @param priorityEta eta of p = eta max|delta| + (1 - eta) mean|delta|
 * @param initialPriority priority of a new sequence: {@code actor} (the paper's: the actor computes p from the
 *     Q-values it acted with and n-step targets built from them, see {@code ActorPriority}; the sequences then
 *     store those Q-values) or {@code max} (the replay's current maximum priority)
 * @param priorityExponent alpha of prioritized sampling
 * @param importanceExponent beta of the importance-sampling weights
 * @param replayCapacity sequences held (paper: 4M observations / 40 new steps per sequence = 100k)
 * @param minReplaySize sequences in replay before learning starts
 * @param samplesPerInsert replay ratio: sequences sampled per sequence inserted
 * @param samplesPerInsertTolerance relative tolerance of the rate limiter
 * @param actorRefreshSteps env steps between actor parameter refreshes
 * @param epsilonBase base of the per-actor epsilon ladder
 * @param epsilonAlpha exponent spread of the per-actor epsilon ladder
 * @param storedState burn-in starts from the replayed recurrent state (false: zero state, the ablation)
 * @param totalEnvSteps training budget in env steps
 * @param evalInterval env steps between greedy evaluations
 * @param evalEpisodes greedy episodes per evaluation
 * @param solvedThreshold mean evaluation return that counts as solved
 * @param gcInterval updates between forced collections (ND4J frees native memory only on GC)
 * @param engine learner network implementation: {@code gemm} (the all-Java blocks and core on the Vector API
 *     products, the CPU engine) or {@code samediff} (the SameDiff graph: the reference and the GPU engine; on CPU
 *     far slower per update, see {@code mnemo bench r2d2})
 */
public record R2d2Config(String env, long seed, int numEnvs, int burnIn, int traceLength,
    int sequencePeriod, int nStep, double gamma, List<Integer> encoderSizes, String core, int coreSize, int headSize,
    int batchSize, double learningRate, double adamEpsilon, double maxGradNorm, int targetPeriod,
    double priorityEta, String initialPriority, double priorityExponent, double importanceExponent,
    int replayCapacity, int minReplaySize, double samplesPerInsert, double samplesPerInsertTolerance,
    int actorRefreshSteps, double epsilonBase, double epsilonAlpha, boolean storedState, long totalEnvSteps,
    long evalInterval, int evalEpisodes, double solvedThreshold, int gcInterval, String engine) {

  public R2d2Config {
    encoderSizes = List.copyOf(encoderSizes);
    for (int width : encoderSizes) {
      positive("encoder_sizes", width);
    }
    positive("num_envs", numEnvs);
    nonNegative("burn_in", burnIn);
    positive("trace_length", traceLength);
    positive("sequence_period", sequencePeriod);
    positive("n_step", nStep);
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
    }
    positive("core_size", coreSize);
    if (!RecurrentCores.names().contains(core)) {
      throw new IllegalArgumentException("core must be one of " + RecurrentCores.names() + ", got '" + core + "'");
    }
    positive("head_size", headSize);
    positive("batch_size", batchSize);
    if (!(learningRate > 0) || !(adamEpsilon > 0)) {
      throw new IllegalArgumentException("learning_rate and adam_epsilon must be > 0, got " + learningRate
          + ", " + adamEpsilon);
    }
    if (!(maxGradNorm >= 0)) {
      throw new IllegalArgumentException("max_grad_norm must be >= 0, got " + maxGradNorm);
    }
    positive("target_period", targetPeriod);
    unit("priority_eta", priorityEta);
    if (!INITIAL_PRIORITY_ACTOR.equals(initialPriority) && !INITIAL_PRIORITY_MAX.equals(initialPriority)) {
      throw new IllegalArgumentException("initial_priority must be '" + INITIAL_PRIORITY_ACTOR + "' or '"
          + INITIAL_PRIORITY_MAX + "', got '" + initialPriority + "'");
    }
    unit("priority_exponent", priorityExponent);
    unit("importance_exponent", importanceExponent);
    positive("replay_capacity", replayCapacity);
    positive("min_replay_size", minReplaySize);
    if (minReplaySize > replayCapacity) {
      throw new IllegalArgumentException("min_replay_size " + minReplaySize + " exceeds replay_capacity "
          + replayCapacity);
    }
    if (!(samplesPerInsert > 0)) {
      throw new IllegalArgumentException("samples_per_insert must be > 0, got " + samplesPerInsert);
    }
    unit("samples_per_insert_tolerance", samplesPerInsertTolerance);
    positive("actor_refresh_steps", actorRefreshSteps);
    unit("epsilon_base", epsilonBase);
    if (!(epsilonAlpha >= 0)) {
      throw new IllegalArgumentException("epsilon_alpha must be >= 0, got " + epsilonAlpha);
    }
    if (totalEnvSteps < 0 || evalInterval < 1 || evalEpisodes < 0) {
      throw new IllegalArgumentException("total_env_steps >= 0, eval_interval >= 1, eval_episodes >= 0 needed, got "
          + totalEnvSteps + ", " + evalInterval + ", " + evalEpisodes);
    }
    if (Double.isNaN(solvedThreshold)) {
      throw new IllegalArgumentException("solved_threshold must be a number (1e300: no threshold), got NaN");
    }
    positive("gc_interval", gcInterval);
    if (!"gemm".equals(engine) && !"samediff".equals(engine)) {
      throw new IllegalArgumentException("engine must be 'gemm' or 'samediff', got '" + engine + "'");
    }
  }

  /** The paper's hyperparameters (no env; budget of 1M env steps). */
  public static R2d2Config paper() {
    return new R2d2Config("", 0L, 256, 40, 80, 40, 5, 0.997, List.of(), "lstm", 512, 512, 64, 1e-4, 1e-3, 40.0,
        2500, 0.9, INITIAL_PRIORITY_ACTOR, 0.9, 0.6, 100_000, 5_000, 4.0, 0.1, 400, 0.4, 7.0, true, 1_000_000L,
        10_000L, 10, Double.POSITIVE_INFINITY, 50, "gemm");
  }

  /** {@code initial_priority = actor}: the actor computes a new sequence's priority (the paper's). */
  public static final String INITIAL_PRIORITY_ACTOR = "actor";
  /** {@code initial_priority = max}: new sequences enter at the replay's maximum priority. */
  public static final String INITIAL_PRIORITY_MAX = "max";

  /** Keys an experiment file may hold beside this record's fields (read by the CLI, ignored here). */
  public static final Set<String> NON_R2D2_KEYS = Set.of("kind", "runtime", "stop_when_solved", "confirm_episodes",
      "description", "progress_interval", "shutdown_grace");

  /**
   * The paper's defaults overridden by {@code values}, keyed by the snake_case names of this record's
   * fields ({@code burn_in}, {@code core_size}, ...), e.g. a HOCON file's {@code root().unwrapped()}.
   * Numbers may be any {@link Number} or numeric string, {@code encoder_sizes} a list of integers.
   * Keys in {@link #NON_R2D2_KEYS} are skipped; any other unknown key fails, naming the valid ones.
   */
  public static R2d2Config fromMap(Map<String, ?> values) {
    values = withAliases(values);
    R2d2Config base = paper();
    RecordComponent[] comps = R2d2Config.class.getRecordComponents();
    Map<String, RecordComponent> byKey = new LinkedHashMap<>();
    for (RecordComponent c : comps) {
      byKey.put(snake(c.getName()), c);
    }
    for (String k : values.keySet()) {
      if (!byKey.containsKey(k) && !NON_R2D2_KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown R2D2 config key '" + k + "'; valid keys: " + byKey.keySet());
      }
    }
    Object[] args = new Object[comps.length];
    Class<?>[] types = new Class<?>[comps.length];
    for (int i = 0; i < comps.length; i++) {
      RecordComponent c = comps[i];
      types[i] = c.getType();
      String key = snake(c.getName());
      try {
        args[i] = values.containsKey(key) ? convert(key, values.get(key), c.getType())
            : c.getAccessor().invoke(base);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read default of " + key, e);
      }
    }
    try {
      return R2d2Config.class.getDeclaredConstructor(types).newInstance(args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The deprecated key {@code lstm_size} (from before cores were swappable) read as {@code core_size}. */
  public static final String DEPRECATED_LSTM_SIZE = "lstm_size";

  private static Map<String, ?> withAliases(Map<String, ?> values) {
    if (!values.containsKey(DEPRECATED_LSTM_SIZE)) {
      return values;
    }
    if (values.containsKey("core_size")) {
      throw new IllegalArgumentException("config sets both core_size and its deprecated alias lstm_size; keep"
          + " core_size");
    }
    Map<String, Object> m = new LinkedHashMap<>(values);
    // Converted under its own name, so a bad value is reported as the key the file wrote.
    m.put("core_size", convert(DEPRECATED_LSTM_SIZE, m.remove(DEPRECATED_LSTM_SIZE), int.class));
    return m;
  }

  /** This config with another recurrent core of {@code size}. */
  public R2d2Config withCore(String newCore, int size) {
    Map<String, Object> m = toMap();
    m.put("core", newCore);
    m.put("core_size", size);
    return fromMap(m);
  }

  /** This config as snake_case key/value pairs, the inverse of {@link #fromMap} (for run directories). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (RecordComponent c : R2d2Config.class.getRecordComponents()) {
      try {
        m.put(snake(c.getName()), c.getAccessor().invoke(this));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return m;
  }

  private static String snake(String camel) {
    return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
  }

  private static Object convert(String key, Object v, Class<?> type) {
    try {
      if (type == String.class) {
        return String.valueOf(v);
      }
      if (type == boolean.class) {
        if (v instanceof Boolean b) {
          return b;
        }
        String s = String.valueOf(v);
        if (!s.equals("true") && !s.equals("false")) {
          throw new IllegalArgumentException("not a boolean");
        }
        return Boolean.parseBoolean(s);
      }
      if (type == List.class) {
        if (!(v instanceof List<?> l)) {
          throw new IllegalArgumentException("not a list");
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : l) {
          out.add(o instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(o).trim()));
        }
        return out;
      }
      double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
      if (type == double.class) {
        return d;
      }
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("not an integer");
      }
      if (type == int.class) {
        return Math.toIntExact((long) d);
      }
      return (long) d;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException("config key '" + key + "': expected " + type.getSimpleName()
          + (type == List.class ? " of integers" : "") + ", got '" + v + "'", e);
    }
  }

  /** Steps per stored sequence: burn-in + trained + n bootstrap steps. */
  public int sequenceLength() {
    return burnIn + traceLength + nStep;
  }

  /** Epsilon of actor {@code i} of {@code n}: epsilonBase^(1 + epsilonAlpha i/(n-1)). */
  public static double actorEpsilon(int i, int n, double base, double alpha) {
    if (i < 0 || i >= n) {
      throw new IllegalArgumentException("actor index " + i + " outside [0, " + n + ")");
    }
    return n == 1 ? base : Math.pow(base, 1 + alpha * i / (n - 1.0));
  }

  /** This config with another env, seed and budget (tests and configs tweak these most). */
  public R2d2Config withRun(String newEnv, long newSeed, long newTotalEnvSteps) {
    return new R2d2Config(newEnv, newSeed, numEnvs, burnIn, traceLength, sequencePeriod, nStep, gamma,
        encoderSizes, core, coreSize, headSize, batchSize, learningRate, adamEpsilon, maxGradNorm, targetPeriod,
        priorityEta, initialPriority, priorityExponent, importanceExponent, replayCapacity, minReplaySize,
        samplesPerInsert, samplesPerInsertTolerance, actorRefreshSteps, epsilonBase, epsilonAlpha, storedState,
        newTotalEnvSteps, evalInterval, evalEpisodes, solvedThreshold, gcInterval, engine);
  }

  /** True when actors compute the initial priority of their sequences ({@code initial_priority = actor}). */
  public boolean actorPriority() {
    return INITIAL_PRIORITY_ACTOR.equals(initialPriority);
  }

  /** This config with {@code initial_priority} set ({@code actor} or {@code max}). */
  public R2d2Config withInitialPriority(String mode) {
    Map<String, Object> m = toMap();
    m.put("initial_priority", mode);
    return fromMap(m);
  }

  /** This config with {@code storedState} set (the zero-state ablation). */
  public R2d2Config withStoredState(boolean stored) {
    return new R2d2Config(env, seed, numEnvs, burnIn, traceLength, sequencePeriod, nStep, gamma,
        encoderSizes, core, coreSize, headSize, batchSize, learningRate, adamEpsilon, maxGradNorm, targetPeriod,
        priorityEta, initialPriority, priorityExponent, importanceExponent, replayCapacity, minReplaySize,
        samplesPerInsert, samplesPerInsertTolerance, actorRefreshSteps, epsilonBase, epsilonAlpha, stored,
        totalEnvSteps, evalInterval, evalEpisodes, solvedThreshold, gcInterval, engine);
  }

  private static void positive(String name, long v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + v);
    }
  }

  private static void nonNegative(String name, long v) {
    if (v < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + v);
    }
  }

  private static void unit(String name, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
    }
  }
}
