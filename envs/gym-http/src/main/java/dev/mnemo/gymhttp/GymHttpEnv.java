package dev.mnemo.gymhttp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An environment served over the Gym HTTP protocol (openai/gym-http-api): {@code POST /v1/envs/}
 * creates an instance, then {@code /reset/}, {@code /step/}, {@code /action_space/},
 * {@code /observation_space/} and {@code /close/} drive it.
 *
 * <p>Spaces: the action space must be {@code Discrete(n)}; a {@code Box} observation of any shape is
 * flattened row-major into the float observation, a {@code Discrete(n)} observation becomes a one-hot
 * vector of n floats.
 *
 * <p>Episode ends: the protocol of gym-http-api has only {@code done}. This client reads the step reply's
 * {@code terminated}/{@code truncated} members when the server sends them ({@link GymHttpServer} does);
 * otherwise {@code done} with {@code info["TimeLimit.truncated"] == true} (what Gym's TimeLimit wrapper
 * reports) is a truncation, and any other {@code done} is a termination. A server that cuts episodes
 * short without saying so is therefore read as terminating them.
 *
 * <p>Seeds: {@link #reset(long)} sends {@code {"seed": s}}. {@link GymHttpServer} honours it; the
 * Python gym-http-api server ignores the body of a reset, so its episodes are not reproducible from here.
 *
 * <p>Lifecycle: every instance this class creates on a server is closed. The constructor creates a probe
 * instance to read the spaces and closes it before returning, whether the spaces suit or not (an env built
 * only to validate a config, or to read its spec, leaves nothing behind); the working instance is created
 * at the first reset and closed by {@link #close()}, or by a {@code Cleaner} when this object is garbage
 * collected, or, at the latest, by a JVM shutdown hook (normal exit, {@code System.exit}, SIGINT, SIGTERM)
 * that waits until this JVM's Gym HTTP traffic has been quiet for {@value #EXIT_QUIET_MS} ms (so a run
 * stopping on the same signal finishes its last steps first), at most {@code mnemo.gymhttp.exitWaitMs}
 * (default {@value #EXIT_WAIT_MS}) ms, then closes every instance still open. An instance whose close
 * request failed stays on that list for the hook to retry. {@link #openInstances()} counts them.
 *
 * <p>Per step: one request and one reply, built in reused buffers; the reply's observation is parsed
 * straight into the returned {@link Step}. What java.net.http allocates per request is the protocol's
 * cost. Not thread-safe, like every {@link Env}.
 */
public final class GymHttpEnv implements Env, AutoCloseable {

  /** The id scheme: {@code gym-http://HOST:PORT/ENV_ID?maxSteps=N&timeoutMs=T}. */
  public static final String SCHEME = "gym-http";

  // One client (one selector thread, one connection pool) for every env of the JVM, and one cleaner
  // thread: a VectorEnv of 64 remote envs must not start 64 of each. Both are thread-safe services.
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .build();
  private static final Cleaner CLEANER = Cleaner.create();

  static final long EXIT_QUIET_MS = 250;
  static final long EXIT_WAIT_MS = 15_000;
  /** Instances created by this JVM and not known to be closed: what the exit hook closes. */
  private static final Set<Remote> OPEN = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
  private static volatile long lastActivity = System.nanoTime();
  private static final AtomicBoolean EXITING = new AtomicBoolean();

  static {
    Thread hook = new Thread(GymHttpEnv::closeAllAtExit, "gym-http-close-instances");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  private final URI server;
  private final String gymEnvId;
  private final GymHttpOptions options;
  private final EnvSpec spec;
  private final boolean oneHotObs;
  private final Step step;
  private final StepJson json = new StepJson();
  private final StepJson.StepReply reply = new StepJson.StepReply();
  private Remote remote;
  private Cleaner.Cleanable cleanable;
  private URI resetUri;
  private URI stepUri;
  private boolean needsReset = true;
  private boolean closed;

  /**
   * Connects to {@code server} (e.g. {@code http://127.0.0.1:5000}), reads the spaces of {@code gymEnvId}
   * and checks that Mnemo can drive it.
   *
   * @param specId the id this env reports in its spec, normally the {@code gym-http://} id it came from
   * @throws IllegalArgumentException for a space Mnemo cannot use
   * @throws GymHttpException when the server is unreachable or rejects the env id
   */
  public GymHttpEnv(URI server, String gymEnvId, GymHttpOptions options, String specId) {
    if (server == null || server.getHost() == null || !"http".equals(server.getScheme())) {
      throw new IllegalArgumentException("gym-http server must be an http://HOST:PORT URI, got " + server);
    }
    if (gymEnvId == null || gymEnvId.isBlank()) {
      throw new IllegalArgumentException("gym-http env id must not be empty (server " + server + ")");
    }
    this.server = URI.create("http://" + server.getRawAuthority());
    this.gymEnvId = gymEnvId;
    this.options = options == null ? GymHttpOptions.DEFAULTS : options;
    Remote probe = create();
    try {
      int numActions = actionSpace(probe.instanceId);
      int[] obsShape = observationSpace(probe.instanceId);
      this.oneHotObs = obsShape[0] < 0;
      if (oneHotObs) {
        obsShape[0] = -obsShape[0];
      }
      this.spec = new EnvSpec(specId == null ? id(this.server, gymEnvId) : specId, obsShape, numActions,
          this.options.maxEpisodeSteps());
    } finally {
      try {
        closeInstance(probe);
      } catch (GymHttpException e) {
        // The spaces are known (or their error is on its way); the probe stays listed, and the exit hook
        // retries its close.
      }
    }
    this.step = new Step(spec.obsSize());
  }

  /** An env for a registry id {@code gym-http://HOST:PORT/ENV_ID?maxSteps=N&timeoutMs=T} (see {@link #parseId}). */
  public static GymHttpEnv fromId(String id) {
    ParsedId p = parseId(id);
    return new GymHttpEnv(p.server(), p.envId(), p.options(), id.strip());
  }

  /** A registry id, its parts taken apart. */
  public record ParsedId(URI server, String envId, GymHttpOptions options) {}

  /**
   * Parses {@code gym-http://HOST[:PORT]/ENV_ID[?maxSteps=N&timeoutMs=T]}. The env id is everything after
   * the first slash up to the query, percent-decoded (Gym ids such as {@code ALE/Pong-v5} keep their
   * slash; a Mnemo id with its own query is written {@code tmaze%3Flength%3D50}, see {@link #id}). The
   * port defaults to 5000, gym-http-api's.
   */
  public static ParsedId parseId(String id) {
    String form = "expected gym-http://HOST:PORT/ENV_ID[?maxSteps=N&timeoutMs=T]";
    if (id == null || !id.strip().startsWith(SCHEME + "://")) {
      throw new IllegalArgumentException("not a gym-http id: '" + id + "'; " + form);
    }
    String rest = id.strip().substring(SCHEME.length());
    URI u;
    try {
      u = new URI("http" + rest);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed gym-http id '" + id + "': " + e.getMessage() + "; " + form,
          e);
    }
    if (u.getHost() == null) {
      throw new IllegalArgumentException("gym-http id '" + id + "' names no host; " + form);
    }
    String path = u.getPath() == null ? "" : u.getPath();
    String envId = path.startsWith("/") ? path.substring(1) : path;
    if (envId.isEmpty()) {
      throw new IllegalArgumentException("gym-http id '" + id + "' names no environment; " + form);
    }
    int port = u.getPort() < 0 ? 5000 : u.getPort();
    URI server = URI.create("http://" + (u.getHost().contains(":") && !u.getHost().startsWith("[")
        ? "[" + u.getHost() + "]" : u.getHost()) + ":" + port);
    int maxSteps = 0;
    long timeoutMs = GymHttpOptions.DEFAULTS.timeout().toMillis();
    if (u.getRawQuery() != null && !u.getRawQuery().isEmpty()) {
      for (String pair : u.getRawQuery().split("&", -1)) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        switch (name) {
          case "maxSteps" -> maxSteps = (int) integer(id, name, value, 0);
          case "timeoutMs" -> timeoutMs = integer(id, name, value, 1);
          default -> throw new IllegalArgumentException("gym-http id '" + id + "': unknown parameter '" + name
              + "'; valid parameters: maxSteps (default 0 = unknown episode bound), timeoutMs (default "
              + GymHttpOptions.DEFAULTS.timeout().toMillis() + ")");
        }
      }
    }
    return new ParsedId(server, envId, new GymHttpOptions(Duration.ofMillis(timeoutMs), maxSteps));
  }

  /**
   * The registry id of {@code envId} on {@code server}, percent-encoding what the id's own syntax uses
   * ({@code ?}, {@code &}, {@code =}, {@code %}, blanks), e.g. {@code gym-http://127.0.0.1:5000/tmaze%3Flength%3D50}.
   */
  public static String id(URI server, String envId) {
    StringBuilder b = new StringBuilder(SCHEME).append("://").append(server.getRawAuthority()).append('/');
    for (byte c : envId.getBytes(StandardCharsets.UTF_8)) {
      int u = c & 0xFF;
      boolean plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')
          || u == '-' || u == '_' || u == '.' || u == '~' || u == '/';
      if (plain) {
        b.append((char) u);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(u >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(u & 15, 16)));
      }
    }
    return b.toString();
  }

  @Override
  public EnvSpec spec() {
    return spec;
  }

  /** The server's id of the working instance, or null before the first reset. */
  public String instanceId() {
    return remote == null ? null : remote.instanceId;
  }

  /** Whether observations are a remote {@code Discrete(n)} space read as one-hot vectors. */
  boolean discreteObservations() {
    return oneHotObs;
  }

  /** Instances this JVM created on any server and has not closed yet (probe and working instances). */
  public static int openInstances() {
    return OPEN.size();
  }

  @Override
  public Step reset(long seed) {
    if (closed) {
      throw new IllegalStateException(spec.id() + ": reset() after close()");
    }
    if (remote == null) {
      remote = create();
      cleanable = CLEANER.register(this, remote);
      resetUri = instanceUri(remote.instanceId, "reset/");
      stepUri = instanceUri(remote.instanceId, "step/");
    }
    int n = json.writeSeed(seed);
    byte[] body = send("POST", resetUri, json.buffer(), n, remote.instanceId);
    boolean sawObs;
    try {
      sawObs = json.readResetReply(body, step.obs, oneHotObs);
    } catch (IllegalArgumentException e) {
      throw badReply("POST", resetUri, remote.instanceId, body, e.getMessage());
    }
    if (!sawObs) {
      throw badReply("POST", resetUri, remote.instanceId, body, "no 'observation' member");
    }
    step.set(0f, false, false);
    needsReset = false;
    return step;
  }

  @Override
  public Step step(int action) {
    BaseEnv.checkStepAllowed(spec, needsReset, action);
    int n = json.writeAction(action);
    byte[] body = send("POST", stepUri, json.buffer(), n, remote.instanceId);
    StepJson.StepReply r = reply;
    try {
      json.readStepReply(body, step.obs, oneHotObs, r);
    } catch (IllegalArgumentException e) {
      throw badReply("POST", stepUri, remote.instanceId, body, e.getMessage());
    }
    if (r.seen != 7) {
      throw badReply("POST", stepUri, remote.instanceId, body, "a step reply needs 'observation', 'reward'"
          + " and 'done'");
    }
    boolean isTerminated;
    boolean isTruncated;
    if (r.terminated >= 0 && r.truncated >= 0) {
      isTerminated = r.terminated == 1;
      isTruncated = r.truncated == 1;
    } else {
      isTruncated = r.done && r.timeLimit;
      isTerminated = r.done && !r.timeLimit;
    }
    step.set(r.reward, isTerminated, isTruncated);
    if (step.done()) {
      needsReset = true;
    }
    return step;
  }

  /**
   * Closes the working instance on the server (if one was created); later resets throw. If the close
   * request fails, the error is thrown and the instance stays listed for the exit hook to retry.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (remote != null) {
      try {
        closeInstance(remote);
      } finally {
        cleanable.clean(); // unregisters; a no-op after a successful close, else one more (async) try
      }
    }
  }

  private Remote create() {
    byte[] request = Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("env_id", gymEnvId);
      g.writeEndObject();
    });
    URI uri = server.resolve("/v1/envs/");
    byte[] body = send("POST", uri, request, request.length, null);
    String instance = null;
    try (JsonParser p = Json.parser(body, body.length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean isId = "instance_id".equals(p.currentName());
        JsonToken t = p.nextToken();
        if (isId && t == JsonToken.VALUE_STRING) {
          instance = p.getText();
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw badReply("POST", uri, null, body, e.getMessage());
    }
    if (instance == null || instance.isEmpty()) {
      throw badReply("POST", uri, null, body, "no 'instance_id' member");
    }
    Remote r = new Remote(instanceUri(instance, "close/"), instance);
    OPEN.add(r);
    return r;
  }

  /** Discrete n, or a clear error for any other action space. */
  private int actionSpace(String instance) {
    URI uri = instanceUri(instance, "action_space/");
    Space s = space(uri, instance);
    if (!"Discrete".equals(s.name) || s.n <= 0) {
      throw new IllegalArgumentException(where(instance) + ": action space " + s.describe() + " is not"
          + " supported; Mnemo envs take Discrete(n) actions");
    }
    return (int) s.n;
  }

  /** Box shape, or {-n} for a Discrete(n) observation (one-hot), or a clear error. */
  private int[] observationSpace(String instance) {
    URI uri = instanceUri(instance, "observation_space/");
    Space s = space(uri, instance);
    if ("Discrete".equals(s.name) && s.n > 0) {
      return new int[] {(int) -s.n};
    }
    if ("Box".equals(s.name) && s.shape != null) {
      int[] shape = s.shape.length == 0 ? new int[] {1} : s.shape;
      for (int d : shape) {
        if (d <= 0) {
          throw new IllegalArgumentException(where(instance) + ": observation space " + s.describe()
              + " has an empty dimension");
        }
      }
      return shape;
    }
    throw new IllegalArgumentException(where(instance) + ": observation space " + s.describe() + " is not"
        + " supported; Mnemo takes Box (flattened) or Discrete (one-hot) observations");
  }

  private static final class Space {
    String name;
    long n;
    int[] shape;

    String describe() {
      return name + (shape != null ? java.util.Arrays.toString(shape) : n > 0 ? "(" + n + ")" : "");
    }
  }

  private Space space(URI uri, String instance) {
    byte[] body = send("GET", uri, null, 0, instance);
    Space s = new Space();
    try (JsonParser p = Json.parser(body, body.length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean isInfo = "info".equals(p.currentName());
        if (p.nextToken() != JsonToken.START_OBJECT || !isInfo) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken t = p.nextToken();
          if (name.equals("name") && t == JsonToken.VALUE_STRING) {
            s.name = p.getText();
          } else if (name.equals("n") && t == JsonToken.VALUE_NUMBER_INT) {
            s.n = p.getLongValue();
          } else if (name.equals("shape") && t == JsonToken.START_ARRAY) {
            List<Integer> dims = new ArrayList<>();
            while (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
              dims.add(p.getIntValue());
            }
            if (p.currentToken() != JsonToken.END_ARRAY) {
              throw new IllegalArgumentException("'shape' must be a list of integers");
            }
            s.shape = dims.stream().mapToInt(Integer::intValue).toArray();
          } else {
            p.skipChildren();
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw badReply("GET", uri, instance, body, e.getMessage());
    }
    if (s.name == null) {
      throw badReply("GET", uri, instance, body, "no info.name member");
    }
    return s;
  }

  /** Closes one instance (synchronously); on success it leaves the open list. */
  private void closeInstance(Remote r) {
    if (!r.closing.compareAndSet(false, true)) {
      return;
    }
    boolean done = false;
    try {
      send("POST", r.closeUri, EMPTY_OBJECT, EMPTY_OBJECT.length, r.instanceId);
      done = true;
    } finally {
      if (done) {
        OPEN.remove(r);
      } else {
        r.closing.set(false); // the exit hook tries again
      }
    }
  }

  private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.US_ASCII);

  private URI instanceUri(String instance, String action) {
    return server.resolve("/v1/envs/" + instance + "/" + action);
  }

  private String where(String instance) {
    return "gym-http server " + server + ", env '" + gymEnvId + "'" + (instance == null ? "" : ", instance "
        + instance);
  }

  /** One request ({@code body} null for GET). Returns the reply body of a 2xx answer. */
  private byte[] send(String method, URI uri, byte[] body, int length, String instance) {
    if (EXITING.get()) {
      throw new IllegalStateException(method + " " + uri + " (" + where(instance) + "): the JVM is shutting"
          + " down and has closed its Gym HTTP instances");
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(options.timeout());
    if (body != null) {
      b.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, length));
    } else {
      b.GET();
    }
    HttpResponse<byte[]> r;
    IN_FLIGHT.incrementAndGet();
    try {
      r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      throw new GymHttpException(method + " " + uri + " (" + where(instance) + "): could not connect within "
          + "10 s", 0, e);
    } catch (HttpTimeoutException e) {
      throw new GymHttpException(method + " " + uri + " (" + where(instance) + "): no reply within "
          + options.timeout().toMillis() + " ms", 0, e);
    } catch (ConnectException e) {
      throw new GymHttpException(method + " " + uri + " (" + where(instance) + "): cannot reach the server ("
          + e + "); is a Gym HTTP server running at " + server + "?", 0, e);
    } catch (IOException e) {
      throw new GymHttpException(method + " " + uri + " (" + where(instance) + "): " + e, 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GymHttpException(method + " " + uri + " (" + where(instance) + "): interrupted", 0, e);
    } finally {
      lastActivity = System.nanoTime();
      IN_FLIGHT.decrementAndGet();
    }
    int status = r.statusCode();
    if (status / 100 != 2) {
      throw new GymHttpException(method + " " + uri + " (" + where(instance) + ") failed: HTTP " + status + ": "
          + serverMessage(r.body()), status, null);
    }
    return r.body();
  }

  /** The {@code message} member of an error reply (gym-http-api's form), else the reply's text. */
  private static String serverMessage(byte[] body) {
    if (body == null || body.length == 0) {
      return "(empty reply)";
    }
    try {
      Object v = Json.readValue(body, body.length);
      if (v instanceof java.util.Map<?, ?> m && m.get("message") instanceof String message) {
        return message;
      }
    } catch (IllegalArgumentException notJson) {
      // fall through to the raw text
    }
    return Json.snippet(body, body.length);
  }

  private GymHttpException badReply(String method, URI uri, String instance, byte[] reply, String what) {
    return new GymHttpException(method + " " + uri + " (" + where(instance) + "): unexpected reply: " + what
        + "; reply: " + Json.snippet(reply, reply.length), 200, null);
  }

  private static long integer(String id, String name, String value, long min) {
    try {
      long v = Long.parseLong(value.strip());
      if (v >= min && v <= Integer.MAX_VALUE) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the expected form
    }
    throw new IllegalArgumentException("gym-http id '" + id + "': parameter '" + name + "' must be an integer >= "
        + min + ", got '" + value + "'");
  }

  /**
   * An instance this JVM created. Also the cleaning action that closes it when its env is collected
   * (holding no reference to the env, as a cleaning action must not); best effort, since the server may be
   * gone by then: a failed close leaves it listed for the exit hook.
   */
  private static final class Remote implements Runnable {
    final URI closeUri;
    final String instanceId;
    final AtomicBoolean closing = new AtomicBoolean();

    Remote(URI closeUri, String instanceId) {
      this.closeUri = closeUri;
      this.instanceId = instanceId;
    }

    @Override
    public void run() {
      if (!closing.compareAndSet(false, true)) {
        return;
      }
      closeAsync().whenComplete((ok, e) -> {
        if (e == null && ok) {
          OPEN.remove(this);
        } else {
          closing.set(false);
        }
      });
    }

    CompletableFuture<Boolean> closeAsync() {
      HttpRequest r = HttpRequest.newBuilder(closeUri).timeout(Duration.ofSeconds(5))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
      // 2xx: closed; 400 "unknown": already gone (closed behind our back, or the server restarted).
      return HTTP.sendAsync(r, HttpResponse.BodyHandlers.discarding())
          .thenApply(resp -> resp.statusCode() / 100 == 2 || resp.statusCode() == 400);
    }
  }

  /**
   * The shutdown hook: waits until no request is in flight and none has been sent for
   * {@value #EXIT_QUIET_MS} ms (a run stopping on the same signal takes its last steps first), at most
   * {@code mnemo.gymhttp.exitWaitMs} ms, then closes every instance still open, in parallel, waiting up
   * to 5 s for the replies.
   */
  static void closeAllAtExit() {
    if (OPEN.isEmpty()) {
      return;
    }
    long waitMs = Long.getLong("mnemo.gymhttp.exitWaitMs", EXIT_WAIT_MS);
    long deadline = System.nanoTime() + waitMs * 1_000_000L;
    while (System.nanoTime() < deadline && (IN_FLIGHT.get() > 0
        || System.nanoTime() - lastActivity < EXIT_QUIET_MS * 1_000_000L)) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        break;
      }
    }
    EXITING.set(true);
    List<CompletableFuture<Boolean>> pending = new ArrayList<>();
    for (Remote r : OPEN) {
      if (r.closing.compareAndSet(false, true)) {
        pending.add(r.closeAsync().whenComplete((ok, e) -> {
          if (e == null && ok) {
            OPEN.remove(r);
          }
        }));
      }
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Unreachable servers: nothing more can be done from a JVM that is exiting.
    }
  }
}
