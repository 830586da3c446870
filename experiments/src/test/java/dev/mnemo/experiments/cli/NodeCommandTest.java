package dev.mnemo.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mnemo node} refuses what cannot run before anything starts (no port is bound, no node joins): exit 2
 * with every problem named by file:line, key and value, as {@code mnemo run} does.
 */
class NodeCommandTest {

  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int mnemo(String... args) {
    return MnemoCli.execute(Wiring.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aMissingConfigFileIsNamed() {
    Path missing = tmp.resolve("nope.conf");
    assertEquals(2, mnemo("node", "--role", "actor", "--seed-nodes", "127.0.0.1:2552", missing.toString()));
    assertTrue(stderr().contains(missing + ": (file): no such config file"), stderr());
    assertFalse(stderr().contains("env id must not be empty"), stderr());
    assertFalse(stderr().contains("\tat "), "no stack trace: " + stderr());
  }

  @Test
  void everyBadValueIsReportedAtOnceWithFileLineKeyAndValue() throws Exception {
    Path conf = tmp.resolve("node.conf");
    Files.writeString(conf, String.join("\n",
        "kind = r2d2",
        "runtime = cluster",
        "env = \"tmaze?length=10\"",
        "core_sise = 3",
        "actors {",
        "  workers = 0",
        "  learner_wait = -5s",
        "  checkpoint_dir = \"" + tmp.resolve("ckpt").toString().replace("\\", "/") + "\"",
        "}"));
    assertEquals(2, mnemo("node", "--role", "learner", "--port", "0", conf.toString()));
    String e = stderr();
    assertTrue(e.contains("3 problems"), e);
    assertTrue(e.contains(conf + ":4: core_sise: unknown key"), e);
    assertTrue(e.contains(conf + ":6: actors.workers") && e.contains("got number 0"), e);
    assertTrue(e.contains(conf + ":7: actors.learner_wait") && e.contains("-5s"), e);
    assertFalse(e.contains("\tat "), "no stack trace: " + e);
  }

  @Test
  void resumeIsRefusedByNameWhenThereIsNothingToResume() throws Exception {
    Path conf = tmp.resolve("node.conf");
    Files.writeString(conf, "kind = r2d2\nenv = \"tmaze?length=10\"\n");
    assertEquals(2, mnemo("node", "--role", "learner", "--port", "0", "--resume", conf.toString()));
    assertTrue(stderr().contains("--resume") && stderr().contains("actors.checkpoint_dir"), stderr());

    Path ckpt = tmp.resolve("ckpt");
    Files.createDirectories(ckpt);
    Files.writeString(conf, "kind = r2d2\nenv = \"tmaze?length=10\"\nactors { checkpoint_dir = \""
        + ckpt.toString().replace("\\", "/") + "\" }\n");
    err.reset();
    assertEquals(2, mnemo("node", "--role", "learner", "--port", "0", "--resume", conf.toString()));
    assertTrue(stderr().contains("cannot resume from " + ckpt), stderr());

    err.reset();
    assertEquals(2, mnemo("node", "--role", "actor", "--seed-nodes", "127.0.0.1:2552", "--resume", conf.toString()));
    assertTrue(stderr().contains("--resume is for the learner node"), stderr());
  }

  @Test
  void badArgumentsAreUsageErrors() {
    assertEquals(2, mnemo("node", "--role", "driver", "x.conf"));
    assertTrue(stderr().contains("--role must be learner or actor"), stderr());
    err.reset();
    assertEquals(2, mnemo("node", "--role", "actor", "x.conf"));
    assertTrue(stderr().contains("an actor node needs --seed-nodes"), stderr());
    err.reset();
    assertEquals(2, mnemo("node", "--role", "learner", "--port", "http", "x.conf"));
    assertTrue(stderr().contains("--port expects an integer"), stderr());
  }
}
