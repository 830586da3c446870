package dev.mnemo.actors;

import dev.mnemo.learners.r2d2.R2d2Builder;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.mnemo.actors.cluster.NodeConfig;
import dev.mnemo.agents.kernel.EpsilonGreedy;
import dev.mnemo.agents.kernel.RecurrentQKernel;
import dev.mnemo.envs.VectorEnv;
import dev.mnemo.learners.r2d2.R2d2Config;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** End to end through actors: the quick-start task (T-Maze 10) is learned by the local runtime. */
class LocalRuntimeLearningTest {

  /** Mean return of {@code episodes} greedy episodes with these parameters. */
  static double greedyReturn(dev.mnemo.agents.r2d2.RecurrentQSpec spec, dev.mnemo.agents.ParamSnapshot params,
      String envId, int episodes) {
    RecurrentQKernel kernel = new RecurrentQKernel(spec, episodes);
    kernel.load(params);
    VectorEnv env = new VectorEnv(envId, episodes, 12345L);
    int os = env.spec().obsSize();
    int na = env.spec().numActions();
    float[] obs = new float[episodes * os];
    float[] rew = new float[episodes];
    boolean[] term = new boolean[episodes];
    boolean[] trunc = new boolean[episodes];
    int[] act = new int[episodes];
    int[] prevA = new int[episodes];
    float[] prevR = new float[episodes];
    boolean[] done = new boolean[episodes];
    java.util.Arrays.fill(prevA, -1);
    env.reset(obs);
    kernel.resetAllStates();
    double sum = 0;
    int remaining = episodes;
    while (remaining > 0) {
      kernel.step(obs, prevA, prevR);
      for (int i = 0; i < episodes; i++) {
        act[i] = EpsilonGreedy.argmax(kernel.qValues(), i * na, na);
      }
      env.step(act, obs, rew, term, trunc);
      for (int i = 0; i < episodes; i++) {
        prevA[i] = act[i];
        prevR[i] = rew[i];
        if ((term[i] || trunc[i]) && !done[i]) {
          done[i] = true;
          remaining--;
          sum += env.lastEpisodeReturn(i);
        }
      }
    }
    return sum / episodes;
  }

  static Path quickstart() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path c = p.resolve("configs/quickstart.conf");
      if (Files.exists(c)) {
        return c;
      }
    }
    throw new IllegalStateException("configs/quickstart.conf not found above " + Path.of("").toAbsolutePath());
  }

  @Test
  void solvesTheQuickStartTMazeEndToEndThroughActors() throws Exception {
    R2d2Config q = ((R2d2Builder) NodeConfig.agent(ConfigFactory.parseFile(quickstart().toFile()).resolve())).config();
    long budget = 60_000; // the synchronous trainer solves it in ~8,000 env steps from this seed
    R2d2Config cfg = q.withRun(q.env(), q.seed(), budget);
    var spec = TinyConfigs.setup(cfg).netSpec();
    RuntimeConfig rc = RuntimeConfig.defaults().withWorkers(2, 4).withFlow(8, 4, 10);
    double best = Double.NEGATIVE_INFINITY;
    long solvedAt = -1;
    // Like the synchronous trainer's stop-when-solved: greedy evaluations of the published parameters
    // while the run goes on, every 2,000 env steps.
    try (LocalRuntime rt = LocalRuntime.start(rc, new R2d2Builder(cfg), RuntimeListener.none())) {
      long nextEval = 2_000;
      while (!rt.result().isDone() && solvedAt < 0) {
        Thread.sleep(50);
        long steps = rt.counters().envSteps();
        if (steps >= nextEval) {
          nextEval = steps + 2_000;
          double ret = greedyReturn(spec, rt.counters().latestParams(), cfg.env(), cfg.evalEpisodes());
          best = Math.max(best, ret);
          if (ret >= cfg.solvedThreshold()) {
            solvedAt = steps;
          }
        }
      }
      rt.requestStop("solved");
      rt.await(java.time.Duration.ofSeconds(60));
    }
    assertTrue(solvedAt > 0, "mean greedy return on " + cfg.env() + " never reached " + cfg.solvedThreshold()
        + " within " + budget + " env steps; best " + best + " (a coin flip at the junction gets ~2)");
  }
}
