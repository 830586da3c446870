package dev.mnemo.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writers of a run directory: atomic files, metrics.csv, events.jsonl, the progress line, eval figures. */
class RunFilesWritersTest {

  @TempDir
  Path tmp;

  private final AtomicLong nanos = new AtomicLong();

  @Test
  void atomicWriteReplacesContentWhole() throws IOException {
    Path f = tmp.resolve("summary.json");
    AtomicFiles.writeString(f, "old");
    AtomicFiles.writeString(f, "new content");
    assertEquals("new content", Files.readString(f));
    try (var s = Files.list(tmp)) {
      assertEquals(List.of(f), s.toList(), "only the target remains, no temp file");
    }
  }

  @Test
  void failedAtomicWriteLeavesTheOldFileAndNoTempFile() throws IOException {
    Path f = tmp.resolve("summary.json");
    AtomicFiles.writeString(f, "{\"status\":\"running\"}");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
      out.write("{\"status\":\"comp".getBytes(StandardCharsets.UTF_8));
      throw new IOException("disk full");
    }));
    assertEquals("disk full", e.getMessage());
    assertEquals("{\"status\":\"running\"}", Files.readString(f), "a torn write must never be visible");
    try (var s = Files.list(tmp)) {
      assertEquals(List.of(f), s.toList());
    }
  }

  @Test
  void metricsRowsReachTheDiskAfterTheFlushIntervalWithoutClose() throws IOException {
    Path f = tmp.resolve("metrics.csv");
    MetricsWriter m = MetricsWriter.open(f, "step", List.of("loss", "q"), false, 2_000_000_000L, nanos::get);
    double[] row = new double[2];
    row[0] = 0.5;
    row[1] = Double.NaN;
    m.row(1, row);
    assertEquals(List.of("step,loss,q"), Files.readAllLines(f), "header at once, row buffered");
    nanos.addAndGet(2_000_000_000L);
    row[0] = 0.25;
    row[1] = 3;
    m.row(2, row);
    assertEquals(List.of("step,loss,q", "1,0.5,", "2,0.25,3"), Files.readAllLines(f), "flushed after 2 s");
    m.close();
  }

  @Test
  void metricsRowWithWrongWidthIsRefusedNamingTheColumns() throws IOException {
    try (MetricsWriter m = MetricsWriter.open(tmp.resolve("m.csv"), "step", List.of("loss"), false, 0, nanos::get)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.row(1, 1.0, 2.0));
      assertTrue(e.getMessage().contains("expected 1 values [loss], got 2"), e.getMessage());
    }
  }

  @Test
  void metricsColumnNamesMustBePlainAndUnique() {
    assertThrows(IllegalArgumentException.class,
        () -> MetricsWriter.open(tmp.resolve("a.csv"), "step", List.of("mean return"), false, 0, nanos::get));
    assertThrows(IllegalArgumentException.class,
        () -> MetricsWriter.open(tmp.resolve("b.csv"), "step", List.of("loss", "loss"), false, 0, nanos::get));
  }

  @Test
  void appendingToMetricsWithOtherColumnsIsRefused() throws IOException {
    Path f = tmp.resolve("m.csv");
    MetricsWriter.open(f, "step", List.of("loss"), false, 0, nanos::get).close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> MetricsWriter.open(f, "step", List.of("loss", "q"), true, 0, nanos::get));
    assertTrue(e.getMessage().contains("step,loss,q"), e.getMessage());
  }

  @Test
  void eventsAreJsonLinesWithTimeTypeAndFields() throws IOException {
    Path f = tmp.resolve("events.jsonl");
    try (EventLog log = EventLog.open(f, Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC))) {
      log.record("restart", "worker", 3, "error", "env exploded");
      log.record("drop");
    }
    List<String> lines = Files.readAllLines(f);
    assertEquals(2, lines.size());
    JsonNode e = Json.parse(lines.get(0));
    assertEquals("2026-03-04T05:06:07Z", e.get("time").asText());
    assertEquals("restart", e.get("type").asText());
    assertEquals(3, e.get("worker").asInt());
    assertEquals("env exploded", e.get("error").asText());
  }

  @Test
  void eventWithUnpairedFieldsIsRefused() throws IOException {
    try (EventLog log = EventLog.open(tmp.resolve("e.jsonl"), Clock.systemUTC())) {
      assertThrows(IllegalArgumentException.class, () -> log.record("restart", "worker"));
    }
  }

  @Test
  void progressLinePrintsOncePerIntervalWithRatesOverThatInterval() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ProgressLine p = new ProgressLine(new PrintStream(buf, true, StandardCharsets.UTF_8), "quick", 2_000_000_000L,
        nanos::get);
    assertFalse(p.update(100, 1));
    nanos.set(1_999_999_999L);
    assertFalse(p.update(200, 2), "not yet 2 s");
    nanos.set(2_000_000_000L);
    assertTrue(p.update(50_000, 400, () -> "return 0.84"));
    nanos.set(4_000_000_000L);
    assertTrue(p.update(150_000, 1_400));
    String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length, buf.toString(StandardCharsets.UTF_8));
    assertEquals("[quick] 0:00:02 | env 50.0k (25.0k/s) | upd 400 (200/s) | return 0.84", lines[0]);
    assertEquals("[quick] 0:00:04 | env 150k (50.0k/s) | upd 1,400 (500/s)", lines[1]);
  }

  @Test
  void progressLineOmitsUpdatesWithoutALearner() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ProgressLine p = new ProgressLine(new PrintStream(buf, true, StandardCharsets.UTF_8), "b", 0, nanos::get);
    nanos.set(1_000_000_000L);
    p.update(3_000_000, -1);
    assertEquals("[b] 0:00:01 | env 3.00M (3.00M/s)\n", buf.toString(StandardCharsets.UTF_8));
  }

  @Test
  void evalResultHasMeanNormalCi95AndSolvedOnlyWithAThreshold() {
    EvalResult e = EvalResult.of(new double[] {1, 2, 3, 4}, 2.6);
    assertEquals(2.5, e.meanReturn(), 1e-12);
    assertEquals(1.96 * Math.sqrt(5.0 / 3) / 2, e.ci95(), 1e-12);
    assertEquals(4, e.episodes());
    assertFalse(e.solved(), "2.5 < 2.6");
    assertTrue(EvalResult.of(new double[] {1, 2, 3, 4}, 2.5).solved());
    assertNull(EvalResult.of(new double[] {1, 2}, Double.NaN).solved());
    assertEquals(0.0, EvalResult.of(new double[] {7}, Double.NaN).ci95());
    assertThrows(IllegalArgumentException.class, () -> EvalResult.of(new double[0], 1));
  }

  @Test
  void outcomeRefusesExtraKeysThatSummaryOwns() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunOutcome.of(1).with("status", "x"));
    assertTrue(e.getMessage().contains("reserved"), e.getMessage());
  }

  @Test
  void droppingRowsAfterACheckpointKeepsTheHeaderAndTheRowsUpToIt(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("metrics.csv");
    Files.writeString(csv, "env_steps,loss\n100,0.5\n200,0.4\n300,0.3\n400,0.2\n");
    assertEquals(2, MetricsWriter.dropRowsAfter(csv, 250));
    assertEquals(List.of("env_steps,loss", "100,0.5", "200,0.4"), Files.readAllLines(csv));
    assertEquals(0, MetricsWriter.dropRowsAfter(csv, 200), "a row at the checkpoint's step stays");
    assertEquals(0, MetricsWriter.dropRowsAfter(dir.resolve("absent.csv"), 0));
    assertFalse(Files.exists(dir.resolve("absent.csv")));
  }

  /** A resumed leg's rates count its own steps only, in its lines and its final line. */
  @Test
  void aResumedLegsRatesStartFromItsCheckpoint() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    AtomicLong nanos = new AtomicLong();
    ProgressLine p = new ProgressLine(new PrintStream(buf, true, StandardCharsets.UTF_8), "r", 1_000_000_000L,
        nanos::get);
    p.startFrom(1_000_000, 500);
    nanos.set(1_000_000_000L);
    p.update(1_010_000, 600);
    nanos.set(4_000_000_000L);
    p.finish(1_040_000, 800, "completed");
    String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals("[r] 0:00:01 | env 1.01M (10.0k/s) | upd 600 (100/s)", lines[0]);
    assertEquals("[r] 0:00:04 | env 1.04M (10.0k/s) | upd 800 (75/s) | completed", lines[1]);
  }
}
