package dev.mnemo.experiments.run;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What produced a run, for {@code provenance.json}: Mnemo version, Java and OS, the git commit of the code
 * (with a dirty flag), the command line, config source and seed.
 */
public final class Provenance {

  private static final String VERSION_RESOURCE = "/dev/mnemo/experiments/version.properties";

  private Provenance() {}

  /** The Mnemo version this build carries (from the build), or "unknown" outside a Maven build. */
  public static String mnemoVersion() {
    try (InputStream in = Provenance.class.getResourceAsStream(VERSION_RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * @param gitDir a directory inside the checkout whose commit to record
   */
  public static Map<String, Object> collect(RunConfig rc, List<String> argv, Instant started, Path gitDir) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mnemo_version", mnemoVersion());
    m.put("config_name", rc.name());
    m.put("config_source", rc.source());
    m.put("kind", rc.kind().name());
    m.put("seed", rc.seed());
    m.put("overrides", rc.overrides());
    m.put("command_line", argv);
    m.put("started_utc", started.toString());
    Map<String, Object> git = git(gitDir);
    m.put("git", git);
    Map<String, Object> java = new LinkedHashMap<>();
    java.put("version", System.getProperty("java.version"));
    java.put("vendor", System.getProperty("java.vendor"));
    java.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    java.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    m.put("java", java);
    Map<String, Object> os = new LinkedHashMap<>();
    os.put("name", System.getProperty("os.name"));
    os.put("version", System.getProperty("os.version"));
    os.put("arch", System.getProperty("os.arch"));
    os.put("processors", Runtime.getRuntime().availableProcessors());
    os.put("host", hostName());
    m.put("os", os);
    Map<String, Object> env = new LinkedHashMap<>();
    // Thread settings change ND4J's speed (and its results' timing), so they belong with the run.
    for (String k : List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MNEMO_JAVA_OPTS")) {
      String v = System.getenv(k);
      if (v != null) {
        env.put(k, v);
      }
    }
    m.put("environment", env);
    return m;
  }

  /** Where the running code lives (a jar or a classes directory), to find its git checkout. */
  public static Path codeLocation() {
    try {
      Path p = Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isDirectory(p) ? p : p.getParent();
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of("").toAbsolutePath();
    }
  }

  /** {@code commit} and {@code dirty} (tracked files modified), or {@code commit = "unknown"} without git. */
  static Map<String, Object> git(Path dir) {
    Map<String, Object> g = new LinkedHashMap<>();
    String commit = runGit(dir, "rev-parse", "HEAD");
    if (commit == null || commit.isBlank()) {
      g.put("commit", "unknown");
      g.put("dirty", null);
      return g;
    }
    g.put("commit", commit.strip());
    String status = runGit(dir, "status", "--porcelain", "--untracked-files=no");
    g.put("dirty", status == null ? null : !status.isBlank());
    String branch = runGit(dir, "rev-parse", "--abbrev-ref", "HEAD");
    g.put("branch", branch == null ? null : branch.strip());
    return g;
  }

  private static String runGit(Path dir, String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
