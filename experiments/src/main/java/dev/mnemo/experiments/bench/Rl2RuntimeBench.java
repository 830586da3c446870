package dev.mnemo.experiments.bench;

import dev.mnemo.actors.onpolicy.OnPolicyConfig;
import dev.mnemo.actors.onpolicy.OnPolicyListener;
import dev.mnemo.actors.onpolicy.OnPolicyResult;
import dev.mnemo.actors.onpolicy.OnPolicyRuntime;
import dev.mnemo.actors.onpolicy.OnPolicyUpdate;
import dev.mnemo.agents.rl2.PpoLoss;
import dev.mnemo.learners.rl2.PpoConfig;
import dev.mnemo.learners.rl2.PpoStats;
import dev.mnemo.learners.rl2.Rl2Builder;
import dev.mnemo.learners.rl2.Rl2Config;
import dev.mnemo.learners.rl2.Rl2Metrics;
import dev.mnemo.learners.rl2.Rl2Trainer;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code mnemo bench rl2-runtime}: RL²'s env steps and PPO updates per second through the on-policy Pekko runtime
 * with 1 and 2 trial workers, beside the synchronous trainer on the same config in the same run (n = 10 pulls of
 * 5 arms, LN-GRU 64, 1000 trials per update, the shipped config's shape). Each mode trains from the same seed for
 * the same budget; the rates are taken at its last update (env steps collected and updates done over the wall time
 * since it started), so the final evaluations are not in them. A warm-up run of the synchronous trainer goes
 * first, so the JIT has compiled the kernels for every mode. The learner's busy share says how close a mode is to
 * the bound overlap can reach: the updates alone.
 *
 * <p>Options: {@code --steps N} per mode (default 200000), {@code --trials T} per update (default 1000),
 * {@code --core C} (default 64), {@code --env ID} (default {@code bandit?arms=5&pulls=10}).
 */
public final class Rl2RuntimeBench {

  private Rl2RuntimeBench() {}

  /** One mode's figures. */
  private record Row(String mode, long envSteps, long updates, double seconds, double learnSeconds, double lagMean,
      long dropped) {
  }

  public static void run(PrintStream out, String... args) throws Exception {
    long steps = 200_000;
    int trials = 1000;
    int core = 64;
    String env = "bandit?arms=5&pulls=10";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--steps" -> steps = Long.parseLong(need(args, ++i));
        case "--trials" -> trials = Integer.parseInt(need(args, ++i));
        case "--core" -> core = Integer.parseInt(need(args, ++i));
        case "--env" -> env = need(args, ++i);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; options: --steps N, --trials T, --core C, --env ID");
      }
    }
    out.printf("RL² on %s, LN-GRU %d, %d trials per update, %d env steps per mode, %d cores%n", env, core, trials,
        steps, Runtime.getRuntime().availableProcessors());
    sync(config(env, core, trials, Math.max(steps / 4, 1)));
    out.printf("%-22s %12s %10s %9s %13s %9s %8s%n", "mode", "env steps/s", "updates/s", "updates", "learner busy",
        "lag mean", "dropped");
    Rl2Config cfg = config(env, core, trials, steps);
    print(out, sync(cfg));
    for (int workers : new int[] {1, 2}) {
      print(out, local(cfg, workers));
    }
    out.println("rates at the last update: env steps collected (kept or dropped) and updates over the wall time since "
        + "the mode started; learner busy: share of that wall time in PPO updates (100% = learner-bound); local: "
        + "max_param_lag 1, credits 1");
  }

  private static Rl2Config config(String env, int core, int trials, long steps) {
    PpoConfig ppo = new PpoConfig(8, 4, 0.99, 0.3, new PpoLoss(0.1, 0.5, 0.01, 1.0, 0), false, 1e-3, 1e-5, 0.01,
        0.5, 0, 0.1, 3);
    // No periodic evaluation inside the budget (interval beyond it); the final ones are outside the timing.
    return new Rl2Config(env, 1, "ln_gru", core, List.of(), List.of(), true, trials, ppo, "constant", steps,
        1_000_000, 2, 2, false, 1);
  }

  private static Row sync(Rl2Config cfg) {
    AtomicReference<Rl2Metrics> last = new AtomicReference<>();
    double[] learn = {0};
    try (Rl2Trainer t = new Rl2Trainer(cfg)) {
      t.run(m -> {
        last.set(m);
        learn[0] += m.learnSeconds();
      }, () -> false);
    }
    Rl2Metrics m = last.get();
    return new Row("sync (1 thread)", m.envSteps(), m.ppo().updates(), m.wallSeconds(), learn[0], 0, 0);
  }

  private static Row local(Rl2Config cfg, int workers) throws InterruptedException {
    AtomicReference<OnPolicyUpdate<PpoStats>> last = new AtomicReference<>();
    double[] learn = {0};
    OnPolicyListener<PpoStats> listener = new OnPolicyListener<>() {
      @Override
      public void onEvent(Map<String, Object> event) {
      }

      @Override
      public void onUpdate(OnPolicyUpdate<PpoStats> update) {
        last.set(update);
        learn[0] += update.learnSeconds();
      }
    };
    OnPolicyResult r = OnPolicyRuntime.run(OnPolicyConfig.defaults().withWorkers(workers), new Rl2Builder(cfg),
        listener);
    OnPolicyUpdate<PpoStats> u = last.get();
    return new Row("local, " + workers + " worker" + (workers > 1 ? "s" : ""), u.envSteps(), u.updates(),
        u.wallSeconds(), learn[0], r.lag().meanKeptLag(), r.lag().droppedCollections());
  }

  private static void print(PrintStream out, Row r) {
    out.printf("%-22s %12.0f %10.2f %9d %12.0f%% %9.2f %8d%n", r.mode(), r.envSteps() / r.seconds(),
        r.updates() / r.seconds(), r.updates(), 100 * r.learnSeconds() / r.seconds(), r.lagMean(), r.dropped());
  }

  private static String need(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }
}
