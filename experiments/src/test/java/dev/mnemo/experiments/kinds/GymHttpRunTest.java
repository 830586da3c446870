package dev.mnemo.experiments.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnemo.experiments.cli.MnemoCli;
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
    }
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
