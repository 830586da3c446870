package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnemo.experiments.cli.MnemoCli;
import dev.mnemo.experiments.cli.Wiring;
import dev.mnemo.experiments.run.RunConfig;
import dev.mnemo.experiments.run.RunConfigLoader;
import dev.mnemo.experiments.run.Runner;
import dev.mnemo.gymhttp.GymHttpEnv;
import dev.mnemo.gymhttp.GymHttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mnemo run} with {@code env = "gym-http://..."}: the run's env steps go through a Gym HTTP server. */
class GymHttpRunTest {

  @TempDir
  Path tmp;

  private final StandardCli cli = new StandardCli();

  private int mnemo(String... args) {
    return cli.mnemo(args);
  }

  private Path config(String env) throws IOException {
    Path f = tmp.resolve("gym.conf");
    Files.writeString(f, StandardCli.TINY_R2D2 + "runtime = sync\nenv = \"" + env + "\"\n"
        + "total_env_steps = 300\neval_interval = 300\neval_episodes = 2\n");
    return f;
  }

  @Test
  void synchronousR2d2RunStepsItsEnvsThroughAGymHttpServer() throws IOException {
    try (GymHttpServer server = GymHttpServer.start(0)) {
      Path out = tmp.resolve("run");
      int code = mnemo("run", config(GymHttpEnv.id(server.uri(), "tmaze?length=3")).toString(),
          "--out", out.toString());
      assertEquals(0, code, cli.err());
      JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
      assertEquals("completed", s.get("status").asText(), s.toString());
      assertEquals(300, s.get("env_steps").asLong(), s.toString());
      assertTrue(server.stepsServed() >= 300, "training steps went through HTTP: " + server.stepsServed());
      assertEquals(0, server.instanceCount(), "the run closed every instance it created (probe, actors,"
          + " evaluations) before it returned, not at JVM exit");
    }
  }

  /** The same through the Pekko runtime: workers close their envs when they stop. */
  @Test
  void aLocalRunClosesEveryInstanceItCreated() throws IOException {
    try (GymHttpServer server = GymHttpServer.start(0)) {
      Path out = tmp.resolve("run-local");
      int code = mnemo("run", config(GymHttpEnv.id(server.uri(), "tmaze?length=3")).toString(),
          "--set", "runtime=local", "--out", out.toString());
      assertEquals(0, code, cli.err());
      assertTrue(server.stepsServed() >= 300, "training steps went through HTTP: " + server.stepsServed());
      assertEquals(0, server.instanceCount(), "every instance closed when the run returned");
    }
  }

