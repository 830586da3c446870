package dev.mnemo.gymhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.EnvRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code serve-gym} cannot be stalled or flooded: clients that send half a request and stop hold no thread
 * and delay nobody; timeouts close them; bodies, instances and connections are capped, each with its own
 * answer (413, 429, 503). Loopback only, real sockets.
 */
class ServerLimitsTest {

  private static GymHttpServer start(GymHttpServer.Options options) throws IOException {
    return GymHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), EnvRegistry::make, 0L,
        options);
  }

  /** Raw socket that writes {@code text} and then stays silent. */
  private static Socket stall(GymHttpServer server, String text) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
    s.setSoTimeout(5_000);
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return s;
  }

  /** Everything the server sends until it closes the connection (or {@code SO_TIMEOUT}). */
  private static String readToEnd(Socket s) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      for (int r; (r = in.read(buf)) >= 0; ) {
        b.write(buf, 0, r);
      }
    } catch (SocketTimeoutException e) {
      return b.toString(StandardCharsets.ISO_8859_1) + "<no EOF within SO_TIMEOUT>";
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static final String[] HALF_REQUESTS = {
    "POST /v1/en", // half a request line
    "POST /v1/envs/ HTTP/1.1\r\nHost: x\r\nContent-Type: app", // headers never end
    "POST /v1/envs/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"env_id\": \"cart", // body cut short
    "POST /v1/envs/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"env", // chunks cut short
  };

  @Test
  void clientsThatSendHalfARequestDelayNobodyElse() throws Exception {
    // The read timeout is far longer than the test: the others are served because a stalled client holds
    // no thread, not because it was timed out. (Before, the dispatcher thread blocked in the stalled read
    // and every other client waited for ever.)
    for (int threads : new int[] {0, 2}) {
      try (GymHttpServer server = start(GymHttpServer.Options.DEFAULTS.withThreads(threads)
          .withReadTimeout(Duration.ofSeconds(30)))) {
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          stalled.add(stall(server, HALF_REQUESTS[i % HALF_REQUESTS.length]));
        }
        long t0 = System.nanoTime();
        try (GymHttpEnv env = GymHttpEnv.fromId(GymHttpEnv.id(server.uri(), "cartpole") + "?timeoutMs=5000")) {
          env.reset(1);
          for (int t = 0; t < 50; t++) {
            if (env.step(t & 1).done()) {
              env.reset(t);
            }
          }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 5, threads + " threads: create, 50 steps and close with 20 stalled clients took "
            + seconds + " s");
        assertTrue(server.connectionCount() >= 20, "the stalled connections are still open (not timed out): "
            + server.connectionCount());
        for (Socket s : stalled) {
          assertEquals(0, s.getInputStream().available(), "a stalled client got no answer yet");
          s.close();
        }
      }
    }
  }

  @Test
  void aRequestNotReceivedWithinTheReadTimeoutIsAnswered408AndClosed() throws Exception {
    try (GymHttpServer server = start(GymHttpServer.Options.DEFAULTS.withReadTimeout(Duration.ofMillis(300)))) {
      List<Socket> stalled = new ArrayList<>();
      for (String half : HALF_REQUESTS) {
        stalled.add(stall(server, half));
      }
      long t0 = System.nanoTime();
      for (Socket s : stalled) {
        String reply = readToEnd(s);
        assertTrue(reply.startsWith("HTTP/1.1 408 Request Timeout") && reply.contains("within 300 ms")
            && reply.contains("Connection: close") && !reply.endsWith("SO_TIMEOUT>"), reply);
        s.close();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertTrue(seconds > 0.25 && seconds < 3, "timed out after " + seconds + " s (timeout 0.3 s)");
      // A slow but steady client (one byte every 100 ms) is bounded too: the deadline counts from its first byte.
      Socket drip = new Socket(InetAddress.getLoopbackAddress(), server.port());
      drip.setSoTimeout(5_000);
      byte[] request = "GET /v1/envs/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      boolean cut = false;
      for (int i = 0; i < request.length; i++) {
        try {
          drip.getOutputStream().write(request[i]);
          drip.getOutputStream().flush();
        } catch (IOException closedByServer) {
          cut = true;
          break;
        }
        Thread.sleep(100);
        if (drip.getInputStream().available() > 0) {
          cut = true;
          break;
        }
      }
      assertTrue(cut && readToEnd(drip).startsWith("HTTP/1.1 408"), "a dripping client is cut at the deadline");
      drip.close();
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (GymHttpServer server = start(GymHttpServer.Options.DEFAULTS.withIdleTimeout(Duration.ofMillis(200)))) {
      Socket s = stall(server, "GET /v1/envs/ HTTP/1.1\r\nHost: x\r\n\r\n");
      long t0 = System.nanoTime();
      String reply = readToEnd(s);
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertTrue(reply.startsWith("HTTP/1.1 200 OK") && reply.contains("\"all_envs\"")
          && !reply.endsWith("SO_TIMEOUT>"), reply);
      assertTrue(seconds > 0.15 && seconds < 3, "closed " + seconds + " s after its request (idle timeout 0.2 s)");
      s.close();
      assertEquals(0, server.connectionCount());
    }
  }

  @Test
  void oversizedBodiesAreAnswered413WithoutBeingRead() throws Exception {
    try (GymHttpServer server = start(GymHttpServer.Options.DEFAULTS.withMaxBodyBytes(1024))) {
      // Announced size: answered from the headers alone, the 10 MB never sent.
      Socket s = stall(server, "POST /v1/envs/ HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
      String reply = readToEnd(s);
      assertTrue(reply.startsWith("HTTP/1.1 413 Content Too Large") && reply.contains("10000000 bytes")
          && reply.contains("limit of 1024 bytes"), reply);
      s.close();
      // Chunked: refused once the chunks add up past the limit.
      StringBuilder chunks = new StringBuilder("POST /v1/envs/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 3; i++) {
        chunks.append("200\r\n").append("x".repeat(512)).append("\r\n");
      }
      s = stall(server, chunks.toString());
      reply = readToEnd(s);
      assertTrue(reply.startsWith("HTTP/1.1 413") && reply.contains("larger than 1024 bytes"), reply);
      s.close();
      // Within the limit (chunked too) a body is served.
      String body = "{\"env_id\": \"cartpole\"}";
      s = stall(server, "POST /v1/envs/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
          + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
      reply = readToEnd(s);
      assertTrue(reply.startsWith("HTTP/1.1 200 OK") && reply.contains("\"instance_id\""), reply);
      s.close();
    }
  }

  @Test
  void aThousandConcurrentCreatesEachGetAnInstanceOrA429() throws Exception {
    int cap = 50;
    try (GymHttpServer server = start(GymHttpServer.Options.DEFAULTS.withMaxInstances(cap).withThreads(2))) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool).build();
      URI create = server.uri().resolve("/v1/envs/");
      List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < 1000; i++) {
        replies.add(http.sendAsync(HttpRequest.newBuilder(create).timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString("{\"env_id\": \"bandit\"}")).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      int ok = 0;
      int refused = 0;
      for (CompletableFuture<HttpResponse<String>> f : replies) {
        HttpResponse<String> r = f.get(25, TimeUnit.SECONDS);
        if (r.statusCode() == 200) {
          assertTrue(r.body().contains("\"instance_id\""), r.body());
          ok++;
        } else {
          assertEquals(429, r.statusCode(), r.body());
          assertTrue(r.body().contains("too many env instances") && r.body().contains("at most " + cap), r.body());
          refused++;
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      pool.shutdownNow();
      assertEquals(cap, ok, "exactly the cap gets an instance");
      assertEquals(1000 - cap, refused);
      assertEquals(cap, server.instanceCount());
      assertTrue(seconds < 20, "1000 creates answered in " + seconds + " s");
      // Closing one frees its place.
      HttpClient raw = HttpClient.newHttpClient();
      String listing = raw.send(HttpRequest.newBuilder(create).GET().build(), HttpResponse.BodyHandlers.ofString())
          .body();
      String someId = listing.replaceAll("^\\{\"all_envs\":\\{\"([0-9a-f]+)\".*", "$1");
      assertEquals(204, raw.send(HttpRequest.newBuilder(server.uri().resolve("/v1/envs/" + someId + "/close/"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(200, raw.send(HttpRequest.newBuilder(create)
          .POST(HttpRequest.BodyPublishers.ofString("{\"env_id\": \"bandit\"}")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }

  @Test
  void connectionsBeyondTheCapAreAnswered503() throws Exception {
    try (GymHttpServer server = start(GymHttpServer.Options.DEFAULTS.withMaxConnections(3))) {
      List<Socket> held = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        held.add(stall(server, ""));
      }
      for (int i = 0; i < 50 && server.connectionCount() < 3; i++) {
        Thread.sleep(10);
      }
      Socket extra = stall(server, "GET /v1/envs/ HTTP/1.1\r\nHost: x\r\n\r\n");
      String reply = readToEnd(extra);
      assertTrue(reply.startsWith("HTTP/1.1 503") && reply.contains("too many connections (at most 3)"), reply);
      extra.close();
      held.get(0).close();
      for (int i = 0; i < 50 && server.connectionCount() >= 3; i++) {
        Thread.sleep(10);
      }
      Socket next = stall(server, "GET /v1/envs/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertTrue(readToEnd(next).startsWith("HTTP/1.1 200"), "served again once a connection closed");
      next.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void expectContinueAndPipelinedRequestsAreServedInOrder() throws Exception {
    try (GymHttpServer server = start(GymHttpServer.Options.DEFAULTS)) {
      String body = "{\"env_id\": \"cartpole\"}";
      Socket s = stall(server, "POST /v1/envs/ HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
          + body.length() + "\r\n\r\n");
      byte[] interim = new byte[25];
      assertEquals(25, s.getInputStream().readNBytes(interim, 0, 25));
      assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(interim, StandardCharsets.US_ASCII));
      // The body, then two more requests in the same write: answered one after the other.
      s.getOutputStream().write((body + "GET /v1/envs/ HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /v1/nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String replies = readToEnd(s);
      int created = replies.indexOf("\"instance_id\"");
      int listed = replies.indexOf("\"all_envs\":{\"");
      int missing = replies.indexOf("HTTP/1.1 404");
      assertTrue(replies.startsWith("HTTP/1.1 200") && created > 0 && listed > created && missing > listed
          && !replies.endsWith("SO_TIMEOUT>"), replies);
      s.close();
    }
  }
}
