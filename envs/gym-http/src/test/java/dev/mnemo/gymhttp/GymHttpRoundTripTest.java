package dev.mnemo.gymhttp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.Step;
import dev.mnemo.envs.VectorEnv;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A trajectory through the real server and client is bit-identical to the same env stepped in-process. */
class GymHttpRoundTripTest {

  private static GymHttpServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = GymHttpServer.start(0);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static String remote(String id) {
    return GymHttpEnv.id(server.uri(), id);
  }

  /** Steps both envs with the same seeded random actions; returns {terminations, truncations}. */
  private static int[] compare(String id, int steps, long seed) {
    Env local = EnvRegistry.make(id);
    Env http = EnvRegistry.make(remote(id));
    assertInstanceOf(GymHttpEnv.class, http, "the registry hands gym-http:// ids to this module");
    assertArrayEquals(local.spec().obsShape(), http.spec().obsShape(), id + ": observation shape");
    assertEquals(local.spec().numActions(), http.spec().numActions(), id + ": actions");
    SplittableRandom actions = new SplittableRandom(seed);
    int episode = 0;
    int[] ends = new int[2];
    expectSame(id, -1, local.reset(seed), http.reset(seed));
    for (int t = 0; t < steps; t++) {
      int a = actions.nextInt(local.spec().numActions());
      Step l = local.step(a);
      Step h = http.step(a);
      expectSame(id, t, l, h);
      if (l.done()) {
        ends[0] += l.terminated ? 1 : 0;
        ends[1] += l.truncated ? 1 : 0;
        episode++;
        expectSame(id, t, local.reset(seed + episode), http.reset(seed + episode));
      }
    }
    ((GymHttpEnv) http).close();
    return ends;
  }

  private static void expectSame(String id, int t, Step local, Step http) {
    for (int i = 0; i < local.obs.length; i++) {
      if (Float.floatToRawIntBits(local.obs[i]) != Float.floatToRawIntBits(http.obs[i])) {
        throw new AssertionError(id + " step " + t + ": obs[" + i + "] in-process " + local.obs[i]
            + " vs HTTP " + http.obs[i]);
      }
    }
    assertEquals(Float.floatToRawIntBits(local.reward), Float.floatToRawIntBits(http.reward),
        id + " step " + t + ": reward in-process " + local.reward + " vs HTTP " + http.reward);
    assertEquals(local.terminated, http.terminated, id + " step " + t + ": terminated");
    assertEquals(local.truncated, http.truncated, id + " step " + t + ": truncated");
  }

  @Test
  void tMazeTrajectoryWithTerminationsAndTruncationsIsBitIdentical() {
    int[] ends = compare("tmaze?length=3&maxSteps=6", 400, 11);
    assertTrue(ends[0] > 0 && ends[1] > 0, "the trajectory must contain both ends, got terminated="
        + ends[0] + " truncated=" + ends[1]);
  }

  @Test
  void continuousObservationTrajectoriesAreBitIdentical() {
    // Real-valued observations (CartPole state, pendulum cos/sin, observation noise) exercise the float
    // text round trip; 300 steps cross several episodes.
    compare("cartpole?maxSteps=30", 300, 5);
    compare("cartpole/noisy-position-only?sigma=0.3", 300, 6);
    compare("popgym/PositionOnlyPendulum-Easy", 250, 7);
  }

  @Test
  void cardAndMetaRlTrajectoriesAreBitIdentical() {
    compare("popgym/RepeatPrevious-Easy", 200, 8);
    compare("bandit?arms=3&pulls=5", 100, 9);
  }

  @Test
  void resetsWithoutASeedFollowTheServersSeedStream() throws Exception {
    // What a Python gym-http-api client does: reset with a "null" body. Episode e of the server's
    // instance i is then seeded Seeds.episodeSeed(serverSeed, i, e), so a server run is reproducible.
    String id = "cartpole"; // a continuous random start state: another seed cannot match by chance
    try (GymHttpServer own = GymHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        EnvRegistry::make, 7L, 0)) {
      HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String created = post(raw, own.uri().resolve("/v1/envs/"), "{\"env_id\": \"" + id + "\"}");
      String instance = created.replaceAll(".*\"instance_id\":\"([0-9a-f]+)\".*", "$1");
      Env local = EnvRegistry.make(id);
      for (int episode = 0; episode < 3; episode++) {
        String reply = post(raw, own.uri().resolve("/v1/envs/" + instance + "/reset/"), "null");
        float[] obs = new float[local.spec().obsSize()];
        assertTrue(new StepJson().readResetReply(reply.getBytes(StandardCharsets.UTF_8), obs, false), reply);
        assertArrayEquals(local.reset(Seeds.episodeSeed(7L, 0, episode)).obs, obs, "episode " + episode);
      }
    }
  }

  private static String post(HttpClient http, URI uri, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  @Test
  void vectorEnvOverHttpMatchesTheInProcessVectorEnv() {
    String id = "popgym/CountRecall-Easy";
    VectorEnv local = new VectorEnv(id, 3, 99);
    VectorEnv http = new VectorEnv(remote(id), 3, 99);
    int obsSize = local.spec().obsSize();
    float[] lo = new float[3 * obsSize];
    float[] ho = new float[3 * obsSize];
    float[] lr = new float[3];
    float[] hr = new float[3];
    boolean[] lte = new boolean[3];
    boolean[] hte = new boolean[3];
    boolean[] ltr = new boolean[3];
    boolean[] htr = new boolean[3];
    int[] actions = new int[3];
    local.reset(lo);
    http.reset(ho);
    SplittableRandom rng = new SplittableRandom(3);
    for (int t = 0; t < 150; t++) {
      for (int i = 0; i < 3; i++) {
        actions[i] = rng.nextInt(local.spec().numActions());
      }
      local.step(actions, lo, lr, lte, ltr);
      http.step(actions, ho, hr, hte, htr);
      assertArrayEquals(lo, ho, "vector step " + t + ": observations (auto-reset seeds included)");
      assertArrayEquals(lr, hr, "vector step " + t + ": rewards");
      assertArrayEquals(lte, hte, "vector step " + t + ": terminated");
      assertArrayEquals(ltr, htr, "vector step " + t + ": truncated");
    }
    assertTrue(local.completedEpisodes(0) > 0, "the run must cross an episode boundary");
  }
}
