package dev.mnemo.gymhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Error paths through the real server and client: each message names what went wrong and where. */
class GymHttpErrorsTest {

  private static GymHttpServer server;
  private static final HttpClient RAW = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startServer() throws Exception {
    server = GymHttpServer.start(0);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static HttpResponse<String> raw(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(path));
    b = method.equals("GET") ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(body));
    return RAW.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String createRaw(String envId) throws Exception {
    HttpResponse<String> r = raw("POST", "/v1/envs/", "{\"env_id\": \"" + envId + "\"}");
    assertEquals(200, r.statusCode(), r.body());
    return r.body().replaceAll(".*\"instance_id\":\"([0-9a-f]+)\".*", "$1");
  }

  @Test
  void unknownEnvIdIsReportedWithTheServersMessageAndTheUrl() {
    GymHttpException e = assertThrows(GymHttpException.class,
        () -> EnvRegistry.make(GymHttpEnv.id(server.uri(), "tmaze-typo")));
    assertEquals(400, e.status());
    String m = e.getMessage();
    assertTrue(m.contains("POST " + server.uri() + "/v1/envs/") && m.contains("env 'tmaze-typo'")
        && m.contains("malformed environment ID 'tmaze-typo'") && m.contains("unknown env id 'tmaze-typo'")
        && m.contains("valid ids"), m);
  }

