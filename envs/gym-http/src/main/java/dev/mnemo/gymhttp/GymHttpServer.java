package dev.mnemo.gymhttp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.Step;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Serves Mnemo environments over the Gym HTTP protocol (openai/gym-http-api), so that a Python client
 * ({@code gym_http_client.py}) or {@link GymHttpEnv} can step POPGym tasks, T-Mazes or bandits.
 *
 * <p>Routes, as gym-http-api: {@code POST /v1/envs/} {@code {"env_id"}} → {@code {"instance_id"}};
 * {@code GET /v1/envs/} → {@code {"all_envs"}}; under {@code /v1/envs/ID/}: {@code POST reset/} →
 * {@code {"observation"}}, {@code POST step/} {@code {"action"}} → {@code {"observation", "reward",
 * "done", "info"}}, {@code GET action_space/} and {@code GET observation_space/} → {@code {"info"}},
 * {@code GET action_space/sample}, {@code GET action_space/contains/X}, {@code POST close/} → 204.
 * Errors answer 400 (404 for an unknown route) with {@code {"message"}}, as gym-http-api does.
 *
 * <p>Beyond the original protocol, and ignored by clients that do not know them: a reset body
 * {@code {"seed": s}} seeds the episode (without one, episode e of instance i gets
 * {@code Seeds.episodeSeed(serverSeed, i, e)}, so a server run is reproducible); a step reply carries
 * {@code terminated} and {@code truncated} beside {@code done}, and {@code info["TimeLimit.truncated"]}
 * is true exactly when the step truncated without terminating (Gym's TimeLimit convention). Observations
 * are nested lists in the env's observation shape; floats are written so that they parse back to the
 * same bits. The observation space is a {@code Box} with bounds ±1e100 (Mnemo envs declare none; that is
 * gym-http-api's spelling of infinity).
 *
 * <p>Binds 127.0.0.1 unless told otherwise. Each instance is served by one thread at a time; with a
 * thread pool, different instances run in parallel.
 */
public final class GymHttpServer implements AutoCloseable {

  private final HttpServer http;
  private final ExecutorService executor;
  private final Function<String, Env> factory;
  private final long seed;
  private final Map<String, Instance> instances = new ConcurrentHashMap<>();
  private final AtomicLong created = new AtomicLong();
  private final AtomicLong steps = new AtomicLong();

  private GymHttpServer(HttpServer http, ExecutorService executor, Function<String, Env> factory, long seed) {
    this.http = http;
    this.executor = executor;
    this.factory = factory;
    this.seed = seed;
  }

  /** Serves every registry env ({@link EnvRegistry#make}) on 127.0.0.1:{@code port} (0 = any free port). */
  public static GymHttpServer start(int port) throws IOException {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), EnvRegistry::make, 0L, 0);
  }

  /**
   * @param address where to listen (port 0 = any free port)
   * @param factory makes the env for a client's {@code env_id}; {@link IllegalArgumentException} means an
   *     unknown id and is reported to the client with its message
   * @param seed master seed of the episodes whose reset carries no seed
   * @param threads request threads; 0 (the default of {@link #start(int)}) lets the server's dispatcher
   *     thread serve every request itself: no hand-off per step, one request at a time, right for Mnemo's
   *     envs whose steps take microseconds (one warmed-up client measured 4.2-4.3k steps/s with it and
   *     2.6-5.4k with a 4-thread pool on the shared 2-core machine); a pool serves several clients of
   *     slow envs in parallel
   */
  public static GymHttpServer start(InetSocketAddress address, Function<String, Env> factory, long seed,
      int threads) throws IOException {
    if (threads < 0) {
      throw new IllegalArgumentException("gym-http server threads must be >= 0 (0 = the dispatcher thread"
          + " serves every request), got " + threads);
    }
    if (factory == null || address == null) {
      throw new IllegalArgumentException("gym-http server needs an address and an env factory");
    }
    // The JDK server writes a reply's headers and body in two packets; with Nagle on, the body waits for
    // the client's delayed ACK (~40 ms a step on Linux). Its only switch is this property, read once
    // when the server classes load, so it is set before the first server (unless the user set it).
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    HttpServer http;
    try {
      http = HttpServer.create(address, 64);
    } catch (IOException e) {
      throw new IOException("gym-http server cannot listen on " + address + ": " + e.getMessage(), e);
    }
    AtomicLong threadCount = new AtomicLong();
    ExecutorService executor = threads == 0 ? null : Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "gym-http-server-" + threadCount.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    GymHttpServer server = new GymHttpServer(http, executor, factory, seed);
    http.createContext("/", server::handle);
    http.setExecutor(executor); // null: the dispatcher thread serves every request itself
    http.start();
    return server;
  }

  /** {@code http://HOST:PORT} of this server. */
  public URI uri() {
    InetSocketAddress a = http.getAddress();
    String host = a.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** Instances created and not yet closed. */
  public int instanceCount() {
    return instances.size();
  }

  /** Env steps served since start, over every instance. */
  public long stepsServed() {
    return steps.get();
  }

  /** Stops listening at once and forgets every instance. */
  @Override
  public void close() {
    http.stop(0);
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    instances.clear();
  }

  /** One env instance: its env, its reply buffer, and the counters that seed unseeded episodes. */
  private static final class Instance {
    final String id;
    final String envId;
    final long index;
    final Env env;
    final EnvSpec spec;
    final int[] shape;
    final JsonWriter out = new JsonWriter(256);
    final JsonReader in = new JsonReader();
    final SplittableRandom sampler;
    byte[] body = new byte[256];
    long episodes;

    Instance(String id, String envId, long index, Env env, long samplerSeed) {
      this.id = id;
      this.envId = envId;
      this.index = index;
      this.env = env;
      this.spec = env.spec();
      this.shape = spec.obsShape();
      this.sampler = new SplittableRandom(samplerSeed);
    }
  }

  /** A client error: answered with this status and {@code {"message"}}. */
  private static final class Usage extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    Usage(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      route(ex);
    } catch (Usage u) {
      error(ex, u.status, u.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The env's own checks (bad action, step after the end, ...) and malformed JSON: the client's fault.
      error(ex, 400, e.getMessage());
    } catch (RuntimeException e) {
      error(ex, 500, "internal error: " + e);
    } finally {
      ex.close();
    }
  }

  private void route(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getPath();
    List<String> seg = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        seg.add(s);
      }
    }
    if (seg.size() < 2 || !seg.get(0).equals("v1") || !seg.get(1).equals("envs")) {
      throw new Usage(404, "no route " + method + " " + path + "; the Gym HTTP API lives under /v1/envs/");
    }
    if (seg.size() == 2) {
      if (method.equals("POST")) {
        create(ex);
      } else if (method.equals("GET")) {
        listAll(ex);
      } else {
        throw new Usage(405, "method " + method + " not allowed on " + path + "; use POST or GET");
      }
      return;
    }
    String id = seg.get(2);
    Instance inst = instances.get(id);
    if (inst == null) {
      throw new Usage(400, "Instance_id " + id + " unknown");
    }
    String action = seg.size() > 3 ? seg.get(3) : "";
    synchronized (inst) {
      if (!instances.containsKey(id)) { // closed by a concurrent request while this one waited
        throw new Usage(400, "Instance_id " + id + " unknown");
      }
      switch (action) {
        case "reset" -> {
          need(method, "POST", path);
          reset(ex, inst);
        }
        case "step" -> {
          need(method, "POST", path);
          step(ex, inst);
        }
        case "action_space" -> {
          need(method, "GET", path);
          actionSpace(ex, inst, seg);
        }
        case "observation_space" -> {
          need(method, "GET", path);
          observationSpace(ex, inst);
        }
        case "close" -> {
          need(method, "POST", path);
          instances.remove(id);
          ex.sendResponseHeaders(204, -1);
        }
        default -> throw new Usage(404, "no route " + method + " " + path + " for instance " + id
            + "; valid: reset/, step/, action_space/, observation_space/, close/");
      }
    }
  }

  private static void need(String method, String expected, String path) {
    if (!method.equals(expected)) {
      throw new Usage(405, "method " + method + " not allowed on " + path + "; use " + expected);
    }
  }

  private void create(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    JsonReader in = new JsonReader().reset(body, body.length);
    String envId = null;
    if (in.peek() == '{') {
      in.beginObject();
      while (in.nextMember()) {
        if (in.nameIs("env_id") && in.peek() == '"') {
          envId = in.readString();
        } else {
          in.skipValue();
        }
      }
    }
    if (envId == null || envId.isBlank()) {
      throw new Usage(400, "A required request parameter 'env_id' was not provided");
    }
    Env env;
    try {
      env = factory.apply(envId);
    } catch (IllegalArgumentException e) {
      throw new Usage(400, "Attempted to look up malformed environment ID '" + envId + "': " + e.getMessage());
    }
    long index = created.getAndIncrement();
    String id;
    Instance inst;
    // Random ids, as gym-http-api's: a client still holding an id from before a server restart must get
    // "unknown" rather than silently drive another client's instance. Episodes are seeded by the
    // instance's index, so reproducibility does not depend on the id.
    do {
      id = String.format("%08x", java.util.concurrent.ThreadLocalRandom.current().nextInt());
      inst = new Instance(id, envId, index, env, Seeds.combine(seed ^ 0x5A5A5A5AL, index));
    } while (instances.putIfAbsent(id, inst) != null);
    JsonWriter out = new JsonWriter(64).beginObject().name("instance_id").value(id).endObject();
    reply(ex, 200, out);
  }

  private void listAll(HttpExchange ex) throws IOException {
    JsonWriter out = new JsonWriter(256).beginObject().name("all_envs").beginObject();
    boolean first = true;
    for (Instance inst : instances.values()) {
      if (!first) {
        out.comma();
      }
      first = false;
      out.value(inst.id).raw(':').value(inst.envId);
    }
    reply(ex, 200, out.endObject().endObject());
  }

  private void reset(HttpExchange ex, Instance inst) throws IOException {
    int n = readBody(ex, inst);
    long episodeSeed = Seeds.episodeSeed(seed, (int) inst.index, inst.episodes);
    JsonReader in = inst.in.reset(inst.body, n);
    if (in.peek() == '{') {
      in.beginObject();
      while (in.nextMember()) {
        if (in.nameIs("seed") && !in.readNullIfPresent()) {
          try {
            episodeSeed = in.readLong();
          } catch (IllegalArgumentException e) {
            throw new Usage(400, inst.envId + ": reset 'seed' must be an integer (a long), got "
                + JsonReader.snippet(inst.body, n) + " (" + e.getMessage() + ")");
          }
        } else {
          in.skipValue();
        }
      }
    }
    inst.episodes++;
    Step s = inst.env.reset(episodeSeed);
    JsonWriter out = inst.out.clear().beginObject().name("observation");
    writeObservation(out, s.obs, inst.shape, 0, 0);
    reply(ex, 200, out.endObject());
  }

  private void step(HttpExchange ex, Instance inst) throws IOException {
    int n = readBody(ex, inst);
    JsonReader in = inst.in.reset(inst.body, n);
    long action = Long.MIN_VALUE;
    if (in.peek() == '{') {
      in.beginObject();
      while (in.nextMember()) {
        if (in.nameIs("action")) {
          if (in.peek() == '[' || in.peek() == '"' || in.peek() == '{') {
            throw new Usage(400, inst.envId + ": action must be an integer in [0, " + inst.spec.numActions()
                + "), got " + JsonReader.snippet(inst.body, n));
          }
          double a = in.readDouble();
          if (a != Math.rint(a) || Math.abs(a) > Integer.MAX_VALUE) {
            throw new Usage(400, inst.envId + ": action must be an integer in [0, " + inst.spec.numActions()
                + "), got " + a);
          }
          action = (long) a;
        } else {
          in.skipValue();
        }
      }
    }
    if (action == Long.MIN_VALUE) {
      throw new Usage(400, "A required request parameter 'action' was not provided");
    }
    Step s = inst.env.step((int) action);
    steps.incrementAndGet();
    JsonWriter out = inst.out.clear().beginObject().name("observation");
    writeObservation(out, s.obs, inst.shape, 0, 0);
    out.comma().name("reward").value(s.reward)
        .comma().name("done").value(s.done())
        .comma().name("info").beginObject().name("TimeLimit.truncated").value(s.truncated && !s.terminated)
        .endObject()
        .comma().name("terminated").value(s.terminated)
        .comma().name("truncated").value(s.truncated);
    reply(ex, 200, out.endObject());
  }

  private void actionSpace(HttpExchange ex, Instance inst, List<String> seg) throws IOException {
    int numActions = inst.spec.numActions();
    JsonWriter out = inst.out.clear().beginObject();
    if (seg.size() == 4) {
      out.name("info").beginObject().name("name").value("Discrete").comma().name("n").value((long) numActions)
          .endObject();
    } else if (seg.size() == 5 && seg.get(4).equals("sample")) {
      out.name("action").value((long) inst.sampler.nextInt(numActions));
    } else if (seg.size() == 6 && seg.get(4).equals("contains")) {
      boolean member;
      try {
        long x = Long.parseLong(seg.get(5));
        member = x >= 0 && x < numActions;
      } catch (NumberFormatException e) {
        member = false;
      }
      out.name("member").value(member);
    } else {
      throw new Usage(404, "no route " + String.join("/", seg) + "; valid: action_space/, action_space/sample,"
          + " action_space/contains/X");
    }
    reply(ex, 200, out.endObject());
  }

  private void observationSpace(HttpExchange ex, Instance inst) throws IOException {
    int size = inst.spec.obsSize();
    JsonWriter out = inst.out.clear().beginObject().name("info").beginObject()
        .name("name").value("Box").comma().name("shape").beginArray();
    for (int i = 0; i < inst.shape.length; i++) {
      if (i > 0) {
        out.comma();
      }
      out.value((long) inst.shape[i]);
    }
    out.endArray().comma().name("low").beginArray();
    for (int i = 0; i < size; i++) {
      out.raw(i == 0 ? "-1e100" : ",-1e100");
    }
    out.endArray().comma().name("high").beginArray();
    for (int i = 0; i < size; i++) {
      out.raw(i == 0 ? "1e100" : ",1e100");
    }
    reply(ex, 200, out.endArray().endObject().endObject());
  }

  /** Writes {@code obs} as nested lists following {@code shape} (row-major), returns the next offset. */
  private static int writeObservation(JsonWriter out, float[] obs, int[] shape, int dim, int offset) {
    out.beginArray();
    for (int i = 0; i < shape[dim]; i++) {
      if (i > 0) {
        out.comma();
      }
      if (dim == shape.length - 1) {
        out.value(obs[offset++]);
      } else {
        offset = writeObservation(out, obs, shape, dim + 1, offset);
      }
    }
    out.endArray();
    return offset;
  }

  /** Reads the request body into the instance's reused buffer; returns its length. */
  private static int readBody(HttpExchange ex, Instance inst) throws IOException {
    InputStream is = ex.getRequestBody();
    int n = 0;
    while (true) {
      if (n == inst.body.length) {
        if (n >= 1 << 20) {
          throw new Usage(400, "request body larger than 1 MiB");
        }
        inst.body = Arrays.copyOf(inst.body, n * 2);
      }
      int r = is.read(inst.body, n, inst.body.length - n);
      if (r < 0) {
        return n;
      }
      n += r;
    }
  }

  private static void reply(HttpExchange ex, int status, JsonWriter out) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length());
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out.buffer(), 0, out.length());
    }
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    String text = message == null ? "(no message)" : message;
    reply(ex, status, new JsonWriter(text.length() + 32).beginObject().name("message").value(text).endObject());
  }
}
