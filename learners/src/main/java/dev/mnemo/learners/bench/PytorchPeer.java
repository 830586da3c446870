package dev.mnemo.learners.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the PyTorch peer of {@code bench r2d2} ({@code experiments/peers/pytorch/r2d2_update.py}) in a child
 * process when an interpreter that imports {@code torch} exists, and reads its one JSON line. Never throws:
 * a missing interpreter, a missing torch, a crash, a timeout or unreadable output all come back as an
 * {@link Unavailable} naming the reason, so the bench prints it and goes on.
 *
 * <p>Interpreters tried, in order: {@code $MNEMO_PEER_PYTHON} if set, else {@code python3} on the PATH and
 * {@code /usr/bin/python3} (Debian's {@code python3-torch} installs for the system Python, while the
 * {@code python3} first on the PATH may be a pyenv shim without it). The child gets one thread
 * ({@code OMP_NUM_THREADS=1}, {@code torch.set_num_threads(1)}) like the bench, and the environment without
 * {@code OPENBLAS_CORETYPE}: that hint is for ND4J's OpenBLAS 0.3.19 ({@code bin/openblas-env.sh}); the
 * peer's own OpenBLAS (Debian's 0.3.21) recognises the CPU and picks its best kernels itself.
 */
public final class PytorchPeer {

  /** The script, relative to the repository root. */
  public static final String SCRIPT = "experiments/peers/pytorch/r2d2_update.py";
  /** What the bench prints when no interpreter imports torch. */
  public static final String INSTALL_HINT = "apt-get install python3-torch libopenblas0-pthread";

  private PytorchPeer() {}

  /** The outcome of one attempt. */
  public sealed interface Result permits Measured, Unavailable {}

  /**
   * A measurement: CPU time of the peer's thread per update (median, quartiles) and wall time, in ms.
   *
   * @param fields every field of the JSON line, as text
   */
  public record Measured(String torchVersion, String python, double cpuMedianMs, double cpuQ1Ms,
      double cpuQ3Ms, double wallMedianMs, int updates, String blas, String interpreter,
      Map<String, String> fields) implements Result {}

  /**
   * No measurement.
   *
   * @param installed false when no interpreter imports torch (the "not installed" case), true when torch
   *     imports but the run failed
   * @param reason what happened, per interpreter tried
   */
  public record Unavailable(boolean installed, String reason) implements Result {}

  /** The interpreters to try: {@code $MNEMO_PEER_PYTHON}, or {@code python3} and {@code /usr/bin/python3}. */
  public static List<String> defaultInterpreters() {
    String env = System.getenv("MNEMO_PEER_PYTHON");
    return env != null && !env.isBlank() ? List.of(env) : List.of("python3", "/usr/bin/python3");
  }

