package dev.mnemo.learners.r2d2;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.kernel.RecurrentQKernel;
import dev.mnemo.agents.r2d2.QUnroll;
import dev.mnemo.agents.r2d2.RecurrentQGemm;
import dev.mnemo.agents.r2d2.RecurrentQModel;
import dev.mnemo.agents.r2d2.RecurrentQNetwork;
import dev.mnemo.agents.r2d2.RecurrentQSpec;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Golden (characterisation) test of today's LSTM behaviour, bit for bit, so that a refactor of the network
 * engine (the LSTM moving behind a recurrent-core abstraction) can prove that nothing changes for the LSTM.
 * It pins, against the data files under {@code src/test/resources/golden/}:
 * <ol>
 *   <li><b>network</b> ({@code network-enc16.txt}, {@code network-noenc.txt}): for two specs, obs 5 /
 *       actions 3 / encoder [16] / LSTM 8 / heads 8 and obs 4 / actions 2 / no encoder / LSTM 12 / heads
 *       6, the seeded {@link RecurrentQNetwork#initialParams} (every parameter), the Q-values of a
 *       {@link RecurrentQGemm} unroll over a seeded batch (B 3, T 7, random obs, previous actions in
 *       -1..A-1, previous rewards, h0/c0 in [-0.5, 0.5]), the state after step {@value #WIN_T0} - 1 (where the
 *       gradient window starts) and after the last step, the gradient of {@code sum(dQ * Q)} for a seeded dQ
 *       over the window [{@value #WIN_T0}, {@value #WIN_T0} + {@value #WIN_TIME}) started from that state,
 *       and the same gradient via {@link RecurrentQGemm#gradientOfLastUnroll} after a whole-sequence unroll
 *       (pinned separately: today the two paths differ in the last bit of some entries, ~1e-7 relative).
 *       All exact: the all-Java engine gives the same bits in every run. The SameDiff
 *       {@link RecurrentQNetwork}, the reference implementation, is checked against the same pinned values
 *       within {@value #ORACLE_TOLERANCE} (absolute below magnitude 1, relative above) by the
 *       {@code sameDiff*} tests: it is the oracle that the pinned values are right, not only unchanged;</li>
 *   <li><b>actor kernel</b> ({@code kernel-*.txt}): {@link RecurrentQKernel} on the same specs, parameters
 *       and inputs, stepped {@value #SEQ} times for 3 envs from the same h0/c0: the Q-values of every step
 *       and the final state, exact (and, not pinned, within {@value #ORACLE_TOLERANCE} of the unroll's Q);</li>
 *   <li><b>learner</b> ({@code learner-quickstart.txt}): an {@link R2d2Learner} built from
 *       {@code configs/quickstart.conf} for T-Maze 10's sizes, doing {@value #LEARNER_UPDATES} updates on one
 *       seeded hand-built {@link TrainingBatch} of 32 sequences (episode starts, a termination with padding,
 *       a truncation, random importance weights): every update's loss, mean |TD|, mean Q, gradient norm and
 *       priorities, and the online parameters after the last update, exact;</li>
 *   <li><b>learning curve</b> ({@code curve-quickstart.txt}): the quick start
 *       ({@code SynchronousTrainerTest.tmaze10(true, 50_000)}, seed 1, stopping when solved): the
 *       {@link TrainResult} (env steps, updates, episodes, solved, solved-at step, last evaluation) and every
 *       {@link TrainMetrics} row except its wall-clock rates (env steps, updates, episodes, training return,
 *       evaluation return and CI, last loss, mean |TD|, mean Q, gradient norm), exact.</li>
 * </ol>
 *
 * <p><b>Adapting to an API change.</b> Every call into the network, kernel and learner API sits in one small
 * helper at the end of this class ({@code gemm}, {@code sameDiff}, {@code unrollQ}, {@code gradient},
 * {@code gradientOfLastUnroll}, {@code kernelSteps}, {@code newLearner}, {@code trainingBatch},
 * {@code update}, {@code onlineParams}, {@code runQuickStart}). The pinned data keep h and c as separate
 * {@code [B*H]} arrays: when the state becomes one opaque array per batch row (e.g. {@code [h | c]}), only
 * those helpers change (concatenate h0/c0 on the way in, split the state on the way out); never edit the
 * data or the comparisons.
 *
 * <p><b>Regenerating the data: only on purpose, never to make the test pass.</b> A difference means the
 * behaviour changed; find out why. If a change of the numbers is intended (and reviewed), rewrite the files
 * with
 * <pre>
 *   . bin/openblas-env.sh &amp;&amp; mvn -B -ntp -q -pl learners -am test -Dtest=LstmGoldenTest \
 *       -Dsurefire.failIfNoSpecifiedTests=false -Dmnemo.golden.regenerate=true
 * </pre>
 * (each test then writes its file into {@code learners/src/test/resources/golden/} and fails on purpose, so
 * a regenerating run is never green), or run {@link #main} with the test classpath and
 * {@code --add-modules jdk.incubator.vector} from inside the repository; then review {@code git diff}.
 * The bits are those of the Vector API engine that surefire runs ({@code --add-modules
 * jdk.incubator.vector}); each file's header names the {@link BatchOps} it was generated with, and failures
 * repeat it next to the one running now.
 */
class LstmGoldenTest {

  /** System property: when "true", the tests rewrite their data files (and fail) instead of checking them. */
  static final String REGENERATE = "mnemo.golden.regenerate";
  /** Classpath folder (and folder under learners/src/test/resources) of the data files. */
  static final String DIR = "golden";

  static final int BATCH = 3;
  static final int SEQ = 7;
  static final int WIN_T0 = 2;
  static final int WIN_TIME = 4;
  static final double ORACLE_TOLERANCE = 1e-5;
  static final int LEARNER_UPDATES = 3;
  static final long LEARNER_BATCH_SEED = 2024L;
  static final long CURVE_BUDGET = 50_000;

  /** A network case: a spec, its parameter seed and the seed of its random inputs. */
  record NetCase(String name, RecurrentQSpec spec, long paramSeed, long inputSeed) {}

  static final NetCase ENC16 = new NetCase("enc16", new RecurrentQSpec(5, 3, List.of(16), 8, 8), 7L, 11L);
  static final NetCase NO_ENC = new NetCase("noenc", new RecurrentQSpec(4, 2, List.of(), 12, 6), 8L, 12L);

  // ------------------------------------------------------------------------------------------------------
  // The tests
  // ------------------------------------------------------------------------------------------------------

  @Test
  void networkWithEncoder() {
    checkOrRegenerate(networkFile(ENC16), () -> network(ENC16));
  }

  @Test
  void networkWithoutEncoder() {
    checkOrRegenerate(networkFile(NO_ENC), () -> network(NO_ENC));
  }

  @Test
  void sameDiffAgreesWithThePinnedNetworkWithEncoder() {
    sameDiffAgreesWithThePinnedNetwork(ENC16);
  }

  @Test
  void sameDiffAgreesWithThePinnedNetworkWithoutEncoder() {
    sameDiffAgreesWithThePinnedNetwork(NO_ENC);
  }

  @Test
  void actorKernelWithEncoder() {
    checkOrRegenerate(kernelFile(ENC16), () -> kernel(ENC16));
    kernelAgreesWithThePinnedUnroll(ENC16);
  }

  @Test
  void actorKernelWithoutEncoder() {
    checkOrRegenerate(kernelFile(NO_ENC), () -> kernel(NO_ENC));
    kernelAgreesWithThePinnedUnroll(NO_ENC);
  }

  @Test
  void learnerUpdatesFromTheQuickStartConfig() {
    checkOrRegenerate("learner-quickstart.txt", LstmGoldenTest::learner);
  }

  @Test
  void quickStartLearningCurve() {
    checkOrRegenerate("curve-quickstart.txt", LstmGoldenTest::curve);
  }

  /**
   * Rewrites every data file (regenerate only on purpose, see the class doc). Run from inside the
   * repository with the test classpath and {@code --add-modules jdk.incubator.vector}.
   */
  public static void main(String[] args) {
    for (NetCase c : List.of(ENC16, NO_ENC)) {
      write(networkFile(c), network(c));
      write(kernelFile(c), kernel(c));
    }
    write("learner-quickstart.txt", learner());
    write("curve-quickstart.txt", curve());
  }

  static String networkFile(NetCase c) {
    return "network-" + c.name() + ".txt";
  }

  static String kernelFile(NetCase c) {
    return "kernel-" + c.name() + ".txt";
  }

  // ------------------------------------------------------------------------------------------------------
  // What is pinned (shared by the tests and the generator)
  // ------------------------------------------------------------------------------------------------------

  static Golden network(NetCase c) {
    RecurrentQSpec spec = c.spec();
    float[] p = initialParams(spec, c.paramSeed());
    Inputs in = inputs(spec, c.inputSeed());
    Golden g = new Golden("RecurrentQGemm, " + describe(c) + ": initial params, whole-sequence unroll, window"
        + " [" + WIN_T0 + ", " + (WIN_T0 + WIN_TIME) + ") gradient");
    g.floats("params", p);
    Forward f = unrollQ(gemm(spec, p), in, 0, SEQ, in.h0(), in.c0());
    g.floats("q", f.q());
    g.floats("h.windowStart", f.h()[WIN_T0 - 1]);
    g.floats("c.windowStart", f.c()[WIN_T0 - 1]);
    g.floats("h.final", f.h()[SEQ - 1]);
    g.floats("c.final", f.c()[SEQ - 1]);
    g.floats("grad.window",
        gradient(gemm(spec, p), in, WIN_T0, WIN_TIME, f.h()[WIN_T0 - 1], f.c()[WIN_T0 - 1], in.dq()));
    g.floats("grad.ofLastUnroll", gradientOfLastUnroll(gemm(spec, p), in, WIN_T0, WIN_TIME, in.dq()));
    return g;
  }

  /** The oracle: SameDiff on the pinned parameters and states must give the pinned Q, states and gradient. */
  private void sameDiffAgreesWithThePinnedNetwork(NetCase c) {
    if (Boolean.getBoolean(REGENERATE)) {
      return; // it checks the data the network test writes; nothing of its own to write
    }
    Golden exp = Golden.read(networkFile(c));
    RecurrentQSpec spec = c.spec();
    Inputs in = inputs(spec, c.inputSeed());
    float[] p = exp.floats("params");
    Forward f = unrollQ(sameDiff(spec, p), in, 0, SEQ, in.h0(), in.c0());
    Golden got = new Golden("SameDiff");
    got.floats("q", f.q());
    got.floats("h.windowStart", f.h()[WIN_T0 - 1]);
    got.floats("c.windowStart", f.c()[WIN_T0 - 1]);
    got.floats("h.final", f.h()[SEQ - 1]);
    got.floats("c.final", f.c()[SEQ - 1]);
    // From the pinned window-start state, so a difference here is the gradient's own.
    got.floats("grad.window", gradient(sameDiff(spec, p), in, WIN_T0, WIN_TIME, exp.floats("h.windowStart"),
        exp.floats("c.windowStart"), in.dq()));
    List<String> problems = new ArrayList<>();
    for (String key : got.keys()) {
      compareClose(networkFile(c) + " vs SameDiff", key, exp.floats(key), got.floats(key), problems);
    }
    failIf(problems, null);
  }

  static Golden kernel(NetCase c) {
    RecurrentQSpec spec = c.spec();
    float[] p = initialParams(spec, c.paramSeed());
    Inputs in = inputs(spec, c.inputSeed());
    KernelRun r = kernelSteps(spec, p, in);
    Golden g = new Golden("RecurrentQKernel, " + describe(c) + ": " + SEQ + " steps of " + BATCH
        + " envs from h0/c0; q is step-major [T][B*A]");
    g.floats("q", r.q());
    g.floats("h.final", r.hFinal());
    g.floats("c.final", r.cFinal());
    return g;
  }

  /** Not pinned: the kernel's Q agrees with the pinned unroll's (the two engines compute the same math). */
  private void kernelAgreesWithThePinnedUnroll(NetCase c) {
    if (Boolean.getBoolean(REGENERATE)) {
      return;
    }
    Golden net = Golden.read(networkFile(c));
    RecurrentQSpec spec = c.spec();
    KernelRun r = kernelSteps(spec, net.floats("params"), inputs(spec, c.inputSeed()));
    int na = spec.numActions();
    float[] unrollQ = net.floats("q"); // batch-major [B][T][A]
    float[] stepMajor = new float[unrollQ.length];
    for (int t = 0; t < SEQ; t++) {
      for (int b = 0; b < BATCH; b++) {
        System.arraycopy(unrollQ, (b * SEQ + t) * na, stepMajor, (t * BATCH + b) * na, na);
      }
    }
    List<String> problems = new ArrayList<>();
    compareClose(kernelFile(c) + " vs " + networkFile(c), "q", stepMajor, r.q(), problems);
    compareClose(kernelFile(c) + " vs " + networkFile(c), "h.final", net.floats("h.final"), r.hFinal(), problems);
    compareClose(kernelFile(c) + " vs " + networkFile(c), "c.final", net.floats("c.final"), r.cFinal(), problems);
    failIf(problems, null);
  }

  static Golden learner() {
    R2d2Config config = SynchronousTrainerTest.tmaze10(true, CURVE_BUDGET);
    EnvSpec env = EnvRegistry.make(config.env()).spec();
    RecurrentQSpec spec = R2d2Learner.specFor(config, env.obsSize(), env.numActions());
    R2d2Learner l = newLearner(spec, config);
    TrainingBatch b = learnerBatch(config, spec, LEARNER_BATCH_SEED);
    Golden g = new Golden("R2d2Learner from configs/quickstart.conf (" + config.engine() + " engine), spec "
        + spec + ": " + LEARNER_UPDATES + " updates on one seeded batch of " + b.batchSize() + " x "
        + b.length());
    double[] loss = new double[LEARNER_UPDATES];
    double[] meanAbsTd = new double[LEARNER_UPDATES];
    double[] meanQ = new double[LEARNER_UPDATES];
    double[] gradNorm = new double[LEARNER_UPDATES];
    float[] priorities = new float[LEARNER_UPDATES * b.batchSize()];
    for (int u = 0; u < LEARNER_UPDATES; u++) {
      UpdateStats s = update(l, b);
      loss[u] = s.loss();
      meanAbsTd[u] = s.meanAbsTd();
      meanQ[u] = s.meanQ();
      gradNorm[u] = s.gradNorm();
      System.arraycopy(s.priorities(), 0, priorities, u * b.batchSize(), b.batchSize());
    }
    g.doubles("update.loss", loss);
    g.doubles("update.meanAbsTd", meanAbsTd);
    g.doubles("update.meanQ", meanQ);
    g.doubles("update.gradNorm", gradNorm);
    g.floats("update.priorities", priorities);
    g.floats("online.afterUpdates", onlineParams(l));
    return g;
  }

  static Golden curve() {
    List<TrainMetrics> log = new ArrayList<>();
    TrainResult r = runQuickStart(log);
    Golden g = new Golden("SynchronousTrainer quick start (configs/quickstart.conf, stored state, budget "
        + CURVE_BUDGET + ", stop when solved): result and every metrics row except wall-clock rates");
    g.longs("result.envSteps", new long[] {r.envSteps()});
    g.longs("result.updates", new long[] {r.updates()});
    g.longs("result.episodes", new long[] {r.episodes()});
    g.longs("result.solved", new long[] {r.solved() ? 1 : 0});
    g.longs("result.solvedAtEnvStep", new long[] {r.solvedAtEnvStep()});
    g.longs("result.evalEpisodes", new long[] {r.evalEpisodes()});
    g.doubles("result.evalMeanReturn", new double[] {r.evalMeanReturn()});
    g.doubles("result.evalCi95", new double[] {r.evalCi95()});
    int n = log.size();
    long[] envSteps = new long[n];
    long[] updates = new long[n];
    long[] episodes = new long[n];
    double[] trainReturn = new double[n];
    double[] evalReturn = new double[n];
    double[] evalCi95 = new double[n];
    double[] loss = new double[n];
    double[] meanAbsTd = new double[n];
    double[] meanQ = new double[n];
    double[] gradNorm = new double[n];
    for (int i = 0; i < n; i++) {
      TrainMetrics m = log.get(i);
      envSteps[i] = m.envSteps();
      updates[i] = m.updates();
      episodes[i] = m.episodes();
      trainReturn[i] = m.trainReturn();
      evalReturn[i] = m.evalReturn();
      evalCi95[i] = m.evalCi95();
      loss[i] = m.loss();
      meanAbsTd[i] = m.meanAbsTd();
      meanQ[i] = m.meanQ();
      gradNorm[i] = m.gradNorm();
    }
    g.longs("rows.envSteps", envSteps);
    g.longs("rows.updates", updates);
    g.longs("rows.episodes", episodes);
    g.doubles("rows.trainReturn", trainReturn);
    g.doubles("rows.evalReturn", evalReturn);
    g.doubles("rows.evalCi95", evalCi95);
    g.doubles("rows.loss", loss);
    g.doubles("rows.meanAbsTd", meanAbsTd);
    g.doubles("rows.meanQ", meanQ);
    g.doubles("rows.gradNorm", gradNorm);
    return g;
  }

  // ------------------------------------------------------------------------------------------------------
  // Seeded inputs (regenerated from their seeds: java.util.Random is specified bit for bit)
  // ------------------------------------------------------------------------------------------------------

  /** A batch of {@value #BATCH} sequences of {@value #SEQ} steps, batch-major, and a window's dQ. */
  record Inputs(float[] obs, int[] prevActions, float[] prevRewards, float[] h0, float[] c0, float[] dq) {}

  static Inputs inputs(RecurrentQSpec spec, long seed) {
    Random r = new Random(seed);
    int n = BATCH * SEQ;
    float[] obs = uniform(r, n * spec.obsSize(), 1f);
    int[] prevActions = new int[n];
    for (int i = 0; i < n; i++) {
      prevActions[i] = r.nextInt(spec.numActions() + 1) - 1;
    }
    float[] prevRewards = uniform(r, n, 1f);
    float[] h0 = uniform(r, BATCH * spec.coreSize(), 0.5f);
    float[] c0 = uniform(r, BATCH * spec.coreSize(), 0.5f);
    float[] dq = uniform(r, BATCH * WIN_TIME * spec.numActions(), 1f);
    return new Inputs(obs, prevActions, prevRewards, h0, c0, dq);
  }

  private static float[] uniform(Random r, int n, float scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (r.nextFloat() * 2 - 1) * scale;
    }
    return a;
  }

  /**
   * The learner's batch ({@code config.batchSize()} sequences of {@code config.sequenceLength()} steps):
   * sequence 0 starts an episode (previous action -1 at step 0), sequence 1 terminates at step 5 (padding
   * after it), sequence 2 is truncated after step 6 (step 7 holds the final observation), the others run
   * through mid-episode; random stored states and importance weights in (0.25, 1].
   */
  static TrainingBatch learnerBatch(R2d2Config config, RecurrentQSpec spec, long seed) {
    Random r = new Random(seed);
    int bs = config.batchSize();
    int len = config.sequenceLength();
    int os = spec.obsSize();
    int na = spec.numActions();
    int hs = spec.coreSize();
    float[] obs = new float[bs * len * os];
    int[] actions = new int[bs * len];
    float[] rewards = new float[bs * len];
    float[] discounts = new float[bs * len];
    float[] mask = new float[bs * len];
    int[] prevActions = new int[bs * len];
    float[] prevRewards = new float[bs * len];
    for (int i = 0; i < obs.length; i++) {
      obs[i] = r.nextInt(3) - 1; // T-Maze observations are small integers
    }
    for (int b = 0; b < bs; b++) {
      int last = b == 1 ? 5 : b == 2 ? 6 : len - 1;
      int firstPrevAction = b == 0 ? -1 : r.nextInt(na);
      float firstPrevReward = b == 0 ? 0f : (r.nextFloat() * 2 - 1) * 0.1f;
      for (int t = 0; t < len; t++) {
        int i = b * len + t;
        boolean real = t <= last || (b == 2 && t == last + 1);
        mask[i] = t <= last ? 1 : 0;
        discounts[i] = (b == 1 && t == last) ? 0 : 1;
        actions[i] = t <= last ? r.nextInt(na) : 0;
        rewards[i] = t <= last ? (r.nextInt(10) == 0 ? 4f : -0.1f) * (r.nextBoolean() ? 1 : -1) : 0;
        prevActions[i] = t == 0 ? firstPrevAction : actions[i - 1];
        prevRewards[i] = t == 0 ? firstPrevReward : rewards[i - 1];
        if (!real) {
          for (int k = 0; k < os; k++) {
            obs[i * os + k] = 0;
          }
        }
      }
    }
    float[] h0 = new float[bs * hs];
    float[] c0 = new float[bs * hs];
    for (int b = 1; b < bs; b++) { // sequence 0 starts an episode: zero state
      for (int j = 0; j < hs; j++) {
        h0[b * hs + j] = (r.nextFloat() * 2 - 1) * 0.5f;
        c0[b * hs + j] = (r.nextFloat() * 2 - 1) * 0.5f;
      }
    }
    float[] weights = new float[bs];
    for (int b = 0; b < bs; b++) {
      weights[b] = 0.25f + 0.75f * (1 - r.nextFloat());
    }
    return trainingBatch(bs, len, os, hs, obs, actions, rewards, discounts, mask, prevActions, prevRewards,
        h0, c0, weights);
  }

  private static String describe(NetCase c) {
    return "case " + c.name() + ", spec " + c.spec() + ", param seed " + c.paramSeed() + ", input seed "
        + c.inputSeed() + ", batch " + BATCH + " x " + SEQ;
  }

  // ------------------------------------------------------------------------------------------------------
  // API helpers: the ONLY places that call the network, kernel and learner API. Adapt these (not the
  // data, not the comparisons) when signatures change, e.g. when (h0, c0) become one state array.
  // ------------------------------------------------------------------------------------------------------

  /** Q {@code [B*time*A]} batch-major; h[t], c[t]: the state {@code [B*H]} after window step t. */
  record Forward(float[] q, float[][] h, float[][] c) {}

  /** The actor kernel's Q of every step, step-major {@code [T][B*A]}, and its final state {@code [B*H]}. */
  record KernelRun(float[] q, float[] hFinal, float[] cFinal) {}

  static float[] initialParams(RecurrentQSpec spec, long seed) {
    return RecurrentQNetwork.initialParams(spec, seed);
  }

  /** A fresh all-Java engine (fresh, so no workspace outlives a helper call). */
  static RecurrentQGemm gemm(RecurrentQSpec spec, float[] params) {
    return new RecurrentQGemm(spec, params);
  }

  static RecurrentQNetwork sameDiff(RecurrentQSpec spec, float[] params) {
    return new RecurrentQNetwork(spec, params);
  }

  /** Unrolls {@code m} over steps [t0, t0 + time) of the inputs from state (h0, c0). */
  static Forward unrollQ(RecurrentQModel m, Inputs in, int t0, int time, float[] h0, float[] c0) {
    int hs = m.spec().coreSize();
    QUnroll u = m.unroll(BATCH, SEQ, t0, time, in.obs(), in.prevActions(), in.prevRewards(), join(h0, c0, hs));
    float[][] h = new float[time][];
    float[][] c = new float[time][];
    float[] s = new float[BATCH * 2 * hs];
    for (int t = 0; t < time; t++) {
      h[t] = new float[BATCH * hs];
      c[t] = new float[BATCH * hs];
      u.stateAfter(t, s);
      split(s, h[t], c[t], hs);
    }
    return new Forward(u.q(), h, c);
  }

  /** The LSTM core's state rows [h | c] from separate {@code [B*H]} h and c. */
  static float[] join(float[] h, float[] c, int hs) {
    int bs = h.length / hs;
    float[] s = new float[bs * 2 * hs];
    for (int b = 0; b < bs; b++) {
      System.arraycopy(h, b * hs, s, b * 2 * hs, hs);
      System.arraycopy(c, b * hs, s, b * 2 * hs + hs, hs);
    }
    return s;
  }

  /** The inverse of {@link #join}. */
  static void split(float[] s, float[] h, float[] c, int hs) {
    int bs = h.length / hs;
    for (int b = 0; b < bs; b++) {
      System.arraycopy(s, b * 2 * hs, h, b * hs, hs);
      System.arraycopy(s, b * 2 * hs + hs, c, b * hs, hs);
    }
  }

  /** The gradient of {@code sum(dq * Q)} over the window [t0, t0 + time) started from (h0, c0). */
  static float[] gradient(RecurrentQModel m, Inputs in, int t0, int time, float[] h0, float[] c0, float[] dq) {
    float[] g = new float[m.spec().paramCount()];
    m.gradient(BATCH, SEQ, t0, time, in.obs(), in.prevActions(), in.prevRewards(),
        join(h0, c0, m.spec().coreSize()), dq, g);
    return g;
  }

  /** The same gradient via a whole-sequence unroll from the inputs' (h0, c0) and gradientOfLastUnroll. */
  static float[] gradientOfLastUnroll(RecurrentQGemm m, Inputs in, int t0, int time, float[] dq) {
    m.unroll(BATCH, SEQ, 0, SEQ, in.obs(), in.prevActions(), in.prevRewards(),
        join(in.h0(), in.c0(), m.spec().coreSize()));
    float[] g = new float[m.spec().paramCount()];
    m.gradientOfLastUnroll(BATCH, SEQ, t0, time, dq, g);
    return g;
  }

  /** Steps a kernel of {@value #BATCH} envs through the {@value #SEQ} steps from (h0, c0). */
  static KernelRun kernelSteps(RecurrentQSpec spec, float[] params, Inputs in) {
    RecurrentQKernel k = new RecurrentQKernel(spec, BATCH);
    k.load(new ParamSnapshot(params.clone(), 0));
    int hs = spec.coreSize();
    int os = spec.obsSize();
    int na = spec.numActions();
    float[] s0 = join(in.h0(), in.c0(), hs);
    for (int b = 0; b < BATCH; b++) {
      k.setState(b, s0, b * 2 * hs);
    }
    float[] q = new float[SEQ * BATCH * na];
    float[] obs = new float[BATCH * os];
    int[] prevAction = new int[BATCH];
    float[] prevReward = new float[BATCH];
    for (int t = 0; t < SEQ; t++) {
      for (int b = 0; b < BATCH; b++) {
        int src = b * SEQ + t;
        System.arraycopy(in.obs(), src * os, obs, b * os, os);
        prevAction[b] = in.prevActions()[src];
        prevReward[b] = in.prevRewards()[src];
      }
      k.step(obs, prevAction, prevReward);
      System.arraycopy(k.qValues(), 0, q, t * BATCH * na, BATCH * na);
    }
    float[] h = new float[BATCH * hs];
    float[] c = new float[BATCH * hs];
    float[] s = new float[BATCH * 2 * hs];
    for (int b = 0; b < BATCH; b++) {
      k.copyState(b, s, b * 2 * hs);
    }
    split(s, h, c, hs);
    return new KernelRun(q, h, c);
  }

  static R2d2Learner newLearner(RecurrentQSpec spec, R2d2Config config) {
    return new R2d2Learner(spec, config);
  }

  static TrainingBatch trainingBatch(int bs, int len, int obsSize, int stateSize, float[] obs, int[] actions,
      float[] rewards, float[] discounts, float[] mask, int[] prevActions, float[] prevRewards, float[] h0,
      float[] c0, float[] weights) {
    return new TrainingBatch(bs, len, obsSize, 2 * stateSize, obs, actions, rewards, discounts, mask,
        prevActions, prevRewards, join(h0, c0, stateSize), weights);
  }

  static UpdateStats update(R2d2Learner l, TrainingBatch b) {
    return l.update(b);
  }

  static float[] onlineParams(R2d2Learner l) {
    return l.onlineParams();
  }

  /**
   * The quick start with {@code initial_priority = max}: the curve was pinned when new sequences entered the
   * replay at its maximum priority, before the actor-side priority became the default (which changes the
   * sampling and so the curve). Pinning the {@code max} path keeps the test a bit-exact check of the network,
   * learner and trainer; the default's curve is checked by {@code SynchronousTrainerTest} (solves) instead.
   */
  static TrainResult runQuickStart(List<TrainMetrics> log) {
    return new SynchronousTrainer(SynchronousTrainerTest.tmaze10(true, CURVE_BUDGET)
        .withInitialPriority(R2d2Config.INITIAL_PRIORITY_MAX)).run(log::add, true);
  }

  // ------------------------------------------------------------------------------------------------------
  // Comparison
  // ------------------------------------------------------------------------------------------------------

  /** Compares {@code computed} bit for bit with the file, or (regenerating) rewrites the file and fails. */
  private static void checkOrRegenerate(String file, Supplier<Golden> computed) {
    if (Boolean.getBoolean(REGENERATE)) {
      Path p = write(file, computed.get());
      fail("regenerated " + p + " (-D" + REGENERATE + "=true); rerun without the flag and review git diff");
    }
    Golden exp = Golden.read(file);
    Golden got = computed.get();
    List<String> problems = new ArrayList<>();
    for (String key : exp.keys()) {
      if (!got.has(key)) {
        problems.add(file + ": " + key + " is pinned but was not computed");
      }
    }
    for (String key : got.keys()) {
      if (!exp.has(key)) {
        problems.add(file + ": " + key + " was computed but is not pinned (regenerate on purpose)");
        continue;
      }
      compareExact(file, key, exp.entry(key), got.entry(key), problems);
    }
    failIf(problems, exp.generatedWith());
  }

  private static final int SHOWN = 8;

  /** Exact comparison (NaN equals NaN); up to {@link #SHOWN} differing indices per key are listed. */
  private static void compareExact(String file, String key, Golden.Entry e, Golden.Entry g, List<String> out) {
    if (!e.type().equals(g.type()) || e.length() != g.length()) {
      out.add(file + ": " + key + ": pinned " + e.type() + "[" + e.length() + "], computed " + g.type() + "["
          + g.length() + "]");
      return;
    }
    int diffs = 0;
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < e.length(); i++) {
      if (!e.sameAt(g, i)) {
        if (diffs < SHOWN) {
          first.append("\n    ").append(key).append('[').append(i).append("]: expected ").append(e.show(i))
              .append(", got ").append(g.show(i));
        }
        diffs++;
      }
    }
    if (diffs > 0) {
      out.add(file + ": " + key + ": " + diffs + " of " + e.length() + " values differ" + first
          + (diffs > SHOWN ? "\n    ..." : ""));
    }
  }

  /** |got - expected| <= tol * max(1, |expected|): absolute below magnitude 1, relative above. */
  private static void compareClose(String what, String key, float[] exp, float[] got, List<String> out) {
    if (exp.length != got.length) {
      out.add(what + ": " + key + ": pinned " + exp.length + " values, computed " + got.length);
      return;
    }
    int diffs = 0;
    double worst = 0;
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < exp.length; i++) {
      double err = Math.abs((double) got[i] - exp[i]) / Math.max(1, Math.abs(exp[i]));
      worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
      if (!(err <= ORACLE_TOLERANCE)) {
        if (diffs < SHOWN) {
          first.append("\n    ").append(key).append('[').append(i).append("]: expected ").append(exp[i])
              .append(", got ").append(got[i]).append(" (error ").append(err).append(')');
        }
        diffs++;
      }
    }
    if (diffs > 0) {
      out.add(what + ": " + key + ": " + diffs + " of " + exp.length + " values beyond " + ORACLE_TOLERANCE
          + " (worst " + worst + ")" + first + (diffs > SHOWN ? "\n    ..." : ""));
    }
  }

  private static void failIf(List<String> problems, String generatedWith) {
    if (!problems.isEmpty()) {
      fail("golden data differ (" + problems.size() + " key(s)); regenerate only on purpose, see"
          + " LstmGoldenTest's javadoc" + (generatedWith == null ? "" : "\n  data generated with: "
          + generatedWith + "\n  running with:         " + environment()) + "\n  " + String.join("\n  ",
          problems));
    }
  }

  static String environment() {
    return "ops=" + BatchOps.best().name() + ", java=" + System.getProperty("java.version");
  }

  private static Path write(String file, Golden g) {
    Path dir = sourceDir();
    try {
      Files.createDirectories(dir);
      Path p = dir.resolve(file);
      Files.writeString(p, g.format(file), StandardCharsets.UTF_8);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** learners/src/test/resources/golden of the checkout that the working directory is in. */
  private static Path sourceDir() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("learners/src/test/resources"))) {
      p = p.getParent();
    }
    assertTrue(p != null, "no learners/src/test/resources above " + Path.of("").toAbsolutePath());
    return p.resolve("learners/src/test/resources").resolve(DIR);
  }

  // ------------------------------------------------------------------------------------------------------
  // The data format
  // ------------------------------------------------------------------------------------------------------

  /**
   * Named arrays in a text file. Lines starting with {@code #} are comments; each array is a line
   * {@code <type> <name> <count>} followed by its values, 8 per line: {@code f32} as the 8 hex digits of
   * {@link Float#floatToRawIntBits}, {@code f64} as the 16 hex digits of {@link Double#doubleToRawLongBits},
   * {@code i64} in decimal.
   */
  static final class Golden {
    /** One named array: {@code values} is a float[], double[] or long[] as {@code type} says. */
    record Entry(String type, Object values) {
      int length() {
        return java.lang.reflect.Array.getLength(values);
      }

      boolean sameAt(Entry o, int i) {
        return switch (type) {
          case "f32" -> {
            float a = ((float[]) values)[i];
            float b = ((float[]) o.values)[i];
            yield Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b) || (Float.isNaN(a) && Float.isNaN(b));
          }
          case "f64" -> {
            double a = ((double[]) values)[i];
            double b = ((double[]) o.values)[i];
            yield Double.doubleToRawLongBits(a) == Double.doubleToRawLongBits(b)
                || (Double.isNaN(a) && Double.isNaN(b));
          }
          default -> ((long[]) values)[i] == ((long[]) o.values)[i];
        };
      }

      /** The value in the file's notation and in decimal. */
      String show(int i) {
        return switch (type) {
          case "f32" -> {
            float v = ((float[]) values)[i];
            yield token(i) + " (" + v + ")";
          }
          case "f64" -> {
            double v = ((double[]) values)[i];
            yield token(i) + " (" + v + ")";
          }
          default -> token(i);
        };
      }

      String token(int i) {
        return switch (type) {
          case "f32" -> String.format(Locale.ROOT, "%08x", Float.floatToRawIntBits(((float[]) values)[i]));
          case "f64" -> String.format(Locale.ROOT, "%016x", Double.doubleToRawLongBits(((double[]) values)[i]));
          default -> Long.toString(((long[]) values)[i]);
        };
      }
    }

    private final String description;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private String generatedWith;

    Golden(String description) {
      this.description = description;
    }

    void floats(String name, float[] v) {
      put(name, new Entry("f32", v.clone()));
    }

    void doubles(String name, double[] v) {
      put(name, new Entry("f64", v.clone()));
    }

    void longs(String name, long[] v) {
      put(name, new Entry("i64", v.clone()));
    }

    private void put(String name, Entry e) {
      if (entries.putIfAbsent(name, e) != null) {
        throw new IllegalArgumentException("duplicate golden key " + name);
      }
    }

    List<String> keys() {
      return List.copyOf(entries.keySet());
    }

    boolean has(String name) {
      return entries.containsKey(name);
    }

    Entry entry(String name) {
      Entry e = entries.get(name);
      if (e == null) {
        throw new IllegalStateException("no golden key " + name + " (have " + entries.keySet() + ")");
      }
      return e;
    }

    float[] floats(String name) {
      return ((float[]) entry(name).values()).clone();
    }

    /** The "generated with" line of a file read back, or null. */
    String generatedWith() {
      return generatedWith;
    }

    String format(String file) {
      StringBuilder sb = new StringBuilder();
      sb.append("# Mnemo golden data ").append(file).append(", written by LstmGoldenTest (see its javadoc).\n");
      sb.append("# Regenerate only on purpose, never to make the test pass.\n");
      sb.append("# ").append(description).append('\n');
      sb.append("# generated with: ").append(environment()).append('\n');
      for (Map.Entry<String, Entry> me : entries.entrySet()) {
        Entry e = me.getValue();
        sb.append(e.type()).append(' ').append(me.getKey()).append(' ').append(e.length()).append('\n');
        for (int i = 0; i < e.length(); i++) {
          sb.append(e.token(i)).append(i % 8 == 7 || i == e.length() - 1 ? '\n' : ' ');
        }
      }
      return sb.toString();
    }

    /** Reads {@code golden/<file>} from the test classpath. */
    static Golden read(String file) {
      String resource = "/" + DIR + "/" + file;
      InputStream in = LstmGoldenTest.class.getResourceAsStream(resource);
      if (in == null) {
        fail("no golden data " + resource + " on the test classpath; generate it on purpose, see LstmGoldenTest's"
            + " javadoc");
      }
      Golden g = new Golden(file);
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        List<String> tokens = new ArrayList<>();
        String line;
        while ((line = r.readLine()) != null) {
          line = line.strip();
          if (line.startsWith("# generated with: ")) {
            g.generatedWith = line.substring("# generated with: ".length());
          }
          if (line.isEmpty() || line.startsWith("#")) {
            continue;
          }
          tokens.addAll(List.of(line.split("\\s+")));
        }
        int i = 0;
        while (i < tokens.size()) {
          String type = tokens.get(i++);
          String name = tokens.get(i++);
          int n = Integer.parseInt(tokens.get(i++));
          switch (type) {
            case "f32" -> {
              float[] v = new float[n];
              for (int k = 0; k < n; k++) {
                v[k] = Float.intBitsToFloat(Integer.parseUnsignedInt(tokens.get(i++), 16));
              }
              g.floats(name, v);
            }
            case "f64" -> {
              double[] v = new double[n];
              for (int k = 0; k < n; k++) {
                v[k] = Double.longBitsToDouble(Long.parseUnsignedLong(tokens.get(i++), 16));
              }
              g.doubles(name, v);
            }
            case "i64" -> {
              long[] v = new long[n];
              for (int k = 0; k < n; k++) {
                v[k] = Long.parseLong(tokens.get(i++));
              }
              g.longs(name, v);
            }
            default -> throw new IllegalStateException(resource + ": unknown type " + type + " of " + name);
          }
        }
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("unreadable golden data " + resource + ": " + e, e);
      }
      return g;
    }
  }
}
