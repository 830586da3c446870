package dev.mnemo.gymhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.Step;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requests that openai/gym-http-api's reference client ({@code gym_http_client.py}) sends, written here
 * byte for byte as it sends them (its {@code json.dumps} bodies: {@code ", "} and {@code ": "} separators,
 * {@code null} for a call without data, no body on a GET), against the real server, each reply checked the
 * way that client and the reference {@code tests/test_api.py} read it. A reply is parsed as the client's
 * {@code _parse_server_error_or_raise_for_status} does: a non-200 with a {@code message} is a
 * {@code ServerError(message, status)}, any other status >= 400 an HTTP error, and a reply that is not
 * JSON (the 204s) an empty dict.
 */
class PythonClientSequenceTest {

  @TempDir
  Path root;

  private static final HttpClient REQUESTS = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** What the Python client makes of one reply. */
  record Reply(int status, Map<String, Object> json, String error) {
    Object get(String key) {
      assertNotNull(json, "no JSON reply (status " + status + ", error " + error + ")");
      assertTrue(json.containsKey(key), "the client reads resp['" + key + "'], reply was " + json);
      return json.get(key);
    }
  }

  /** {@code session.get(url)} or {@code session.post(url, data=body)} with {@code Content-type: application/json}. */
  private static Reply call(URI base, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Content-type", "application/json");
    b = method.equals("GET") ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<byte[]> r = REQUESTS.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    Map<String, Object> json = null;
    try {
      Object v = Json.readValue(r.body(), r.body().length);
      if (v instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> cast = (Map<String, Object>) m;
        json = cast;
      }
    } catch (IllegalArgumentException notJson) {
      json = null;
    }
    String error = null;
    if (r.statusCode() != 200 && json != null && json.containsKey("message")) {
      error = "ServerError: " + json.get("message");
    } else if (r.statusCode() >= 400) {
      error = "HTTPError " + r.statusCode();
    }
    return new Reply(r.statusCode(), json == null ? Map.of() : json, error);
  }

  private static void ok(Reply r) {
    assertTrue(r.error() == null && r.status() / 100 == 2, "the client raises: " + r);
  }

  private static void serverError(Reply r, int status, String text) {
    assertEquals(status, r.status(), r.toString());
    assertTrue(r.error() != null && r.error().startsWith("ServerError: ") && r.error().contains(text),
        "expected ServerError(" + status + ") mentioning '" + text + "', got " + r);
  }

