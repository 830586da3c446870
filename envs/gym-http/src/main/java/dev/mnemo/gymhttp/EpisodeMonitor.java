package dev.mnemo.gymhttp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What {@code monitor/start/} records for one instance: the length, return and end time of every episode
 * that ends, written at {@code monitor/close/} (and when the instance or the server closes) in the files
 * and format of Gym's {@code Monitor} wrapper, so that {@code gym.wrappers.monitor.load_results(dir)}
 * reads them: {@code openaigym.episode_batch.M.ID.stats.json} ({@code initial_reset_timestamp},
 * {@code timestamps}, {@code episode_lengths}, {@code episode_rewards}, {@code episode_types}) and
 * {@code openaigym.manifest.M.ID.manifest.json} naming it. No videos: Mnemo envs do not render.
 * An episode still running when the monitor closes is not recorded.
 */
final class EpisodeMonitor {

  static final String PREFIX = "openaigym.";

  private final Path dir;
  private final String envId;
  private final String infix;
  private double initialReset = Double.NaN;
  private final List<Double> timestamps = new ArrayList<>();
  private final List<Integer> lengths = new ArrayList<>();
  private final List<Double> returns = new ArrayList<>();
  private int steps;
  private double ret;
  private boolean running;

  private EpisodeMonitor(Path dir, String envId, String infix) {
    this.dir = dir;
    this.envId = envId;
    this.infix = infix;
  }

  /**
   * @param force delete the monitor files already in {@code dir} (names starting {@value #PREFIX})
   * @param resume keep them and add ours beside them
   * @throws IllegalStateException when {@code dir} holds monitor files and neither is set (Gym's rule)
   */
  static EpisodeMonitor start(Path dir, boolean force, boolean resume, String envId, long monitorIndex,
      String instanceId) throws IOException {
    Files.createDirectories(dir);
    List<Path> existing;
    try (Stream<Path> s = Files.list(dir)) {
      existing = s.filter(p -> p.getFileName().toString().startsWith(PREFIX)).toList();
    }
    if (!existing.isEmpty()) {
      if (force) {
        for (Path p : existing) {
          Files.deleteIfExists(p);
        }
      } else if (!resume) {
        throw new IllegalStateException("monitor directory " + dir + " already holds " + existing.size()
            + " monitor file(s); use force=True to clear them or resume=True to add to them");
      }
    }
    return new EpisodeMonitor(dir, envId, monitorIndex + "." + instanceId);
  }

  void onReset() {
    if (Double.isNaN(initialReset)) {
      initialReset = now();
    }
    steps = 0;
    ret = 0;
    running = true;
  }

  void onStep(float reward, boolean done) {
    if (!running) {
      return;
    }
    steps++;
    ret += reward;
    if (done) {
      lengths.add(steps);
      returns.add(ret);
      timestamps.add(now());
      running = false;
    }
  }

  Path statsFile() {
    return dir.resolve(PREFIX + "episode_batch." + infix + ".stats.json");
  }

  Path manifestFile() {
    return dir.resolve(PREFIX + "manifest." + infix + ".manifest.json");
  }

  /** Writes (or rewrites) the stats and manifest files, each atomically. */
  void write() throws IOException {
    Path stats = statsFile();
    byte[] statsJson = Json.write(g -> {
      g.writeStartObject();
      g.writeNumberField("initial_reset_timestamp", Double.isNaN(initialReset) ? now() : initialReset);
      g.writeArrayFieldStart("timestamps");
      for (double t : timestamps) {
        g.writeNumber(t);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("episode_lengths");
      for (int n : lengths) {
        g.writeNumber(n);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("episode_rewards");
      for (double r : returns) {
        g.writeNumber(r);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("episode_types");
      for (int i = 0; i < lengths.size(); i++) {
        g.writeString("t");
      }
      g.writeEndArray();
      g.writeEndObject();
    });
    byte[] manifest = Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("stats", stats.getFileName().toString());
      g.writeArrayFieldStart("videos");
      g.writeEndArray();
      g.writeObjectFieldStart("env_info");
      g.writeStringField("env_id", envId);
      g.writeStringField("gym_version", "mnemo-gym-http");
      g.writeEndObject();
      g.writeEndObject();
    });
    atomically(stats, statsJson);
    atomically(manifestFile(), manifest);
  }

  private static void atomically(Path target, byte[] content) throws IOException {
    Path tmp = target.resolveSibling(".tmp-" + target.getFileName());
    Files.write(tmp, content);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }
}
