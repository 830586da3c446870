package dev.mnemo.learners.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch peer runner: parsing the script's line, and every way it can fail (no interpreter, no torch,
 * a crash, a hang, garbage) coming back as a reason instead of an exception. Fake interpreters are small
 * shell scripts; the last test runs the real script when an interpreter with torch exists.
 */
class PytorchPeerTest {

  private static final Duration SHORT = Duration.ofSeconds(20);
  private static final String LINE = "{\"peer\": \"pytorch\", \"torch\": \"1.13.0a0\", \"python\": \"3.11.2\","
      + " \"threads\": 1, \"blas\": \"/usr/lib/libopenblasp-r0.3.21.so\", \"batch\": 32, \"updates\": 20,"
      + " \"cpu_median_ms\": 13.68, \"cpu_q1_ms\": 13.104, \"cpu_q3_ms\": 15.188, \"wall_median_ms\": 13.7,"
      + " \"loss_first\": -0.25}";

  @TempDir
  Path dir;

  private Path fake(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private Path script() throws IOException {
    return Files.writeString(dir.resolve("r2d2_update.py"), "# stands in for the real script\n");
  }

  @Test
  void parseReadsTheLastResultLineAndIgnoresOtherOutput() {
    PytorchPeer.Measured m = PytorchPeer.parse("warming up\n{\"peer\": \"pytorch\", \"torch\": \"0.1\","
        + " \"cpu_median_ms\": 1, \"cpu_q1_ms\": 1, \"cpu_q3_ms\": 1, \"wall_median_ms\": 1, \"updates\": 1}\n"
        + LINE + "\ndone\n", "py");
    assertEquals("1.13.0a0", m.torchVersion());
    assertEquals("3.11.2", m.python());
    assertEquals(13.68, m.cpuMedianMs(), 0);
    assertEquals(13.104, m.cpuQ1Ms(), 0);
    assertEquals(15.188, m.cpuQ3Ms(), 0);
    assertEquals(13.7, m.wallMedianMs(), 0);
    assertEquals(20, m.updates());
    assertEquals("/usr/lib/libopenblasp-r0.3.21.so", m.blas());
    assertEquals("py", m.interpreter());
    assertEquals("32", m.fields().get("batch"));
    assertEquals("-0.25", m.fields().get("loss_first"));
  }

  @Test
  void parseRejectsMissingLinesFieldsAndInconsistentQuartiles() {
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> PytorchPeer.parse("Traceback\nboom\n", "py"));
    assertTrue(none.getMessage().contains("no JSON result line"), none.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> PytorchPeer.parse(LINE.replace("\"cpu_q3_ms\": 15.188, ", ""), "py"));
    assertTrue(missing.getMessage().contains("cpu_q3_ms"), missing.getMessage());
    IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
        () -> PytorchPeer.parse(LINE.replace("\"cpu_median_ms\": 13.68", "\"cpu_median_ms\": \"fast\""), "py"));
    assertTrue(text.getMessage().contains("not a number"), text.getMessage());
    IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
        () -> PytorchPeer.parse(LINE.replace("\"cpu_q1_ms\": 13.104", "\"cpu_q1_ms\": 14.5"), "py"));
    assertTrue(order.getMessage().contains("inconsistent"), order.getMessage());
  }

  @Test
  void noInterpreterOrNoTorchIsNotInstalledNamingEachInterpreterTried() throws IOException {
    Path noTorch = fake("python-without-torch", "echo \"Traceback (most recent call last):\" >&2\n"
        + "echo \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1");
    PytorchPeer.Result r = PytorchPeer.measure(List.of(dir.resolve("no-such-python").toString(),
        noTorch.toString()), script(), List.of(), SHORT, SHORT);
    PytorchPeer.Unavailable u = assertInstanceOf(PytorchPeer.Unavailable.class, r);
    assertFalse(u.installed());
    assertTrue(u.reason().contains("no-such-python: cannot start"), u.reason());
    assertTrue(u.reason().contains("python-without-torch: exit 1: ModuleNotFoundError: No module named 'torch'"),
        u.reason());

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    R2d2Bench.printPeer(new PrintStream(bytes, true, StandardCharsets.UTF_8), r, 0.0156, 7.1);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("PyTorch: not installed (apt-get install python3-torch libopenblas0-pthread to measure"
        + " it here)"), out);
    assertTrue(out.contains("7.1 ms per update at this shape -- published reference (issue 4"), out);
    assertTrue(out.contains("NOT measured in this run"), out);
    assertFalse(out.contains(", measured in this run"), out);
    assertTrue(out.contains("2.20x the time"), out);
  }

  @Test
  void theFirstInterpreterWithTorchRunsTheScriptWithTheArguments() throws IOException {
    Path argsFile = dir.resolve("args.txt");
    Path withTorch = fake("python-with-torch", "if [ \"$1\" = -c ]; then printf 1.13.0a0; exit 0; fi\n"
        + "echo \"$@\" > " + argsFile + "\necho \"OMP=$OMP_NUM_THREADS CORE=${OPENBLAS_CORETYPE:-unset}\"\n"
        + "echo '" + LINE + "'");
    Path never = fake("never-run", "echo ran > " + dir.resolve("never.txt") + "\nexit 1");
    Path script = script();
    PytorchPeer.Result r = PytorchPeer.measure(List.of(withTorch.toString(), never.toString()), script,
        List.of("--batch", "32", "--updates", "20"), SHORT, SHORT);
    PytorchPeer.Measured m = assertInstanceOf(PytorchPeer.Measured.class, r);
    assertEquals(13.68, m.cpuMedianMs(), 0);
    assertEquals(withTorch.toString(), m.interpreter());
    assertEquals(script + " --batch 32 --updates 20", Files.readString(argsFile).strip());
    assertFalse(Files.exists(dir.resolve("never.txt")), "interpreters after the first with torch are not tried");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    R2d2Bench.printPeer(new PrintStream(bytes, true, StandardCharsets.UTF_8), r, 0.0171, 7.1);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.startsWith("  PyTorch 1.13.0a0: 13.7 ms median (IQR 13.1-15.2), measured in this run"), out);
    assertTrue(out.contains("gemm engine / PyTorch: 1.25x the time"), out);
    assertFalse(out.contains("published reference"), out);
  }

  @Test
  void theChildRunsOnOneThreadWithoutNd4jsCoreTypeHint() throws IOException {
    Path env = fake("python-env", "if [ \"$1\" = -c ]; then exit 0; fi\n"
        + "echo \"{\\\"peer\\\": \\\"pytorch\\\", \\\"torch\\\": \\\"omp=$OMP_NUM_THREADS"
        + " core=${OPENBLAS_CORETYPE:-unset}\\\", \\\"cpu_median_ms\\\": 1, \\\"cpu_q1_ms\\\": 1,"
        + " \\\"cpu_q3_ms\\\": 1, \\\"wall_median_ms\\\": 1, \\\"updates\\\": 1}\"");
    PytorchPeer.Measured m = assertInstanceOf(PytorchPeer.Measured.class,
        PytorchPeer.measure(List.of(env.toString()), script(), List.of(), SHORT, SHORT));
    assertEquals("omp=1 core=unset", m.torchVersion());
  }

  @Test
  void aCrashGarbageOrHangIsInstalledButNotMeasuredWithTheReason() throws IOException {
    String probe = "if [ \"$1\" = -c ]; then exit 0; fi\n";
    PytorchPeer.Unavailable crash = assertInstanceOf(PytorchPeer.Unavailable.class, PytorchPeer.measure(
        List.of(fake("crash", probe + "echo 'RuntimeError: boom' >&2\nexit 3").toString()), script(), List.of(),
        SHORT, SHORT));
    assertTrue(crash.installed());
    assertTrue(crash.reason().contains("exit 3: RuntimeError: boom"), crash.reason());

    PytorchPeer.Unavailable garbage = assertInstanceOf(PytorchPeer.Unavailable.class, PytorchPeer.measure(
        List.of(fake("garbage", probe + "echo 'hello'").toString()), script(), List.of(), SHORT, SHORT));
    assertTrue(garbage.installed());
    assertTrue(garbage.reason().contains("no JSON result line in its output: hello"), garbage.reason());

    PytorchPeer.Unavailable noScript = assertInstanceOf(PytorchPeer.Unavailable.class, PytorchPeer.measure(
        List.of(fake("fine", probe).toString()), dir.resolve("missing.py"), List.of(), SHORT, SHORT));
    assertTrue(noScript.reason().contains("missing.py not found"), noScript.reason());

    long t0 = System.nanoTime();
    PytorchPeer.Unavailable hang = assertInstanceOf(PytorchPeer.Unavailable.class, PytorchPeer.measure(
        List.of(fake("hang", probe + "exec sleep 60").toString()), script(), List.of(), SHORT,
        Duration.ofSeconds(1)));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(hang.installed());
    assertTrue(hang.reason().contains("timed out after 1 s"), hang.reason());
    assertTrue(seconds < 15, "killed at the timeout, not waited for: " + seconds + " s");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    R2d2Bench.printPeer(new PrintStream(bytes, true, StandardCharsets.UTF_8), crash, 0.1, 78);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("PyTorch: installed but not measured: "), out);
    assertTrue(out.contains("78.0 ms per update at this shape -- published reference"), out);
  }

  @Test
  void peerArgumentsCarryTheBenchShape() {
    List<String> a = R2d2Bench.peerArgs(R2d2Bench.config("gemm"), 20);
    String joined = String.join(" ", a);
    for (String expected : List.of("--batch 64", "--burn-in 40", "--trace 80", "--n-step 5", "--gamma 0.997",
        "--obs 8", "--actions 4", "--encoder 64", "--core lstm", "--core-size 128", "--head-size 64",
        "--lr 1.0E-4", "--adam-eps 0.001", "--max-grad-norm 40.0", "--threads 1",
        "--warmup " + R2d2Bench.WARMUP_UPDATES, "--updates 20")) {
      assertTrue(joined.contains(expected), expected + " in " + joined);
    }
    assertTrue(String.join(" ", R2d2Bench.peerArgs(R2d2Bench.smallConfig(), 7))
        .contains("--batch 32 --burn-in 10 --trace 30"));
  }

  /** The real script at a tiny shape, when some interpreter has torch (skipped otherwise). */
  @Test
  void theRealScriptMeasuresWhenTorchIsInstalled() {
    Path script = PytorchPeer.findScript().orElseThrow(() -> new AssertionError(PytorchPeer.SCRIPT + " not found"));
    PytorchPeer.Result r = PytorchPeer.measure(PytorchPeer.defaultInterpreters(), script,
        List.of("--batch", "2", "--burn-in", "2", "--trace", "3", "--n-step", "2", "--core-size", "8",
            "--head-size", "4", "--encoder", "6", "--warmup", "1", "--updates", "3"),
        Duration.ofSeconds(60), Duration.ofSeconds(120));
    Assumptions.assumeFalse(r instanceof PytorchPeer.Unavailable u && !u.installed(), "torch not installed");
    PytorchPeer.Measured m = assertInstanceOf(PytorchPeer.Measured.class, r, r.toString());
    assertEquals("2", m.fields().get("batch"));
    assertEquals("8", m.fields().get("core_size"));
    assertEquals("1", m.fields().get("threads"));
    assertEquals(3, m.updates());
    assertTrue(m.cpuMedianMs() > 0 && m.cpuQ1Ms() <= m.cpuMedianMs() && m.cpuMedianMs() <= m.cpuQ3Ms(),
        m.toString());
    // The updates train: on one fixed batch the loss moves (Adam's first steps at lr 1e-4 change it).
    assertFalse(m.fields().get("loss_first").equals(m.fields().get("loss_last")), m.toString());
  }
}
