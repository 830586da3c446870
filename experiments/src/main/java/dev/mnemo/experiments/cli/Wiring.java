package dev.mnemo.experiments.cli;

import dev.mnemo.experiments.bench.RuntimeBench;
import dev.mnemo.agents.baselines.BanditBaselinesBenchmark;
import dev.mnemo.agents.bench.ActorKernelBench;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.bench.EnvsBench;
import dev.mnemo.experiments.bench.BenchRegistry;
import dev.mnemo.experiments.kinds.BanditBaselinesRunKind;
import dev.mnemo.experiments.kinds.MdpBaselinesRunKind;
import dev.mnemo.experiments.kinds.R2d2RunKind;
import dev.mnemo.experiments.kinds.AldRunKind;
import dev.mnemo.experiments.kinds.Rl2RunKind;
import dev.mnemo.experiments.run.RunKindRegistry;
import dev.mnemo.gymhttp.GymHttpBench;
import dev.mnemo.learners.bench.R2d2Bench;
import dev.mnemo.replay.bench.ReplayBench;

/**
 * The one place where the modules' entry points meet the CLI: one line per run kind
 * ({@code kinds.register(new R2d2RunKind())}, selected by {@code kind = r2d2}) and per benchmark
 * (any {@code public static void run(PrintStream, String...)}).
 */
public final class Wiring {

  private Wiring() {}

  public static Registries standard() {
    RunKindRegistry kinds = new RunKindRegistry()
        .register(new R2d2RunKind())
        .register(new BanditBaselinesRunKind())
        .register(new Rl2RunKind())
        .register(new AldRunKind())
        .register(new MdpBaselinesRunKind());
    BenchRegistry benches = new BenchRegistry()
        .register("envs", "env steps/s: single instance and VectorEnv(64), vs POPGym's Python figures",
            EnvsBench::run)
        .register("replay", "replay insert/sample throughput and allocation, vs arraycopy of the same bytes",
            ReplayBench::run)
        .register("actor-kernel", "pure-Java actor kernel steps/s at batch 1 and 64, vs a DL4J step",
            ActorKernelBench::run)
        .register("ald-acting", "ALD's acting cost per step: the GTrXL trunk's kernel (KV cache, and without) vs the "
            + "LSTM core and R2D2's LSTM actor, same run (`seconds=S`)", dev.mnemo.agents.bench.GtrxlKernelBench::run)
        .register("weight-gradient", "the learners' weight-gradient product read from X in place vs via X's "
            + "transposed copy (the path before), same run, at the configs' shapes (`seconds=S`)",
            dev.mnemo.agents.bench.WeightGradientBench::run)
        .register("ald", "ALD's learner: the Transformer's training pass (Java engine, share of one core's FP32 "
            + "peak) and the same pass as a SameDiff graph, same run; whole updates (transformer_only, ald)",
            dev.mnemo.experiments.bench.AldBench::run)
        .register("r2d2", "R2D2 learner updates/s, gemm vs SameDiff engine vs PyTorch if installed (same run;"
            + " `nopeer` skips it) at paper shape (`small`); `soak N` for RSS",
            R2d2Bench::run)
        .register("runtime", "Pekko local runtime with 1/2/4 workers vs bare acting; cluster transfer MiB/s",
            RuntimeBench::run)
        .register("bandit-baselines", "pulls/s of every bandit baseline, vs the random policy",
            BanditBaselinesBenchmark::run)
        .register("rl2", "RL² trials and env steps/s, PPO updates/s, time in envs/acting/learning, share of peak",
            dev.mnemo.learners.bench.Rl2Bench::run)
        .register("rl2-runtime", "RL² env steps/s and updates/s, on-policy Pekko runtime with 1/2 workers vs the "
            + "synchronous trainer", dev.mnemo.experiments.bench.Rl2RuntimeBench::run)
        .register("gym-http", "env steps/s through a loopback Gym HTTP server and client, vs in-process",
            GymHttpBench::run);
    // Built-in ids first, then the scheme:// ids of the interop providers on the class path (gym-http).
    EnvCatalog envs = () -> java.util.stream.Stream.concat(EnvRegistry.list().stream(),
        EnvRegistry.providers().stream()).toList();
    return new Registries(kinds, benches, envs);
  }
}
