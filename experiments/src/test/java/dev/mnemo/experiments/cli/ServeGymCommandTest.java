package dev.mnemo.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Step;
import dev.mnemo.experiments.bench.BenchRegistry;
import dev.mnemo.experiments.run.RunKindRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code mnemo serve-gym} serves registry envs that a gym-http:// id (as `mnemo run` uses) can step. */
class ServeGymCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int mnemo(String... args) {
    Registries none = new Registries(new RunKindRegistry(), new BenchRegistry(), List::of);
    return MnemoCli.execute(none, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  @Test
  void servesRegistryEnvsToAGymHttpIdUntilItsTimeIsUp() throws Exception {
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
        () -> mnemo("serve-gym", "--port", "0", "--seconds", "4"));
    Pattern idLine = Pattern.compile("env = \"(gym-http://127\\.0\\.0\\.1:\\d+/tmaze%3Flength%3D10)\"");
    String id = null;
    for (int i = 0; i < 200 && id == null; i++) {
      Matcher m = idLine.matcher(out.toString(StandardCharsets.UTF_8));
      if (m.find()) {
        id = m.group(1);
      } else {
        Thread.sleep(20);
      }
    }
    assertTrue(id != null, "serve-gym must print a gym-http id; stdout: " + out + " stderr: " + err);
    Env remote = EnvRegistry.make(id);
    Env local = EnvRegistry.make("tmaze?length=10");
    assertArrayEquals(local.reset(5).obs.clone(), remote.reset(5).obs, "first observation of seed 5");
    Step r = remote.step(0);
    Step l = local.step(0);
    assertEquals(l.reward, r.reward, "reward of the same step");
    assertEquals(0, exit.get(10, TimeUnit.SECONDS), "exit code; stderr: " + err);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("stopped after serving 1 steps"), out.toString());
  }

  @Test
  void aPortOutOfRangeIsBadUsageNamingTheValue() {
    assertEquals(MnemoCli.USAGE, mnemo("serve-gym", "--port", "70000"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--port must be in [0, 65535], got 70000"),
        err.toString(StandardCharsets.UTF_8));
  }
}
