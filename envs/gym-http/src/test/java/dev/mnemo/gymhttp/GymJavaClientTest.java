package dev.mnemo.gymhttp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mashape.unirest.http.Unirest;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.Step;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.gym.Client;
import org.deeplearning4j.gym.ClientFactory;
import org.deeplearning4j.gym.StepReply;
import org.deeplearning4j.rl4j.space.Box;
import org.deeplearning4j.rl4j.space.DiscreteSpace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gym-JavaClient ({@code org.deeplearning4j:gym-java-client} 1.0.0-beta6, the last on Maven Central; Unirest
 * and org.json underneath) drives the server {@code mnemo serve-gym} runs: create, spaces, reset, step,
 * listing, monitor, close and shutdown, with observations equal to the env stepped in-process.
 */
class GymJavaClientTest {

  @TempDir
  Path root;

  @Test
  void gymJavaClientDrivesTheServerThroughAnEpisode() throws Exception {
    GymHttpServer server = GymHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        EnvRegistry::make, 5L, GymHttpServer.Options.DEFAULTS.withMonitorRoot(root).withAllowShutdown(true));
    try {
      String url = server.uri().toString();
      Client<Box, Integer, DiscreteSpace> client = ClientFactory.build(url, "cartpole", false);
      String id = client.getInstanceId();
      assertEquals(1, server.instanceCount(), "one instance created by ClientFactory.build");
      assertEquals(2, client.getActionSpace().getSize(), "action space: Discrete(2)");
      assertEquals("Box", client.getObservationSpace().getName());
      assertArrayEquals(new int[] {4}, client.getObservationSpace().getShape());
      assertTrue(client.listAll().contains(id), "listAll (which reads 'envs') names the instance");

      client.monitorStart("monitor", true, false);
      Env local = EnvRegistry.make("cartpole");
      Step expected = local.reset(Seeds.episodeSeed(5L, 0, 0)); // instance 0, episode 0 of server seed 5
      assertFloats(expected.obs, client.reset().toArray(), "reset");
      int steps = 0;
      boolean done = false;
      while (!done) {
        int action = steps % 3 == 0 ? 1 : 0;
        StepReply<Box> r = client.step(action);
        Step l = local.step(action);
        assertFloats(l.obs, r.getObservation().toArray(), "step " + steps);
        assertEquals(l.reward, r.getReward(), 0.0, "reward of step " + steps);
        assertEquals(l.done(), r.isDone(), "done of step " + steps);
        assertEquals(l.truncated && !l.terminated, r.getInfo().getBoolean("TimeLimit.truncated"));
        done = r.isDone();
        steps++;
      }
      client.monitorClose();
      String stats = Files.readString(root.resolve("monitor").resolve("openaigym.episode_batch.0." + id
          + ".stats.json"));
      assertTrue(stats.contains("\"episode_lengths\":[" + steps + "]"), stats);

      // Gym-JavaClient 1.0.0-beta6 has no call for closing an instance; its own HTTP stack (Unirest) does it.
      assertEquals(204, Unirest.post(url + "/v1/envs/" + id + "/close/").header("content-type", "application/json")
          .body("{}").asString().getStatus());
      assertEquals(0, server.instanceCount());
      assertTrue(!client.listAll().contains(id));

      client.serverShutdown();
      assertTrue(server.awaitClosed(5, TimeUnit.SECONDS), "serverShutdown() stops a server that allows it");
    } finally {
      server.close();
    }
  }

  private static void assertFloats(float[] expected, double[] got, String what) {
    assertEquals(expected.length, got.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], (float) got[i], what + ": observation[" + i + "]");
    }
  }
}
