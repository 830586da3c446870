package dev.mnemo.experiments.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.mnemo.agents.bench.FmaPeak;
import dev.mnemo.agents.bench.GtrxlSameDiffPass;
import dev.mnemo.agents.bench.GtrxlTrainingCase;
import dev.mnemo.agents.bench.GtrxlTrainingCase.Shape;
import dev.mnemo.agents.kernel.BatchOps;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.agents.transformer.GtrxlTrunk;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import dev.mnemo.agents.transformer.TransformerActorCriticPolicy;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.bench.FreshJvm;
import dev.mnemo.learners.ald.AldLearner;
import dev.mnemo.learners.rl2.TrialBatch;
import dev.mnemo.learners.rl2.TrialCollector;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ALD's learner cost (issue 11: "the learner's update at the default size runs at >= 30% of one core's FP32 peak,
 * beside the SameDiff graph's time"). Per shape: the Transformer's training pass (forward and backward of trunk and
 * heads over one PPO minibatch of segments, {@link GtrxlTrainingCase}) on the Java engine, its FLOPs counted from the
 * shapes, GFLOP/s and share of one core's FP32 peak ({@link FmaPeak}, measured in the same run); the same pass as a
 * SameDiff graph of primitive ops ({@link GtrxlSameDiffPass}, checked first to give the Java engine's loss and
 * gradients to 1e-4) and the ratio; then whole {@link AldLearner} updates in {@code transformer_only} and {@code ald}
 * modes on one fixed batch of episodes collected by the initial Transformer (distillation in turn, on the timed
 * thread). Times are this thread's CPU time per call, median and interquartile range of {@code timed} calls after a
 * warm-up of at least {@code warmup} calls and {@code warmupSeconds} of CPU time (C2 compiles the hot loops only after
 * some seconds on a busy machine).
 *
 * <p>Shapes: {@code config}, the run kind's defaults (learners' reference.conf {@code mnemo.ald}: width, layers,
 * heads, MLP, segment and memory, the env's episode length when {@code segment = 0}, minibatch = trials per update /
 * minibatches), and {@code issue}, the example size (2 layers, d 64, 2 heads, memory 32, segment 32, MLP 128,
 * same env and minibatch), which {@code bench ald-acting} measures too. Arguments ({@code key=value}, optional):
 * {@code shapes=config,issue}, {@code warmup=10}, {@code timed=30}, {@code warmupSeconds=3}, {@code updates=10} whole
 * updates per mode after 3 warm-up ones (0: none), {@code samediff=true}; {@code tiny=true} replaces the shapes with a
 * tiny one (the smoke test's); {@code forks=F} times the Java pass of each shape in F fresh JVMs, one after another,
 * each measuring its own peak beside it, and reports the median over those JVMs of the pass and of its share of peak
 * (with their range). Why: on this project's hosts the pass differs by up to 1.6x between fresh JVMs
 * ({@link FreshJvm}); one JVM's figure is one draw from that spread.
 */
public final class AldBench {

  /** The target share of one core's FP32 peak. */
  static final double TARGET = 0.30;

  private AldBench() {}

  /** One shape's figures, for callers (the smoke test) that check them. */
  public record Row(String name, Shape shape, double flops, Timing java, Timing sameDiff, double maxGradDiff,
      double lossDiff, double peakShare) {}

  /** Milliseconds per call: CPU median, interquartile range, wall median. */
  public record Timing(double medianMs, double iqrMs, double wallMs) {}

  /** What a forked JVM prints before its figures: its peak (GFLOP/s), then the pass's {@link Timing} in ms. */
  static final String FORK_ROW = "ald-bench-fork";

  public static List<Row> run(PrintStream out, String... args) {
    List<String> shapes = List.of("config", "issue");
    int warmup = 10;
    int timed = 30;
    double warmupSeconds = 3;
    int updates = 10;
    boolean sameDiff = true;
    boolean tiny = false;
    int forks = 0;
    String child = null;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("bench ald: argument '" + a + "' is not key=value");
      }
      try {
        switch (kv[0]) {
          case "shapes" -> shapes = List.of(kv[1].split(","));
          case "warmup" -> warmup = Integer.parseInt(kv[1]);
          case "timed" -> timed = Integer.parseInt(kv[1]);
          case "warmupSeconds" -> warmupSeconds = Double.parseDouble(kv[1]);
          case "updates" -> updates = Integer.parseInt(kv[1]);
          case "samediff" -> sameDiff = Boolean.parseBoolean(kv[1]);
          case "tiny" -> tiny = Boolean.parseBoolean(kv[1]);
          case "forks" -> forks = Integer.parseInt(kv[1]);
          case "child" -> child = kv[1];
          default -> throw new IllegalArgumentException("bench ald: unknown key '" + kv[0] + "', expected shapes,"
              + " warmup, timed, warmupSeconds, updates, samediff, tiny or forks");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bench ald: " + a + " is not a number", e);
      }
    }
    if (timed < 1 || warmup < 0 || updates < 0 || forks < 0) {
      throw new IllegalArgumentException("bench ald: need timed >= 1, warmup >= 0, updates >= 0, forks >= 0");
    }
    Config ald = ConfigFactory.parseResourcesAnySyntax("reference.conf").getConfig("mnemo.ald");
    String env = ald.getString("env");
    EnvSpec spec = EnvRegistry.spec(env);
    int trials = ald.getInt("trials_per_update");
    int batch = trials / ald.getInt("minibatches");
    int time = spec.maxEpisodeSteps();
    if (child != null) { // a fork of forked(): one shape's pass, in this fresh JVM
      Shape shape = shape(child, ald, spec, batch, time);
      double childPeak = BatchOps.vectorApiAvailable() ? FmaPeak.measureGflops(5, 10_000_000) : Double.NaN;
      Timing t = time(GtrxlTrainingCase.steadyState(shape, 1)::javaForwardBackward, warmup, timed, warmupSeconds);
      out.printf(java.util.Locale.ROOT, "%s %s %s %s %s%n", FORK_ROW, childPeak, t.medianMs(), t.iqrMs(), t.wallMs());
      return List.of();
    }
    List<String> names = tiny ? List.of("tiny") : shapes;
    for (String name : names) {
      shape(name, ald, spec, batch, time); // an unknown shape is refused before anything is measured or forked
    }
    double peak = BatchOps.vectorApiAvailable() ? FmaPeak.measureGflops(5, 10_000_000) : Double.NaN;
    out.printf("ALD learner: the Transformer's training pass (forward + backward, trunk and heads, one PPO minibatch"
        + " of %d segments; env %s, obs %d, %d actions, episodes of %d steps), Java engine vs a SameDiff graph of"
        + " primitive ops; whole AldLearner updates (%d episodes, %d epochs x %d minibatches)%n", batch, env,
        spec.obsSize(), spec.numActions(), time, trials, ald.getInt("epochs"), ald.getInt("minibatches"));
    out.printf("  one core's FP32 peak: %.1f GFLOP/s (Vector API FMA loop, this run); times: this thread's CPU time"
        + " per call, median (IQR) of %d after >= %d calls and %.1f s of warm-up; wall median beside it%n", peak, timed,
        warmup, warmupSeconds);
    out.printf("  SameDiff: ND4J native ops; OMP_NUM_THREADS=%s (unset: ND4J may use a second core the thread's CPU"
        + " time does not see; compare wall times then); Java %s%n", System.getenv().getOrDefault("OMP_NUM_THREADS",
        "(unset)"), Runtime.version());
    out.println("  FLOPs per pass from the shapes: embedding; per layer Q, K, V, O projections (K, V over memory +"
        + " segment rows), scores and weighted values over the visible keys, 2 gates x 6 d x d products, MLP; linear"
        + " heads; forward x 3 for forward + backward (each product's backward is two of its size) less the"
        + " embedding's input gradient; layer norms, softmax, nonlinearities not counted");
    List<Row> rows = new ArrayList<>();
    for (String name : names) {
      Shape shape = shape(name, ald, spec, batch, time);
      rows.add(shape(out, name, shape, peak, warmup, timed, warmupSeconds, sameDiff, forks));
      if (updates > 0) {
        wholeUpdates(out, ald, env, spec, shape, tiny ? 4 : trials, time, tiny ? 2 : ald.getInt("minibatches"),
            updates, tiny ? 0.0 : warmupSeconds);
      }
    }
    for (Row r : rows) {
      out.printf("target: Java training pass at >= %.0f%% of one core's FP32 peak, %s shape (%s): %.1f%% -> %s%n",
          100 * TARGET, r.name(), r.shape(), 100 * r.peakShare(), r.peakShare() >= TARGET ? "met" : "NOT met");
    }
    return rows;
  }

  /** The shape {@code name} stands for: {@code config}, {@code issue} or {@code tiny} (see the class comment). */
  private static Shape shape(String name, Config ald, EnvSpec spec, int batch, int time) {
    return switch (name) {
      case "config" -> new Shape(spec.obsSize(), ald.getInt("d_model"), ald.getInt("layers"), ald.getInt("heads"),
          ald.getInt("memory"), ald.getInt("segment") == 0 ? time : ald.getInt("segment"), ald.getInt("ff_size"),
          spec.numActions(), batch);
      case "issue" -> new Shape(spec.obsSize(), 64, 2, 2, 32, 32, 128, spec.numActions(), batch);
      case "tiny" -> new Shape(spec.obsSize(), 8, 2, 2, 4, 6, 16, spec.numActions(), 2);
      default -> throw new IllegalArgumentException("bench ald: unknown shape '" + name + "': config or issue");
    };
  }

  /**
   * One shape's pass timed in fresh JVMs: each JVM's peak and pass, and over them the median pass (CPU and wall),
   * each JVM's share of its own peak ({@code flops} per pass over the pass's time and that peak), their median and
   * range.
   */
  record Forked(double[] peaks, Timing[] passes, double[] shares, Timing median, double medianShare, double minShare,
      double maxShare) {}

  private static Forked forked(String name, double flops, int forks, int warmup, int timed, double warmupSeconds) {
    double[] peaks = new double[forks];
    Timing[] passes = new Timing[forks];
    double[] shares = new double[forks];
    for (int f = 0; f < forks; f++) {
      String what = "bench ald: the " + name + " shape's pass, JVM " + (f + 1) + " of " + forks;
      double[] r = FreshJvm.figures(AldBench.class, List.of("child=" + name, "warmup=" + warmup, "timed=" + timed,
          "warmupSeconds=" + warmupSeconds), FORK_ROW, what, 4);
      peaks[f] = r[0];
      passes[f] = new Timing(r[1], r[2], r[3]);
      shares[f] = flops / passes[f].medianMs() / 1e6 / peaks[f];
    }
    double[] ms = Arrays.stream(passes).mapToDouble(Timing::medianMs).sorted().toArray();
    double[] wall = Arrays.stream(passes).mapToDouble(Timing::wallMs).sorted().toArray();
    double[] sortedShares = Arrays.stream(shares).sorted().toArray();
    return new Forked(peaks, passes, shares, new Timing(quantile(ms, 0.5), quantile(ms, 0.75) - quantile(ms, 0.25),
        quantile(wall, 0.5)), quantile(sortedShares, 0.5), sortedShares[0], sortedShares[forks - 1]);
  }

  private static Row shape(PrintStream out, String name, Shape shape, double peak, int warmup, int timed,
      double warmupSeconds, boolean sameDiff, int forks) {
    GtrxlTrainingCase c = GtrxlTrainingCase.steadyState(shape, 1);
    double flops = c.trainingFlops();
    out.printf("%n%s shape: %s; %d parameters; %.2f MFLOP per pass (forward %.2f), %d visible keys%n", name, shape,
        c.net().paramCount(), flops / 1e6, c.forwardFlops() / 1e6, c.visibleKeys());
    Timing java;
    double share;
    if (forks == 0) {
      java = time(c::javaForwardBackward, warmup, timed, warmupSeconds);
      share = flops / java.medianMs() / 1e6 / peak;
      out.printf("  Java engine      %8.3f ms CPU (IQR %.3f), %8.3f ms wall  %6.1f GFLOP/s  %5.1f%% of peak%n",
          java.medianMs(), java.iqrMs(), java.wallMs(), flops / java.medianMs() / 1e6, 100 * share);
    } else {
      Forked forked = forked(name, flops, forks, warmup, timed, warmupSeconds);
      for (int f = 0; f < forks; f++) {
        Timing t = forked.passes()[f];
        out.printf("  Java engine, JVM %d of %d: %8.3f ms CPU (IQR %.3f)  %6.1f GFLOP/s  %5.1f%% of its peak (%.1f"
            + " GFLOP/s)%n", f + 1, forks, t.medianMs(), t.iqrMs(), flops / t.medianMs() / 1e6,
            100 * forked.shares()[f], forked.peaks()[f]);
      }
      java = forked.median();
      share = forked.medianShare();
      out.printf("  Java engine      %8.3f ms CPU (IQR over the JVMs %.3f), %8.3f ms wall  %6.1f GFLOP/s  %5.1f%% of"
          + " peak: medians over %d fresh JVMs, share %.1f-%.1f%%%n", java.medianMs(), java.iqrMs(), java.wallMs(),
          flops / java.medianMs() / 1e6, 100 * share, forks, 100 * forked.minShare(), 100 * forked.maxShare());
    }
    Timing sd = null;
    double gradDiff = Double.NaN;
    double lossDiff = Double.NaN;
    if (sameDiff) {
      double javaLoss = c.javaForwardBackward();
      float[] javaGrad = c.javaGradient().clone();
      GtrxlSameDiffPass graph = c.sameDiff();
      lossDiff = Math.abs(graph.loss() - javaLoss) / Math.max(1, Math.abs(javaLoss));
      gradDiff = maxRelativeDifference(c, javaGrad, graph.gradient());
      out.printf("  SameDiff vs Java: loss %.6g vs %.6g, largest gradient difference %.2e of its tensor's scale"
          + " (%s 1e-4)%n", graph.loss(), javaLoss, gradDiff, gradDiff <= 1e-4 ? "within" : "OUTSIDE");
      // SameDiff's calls are slower: the same counts, but its warm-up is bounded by calls, not seconds.
      sd = time(graph::forwardBackward, warmup, timed, 0);
      out.printf("  SameDiff graph   %8.3f ms CPU (IQR %.3f), %8.3f ms wall  %6.1f GFLOP/s  %5.1f%% of peak;"
          + " Java engine %.1fx faster (CPU), %.1fx (wall)%n", sd.medianMs(), sd.iqrMs(), sd.wallMs(),
          flops / sd.medianMs() / 1e6, 100 * flops / sd.medianMs() / 1e6 / peak, sd.medianMs() / java.medianMs(),
          sd.wallMs() / java.wallMs());
    }
    return new Row(name, shape, flops, java, sd, gradDiff, lossDiff, share);
  }

  /** Per tensor, the largest |java - samediff| over the larger of 1 and the tensor's largest |value|; the max. */
  static double maxRelativeDifference(GtrxlTrainingCase c, float[] java, float[] sd) {
    double worst = 0;
    for (var p : c.net().layout()) {
      double scale = 1;
      for (int i = p.offset(); i < p.end(); i++) {
        scale = Math.max(scale, Math.abs(sd[i]));
      }
      for (int i = p.offset(); i < p.end(); i++) {
        worst = Math.max(worst, Math.abs(java[i] - sd[i]) / scale);
      }
    }
    return worst;
  }

  /**
   * Whole AldLearner updates on one batch of episodes collected by the initial Transformer: {@code transformer_only}
   * (PPO of the Transformer) and {@code ald} (the same, then the distillation into the LSTM actor, in turn so the
   * timed thread runs it). The batch stays fixed, so later updates train further on the same data: only their cost is
   * read.
   */
  private static void wholeUpdates(PrintStream out, Config ald, String env, EnvSpec spec, Shape shape, int trials,
      int time, int minibatches, int updates, double warmupSeconds) {
    GtrxlTrunk trunk = new GtrxlTrunk(spec.obsSize(), shape.width(), shape.layers(), shape.heads(), shape.memory(),
        shape.segment(), shape.ff(), ald.getDouble("gate_bias"), BatchOps.best());
    TransformerActorCritic transformer = new TransformerActorCritic(trunk, List.of(), spec.numActions(),
        BatchOps.best());
    float[] tp = transformer.initialParams(1);
    TrialCollector collector = new TrialCollector(i -> EnvRegistry.make(env), spec, trials);
    TrialBatch batch = collector.newBatch();
    TransformerActorCriticPolicy policy = new TransformerActorCriticPolicy(transformer, trials, 5, false);
    policy.load(new dev.mnemo.agents.ParamSnapshot(tp, 0));
    collector.collect(policy, 11, batch);
    for (AldLearner.Mode mode : List.of(AldLearner.Mode.TRANSFORMER_ONLY, AldLearner.Mode.ALD)) {
      ActorCriticSpec actor = mode.actsWithTransformer() ? null : new ActorCriticSpec(spec.obsSize(),
          spec.numActions(), List.of(), ald.getString("core"), ald.getInt("core_size"), List.of(), true);
      AldLearner.Config cfg = new AldLearner.Config(ald.getDouble("gamma"), ald.getDouble("gae_lambda"),
          new PpoLoss(ald.getDouble("clip"), ald.getDouble("value_coef"), ald.getDouble("entropy_coef"), 0, 0),
          ald.getInt("epochs"), minibatches, ald.getDouble("learning_rate"), ald.getDouble("actor_learning_rate"),
          ald.getDouble("adam_epsilon"), ald.getDouble("weight_decay"), ald.getDouble("max_grad_norm"),
          ald.getDouble("distill_alpha"), ald.getDouble("distill_beta"), ald.getDouble("learner_kl_to_actor"),
          ald.getInt("distill_steps"), false, 4, mode);
      try (AldLearner learner = new AldLearner(transformer, tp, actor, actor == null ? null : actor.initialParams(2),
          cfg, trials, time)) {
        Timing t = time(() -> learner.update(batch), 3, updates, warmupSeconds);
        out.printf("  whole update, %-16s %8.1f ms CPU (IQR %.1f), %8.1f ms wall (%d episodes, %d epochs x %d"
            + " minibatches%s)%n", mode.configName(), t.medianMs(), t.iqrMs(), t.wallMs(), trials, cfg.epochs(),
            minibatches, mode == AldLearner.Mode.ALD ? ", " + cfg.distillSteps() + " distillation steps in turn" : "");
      }
    }
  }

  /** CPU median and IQR and wall median, in ms, of {@code timed} calls after the warm-up. */
  static Timing time(Runnable body, int warmup, int timed, double warmupSeconds) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long start = mx.getCurrentThreadCpuTime();
    for (int i = 0; i < warmup || mx.getCurrentThreadCpuTime() - start < warmupSeconds * 1e9; i++) {
      body.run();
    }
    double[] cpu = new double[timed];
    double[] wall = new double[timed];
    for (int i = 0; i < timed; i++) {
      long c0 = mx.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      body.run();
      wall[i] = (System.nanoTime() - w0) / 1e6;
      cpu[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
    }
    Arrays.sort(cpu);
    Arrays.sort(wall);
    return new Timing(quantile(cpu, 0.5), quantile(cpu, 0.75) - quantile(cpu, 0.25), quantile(wall, 0.5));
  }

  private static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  /** {@code java ... dev.mnemo.experiments.bench.AldBench [key=value ...]}. */
  public static void main(String[] args) {
    run(System.out, args);
  }
}
