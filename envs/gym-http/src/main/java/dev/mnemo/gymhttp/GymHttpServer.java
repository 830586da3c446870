package dev.mnemo.gymhttp;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvRegistry;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Serves Mnemo environments over the Gym HTTP protocol (openai/gym-http-api), so that a Python client
 * ({@code gym_http_client.py}), Gym-JavaClient or {@link GymHttpEnv} can step POPGym tasks, T-Mazes or
 * bandits.
 *
 * <p>Routes, as gym-http-api's {@code gym_http_server.py}: {@code POST /v1/envs/} {@code {"env_id"[,
 * "seed"]}} → {@code {"instance_id"}}; {@code GET /v1/envs/} → {@code {"all_envs"}}; under
 * {@code /v1/envs/ID/}: {@code POST reset/} → {@code {"observation"}}, {@code POST step/}
 * {@code {"action"[, "render"]}} → {@code {"observation", "reward", "done", "info"}},
 * {@code GET action_space/} and {@code GET observation_space/} → {@code {"info"}},
 * {@code GET action_space/sample} → {@code {"action"}}, {@code GET action_space/contains/X} and
 * {@code POST observation_space/contains} → {@code {"member"}}, {@code POST monitor/start/},
 * {@code POST monitor/close/} and {@code POST close/} → 204; {@code POST /v1/upload/} → 501 (OpenAI's
 * upload service is gone); {@code POST /v1/shutdown/} → stops the server when {@link Options#allowShutdown}
 * (else 403). Errors answer 400 (404 unknown route, 405 wrong method, 413 body too large, 429 too many
 * instances) with {@code {"message"}}, as gym-http-api does.
 *
 * <p>Spaces: actions are {@code Discrete(n)}. Observations are a {@code Box} of the env's shape with bounds
 * ±1e100 (gym-http-api's spelling of infinity): {@code EnvSpec} declares a shape and no bounds and no
 * "this vector is a one-hot", so a Mnemo env whose observation happens to be a one-hot (RepeatPrevious,
 * HigherLower, ...) cannot be told apart from one whose observation is a real vector. The one env that
 * does know is a {@link GymHttpEnv} relaying a remote {@code Discrete(n)} space: that one is served as
 * {@code Discrete(n)}, its observations as integers.
 *
 * <p>Beyond the original protocol, and ignored by clients that do not know them: a reset body
 * {@code {"seed": s}} seeds the episode (without one, episode e of instance i gets
 * {@code Seeds.episodeSeed(serverSeed, i, e)}, or {@code Seeds.episodeSeed(s, 0, e)} for an instance
 * created with {@code "seed": s}, so a server run is reproducible); a step reply carries {@code terminated}
 * and {@code truncated} beside {@code done}, and {@code info["TimeLimit.truncated"]} is true exactly when
 * the step truncated without terminating (Gym's TimeLimit convention); {@code GET /v1/envs/} also carries
 * the list under {@code "envs"}, the name Gym-JavaClient reads, and {@code POST /v1/envs/shutdown/} (where
 * Gym-JavaClient sends its shutdown) is {@code /v1/shutdown/}. Floats are written so that they parse back
 * to the same bits.
 *
 * <p>Robustness ({@link Options}): requests are read by {@link HttpCore} without tying up a thread, with a
 * read timeout per request, an idle timeout per connection, a cap on body size (413), on connections (503)
 * and on live instances (429). Binds 127.0.0.1 unless told otherwise. Each instance is served by one
 * thread at a time; with a thread pool, different instances run in parallel.
 */
public final class GymHttpServer implements AutoCloseable {

  /**
   * Server settings.
   *
   * @param threads request threads; 0 lets the selector thread run every request itself (no hand-off,
   *     one request at a time: right for Mnemo's envs whose steps take microseconds); a pool serves several
   *     clients of slow envs in parallel. Either way, a client that sends half a request holds no thread.
   * @param readTimeout time allowed for a whole request to arrive once its first byte did (then 408), and
   *     for a reply to be taken by the client
   * @param idleTimeout a keep-alive connection with no request in progress is closed after this
   * @param maxBodyBytes larger request bodies are answered 413 without being read
   * @param maxInstances creates beyond this many live instances are answered 429
   * @param maxConnections connections beyond this many are answered 503 and closed
   * @param allowShutdown whether {@code POST /v1/shutdown/} may stop the server (gym-http-api's test
   *     harness uses it); off by default, since any client could then stop it
   * @param monitorRoot {@code monitor/start/} directories are resolved against it and must lie inside it
   */
  public record Options(int threads, Duration readTimeout, Duration idleTimeout, int maxBodyBytes,
      int maxInstances, int maxConnections, boolean allowShutdown, Path monitorRoot) {

    /** 0 threads, 10 s read, 60 s idle, 1 MiB bodies, 1024 instances and connections, no shutdown, cwd. */
    public static final Options DEFAULTS = new Options(0, Duration.ofSeconds(10), Duration.ofSeconds(60),
        1 << 20, 1024, 1024, false, Path.of(""));

    public Options {
      if (threads < 0 || readTimeout == null || readTimeout.toMillis() <= 0 || idleTimeout == null
          || idleTimeout.toMillis() <= 0 || maxBodyBytes < 0 || maxInstances <= 0 || maxConnections <= 0
          || monitorRoot == null) {
        throw new IllegalArgumentException("gym-http server options: threads >= 0, timeouts >= 1 ms,"
            + " maxBodyBytes >= 0, maxInstances and maxConnections > 0, a monitor root; got threads=" + threads
            + " readTimeout=" + readTimeout + " idleTimeout=" + idleTimeout + " maxBodyBytes=" + maxBodyBytes
            + " maxInstances=" + maxInstances + " maxConnections=" + maxConnections);
      }
      monitorRoot = monitorRoot.toAbsolutePath().normalize();
    }

    public Options withThreads(int t) {
      return new Options(t, readTimeout, idleTimeout, maxBodyBytes, maxInstances, maxConnections,
          allowShutdown, monitorRoot);
    }

    public Options withReadTimeout(Duration d) {
      return new Options(threads, d, idleTimeout, maxBodyBytes, maxInstances, maxConnections, allowShutdown,
          monitorRoot);
    }

    public Options withIdleTimeout(Duration d) {
      return new Options(threads, readTimeout, d, maxBodyBytes, maxInstances, maxConnections, allowShutdown,
          monitorRoot);
    }

    public Options withMaxBodyBytes(int n) {
      return new Options(threads, readTimeout, idleTimeout, n, maxInstances, maxConnections, allowShutdown,
          monitorRoot);
    }

    public Options withMaxInstances(int n) {
      return new Options(threads, readTimeout, idleTimeout, maxBodyBytes, n, maxConnections, allowShutdown,
          monitorRoot);
    }

    public Options withMaxConnections(int n) {
      return new Options(threads, readTimeout, idleTimeout, maxBodyBytes, maxInstances, n, allowShutdown,
          monitorRoot);
    }

    public Options withAllowShutdown(boolean b) {
      return new Options(threads, readTimeout, idleTimeout, maxBodyBytes, maxInstances, maxConnections, b,
          monitorRoot);
    }

    public Options withMonitorRoot(Path p) {
      return new Options(threads, readTimeout, idleTimeout, maxBodyBytes, maxInstances, maxConnections,
          allowShutdown, p);
    }
  }

  private final HttpCore http;
  private final Function<String, Env> factory;
  private final long seed;
  private final Options options;
  private final Map<String, Instance> instances = new ConcurrentHashMap<>();
  private final AtomicInteger live = new AtomicInteger();
  private final AtomicLong created = new AtomicLong();
  private final AtomicLong steps = new AtomicLong();
  private final AtomicLong monitors = new AtomicLong();

  private GymHttpServer(InetSocketAddress address, Function<String, Env> factory, long seed, Options options)
      throws IOException {
    this.factory = factory;
    this.seed = seed;
    this.options = options;
    HttpCore.Limits limits = new HttpCore.Limits(options.threads(), options.readTimeout().toMillis(),
        options.idleTimeout().toMillis(), options.maxBodyBytes(), options.maxConnections());
    try {
      this.http = new HttpCore(address, limits, this::handle, Json::message);
    } catch (IOException e) {
      throw new IOException("gym-http server cannot listen on " + address + ": " + e.getMessage(), e);
    }
  }

  /** Serves every registry env ({@link EnvRegistry#make}) on 127.0.0.1:{@code port} (0 = any free port). */
  public static GymHttpServer start(int port) throws IOException {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), EnvRegistry::make, 0L,
        Options.DEFAULTS);
  }

  /** {@link #start(InetSocketAddress, Function, long, Options)} with default options and {@code threads}. */
  public static GymHttpServer start(InetSocketAddress address, Function<String, Env> factory, long seed,
      int threads) throws IOException {
    if (threads < 0) {
      throw new IllegalArgumentException("gym-http server threads must be >= 0 (0 = the selector thread"
          + " serves every request), got " + threads);
    }
    return start(address, factory, seed, Options.DEFAULTS.withThreads(threads));
  }

  /**
   * @param address where to listen (port 0 = any free port)
   * @param factory makes the env for a client's {@code env_id}; {@link IllegalArgumentException} means an
   *     unknown id and is reported to the client with its message
   * @param seed master seed of the episodes whose reset carries no seed
   */
  public static GymHttpServer start(InetSocketAddress address, Function<String, Env> factory, long seed,
      Options options) throws IOException {
    if (factory == null || address == null || options == null) {
      throw new IllegalArgumentException("gym-http server needs an address, an env factory and options");
    }
    return new GymHttpServer(address, factory, seed, options);
  }

  /** {@code http://HOST:PORT} of this server. */
  public URI uri() {
    InetSocketAddress a = http.address();
    String host = a.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
  }

  public int port() {
    return http.address().getPort();
  }

  public Options options() {
    return options;
  }

  /** Instances created and not yet closed. */
  public int instanceCount() {
    return instances.size();
  }

  /** Open client connections. */
  public int connectionCount() {
    return http.connections();
  }

  /** Env steps served since start, over every instance. */
  public long stepsServed() {
    return steps.get();
  }

  /** Stops listening at once, writes the files of running monitors and forgets every instance. */
  @Override
  public void close() {
    http.close();
    for (Instance inst : instances.values()) {
      synchronized (inst) {
        inst.close();
      }
    }
    instances.clear();
    live.set(0);
    closed.countDown();
  }

  /** Counted down at the end of {@link #close()}: listening stopped AND the running monitors written. */
  private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

  /**
   * Waits until the server has stopped (by {@link #close()} or an allowed {@code POST /v1/shutdown/}) and
   * written its running monitors' files: the transport stopping first is not enough (a caller that reads the
   * monitor files right after raced the shutdown thread).
   */
  public boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
    return closed.await(timeout, unit);
  }

  /** One env instance: its env, its JSON codec, the counters that seed unseeded episodes, its monitor. */
  private static final class Instance {
    final String id;
    final String envId;
    final long seed;
    final int index;
    final Env env;
    final EnvSpec spec;
    final int[] shape;
    final boolean discreteObs;
    final StepJson json;
    final SplittableRandom sampler;
    long episodes;
    EpisodeMonitor monitor;

    Instance(String id, String envId, long seed, int index, Env env, StepJson json, long samplerSeed) {
      this.id = id;
      this.envId = envId;
      this.seed = seed;
      this.index = index;
      this.env = env;
      this.spec = env.spec();
      this.shape = spec.obsShape();
      this.discreteObs = env instanceof GymHttpEnv g && g.discreteObservations();
      this.json = json;
      this.sampler = new SplittableRandom(samplerSeed);
    }

    /**
     * Writes a running monitor's files and closes the env if it holds resources (a {@link GymHttpEnv}
     * relaying another server closes its instance there).
     */
    void close() {
      closeMonitor();
      try {
        env.close();
      } catch (RuntimeException e) {
        // the instance is gone from this server either way
      }
    }

    void closeMonitor() {
      if (monitor != null) {
        try {
          monitor.write();
        } catch (IOException e) {
          // best effort at close; monitor/close reports write errors to the client
        }
        monitor = null;
      }
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

  private HttpCore.Response handle(HttpCore.Request req) {
    try {
      return route(req);
    } catch (Usage u) {
      return HttpCore.Response.json(u.status, Json.message(u.getMessage()));
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The env's own checks (bad action, step after the end, ...) and malformed JSON: the client's fault.
      return HttpCore.Response.json(400, Json.message(e.getMessage()));
    } catch (RuntimeException e) {
      return HttpCore.Response.json(500, Json.message("internal error: " + e));
    }
  }

  private HttpCore.Response route(HttpCore.Request req) {
    String method = req.method();
    String path = req.path();
    List<String> seg = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        seg.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
      }
    }
    if (seg.size() == 2 && seg.get(0).equals("v1") && (seg.get(1).equals("upload")
        || seg.get(1).equals("shutdown"))) {
      need(method, "POST", path);
      return seg.get(1).equals("upload") ? upload() : shutdown();
    }
    if (seg.size() == 3 && seg.get(0).equals("v1") && seg.get(1).equals("envs") && seg.get(2).equals("shutdown")
        && method.equals("POST")) {
      return shutdown(); // Gym-JavaClient's spelling (no instance id is "shutdown": ours are 8 hex digits)
    }
    if (seg.size() < 2 || !seg.get(0).equals("v1") || !seg.get(1).equals("envs")) {
      throw new Usage(404, "no route " + method + " " + path + "; the Gym HTTP API lives under /v1/envs/"
          + " (and POST /v1/upload/, /v1/shutdown/)");
    }
    if (seg.size() == 2) {
      return switch (method) {
        case "POST" -> create(req);
        case "GET" -> listAll();
        default -> throw new Usage(405, "method " + method + " not allowed on " + path + "; use POST or GET");
      };
    }
    String id = seg.get(2);
    Instance inst = instances.get(id);
    if (inst == null) {
      throw new Usage(400, "Instance_id " + id + " unknown");
    }
    String action = seg.size() > 3 ? seg.get(3) : "";
    String sub = seg.size() > 4 ? seg.get(4) : "";
    synchronized (inst) {
      if (!instances.containsKey(id)) { // closed by a concurrent request while this one waited
        throw new Usage(400, "Instance_id " + id + " unknown");
      }
      switch (action) {
        case "reset" -> {
          need(method, "POST", path);
          return reset(req, inst);
        }
        case "step" -> {
          need(method, "POST", path);
          return step(req, inst);
        }
        case "action_space" -> {
          return actionSpace(method, path, inst, seg);
        }
        case "observation_space" -> {
          if (sub.equals("contains") && seg.size() == 5) {
            need(method, "POST", path);
            return observationSpaceContains(req, inst);
          }
          need(method, "GET", path);
          if (seg.size() != 4) {
            throw new Usage(404, "no route " + method + " " + path + "; valid: GET observation_space/, POST"
                + " observation_space/contains");
          }
          return json(200, g -> {
            g.writeStartObject();
            g.writeFieldName("info");
            writeMap(g, observationSpace(inst));
            g.writeEndObject();
          });
        }
        case "monitor" -> {
          need(method, "POST", path);
          return switch (sub) {
            case "start" -> monitorStart(req, inst);
            case "close" -> monitorClose(inst);
            default -> throw new Usage(404, "no route " + method + " " + path + "; valid: monitor/start/,"
                + " monitor/close/");
          };
        }
        case "close" -> {
          need(method, "POST", path);
          instances.remove(id);
          live.decrementAndGet();
          inst.close();
          return new HttpCore.Response(204, new byte[0], 0, false);
        }
        default -> throw new Usage(404, "no route " + method + " " + path + " for instance " + id
            + "; valid: reset/, step/, action_space/, observation_space/, monitor/start/, monitor/close/,"
            + " close/");
      }
    }
  }

  private static void need(String method, String expected, String path) {
    if (!method.equals(expected)) {
      throw new Usage(405, "method " + method + " not allowed on " + path + "; use " + expected);
    }
  }

  private static HttpCore.Response json(int status, Json.Body body) {
    return HttpCore.Response.json(status, Json.write(body));
  }

  private HttpCore.Response create(HttpCore.Request req) {
    Object body = Json.readValue(req.body(), req.body().length);
    Object envIdValue = body instanceof Map<?, ?> m ? m.get("env_id") : null;
    if (!(envIdValue instanceof String envId) || envId.isBlank()) {
      throw new Usage(400, "A required request parameter 'env_id' was not provided");
    }
    Object seedValue = ((Map<?, ?>) body).get("seed");
    Long instanceSeed = null;
    if (seedValue instanceof Long s) {
      instanceSeed = s;
    } else if (seedValue != null) {
      throw new Usage(400, "create 'seed' must be an integer (a long), got " + seedValue);
    }
    if (live.incrementAndGet() > options.maxInstances()) {
      live.decrementAndGet();
      throw new Usage(429, "too many env instances: this server holds at most " + options.maxInstances()
          + " (serve-gym --max-instances); close unused ones with POST /v1/envs/ID/close/");
    }
    Env env;
    try {
      env = factory.apply(envId);
    } catch (IllegalArgumentException e) {
      live.decrementAndGet();
      throw new Usage(400, "Attempted to look up malformed environment ID '" + envId + "': " + e.getMessage());
    } catch (RuntimeException e) {
      live.decrementAndGet();
      throw e;
    }
    long index = created.getAndIncrement();
    String id;
    Instance inst;
    // Random ids, as gym-http-api's: a client still holding an id from before a server restart must get
    // "unknown" rather than silently drive another client's instance. Episodes are seeded by the
    // instance's index (or its own seed), so reproducibility does not depend on the id.
    long episodeSeedBase = instanceSeed != null ? instanceSeed : seed;
    int episodeIndex = instanceSeed != null ? 0 : (int) index;
    do {
      id = String.format("%08x", ThreadLocalRandom.current().nextInt());
      inst = new Instance(id, envId, episodeSeedBase, episodeIndex, env, new StepJson(),
          Seeds.combine(seed ^ 0x5A5A5A5AL, index));
    } while (instances.putIfAbsent(id, inst) != null);
    String instanceId = id;
    return json(200, g -> {
      g.writeStartObject();
      g.writeStringField("instance_id", instanceId);
      g.writeEndObject();
    });
  }

  private HttpCore.Response listAll() {
    Map<String, String> all = new LinkedHashMap<>();
    for (Instance inst : instances.values()) {
      all.put(inst.id, inst.envId);
    }
    return json(200, g -> {
      g.writeStartObject();
      for (String name : new String[] {"all_envs", "envs"}) {
        g.writeFieldName(name);
        g.writeStartObject();
        for (Map.Entry<String, String> e : all.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    });
  }

  private HttpCore.Response reset(HttpCore.Request req, Instance inst) {
    long episodeSeed;
    try {
      episodeSeed = inst.json.readSeed(req.body(), req.body().length,
          Seeds.episodeSeed(inst.seed, inst.index, inst.episodes));
    } catch (IllegalArgumentException e) {
      throw new Usage(400, inst.envId + ": reset 'seed' must be an integer (a long), got " + e.getMessage());
    }
    inst.episodes++;
    Step s = inst.env.reset(episodeSeed);
    if (inst.monitor != null) {
      inst.monitor.onReset();
    }
    int n = inst.json.writeObservation(s.obs, inst.shape, inst.discreteObs);
    return HttpCore.Response.json(200, Arrays.copyOf(inst.json.buffer(), n));
  }

  private HttpCore.Response step(HttpCore.Request req, Instance inst) {
    long action;
    try {
      action = inst.json.readAction(req.body(), req.body().length);
    } catch (IllegalArgumentException e) {
      throw new Usage(400, inst.envId + ": action must be an integer in [0, " + inst.spec.numActions()
          + "), got " + e.getMessage());
    }
    if (action == Long.MIN_VALUE) {
      throw new Usage(400, "A required request parameter 'action' was not provided");
    }
    Step s = inst.env.step((int) action);
    steps.incrementAndGet();
    if (inst.monitor != null) {
      inst.monitor.onStep(s.reward, s.done());
    }
    int n = inst.json.writeStep(s.obs, inst.shape, inst.discreteObs, s.reward, s.terminated, s.truncated);
    return HttpCore.Response.json(200, Arrays.copyOf(inst.json.buffer(), n));
  }

  private HttpCore.Response actionSpace(String method, String path, Instance inst, List<String> seg) {
    int numActions = inst.spec.numActions();
    if (seg.size() == 4) {
      need(method, "GET", path);
      return json(200, g -> {
        g.writeStartObject();
        g.writeFieldName("info");
        g.writeStartObject();
        g.writeStringField("name", "Discrete");
        g.writeNumberField("n", numActions);
        g.writeEndObject();
        g.writeEndObject();
      });
    }
    if (seg.size() == 5 && seg.get(4).equals("sample")) {
      // gym_http_client.py GETs it; some other clients POST: both are a sample.
      if (!method.equals("GET") && !method.equals("POST")) {
        need(method, "GET", path);
      }
      int a = inst.sampler.nextInt(numActions);
      return json(200, g -> {
        g.writeStartObject();
        g.writeNumberField("action", a);
        g.writeEndObject();
      });
    }
    if (seg.size() == 6 && seg.get(4).equals("contains")) {
      need(method, "GET", path);
      boolean member;
      try {
        long x = Long.parseLong(seg.get(5));
        member = x >= 0 && x < numActions;
      } catch (NumberFormatException e) {
        member = false;
      }
      return member(member);
    }
    throw new Usage(404, "no route " + method + " " + path + "; valid: action_space/, action_space/sample,"
        + " action_space/contains/X");
  }

  private static HttpCore.Response member(boolean member) {
    return json(200, g -> {
      g.writeStartObject();
      g.writeBooleanField("member", member);
      g.writeEndObject();
    });
  }

  /** The observation space's properties, as gym-http-api's {@code _get_space_properties}. */
  private static Map<String, Object> observationSpace(Instance inst) {
    Map<String, Object> info = new LinkedHashMap<>();
    if (inst.discreteObs) {
      info.put("name", "Discrete");
      info.put("n", (long) inst.spec.obsSize());
      return info;
    }
    info.put("name", "Box");
    List<Object> shape = new ArrayList<>();
    for (int d : inst.shape) {
      shape.add((long) d);
    }
    info.put("shape", shape);
    int size = inst.spec.obsSize();
    info.put("low", java.util.Collections.nCopies(size, -1e100));
    info.put("high", java.util.Collections.nCopies(size, 1e100));
    return info;
  }

  /**
   * Whether every property the client sent equals the space's (gym-http-api compares each key's JSON;
   * here numbers compare by value, so {@code 4} equals {@code 4.0}). An unknown key is not a member.
   */
  private static HttpCore.Response observationSpaceContains(HttpCore.Request req, Instance inst) {
    Object body = Json.readValue(req.body(), req.body().length);
    if (!(body instanceof Map<?, ?> wanted)) {
      throw new Usage(400, "observation_space/contains takes a JSON object of space properties, e.g."
          + " {\"name\": \"Box\", \"shape\": [4]}; got " + Json.snippet(req.body(), req.body().length));
    }
    Map<String, Object> info = observationSpace(inst);
    boolean member = true;
    for (Map.Entry<?, ?> e : wanted.entrySet()) {
      if (!info.containsKey(e.getKey()) || !sameJson(info.get(e.getKey()), e.getValue())) {
        member = false;
        break;
      }
    }
    return member(member);
  }

  private static boolean sameJson(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!sameJson(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a == null ? b == null : a.equals(b);
  }

  private HttpCore.Response monitorStart(HttpCore.Request req, Instance inst) {
    Object body = Json.readValue(req.body(), req.body().length);
    Map<?, ?> j = body instanceof Map<?, ?> m ? m : Map.of();
    Object dir = j.get("directory");
    if (!(dir instanceof String directory) || directory.isEmpty()) {
      throw new Usage(400, "A required request parameter 'directory' was not provided");
    }
    boolean force = Boolean.TRUE.equals(j.get("force"));
    boolean resume = Boolean.TRUE.equals(j.get("resume"));
    Path target = options.monitorRoot().resolve(directory).toAbsolutePath().normalize();
    if (!target.startsWith(options.monitorRoot())) {
      throw new Usage(400, "monitor directory '" + directory + "' lies outside the server's monitor root "
          + options.monitorRoot() + "; give a path inside it (relative paths are resolved against it)");
    }
    inst.closeMonitor();
    try {
      inst.monitor = EpisodeMonitor.start(target, force, resume, inst.envId, monitors.getAndIncrement(),
          inst.id);
    } catch (IllegalStateException e) {
      throw new Usage(400, e.getMessage());
    } catch (IOException e) {
      throw new Usage(500, "cannot start a monitor in " + target + ": " + e);
    }
    return new HttpCore.Response(204, new byte[0], 0, false);
  }

  private static HttpCore.Response monitorClose(Instance inst) {
    if (inst.monitor != null) {
      try {
        inst.monitor.write();
      } catch (IOException e) {
        throw new Usage(500, "cannot write the monitor files of instance " + inst.id + ": " + e);
      } finally {
        inst.monitor = null;
      }
    }
    return new HttpCore.Response(204, new byte[0], 0, false);
  }

  private static HttpCore.Response upload() {
    throw new Usage(501, "upload is not supported: OpenAI's Gym upload service no longer exists; the"
        + " episode statistics of monitor/start/ stay in the monitor directory on this server");
  }

  private HttpCore.Response shutdown() {
    if (!options.allowShutdown()) {
      throw new Usage(403, "shutdown is disabled on this server; start it with --allow-shutdown"
          + " (Options.allowShutdown) to let clients stop it");
    }
    byte[] reply = Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("message", "Server shutting down");
      g.writeEndObject();
    });
    // Stop once the reply is out, from a thread of its own (close() waits for the selector thread).
    Runnable stop = () -> {
      Thread t = new Thread(this::close, "gym-http-shutdown");
      t.setDaemon(true);
      t.start();
    };
    return new HttpCore.Response(200, reply, reply.length, true, stop);
  }

  private static void writeMap(com.fasterxml.jackson.core.JsonGenerator g, Map<String, Object> map)
      throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, Object> e : map.entrySet()) {
      g.writeFieldName(e.getKey());
      writeValue(g, e.getValue());
    }
    g.writeEndObject();
  }

  private static void writeValue(com.fasterxml.jackson.core.JsonGenerator g, Object v) throws IOException {
    if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof List<?> l) {
      g.writeStartArray();
      for (Object o : l) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else {
      throw new UncheckedIOException(new IOException("cannot write " + v));
    }
  }
}