  /**
   * The script, looked up from the working directory upwards and from the directory of the jar or classes
   * this class was loaded from upwards (so {@code ./mnemo} and tests both find it).
   */
  public static Optional<Path> findScript() {
    List<Path> starts = new ArrayList<>();
    starts.add(Path.of("").toAbsolutePath());
    try {
      starts.add(Path.of(PytorchPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (Exception e) {
      // no code source (unusual class loader): the working directory alone
    }
    for (Path start : starts) {
      for (Path p = start; p != null; p = p.getParent()) {
        Path candidate = p.resolve(SCRIPT);
        if (Files.isRegularFile(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Runs the peer: the first interpreter of {@code interpreters} that imports torch within
   * {@code probeTimeout} runs {@code script} with {@code args}, killed after {@code runTimeout}.
   */
  public static Result measure(List<String> interpreters, Path script, List<String> args, Duration probeTimeout,
      Duration runTimeout) {
    List<String> notes = new ArrayList<>();
    String python = null;
    for (String interpreter : interpreters) {
      Run probe = run(List.of(interpreter, "-c", "import torch, sys; sys.stdout.write(torch.__version__)"),
          probeTimeout);
      if (probe.ok()) {
        python = interpreter;
        break;
      }
      notes.add(interpreter + ": " + probe.why());
    }
    if (python == null) {
      return new Unavailable(false, String.join("; ", notes));
    }
    if (script == null || !Files.isRegularFile(script)) {
      return new Unavailable(true, "script " + (script == null ? SCRIPT : script) + " not found");
    }
    List<String> command = new ArrayList<>(List.of(python, script.toString()));
    command.addAll(args);
    Run r = run(command, runTimeout);
    if (!r.ok()) {
      return new Unavailable(true, python + " " + script.getFileName() + ": " + r.why());
    }
    try {
      return parse(r.stdout(), python);
    } catch (IllegalArgumentException e) {
      return new Unavailable(true, python + " " + script.getFileName() + ": " + e.getMessage());
    }
  }

  private static final Pattern FIELD =
      Pattern.compile("\"([A-Za-z0-9_]+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[-+0-9.eE]+|true|false|null)");

  /**
   * Reads the last line of {@code stdout} that is a JSON object with {@code "peer"} (other lines are ignored).
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  public static Measured parse(String stdout, String interpreter) {
    String line = null;
    for (String l : stdout.split("\\R")) {
      String t = l.strip();
      if (t.startsWith("{") && t.endsWith("}") && t.contains("\"peer\"")) {
        line = t;
      }
    }
    if (line == null) {
      throw new IllegalArgumentException("no JSON result line in its output: " + abbreviate(stdout));
    }
    Map<String, String> f = new LinkedHashMap<>();
    Matcher m = FIELD.matcher(line);
    while (m.find()) {
      f.put(m.group(1), m.group(3) != null ? m.group(3).replace("\\\"", "\"").replace("\\\\", "\\")
          : m.group(2));
    }
    double median = number(f, "cpu_median_ms");
    double q1 = number(f, "cpu_q1_ms");
    double q3 = number(f, "cpu_q3_ms");
    if (!(median > 0) || !(q1 <= median) || !(median <= q3)) {
      throw new IllegalArgumentException("inconsistent timing: q1 " + q1 + ", median " + median + ", q3 " + q3);
    }
    return new Measured(text(f, "torch"), f.getOrDefault("python", "?"), median, q1, q3,
        number(f, "wall_median_ms"), (int) number(f, "updates"), f.getOrDefault("blas", "?"), interpreter,
        Map.copyOf(f));
  }

  private static String text(Map<String, String> f, String key) {
    String v = f.get(key);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("result line has no \"" + key + "\"");
    }
    return v;
  }

  private static double number(Map<String, String> f, String key) {
    String v = text(f, key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("result field \"" + key + "\" is not a number: " + v);
    }
  }

  private record Run(boolean ok, String why, String stdout) {}

  /** Runs a command with stdout and stderr to temporary files (no pipe can fill up), killed at the timeout. */
  private static Run run(List<String> command, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("mnemo-peer", ".out");
      err = Files.createTempFile("mnemo-peer", ".err");
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("OMP_NUM_THREADS", "1");
      pb.environment().put("OPENBLAS_NUM_THREADS", "1");
      pb.environment().remove("OPENBLAS_CORETYPE");
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        return new Run(false, "cannot start (" + e.getMessage() + ")", "");
      }
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        return new Run(false, "timed out after " + timeout.toSeconds() + " s (killed)", "");
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        return new Run(false, "exit " + p.exitValue() + ": " + lastLine(Files.readString(err, StandardCharsets.UTF_8)),
            stdout);
      }
      return new Run(true, "", stdout);
    } catch (IOException e) {
      return new Run(false, "I/O error (" + e.getMessage() + ")", "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Run(false, "interrupted", "");
    } finally {
      delete(out);
      delete(err);
    }
  }

  private static void delete(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // a temporary file left behind is harmless
      }
    }
  }

  /** The last non-blank line (a Python traceback ends with the exception), or "(no output)". */
  static String lastLine(String s) {
    String last = null;
    for (String l : s.split("\\R")) {
      if (!l.isBlank()) {
        last = l.strip();
      }
    }
    return last == null ? "(no output)" : abbreviate(last);
  }

  private static String abbreviate(String s) {
    String t = s.strip();
    return t.isEmpty() ? "(empty)" : t.length() <= 200 ? t : t.substring(0, 200) + "...";
  }
}