  @Test
  void badActionsAreRefusedByTheClientAndByTheServer() throws Exception {
    Env env = EnvRegistry.make(GymHttpEnv.id(server.uri(), "tmaze?length=3"));
    env.reset(1);
    String m = assertThrows(IllegalArgumentException.class, () -> env.step(4)).getMessage();
    assertTrue(m.contains("action 4 out of range [0, 4)") && m.contains("gym-http://"), m);

    String id = createRaw("tmaze?length=3");
    assertEquals(200, raw("POST", "/v1/envs/" + id + "/reset/", "").statusCode());
    HttpResponse<String> r = raw("POST", "/v1/envs/" + id + "/step/", "{\"action\": 9}");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("action 9 out of range [0, 4)"), r.body());
    r = raw("POST", "/v1/envs/" + id + "/step/", "{\"action\": 1.5}");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("action must be an integer") && r.body().contains("1.5"), r.body());
    r = raw("POST", "/v1/envs/" + id + "/reset/", "{\"seed\": 2.5}");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("reset 'seed' must be an integer") && r.body().contains("2.5"), r.body());
    r = raw("POST", "/v1/envs/" + id + "/step/", "{\"render\": false}");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("'action' was not provided"), r.body());
    ((GymHttpEnv) env).close();
  }

  @Test
  void unknownInstanceIsReportedByNameToRawAndClientCalls() throws Exception {
    HttpResponse<String> r = raw("POST", "/v1/envs/deadbeef/step/", "{\"action\": 0}");
    assertEquals(400, r.statusCode());
    assertEquals("{\"message\":\"Instance_id deadbeef unknown\"}", r.body());

    GymHttpEnv env = GymHttpEnv.fromId(GymHttpEnv.id(server.uri(), "popgym/RepeatFirst-Easy"));
    env.reset(3);
    String instance = env.instanceId();
    assertEquals(204, raw("POST", "/v1/envs/" + instance + "/close/", "").statusCode(), "closed behind its back");
    GymHttpException e = assertThrows(GymHttpException.class, () -> env.step(0));
    assertTrue(e.getMessage().contains("Instance_id " + instance + " unknown")
        && e.getMessage().contains("/v1/envs/" + instance + "/step/") && e.getMessage().contains("HTTP 400"),
        e.getMessage());
  }

  @Test
  void unknownRoutesAndMethodsAreAnsweredWithTheValidOnes() throws Exception {
    HttpResponse<String> r = raw("GET", "/v2/things", "");
    assertEquals(404, r.statusCode());
    assertTrue(r.body().contains("/v1/envs/"), r.body());
    String id = createRaw("cartpole");
    r = raw("GET", "/v1/envs/" + id + "/step/", "");
    assertEquals(405, r.statusCode());
    assertTrue(r.body().contains("use POST"), r.body());
    r = raw("POST", "/v1/envs/" + id + "/render/", "");
    assertEquals(404, r.statusCode());
    assertTrue(r.body().contains("reset/, step/"), r.body());
  }

  @Test
  void aServerThatIsDownIsNamedWithItsAddress() throws Exception {
    GymHttpServer gone = GymHttpServer.start(0);
    URI uri = gone.uri();
    gone.close();
    GymHttpException e = assertThrows(GymHttpException.class,
        () -> EnvRegistry.make(GymHttpEnv.id(uri, "cartpole")));
    assertEquals(0, e.status(), "no HTTP answer");
    assertTrue(e.getMessage().contains("cannot reach the server") && e.getMessage().contains(uri.toString())
        && e.getMessage().contains("env 'cartpole'"), e.getMessage());
  }

  @Test
  void aSlowServerTimesOutAfterTheConfiguredBound() throws Exception {
    Env slow = new Env() {
      private final EnvSpec spec = EnvSpec.flat("slow", 1, 2, 0);
      private final Step step = new Step(1);

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
        try {
          Thread.sleep(2_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return step.set(0f, false, false);
      }
    };
    try (GymHttpServer s = GymHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        id -> slow, 0L, 2)) {
      GymHttpEnv env = GymHttpEnv.fromId(GymHttpEnv.id(s.uri(), "slow") + "?timeoutMs=300");
      env.reset(0);
      GymHttpException e = assertThrows(GymHttpException.class, () -> env.step(1));
      assertTrue(e.getMessage().contains("no reply within 300 ms") && e.getMessage().contains("/step/"),
          e.getMessage());
    }
  }

  @Test
  void malformedIdsAreRejectedBeforeAnyRequest() {
    String m = assertThrows(IllegalArgumentException.class,
        () -> EnvRegistry.make("gym-http://127.0.0.1:5000/")).getMessage();
    assertTrue(m.contains("names no environment") && m.contains("gym-http://HOST:PORT/ENV_ID"), m);
    m = assertThrows(IllegalArgumentException.class,
        () -> EnvRegistry.make("gym-http://127.0.0.1:5000/CartPole-v1?maxStep=5")).getMessage();
    assertTrue(m.contains("unknown parameter 'maxStep'") && m.contains("maxSteps"), m);
    m = assertThrows(IllegalArgumentException.class,
        () -> EnvRegistry.make("gym-http://127.0.0.1:5000/CartPole-v1?timeoutMs=0")).getMessage();
    assertTrue(m.contains("'timeoutMs' must be an integer >= 1, got '0'"), m);
  }

  @Test
  void idsRoundTripMnemoQueriesAndGymSlashes() {
    URI uri = URI.create("http://127.0.0.1:5000");
    String id = GymHttpEnv.id(uri, "tmaze?length=50&maxSteps=9");
    assertEquals("gym-http://127.0.0.1:5000/tmaze%3Flength%3D50%26maxSteps%3D9", id);
    assertEquals("tmaze?length=50&maxSteps=9", GymHttpEnv.parseId(id + "?maxSteps=9").envId());
    assertEquals(9, GymHttpEnv.parseId(id + "?maxSteps=9").options().maxEpisodeSteps());
    assertEquals("ALE/Pong-v5", GymHttpEnv.parseId("gym-http://localhost/ALE/Pong-v5").envId());
    assertEquals(URI.create("http://localhost:5000"), GymHttpEnv.parseId("gym-http://localhost/X-v0").server(),
        "gym-http-api's port 5000 by default");
  }

  @Test
  void probingLeavesNoInstanceAndCloseRemovesTheWorkingOne() {
    int before = server.instanceCount();
    GymHttpEnv env = GymHttpEnv.fromId(GymHttpEnv.id(server.uri(), "bandit"));
    assertEquals(before, server.instanceCount(), "the probe instance is closed by the constructor");
    assertNull(env.instanceId(), "no working instance before the first reset");
    env.reset(0);
    assertEquals(before + 1, server.instanceCount());
    env.close();
    assertEquals(before, server.instanceCount(), "close() closes the working instance");
    String m = assertThrows(IllegalStateException.class, () -> env.reset(1)).getMessage();
    assertTrue(m.contains("after close()"), m);
  }

  @Test
  void anEnvDroppedWithoutCloseHasItsInstanceClosedWhenCollected() throws Exception {
    try (GymHttpServer own = GymHttpServer.start(0)) { // other tests' unclosed envs must not count here
      openAndDrop(own.uri());
      assertEquals(1, own.instanceCount(), "the dropped env's working instance is still open");
      // Evaluators build fresh envs every round and never close them: the Cleaner must close them.
      for (int i = 0; i < 200 && own.instanceCount() > 0; i++) {
        System.gc();
        Thread.sleep(25);
      }
      assertEquals(0, own.instanceCount(), "the instance of a collected env is closed on the server");
    }
  }

  private static void openAndDrop(URI uri) {
    EnvRegistry.make(GymHttpEnv.id(uri, "tmaze")).reset(0);
  }

  @Test
  void steppingAfterTheEpisodeEndedThrowsLikeEveryEnv() {
    Env env = EnvRegistry.make(GymHttpEnv.id(server.uri(), "bandit?arms=2&pulls=1"));
    env.reset(0);
    assertTrue(env.step(0).done(), "a one-pull trial ends at once");
    String m = assertThrows(IllegalStateException.class, () -> env.step(0)).getMessage();
    assertTrue(m.contains("call reset(seed) first"), m);
  }
}
