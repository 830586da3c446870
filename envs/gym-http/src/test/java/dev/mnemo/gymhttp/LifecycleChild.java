package dev.mnemo.gymhttp;

import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.VectorEnv;
import java.util.concurrent.CountDownLatch;

/**
 * A client JVM for {@link InstanceLifecycleTest}: builds envs the way a run does (a spec read from a
 * throw-away env, a VectorEnv of remote envs, an evaluator's fresh envs) and never closes them, then ends
 * as its mode says: {@code complete} returns from main, {@code fail} throws out of it, {@code signal} steps
 * until SIGINT/SIGTERM, which (like {@code mnemo run}'s graceful stop) asks the loop to stop and waits for it.
 */
public final class LifecycleChild {

  private LifecycleChild() {}

  public static void main(String[] args) throws Exception {
    String id = GymHttpEnv.id(java.net.URI.create(args[0]), "cartpole");
    String mode = args[1];
    EnvRegistry.make(id).spec(); // read the spec only: the probe instance
    VectorEnv workers = new VectorEnv(id, 3, 1);
    VectorEnv evaluator = new VectorEnv(id, 2, 2);
    int n = workers.size();
    float[] obs = new float[n * workers.spec().obsSize()];
    float[] rewards = new float[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    int[] actions = new int[n];
    workers.reset(obs);
    evaluator.reset(new float[2 * workers.spec().obsSize()]);
    if (mode.equals("signal")) {
      CountDownLatch stopped = new CountDownLatch(1);
      boolean[] stop = new boolean[1];
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        synchronized (stop) {
          stop[0] = true;
        }
        try {
          stopped.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      System.out.println("STEPPING " + GymHttpEnv.openInstances());
      System.out.flush();
      try {
        for (int t = 0; ; t++) {
          synchronized (stop) {
            if (stop[0]) {
              break;
            }
          }
          actions[0] = t & 1;
          workers.step(actions, obs, rewards, terminated, truncated);
        }
      } finally {
        stopped.countDown();
      }
      return;
    }
    for (int t = 0; t < 30; t++) {
      actions[0] = t & 1;
      workers.step(actions, obs, rewards, terminated, truncated);
    }
    System.out.println("OPEN " + GymHttpEnv.openInstances());
    System.out.flush();
    if (mode.equals("fail")) {
      throw new IllegalStateException("the run failed");
    }
  }
}
