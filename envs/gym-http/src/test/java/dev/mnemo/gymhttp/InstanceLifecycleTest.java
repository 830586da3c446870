package dev.mnemo.gymhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every instance a client creates is closed: counted on a real server after a client JVM completes, fails,
 * or is interrupted without closing anything (the way runs leave their envs), and in-process after
 * failures.
 */
class InstanceLifecycleTest {

  /** Runs {@link LifecycleChild} in a fresh JVM against {@code server}; returns its output. */
  private static String child(GymHttpServer server, String mode, boolean interrupt) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin"
            + File.separator + "java"),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dmnemo.gymhttp.exitWaitMs=5000",
        "-cp", System.getProperty("java.class.path"), LifecycleChild.class.getName(),
        server.uri().toString(), mode));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    if (interrupt) {
      String line = r.readLine();
      out.append(line).append('\n');
      assertTrue(line != null && line.startsWith("STEPPING"), "child: " + line);
      assertTrue(server.instanceCount() > 0, "the child is stepping on open instances");
      new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    }
    for (String line; (line = r.readLine()) != null; ) {
      out.append(line).append('\n');
    }
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the child exits; output: " + out);
    return out.toString();
  }

  private static GymHttpServer server() throws Exception {
    return GymHttpServer.start(0);
  }

  @Test
  void aClientJvmThatCompletesWithoutClosingLeavesNoInstance() throws Exception {
    try (GymHttpServer server = server()) {
      String out = child(server, "complete", false);
      // 3 workers + 2 evaluator envs open at the end of main (the spec-only probe was closed at once).
      assertTrue(out.contains("OPEN 5"), out);
      assertEquals(0, server.instanceCount(), "the exit hook closed them; child output: " + out);
    }
  }

  @Test
  void aClientJvmThatFailsLeavesNoInstance() throws Exception {
    try (GymHttpServer server = server()) {
      String out = child(server, "fail", false);
      assertTrue(out.contains("OPEN 5") && out.contains("the run failed"), out);
      assertEquals(0, server.instanceCount(), "child output: " + out);
    }
  }

  @Test
  void aClientJvmInterruptedWhileSteppingLeavesNoInstanceAndStopsCleanly() throws Exception {
    try (GymHttpServer server = server()) {
      long t0 = System.nanoTime();
      String out = child(server, "signal", true);
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertEquals(0, server.instanceCount(), "child output: " + out);
      assertTrue(!out.contains("Exception"), "the stepping loop stopped before its instances closed: " + out);
      assertTrue(seconds < 15, "took " + seconds + " s");
    }
  }

  @Test
  void failuresInProcessLeaveNoInstanceOnceClosed() throws Exception {
    Env failing = new Env() {
      private final EnvSpec spec = EnvSpec.flat("failing", 2, 2, 0);
      private final Step step = new Step(2);

      @Override
      public EnvSpec spec() {
        return spec;
      }

      @Override
      public Step reset(long seed) {
        return step.set(0f, false, false);
      }

      @Override
      public Step step(int action) {
        throw new IllegalStateException("the env broke");
      }
    };
    try (GymHttpServer server = GymHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        id -> failing, 0L, 0)) {
      int before = GymHttpEnv.openInstances();
      GymHttpEnv env = GymHttpEnv.fromId(GymHttpEnv.id(server.uri(), "failing"));
      assertEquals(0, server.instanceCount(), "the probe is closed by the constructor");
      env.reset(0);
      GymHttpException e = assertThrows(GymHttpException.class, () -> env.step(1));
      assertTrue(e.getMessage().contains("the env broke"), e.getMessage());
      assertEquals(1, server.instanceCount());
      assertEquals(before + 1, GymHttpEnv.openInstances(), "listed for the exit hook until closed");
      env.close();
      assertEquals(0, server.instanceCount(), "close() after a failed step closes the instance");
      assertEquals(before, GymHttpEnv.openInstances());

      // A close that cannot reach the server keeps the instance listed (the exit hook retries it).
      GymHttpEnv orphan = GymHttpEnv.fromId(GymHttpEnv.id(server.uri(), "failing") + "?timeoutMs=500");
      orphan.reset(0);
      server.close();
      assertThrows(GymHttpException.class, orphan::close);
      assertEquals(before + 1, GymHttpEnv.openInstances(), "an instance whose close failed stays listed");
    }
  }
}
