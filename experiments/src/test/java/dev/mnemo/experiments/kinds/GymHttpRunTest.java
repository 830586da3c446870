package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnemo.experiments.cli.MnemoCli;
import dev.mnemo.experiments.cli.Wiring;
import dev.mnemo.gymhttp.GymHttpEnv;
import dev.mnemo.gymhttp.GymHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mnemo run} with {@code env = "gym-http://..."}: the run's env steps go through a Gym HTTP server. */
class GymHttpRunTest {

  @TempDir
  Path tmp;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int mnemo(String... args) {
    return MnemoCli.execute(Wiring.standard(), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  private Path config(String env) throws IOException {
    Path f = tmp.resolve("gym.conf");
    Files.writeString(f, "kind = r2d2\nruntime = sync\nenv = \"" + env + "\"\nnum_envs = 2\nburn_in = 2\n"
        + "trace_length = 4\nsequence_period = 2\nn_step = 2\ngamma = 0.9\nencoder_sizes = [8]\n"
        + "lstm_size = 8\nhead_size = 8\nbatch_size = 4\nreplay_capacity = 200\nmin_replay_size = 8\n"
        + "samples_per_insert = 1\nactor_refresh_steps = 10\ntotal_env_steps = 300\neval_interval = 300\n"
        + "eval_episodes = 2\n");
    return f;
  }

  @Test
  void synchronousR2d2RunStepsItsEnvsThroughAGymHttpServer() throws IOException {
    try (GymHttpServer server = GymHttpServer.start(0)) {
      Path out = tmp.resolve("run");
      int code = mnemo("run", config(GymHttpEnv.id(server.uri(), "tmaze?length=3")).toString(),
          "--out", out.toString());
      assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
      JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
      assertEquals("completed", s.get("status").asText(), s.toString());
      assertEquals(300, s.get("env_steps").asLong(), s.toString());
      assertTrue(server.stepsServed() >= 300, "training steps went through HTTP: " + server.stepsServed());
    }
  }

  @Test
  void anUnreachableServerIsAConfigErrorNamingItsAddress() throws IOException {
    GymHttpServer gone = GymHttpServer.start(0);
    URI uri = gone.uri();
    gone.close();
    Path out = tmp.resolve("never");
    int code = mnemo("run", config(GymHttpEnv.id(uri, "tmaze")).toString(), "--out", out.toString());
    String msg = err.toString(StandardCharsets.UTF_8);
    assertEquals(MnemoCli.USAGE, code, msg);
    assertTrue(msg.contains("cannot reach the server") && msg.contains(uri.toString()), msg);
    assertFalse(Files.exists(out.resolve("summary.json")), "no run may start");
  }
}