  /**
   * The Gym server dies in the middle of a {@code runtime = local} run: every worker fails on its next
   * step and on every restart. The run must end on its own within a bounded time, {@code failed}, with the
   * cause in summary.json (it used to restart its workers forever and leave summary.json {@code running}).
   */
  @Test
  void aLocalRunWhoseServerDiesFailsWithinItsRestartBudgetNamingTheCause() throws Exception {
    Path out = tmp.resolve("dies");
    GymHttpServer server = GymHttpServer.start(0);
    String address = server.uri().toString().replaceAll("/$", "");
    Path cfg = tmp.resolve("dies.conf");
    Files.writeString(cfg, StandardCli.TINY_R2D2 + "runtime = local\nenv = \""
        + GymHttpEnv.id(server.uri(), "tmaze?length=3") + "\"\ntotal_env_steps = 100000000\n"
        + "eval_interval = 100000000\neval_episodes = 2\n"
        + "actors { workers = 2, envs_per_worker = 1, chunk_rows = 4, status_interval = 100ms,"
        + " max_restarts = 3, restart_window = 30s }\n");
    java.util.concurrent.CompletableFuture<Integer> code = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> mnemo("run", cfg.toString(), "--out", out.toString()));
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (server.stepsServed() < 500 && System.nanoTime() < deadline && !code.isDone()) {
        Thread.sleep(20);
      }
      assertTrue(server.stepsServed() >= 500, "the run trains through the server first: " + cli.err());
    } finally {
      server.close();
    }
    long stopped = System.nanoTime();
    int exit;
    try {
      exit = code.get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      String summary = Files.readString(out.resolve("summary.json"));
      throw new AssertionError("the run did not end within 60 s of its server's death; summary.json: " + summary
          + "\nlast events: " + tail(out.resolve("events.jsonl"), 5), e);
    }
    double seconds = (System.nanoTime() - stopped) / 1e9;
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(1, exit, cli.err());
    assertEquals("failed", s.get("status").asText(), s.toString());
    String error = s.get("error").asText();
    assertTrue(error.contains("restart budget") && error.contains(address) && error.contains("cannot reach"),
        "the error names the restart budget and the server's failure: " + error);
    assertTrue(seconds < 45, "ended " + seconds + " s after the server died");
  }

  /**
   * SIGINT while the workers of a local run fail against a dead server (within their restart budget): the
   * run stops and says {@code interrupted}, not {@code failed} (its final evaluation cannot reach the
   * server either, and that is no failure of an interrupted run).
   */
  @Test
  void aSignalWhileWorkersFailAgainstADeadServerEndsTheRunInterrupted() throws Exception {
    Path out = tmp.resolve("signalled");
    java.util.List<Thread> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    Runner.ShutdownHooks fake = new Runner.ShutdownHooks() {
      @Override
      public void add(Thread hook) {
        hooks.add(hook);
      }

      @Override
      public void remove(Thread hook) {
        hooks.remove(hook);
      }
    };
    Runner runner = new Runner(new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true,
        java.nio.charset.StandardCharsets.UTF_8), System::nanoTime, java.time.Clock.systemUTC(),
        Path.of("").toAbsolutePath(), fake);
    GymHttpServer server = GymHttpServer.start(0);
    Path cfg = tmp.resolve("signalled.conf");
    Files.writeString(cfg, StandardCli.TINY_R2D2 + "runtime = local\nenv = \""
        + GymHttpEnv.id(server.uri(), "tmaze?length=3") + "\"\ntotal_env_steps = 100000000\n"
        + "eval_interval = 100000000\neval_episodes = 2\nshutdown_grace = 40s\n"
        + "actors { workers = 2, envs_per_worker = 1, chunk_rows = 4, status_interval = 100ms,"
        + " max_restarts = 1000 }\n");
    RunConfig rc = new RunConfigLoader(Wiring.standard().kinds()).load(cfg, "signalled", java.util.List.of());
    Files.createDirectories(out);
    java.util.concurrent.CompletableFuture<dev.mnemo.experiments.run.RunResult> result =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return runner.run(rc, out, false, java.util.List.of());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (server.stepsServed() < 500 && System.nanoTime() < deadline && !result.isDone()) {
        Thread.sleep(20);
      }
      assertTrue(server.stepsServed() >= 500, "the run trains through the server first");
    } finally {
      server.close();
    }
    // Let the workers fail against the dead server a few times, then send the signal.
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!Files.readString(out.resolve("events.jsonl")).contains("cannot reach the server")
        && System.nanoTime() < deadline && !result.isDone()) {
      Thread.sleep(50);
    }
    assertFalse(result.isDone(), "the run must still be going when the signal comes: " + Files.readString(
        out.resolve("summary.json")));
    hooks.get(0).start(); // what the JVM does on SIGINT
    dev.mnemo.experiments.run.RunResult r;
    try {
      r = result.get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the signalled run did not stop within 60 s; summary.json: "
          + Files.readString(out.resolve("summary.json")) + "\nlast events: " + tail(out.resolve("events.jsonl"), 5), e);
    }
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("interrupted", r.status(), s.toString());
    assertEquals("interrupted", s.get("status").asText(), s.toString());
    assertEquals("signal", s.get("stop_requested").asText(), s.toString());
  }

  private static String tail(Path file, int lines) throws IOException {
    java.util.List<String> all = Files.exists(file) ? Files.readAllLines(file) : java.util.List.of();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  @Test
  void anUnreachableServerIsAConfigErrorNamingItsAddress() throws IOException {
    GymHttpServer gone = GymHttpServer.start(0);
    URI uri = gone.uri();
    gone.close();
    Path out = tmp.resolve("never");
    int code = mnemo("run", config(GymHttpEnv.id(uri, "tmaze")).toString(), "--out", out.toString());
    String msg = cli.err();
    assertEquals(MnemoCli.USAGE, code, msg);
    assertTrue(msg.contains("cannot reach the server") && msg.contains(uri.toString()), msg);
    assertFalse(Files.exists(out.resolve("summary.json")), "no run may start");
  }
}
