import dev.mnemo.envs.*;
import java.lang.management.ManagementFactory;

/**
 * Is a slow VectorEnv the code or the host? In one JVM, rounds of three loops in turn, each timed in CPU-seconds of
 * this thread: a VectorEnv of 64 copies of ID, one ID env stepped alone (random actions from a cycle of 2^22), and a
 * canary (four independent multiply-add chains: register arithmetic, no memory, no branch to mispredict). Prints per
 * round: milliseconds since the JVM started, vector and single in M steps per CPU-second, canary in M iterations per
 * CPU-second. A probe for run.sh, outside the build. The canary's code never changes after warm-up, so a round where
 * it runs slower is a round where the host ran this core slower.
 */
public class HostProbe {
  public static void main(String[] a) {
    String id = a[0];
    int rounds = Integer.parseInt(a[1]);
    int n = 64;
    int cycle = 1 << 22;
    Env env = EnvRegistry.make(id);
    int numA = env.spec().numActions(), os = env.spec().obsSize();
    Rng r = new Rng(2);
    int[] pool = new int[cycle];
    for (int i = 0; i < cycle; i++) pool[i] = r.nextInt(numA);
    var mx = ManagementFactory.getThreadMXBean();
    VectorEnv v = new VectorEnv(id, n, 7);
    float[] obs = new float[n * os]; float[] rw = new float[n];
    boolean[] te = new boolean[n], tr = new boolean[n]; int[] act = new int[n];
    v.reset(obs);
    float[] input = new float[os];
    env.reset(1);
    long ep = 2;
    double sink = 0; int j = 0; long x = 0;
    for (int round = 0; round < rounds; round++) {
      long t0 = mx.getCurrentThreadCpuTime(); long steps = 0;
      for (int c = 0; c < 6000; c++) {
        for (int q = 0; q < 16; q++) {
          for (int i = 0; i < n; i++) { act[i] = pool[j]; j = (j + 1) & (cycle - 1); }
          v.step(act, obs, rw, te, tr); sink += rw[0];
        }
        steps += 16L * n;
      }
      double vr = steps / ((mx.getCurrentThreadCpuTime() - t0) / 1e3);
      t0 = mx.getCurrentThreadCpuTime(); steps = 0;
      for (int c = 0; c < 6000; c++) {
        for (int q = 0; q < 1024; q++) {
          Step s = env.step(pool[j]); j = (j + 1) & (cycle - 1); sink += s.reward;
          if (s.terminated || s.truncated) s = env.reset(ep++);
          System.arraycopy(s.obs, 0, input, 0, os);
        }
        steps += 1024;
      }
      double sr = steps / ((mx.getCurrentThreadCpuTime() - t0) / 1e3);
      t0 = mx.getCurrentThreadCpuTime();
      long y0 = 1, y1 = 2, y2 = 3, y3 = 4;
      for (int c = 0; c < 60_000_000; c++) {
        y0 = y0 * 0x9E3779B97F4A7C15L + (y1 >>> 29); y1 = y1 * 0x9E3779B97F4A7C15L + (y2 >>> 29);
        y2 = y2 * 0x9E3779B97F4A7C15L + (y3 >>> 29); y3 = y3 * 0x9E3779B97F4A7C15L + (y0 >>> 29);
      }
      x += y0 + y1 + y2 + y3;
      double ar = 6e7 / ((mx.getCurrentThreadCpuTime() - t0) / 1e3);
      System.out.printf("%6d ms  vector %4.0f  single %4.0f  canary %4.0f%n",
          ManagementFactory.getRuntimeMXBean().getUptime(), vr, sr, ar);
    }
    if (sink == 1.5 || x == 7) System.out.println("!");
  }
}
