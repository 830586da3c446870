package dev.mnemo.gymhttp;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A loopback server that answers with canned replies in the exact form of the Python gym-http-api server
 * (Flask's jsonify), in order, and records every request: a stand-in for the Python server in tests.
 */
final class ScriptedGymServer implements AutoCloseable {

  /** One expected request ({@code method} on a path ending in {@code pathSuffix}) and its reply. */
  record Exchange(String method, String pathSuffix, int status, String reply) {}

  /** One request received. */
  record Request(String method, String path, String body) {}

  private final HttpServer http;
  private final Deque<Exchange> script = new ArrayDeque<>();
  final List<Request> received = new ArrayList<>();

  ScriptedGymServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    http.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Request req = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), body);
      Exchange next;
      synchronized (this) {
        received.add(req);
        next = script.poll();
      }
      int status;
      String reply;
      if (next == null || !next.method().equals(req.method()) || !req.path().endsWith(next.pathSuffix())) {
        status = 500;
        reply = "{\"message\": \"script expected " + next + ", got " + req.method() + " " + req.path() + "\"}";
      } else {
        status = next.status();
        reply = next.reply();
      }
      byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, status == 204 ? -1 : bytes.length);
      if (status != 204) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(bytes);
        }
      }
      ex.close();
    });
    http.start();
  }

  synchronized ScriptedGymServer then(String method, String pathSuffix, int status, String reply) {
    script.add(new Exchange(method, pathSuffix, status, reply));
    return this;
  }

  /** The probe the client makes on construction: create, both spaces, close. */
  ScriptedGymServer probe(String actionSpace, String observationSpace) {
    return then("POST", "/v1/envs/", 200, "{\"instance_id\": \"0badf00d\"}")
        .then("GET", "/0badf00d/action_space/", 200, "{\"info\": " + actionSpace + "}")
        .then("GET", "/0badf00d/observation_space/", 200, "{\"info\": " + observationSpace + "}")
        .then("POST", "/0badf00d/close/", 204, "");
  }

  synchronized int remaining() {
    return script.size();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
