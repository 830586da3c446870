package dev.mnemo.gymhttp;

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
 * <p>Lifecycle: the constructor creates a probe instance to read the spaces and closes it at once, so an
 * env built only to validate a config leaves nothing behind; the working instance is created at the first
 * reset and closed by {@link #close()} or, failing that, when this object is garbage collected.
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

  private final URI server;
  private final String gymEnvId;
  private final GymHttpOptions options;
  private final EnvSpec spec;
  private final boolean oneHotObs;
  private final Step step;
  private final JsonWriter out = new JsonWriter(64);
  private final JsonReader in = new JsonReader();
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
    String probe = create();
    try {
      int numActions = actionSpace(probe);
      int[] obsShape = observationSpace(probe);
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
        // The spaces are known (or their error is on its way); a probe the server failed to close is the
        // server's to collect, not a reason to fail here.
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

  @Override
  public Step reset(long seed) {
    if (closed) {
      throw new IllegalStateException(spec.id() + ": reset() after close()");
    }
    if (remote == null) {
      String instance = create();
      remote = new Remote(instanceUri(instance, "close/"), instance);
      cleanable = CLEANER.register(this, remote);
      resetUri = instanceUri(instance, "reset/");
      stepUri = instanceUri(instance, "step/");
    }
    out.clear().beginObject().name("seed").value(seed).endObject();
    byte[] reply = send("POST", resetUri, true, remote.instanceId);
    in.reset(reply, reply.length);
    boolean sawObs = false;
    try {
      in.beginObject();
      while (in.nextMember()) {
        if (in.nameIs("observation")) {
          readObservation();
          sawObs = true;
        } else {
          in.skipValue();
        }
      }
    } catch (IllegalArgumentException e) {
      throw badReply("POST", resetUri, remote.instanceId, reply, e.getMessage());
    }
    if (!sawObs) {
      throw badReply("POST", resetUri, remote.instanceId, reply, "no 'observation' member");
    }
    step.set(0f, false, false);
    needsReset = false;
    return step;
  }

  @Override
  public Step step(int action) {
    BaseEnv.checkStepAllowed(spec, needsReset, action);
    out.clear().beginObject().name("action").value((long) action).endObject();
    byte[] reply = send("POST", stepUri, true, remote.instanceId);
    in.reset(reply, reply.length);
    float reward = 0f;
    boolean done = false;
    boolean timeLimit = false;
    int terminated = -1; // -1: not sent
    int truncated = -1;
    int seen = 0;
    try {
      in.beginObject();
      while (in.nextMember()) {
        if (in.nameIs("observation")) {
          readObservation();
          seen |= 1;
        } else if (in.nameIs("reward")) {
          reward = in.readFloat();
          seen |= 2;
        } else if (in.nameIs("done")) {
          done = in.readBoolean();
          seen |= 4;
        } else if (in.nameIs("terminated")) {
          terminated = in.readBoolean() ? 1 : 0;
        } else if (in.nameIs("truncated")) {
          truncated = in.readBoolean() ? 1 : 0;
        } else if (in.nameIs("info") && in.peek() == '{') {
          in.beginObject();
          while (in.nextMember()) {
            if (in.nameIs("TimeLimit.truncated") && (in.peek() == 't' || in.peek() == 'f')) {
              timeLimit = in.readBoolean();
            } else {
              in.skipValue();
            }
          }
        } else {
          in.skipValue();
        }
      }
    } catch (IllegalArgumentException e) {
      throw badReply("POST", stepUri, remote.instanceId, reply, e.getMessage());
    }
    if (seen != 7) {
      throw badReply("POST", stepUri, remote.instanceId, reply, "a step reply needs 'observation', 'reward'"
          + " and 'done'");
    }
    boolean isTerminated;
    boolean isTruncated;
    if (terminated >= 0 && truncated >= 0) {
      isTerminated = terminated == 1;
      isTruncated = truncated == 1;
    } else {
      isTruncated = done && timeLimit;
      isTerminated = done && !timeLimit;
    }
    step.set(reward, isTerminated, isTruncated);
    if (step.done()) {
      needsReset = true;
    }
    return step;
  }

  /** Closes the working instance on the server (if one was created); later resets throw. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (remote != null) {
      remote.closed = true;
      cleanable.clean();
      closeInstance(remote.instanceId);
    }
  }

  private void readObservation() {
    if (oneHotObs) {
      long k = in.readLong();
      if (k < 0 || k >= step.obs.length) {
        throw new IllegalArgumentException("Discrete observation " + k + " outside [0, " + step.obs.length + ")");
      }
      BaseEnv.oneHot(step.obs, 0, step.obs.length, (int) k);
      return;
    }
    int n;
    try {
      n = in.readFloats(step.obs, 0);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("observation larger than the declared " + spec.obsSize()
          + " floats (" + e.getMessage() + ")", e);
    }
    if (n != step.obs.length) {
      throw new IllegalArgumentException("observation has " + n + " numbers, the observation space declared "
          + step.obs.length);
    }
  }

  private String create() {
    out.clear().beginObject().name("env_id").value(gymEnvId).endObject();
    URI uri = server.resolve("/v1/envs/");
    byte[] reply = send("POST", uri, true, null);
    in.reset(reply, reply.length);
    try {
      in.beginObject();
      String instance = null;
      while (in.nextMember()) {
        if (in.nameIs("instance_id")) {
          instance = in.readString();
        } else {
          in.skipValue();
        }
      }
      if (instance == null || instance.isEmpty()) {
        throw new IllegalArgumentException("no 'instance_id' member");
      }
      return instance;
    } catch (IllegalArgumentException e) {
      throw badReply("POST", uri, null, reply, e.getMessage());
    }
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
    byte[] reply = send("GET", uri, false, instance);
    in.reset(reply, reply.length);
    Space s = new Space();
    try {
      in.beginObject();
      while (in.nextMember()) {
        if (!in.nameIs("info")) {
          in.skipValue();
          continue;
        }
        in.beginObject();
        while (in.nextMember()) {
          if (in.nameIs("name")) {
            s.name = in.readString();
          } else if (in.nameIs("n")) {
            s.n = in.readLong();
          } else if (in.nameIs("shape")) {
            List<Integer> dims = new ArrayList<>();
            in.beginArray();
            while (in.nextElement()) {
              dims.add((int) in.readLong());
            }
            s.shape = dims.stream().mapToInt(Integer::intValue).toArray();
          } else {
            in.skipValue();
          }
        }
      }
    } catch (IllegalArgumentException e) {
      throw badReply("GET", uri, instance, reply, e.getMessage());
    }
    if (s.name == null) {
      throw badReply("GET", uri, instance, reply, "no info.name member");
    }
    return s;
  }

  private void closeInstance(String instance) {
    out.clear().beginObject().endObject();
    send("POST", instanceUri(instance, "close/"), true, instance);
  }

  private URI instanceUri(String instance, String action) {
    return server.resolve("/v1/envs/" + instance + "/" + action);
  }

  private String where(String instance) {
    return "gym-http server " + server + ", env '" + gymEnvId + "'" + (instance == null ? "" : ", instance "
        + instance);
  }

  /** One request; the body (for POST) is {@link #out}. Returns the reply body of a 2xx answer. */
  private byte[] send(String method, URI uri, boolean post, String instance) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(options.timeout());
    if (post) {
      b.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(out.buffer(), 0, out.length()));
    } else {
      b.GET();
    }
    HttpResponse<byte[]> r;
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
    }
    int status = r.statusCode();
    if (status / 100 != 2) {
      throw new GymHttpException(method + " " + uri + " (" + where(instance) + ") failed: HTTP " + status + ": "
          + serverMessage(r.body()), status, null);
    }
    return r.body();
  }

  /** The {@code message} member of an error reply (gym-http-api's form), else the reply's text. */
  private String serverMessage(byte[] body) {
    if (body == null || body.length == 0) {
      return "(empty reply)";
    }
    try {
      in.reset(body, body.length);
      in.beginObject();
      while (in.nextMember()) {
        if (in.nameIs("message")) {
          return in.readString();
        }
        in.skipValue();
      }
    } catch (IllegalArgumentException notJson) {
      // fall through to the raw text
    }
    return JsonReader.snippet(body, body.length);
  }

  private GymHttpException badReply(String method, URI uri, String instance, byte[] reply, String what) {
    return new GymHttpException(method + " " + uri + " (" + where(instance) + "): unexpected reply: " + what
        + "; reply: " + JsonReader.snippet(reply, reply.length), 200, null);
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
   * Closes an instance the owner forgot to close, when the env is collected. Holds no reference to the env
   * (a cleaning action must not); best effort, since the server may be gone by then.
   */
  private static final class Remote implements Runnable {
    final URI closeUri;
    final String instanceId;
    volatile boolean closed;

    Remote(URI closeUri, String instanceId) {
      this.closeUri = closeUri;
      this.instanceId = instanceId;
    }

    @Override
    public void run() {
      if (closed) {
        return;
      }
      closed = true;
      HttpRequest r = HttpRequest.newBuilder(closeUri).timeout(Duration.ofSeconds(5))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
      HTTP.sendAsync(r, HttpResponse.BodyHandlers.discarding());
    }
  }
}
