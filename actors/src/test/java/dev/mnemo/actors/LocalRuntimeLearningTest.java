package dev.mnemo.actors;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.mnemo.actors.cluster.NodeConfig;
import dev.mnemo.agents.kernel.EpsilonGreedy;
import dev.mnemo.agents.kernel.RecurrentQKernel;
import dev.mnemo.envs.VectorEnv;
import dev.mnemo.learners.r2d2.R2d2Config;
import dev.mnemo.learners.r2d2.R2d2Learner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through actors: the quick-start task (T-Maze 10) is learned by the local runtime. */
class LocalRuntimeLearningTest {

  /** Mean return of {@code episodes} greedy episodes with the learner's parameters. */
  static double greedyReturn(R2d2Learner learner, String envId, int episodes) {
    RecurrentQKernel kernel = new RecurrentQKernel(learner.spec(), episodes);
    kernel.load(learner.snapshot());
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
  void solvesTheQuickStartTMazeEndToEndThroughActors(@TempDir Path dir) throws Exception {
    R2d2Config q = NodeConfig.r2d2(ConfigFactory.parseFile(quickstart().toFile()).resolve());
    R2d2Config cfg = q.withRun(q.env(), q.seed(), 16_000);
    RuntimeConfig rc = RuntimeConfig.defaults().withWorkers(2, 4).withFlow(8, 4, 10).withCheckpoints(dir, null);
    RunResult r = LocalRuntime.run(rc, cfg, RuntimeListener.none());
    R2d2Learner trained = new R2d2Learner(RunSetup.of(cfg, null).netSpec(), cfg);
    trained.restore(dir.resolve("learner.ckpt"));
    double ret = greedyReturn(trained, cfg.env(), 100);
    System.out.println("quick start through actors: " + r + " greedy return " + ret);
    assertTrue(ret >= cfg.solvedThreshold(), "mean greedy return on " + cfg.env() + " after " + r.envSteps()
        + " env steps and " + r.updates() + " updates: " + ret + ", threshold " + cfg.solvedThreshold()
        + " (a coin flip at the junction gets ~2)");
  }
}
