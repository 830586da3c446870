import dev.mnemo.envs.*;
import java.lang.management.ManagementFactory;

/**
 * One env stepped in this JVM by one of four loops (the shapes of {@code mnemo bench envs}' columns): {@code single}
 * (one env, step + copy of the observation), {@code vector} (a VectorEnv of 64), {@code into} (64 envs through
 * stepInto by hand, no VectorEnv bookkeeping), {@code hand} (64 envs through step by hand). Prints to stderr the median
 * of 7 half-second rates (steps per CPU-second) after 3 s of warm-up, with the lowest and highest. A probe for
 * run.sh, outside the build: one JVM per measurement, so that each sees its own compilation order. An optional third
 * argument is log2 of the random action cycle's length (default 14, what run.sh's out.txt was taken with; the bench
 * uses 22 since 2026-12-06, see its DEFAULT_POOL_BITS).
 */
public class Probe {
  interface Chunk { double run(); }
  public static void main(String[] a) {
    String id = a[0], mode = a[1];
    final int cycle = 1 << (a.length > 2 ? Integer.parseInt(a[2]) : 14);
    int n = 64;
    Env probe = EnvRegistry.make(id);
    int numA = probe.spec().numActions(), os = probe.spec().obsSize();
    Rng r = new Rng(2);
    int[] pool = new int[cycle];
    for (int i = 0; i < cycle; i++) pool[i] = r.nextInt(numA);
    int[] k = {0};
    long perChunk;
    Chunk c;
    switch (mode) {
      case "single" -> {
        Env env = probe; float[] input = new float[os];
        env.reset(Seeds.episodeSeed(7, 0, 0)); long[] ep = {1};
        perChunk = 4096;
        c = () -> { double sum = 0; int j = k[0];
          for (int q = 0; q < 4096; q++) { Step s = env.step(pool[j]); j = (j + 1) & (cycle - 1); sum += s.reward;
            if (s.terminated || s.truncated) s = env.reset(Seeds.episodeSeed(7, 0, ep[0]++));
            System.arraycopy(s.obs, 0, input, 0, os); }
          k[0] = j; return sum + input[0]; };
      }
      case "vector" -> {
        VectorEnv v = new VectorEnv(id, n, 7); float[] obs = new float[n * os]; float[] rw = new float[n];
        boolean[] te = new boolean[n], tr = new boolean[n]; int[] act = new int[n]; v.reset(obs);
        perChunk = 64L * n;
        c = () -> { double sum = 0; int j = k[0];
          for (int q = 0; q < 64; q++) { for (int i = 0; i < n; i++) { act[i] = pool[j]; j = (j + 1) & (cycle - 1); }
            v.step(act, obs, rw, te, tr); sum += rw[0]; }
          k[0] = j; return sum; };
      }
      case "into" -> {
        Env[] envs = new Env[n]; for (int i = 0; i < n; i++) { envs[i] = EnvRegistry.make(id); }
        float[] obs = new float[n * os]; float[] rw = new float[n];
        boolean[] te = new boolean[n], tr = new boolean[n]; int[] act = new int[n]; long[] ep = new long[n];
        for (int i = 0; i < n; i++) { Step s = envs[i].reset(Seeds.episodeSeed(7, i, ep[i]++)); System.arraycopy(s.obs, 0, obs, i * os, os); }
        perChunk = 64L * n;
        c = () -> { double sum = 0; int j = k[0];
          for (int q = 0; q < 64; q++) { for (int i = 0; i < n; i++) { act[i] = pool[j]; j = (j + 1) & (cycle - 1); }
            boolean any = false;
            for (int i = 0; i < n; i++) any |= envs[i].stepInto(act[i], i, obs, rw, te, tr);
            if (any) for (int i = 0; i < n; i++) if (te[i] || tr[i]) { Step s = envs[i].reset(Seeds.episodeSeed(7, i, ep[i]++)); System.arraycopy(s.obs, 0, obs, i * os, os); }
            sum += rw[0]; }
          k[0] = j; return sum; };
      }
      case "hand" -> {
        Env[] envs = new Env[n]; for (int i = 0; i < n; i++) { envs[i] = EnvRegistry.make(id); }
        float[] obs = new float[n * os]; float[] rw = new float[n]; long[] ep = new long[n];
        for (int i = 0; i < n; i++) { envs[i].reset(Seeds.episodeSeed(7, i, ep[i]++)); }
        perChunk = 64L * n;
        c = () -> { double sum = 0; int j = k[0];
          for (int q = 0; q < 64; q++) { for (int i = 0; i < n; i++) { Step s = envs[i].step(pool[j]); j = (j + 1) & (cycle - 1);
              rw[i] = s.reward; if (s.terminated || s.truncated) s = envs[i].reset(Seeds.episodeSeed(7, i, ep[i]++));
              System.arraycopy(s.obs, 0, obs, i * os, os); }
            sum += rw[0]; }
          k[0] = j; return sum; };
      }
      default -> throw new IllegalArgumentException(mode);
    }
    var mx = ManagementFactory.getThreadMXBean();
    double sink = 0;
    long end = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < end) sink += c.run();
    double[] rates = new double[7];
    for (int rr = 0; rr < rates.length; rr++) {
      long steps = 0; long t0 = mx.getCurrentThreadCpuTime(); long e2 = System.nanoTime() + 500_000_000L;
      while (System.nanoTime() < e2) { sink += c.run(); steps += perChunk; }
      rates[rr] = steps / ((mx.getCurrentThreadCpuTime() - t0) / 1e9);
    }
    java.util.Arrays.sort(rates);
    System.err.printf("%-28s %-7s %,.0f  (min %,.0f max %,.0f)%s%n", id, mode, rates[3], rates[0], rates[6], sink == 1.2345 ? "!" : "");
  }
}