  @Test
  void theReferenceClientsRequestsGetTheRepliesItExpects() throws Exception {
    try (GymHttpServer server = GymHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        EnvRegistry::make, 0L, GymHttpServer.Options.DEFAULTS.withMonitorRoot(root))) {
      URI base = server.uri();
      // env_create
      Reply r = call(base, "POST", "/v1/envs/", "{\"env_id\": \"cartpole\"}");
      ok(r);
      String id = (String) r.get("instance_id");
      assertTrue(id.matches("[0-9a-f]{8}"), id);
      // env_list_all
      r = call(base, "GET", "/v1/envs/", null);
      ok(r);
      assertEquals(Map.of(id, "cartpole"), r.get("all_envs"));
      // env_action_space_info
      r = call(base, "GET", "/v1/envs/" + id + "/action_space/", null);
      ok(r);
      assertEquals(Map.of("name", "Discrete", "n", 2L), r.get("info"));
      // env_action_space_sample
      r = call(base, "GET", "/v1/envs/" + id + "/action_space/sample", null);
      ok(r);
      long sample = (Long) r.get("action");
      assertTrue(sample >= 0 && sample < 2, "sample " + sample);
      // env_action_space_contains
      for (int x = 0; x < 3; x++) {
        r = call(base, "GET", "/v1/envs/" + id + "/action_space/contains/" + x, null);
        ok(r);
        assertEquals(x < 2, r.get("member"), "contains " + x);
      }
      // env_observation_space_info
      r = call(base, "GET", "/v1/envs/" + id + "/observation_space/", null);
      ok(r);
      @SuppressWarnings("unchecked")
      Map<String, Object> obsInfo = (Map<String, Object>) r.get("info");
      assertEquals("Box", obsInfo.get("name"));
      assertEquals(List.of(4L), obsInfo.get("shape"));
      assertEquals(4, ((List<?>) obsInfo.get("low")).size());
      assertEquals(4, ((List<?>) obsInfo.get("high")).size());
      // env_observation_space_contains (test_api.py's three, and two that are not members)
      for (String params : new String[] {"{\"name\": \"Box\"}", "{\"shape\": [4]}", "{\"name\": \"Box\", \"shape\": [4]}"}) {
        r = call(base, "POST", "/v1/envs/" + id + "/observation_space/contains", params);
        ok(r);
        assertEquals(Boolean.TRUE, r.get("member"), params);
      }
      for (String params : new String[] {"{\"name\": \"Discrete\"}", "{\"shape\": [5]}"}) {
        r = call(base, "POST", "/v1/envs/" + id + "/observation_space/contains", params);
        ok(r);
        assertEquals(Boolean.FALSE, r.get("member"), params);
      }
      // env_monitor_start(instance_id, directory='tmp', force=True)
      r = call(base, "POST", "/v1/envs/" + id + "/monitor/start/",
          "{\"directory\": \"tmp\", \"force\": true, \"resume\": false, \"video_callable\": false}");
      ok(r);
      assertEquals(204, r.status());
      // env_reset: data=None is posted as the text null
      r = call(base, "POST", "/v1/envs/" + id + "/reset/", "null");
      ok(r);
      List<?> first = (List<?>) r.get("observation");
      assertEquals(4, first.size());
      Env local = EnvRegistry.make("cartpole");
      Step expected = local.reset(Seeds.episodeSeed(0L, 0, 0));
      for (int i = 0; i < 4; i++) {
        assertEquals(expected.obs[i], ((Number) first.get(i)).floatValue(), "unseeded reset follows the server seed");
      }
      // env_step(instance_id, 1, True), then render=False until the episode ends
      r = call(base, "POST", "/v1/envs/" + id + "/step/", "{\"action\": 1, \"render\": true}");
      ok(r);
      assertEquals(4, ((List<?>) r.get("observation")).size());
      assertInstanceOf(Double.class, r.get("reward"), "type(reward) == float");
      assertInstanceOf(Boolean.class, r.get("done"), "type(done) == bool");
      assertInstanceOf(Map.class, r.get("info"), "type(info) == dict");
      int length = 1;
      double ret = (Double) r.get("reward");
      while (!(Boolean) r.get("done")) {
        r = call(base, "POST", "/v1/envs/" + id + "/step/", "{\"action\": " + (length % 3 == 0 ? 1 : 0)
            + ", \"render\": false}");
        ok(r);
        length++;
        ret += (Double) r.get("reward");
        assertTrue(length < 600, "cartpole ends");
      }
      // env_monitor_close: the episode's statistics are in the directory, in Gym's Monitor files
      r = call(base, "POST", "/v1/envs/" + id + "/monitor/close/", "null");
      ok(r);
      Path dir = root.resolve("tmp");
      List<String> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.map(p -> p.getFileName().toString()).sorted().toList();
      }
      assertEquals(List.of("openaigym.episode_batch.0." + id + ".stats.json",
          "openaigym.manifest.0." + id + ".manifest.json"), files);
      byte[] stats = Files.readAllBytes(dir.resolve(files.get(0)));
      @SuppressWarnings("unchecked")
      Map<String, Object> st = (Map<String, Object>) Json.readValue(stats, stats.length);
      assertEquals(List.of((long) length), st.get("episode_lengths"));
      assertEquals(List.of(ret), st.get("episode_rewards"));
      assertEquals(List.of("t"), st.get("episode_types"));
      assertEquals(1, ((List<?>) st.get("timestamps")).size());
      String manifest = Files.readString(dir.resolve(files.get(1)));
      assertTrue(manifest.contains("\"stats\":\"" + files.get(0) + "\"") && manifest.contains("\"env_id\":\"cartpole\""),
          manifest);
      // monitor_start again without force or resume: Gym's rule, the directory already holds monitor files
      r = call(base, "POST", "/v1/envs/" + id + "/monitor/start/", "{\"directory\": \"tmp\", \"force\": false,"
          + " \"resume\": false, \"video_callable\": false}");
      serverError(r, 400, "already holds 2 monitor file(s)");
      r = call(base, "POST", "/v1/envs/" + id + "/monitor/start/", "{\"directory\": \"../outside\", \"force\": true,"
          + " \"resume\": false, \"video_callable\": false}");
      serverError(r, 400, "outside the server's monitor root");
      // upload(training_dir='tmp'): api_key from the environment, None here
      r = call(base, "POST", "/v1/upload/", "{\"training_dir\": \"tmp\", \"algorithm_id\": null, \"api_key\": null}");
      serverError(r, 501, "upload is not supported");
      // shutdown_server: refused unless the server was started to allow it
      r = call(base, "POST", "/v1/shutdown/", "null");
      serverError(r, 403, "--allow-shutdown");
      // env_close
      r = call(base, "POST", "/v1/envs/" + id + "/close/", "null");
      ok(r);
      r = call(base, "GET", "/v1/envs/", null);
      assertEquals(Map.of(), r.get("all_envs"), "test_create_destroy: gone from the listing");
    }
  }

  @Test
  void usageErrorsAreServerErrorsNamingTheProblem() throws Exception {
    try (GymHttpServer server = GymHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        EnvRegistry::make, 0L, GymHttpServer.Options.DEFAULTS.withMonitorRoot(root))) {
      URI base = server.uri();
      // test_bad_instance_id: every call on an unknown instance is a 400 naming Instance_id
      String[][] calls = {
        {"POST", "/v1/envs/bad_id/reset/", "null"},
        {"POST", "/v1/envs/bad_id/step/", "{\"action\": 1, \"render\": false}"},
        {"GET", "/v1/envs/bad_id/action_space/", null},
        {"GET", "/v1/envs/bad_id/observation_space/", null},
        {"POST", "/v1/envs/bad_id/monitor/start/", "{\"directory\": \"tmp\", \"force\": true, \"resume\": false,"
            + " \"video_callable\": false}"},
        {"POST", "/v1/envs/bad_id/monitor/close/", "null"},
        {"POST", "/v1/envs/bad_id/close/", "null"},
      };
      for (String[] c : calls) {
        serverError(call(base, c[0], c[1], c[2]), 400, "Instance_id bad_id unknown");
      }
      // test_missing_param_env_id, test_create_malformed
      serverError(call(base, "POST", "/v1/envs/", "{}"), 400, "'env_id'");
      serverError(call(base, "POST", "/v1/envs/", "{\"env_id\": \"bad string\"}"), 400, "malformed environment ID");
      String id = (String) call(base, "POST", "/v1/envs/", "{\"env_id\": \"cartpole\"}").get("instance_id");
      call(base, "POST", "/v1/envs/" + id + "/reset/", "null");
      // test_missing_param_action, test_missing_param_monitor_directory
      serverError(call(base, "POST", "/v1/envs/" + id + "/step/", "{}"), 400, "'action'");
      serverError(call(base, "POST", "/v1/envs/" + id + "/monitor/start/", "{\"force\": true, \"resume\": false}"),
          400, "'directory'");
      serverError(call(base, "POST", "/v1/envs/" + id + "/observation_space/contains", "null"), 400,
          "JSON object of space properties");
    }
  }

  @Test
  void shutdownStopsAServerStartedToAllowIt() throws Exception {
    GymHttpServer server = GymHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        EnvRegistry::make, 0L, GymHttpServer.Options.DEFAULTS.withAllowShutdown(true).withMonitorRoot(root));
    try {
      URI base = server.uri();
      String id = (String) call(base, "POST", "/v1/envs/", "{\"env_id\": \"cartpole\"}").get("instance_id");
      call(base, "POST", "/v1/envs/" + id + "/monitor/start/", "{\"directory\": \"run\", \"force\": true,"
          + " \"resume\": false, \"video_callable\": false}");
      Reply r = call(base, "POST", "/v1/shutdown/", "null");
      ok(r);
      assertEquals("Server shutting down", r.get("message"));
      assertTrue(server.awaitClosed(5, TimeUnit.SECONDS), "the server stops after replying");
      Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> call(base, "GET", "/v1/envs/", null));
      assertTrue(e instanceof ConnectException || e.getCause() instanceof ConnectException
          || e instanceof java.io.IOException, "no longer listening: " + e);
      assertTrue(Files.exists(root.resolve("run").resolve("openaigym.manifest.0." + id + ".manifest.json")),
          "running monitors are written when the server stops");
      assertEquals(0, server.instanceCount());
    } finally {
      server.close();
    }
  }

  @Test
  void aRelayedDiscreteObservationSpaceIsServedAsDiscrete() throws Exception {
    // A GymHttpEnv knows its remote space is Discrete(16) (it one-hots it); served again, it is Discrete(16)
    // with integer observations, as the Python server serves FrozenLake (test_api.py: init_obs == 0).
    try (ScriptedGymServer python = new ScriptedGymServer()) {
      python.probe("{\"n\": 4, \"name\": \"Discrete\"}", "{\"n\": 16, \"name\": \"Discrete\"}")
          .then("POST", "/v1/envs/", 200, "{\"instance_id\": \"aa\"}")
          .then("POST", "/aa/reset/", 200, "{\"observation\": 0}")
          .then("POST", "/aa/step/", 200, "{\"done\": false, \"info\": {\"prob\": 0.3333333333333333}, "
              + "\"observation\": 4, \"reward\": 0.0}")
          .then("POST", "/aa/close/", 204, "");
      String remoteId = "gym-http://" + python.uri().getAuthority() + "/FrozenLake-v1";
      try (GymHttpServer relay = GymHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
          EnvRegistry::make, 0L, GymHttpServer.Options.DEFAULTS)) {
        URI base = relay.uri();
        String id = (String) call(base, "POST", "/v1/envs/", "{\"env_id\": \"" + remoteId + "\"}").get("instance_id");
        assertEquals(Map.of("name", "Discrete", "n", 16L),
            call(base, "GET", "/v1/envs/" + id + "/observation_space/", null).get("info"));
        assertEquals(0L, call(base, "POST", "/v1/envs/" + id + "/reset/", "null").get("observation"));
        Reply r = call(base, "POST", "/v1/envs/" + id + "/step/", "{\"action\": 2, \"render\": false}");
        assertEquals(4L, r.get("observation"), "type(observation) == int");
        assertEquals(Boolean.TRUE, call(base, "POST", "/v1/envs/" + id + "/observation_space/contains",
            "{\"name\": \"Discrete\", \"n\": 16}").get("member"));
        ok(call(base, "POST", "/v1/envs/" + id + "/close/", "null"));
        assertEquals(0, python.remaining(), "closing the served instance closed the relayed one upstream");
      }
    }
  }
}
