package dev.mnemo.experiments;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The evidence behind the published figures is committed: every run directory that a table or note under
 * {@code experiments/<name>/} names (a backticked path ending in {@code /}, relative to the file) exists, and
 * every run directory there (one holding a {@code summary.json}) keeps the config and metrics behind it.
 */
class ExperimentRecordsTest {

  private static final Pattern DIR_REF = Pattern.compile("`([A-Za-z0-9_.\\-/]+/)`");

  private static Path experimentsDir() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("experiments").resolve("src")) && Files.isDirectory(p.resolve("configs"))) {
        return p.resolve("experiments");
      }
    }
    throw new IllegalStateException("experiments/ not found above " + here);
  }

  @Test
  void everyRunDirectoryATableNamesExists() throws IOException {
    List<String> missing = new ArrayList<>();
    int refs = 0;
    Path root = experimentsDir();
    try (Stream<Path> files = Files.walk(root)) {
      // The records are experiments/<name>/**.md; experiments/README.md is the module's own documentation.
      for (Path md : files.filter(p -> p.toString().endsWith(".md") && p.getParent().startsWith(root)
          && !p.getParent().equals(root) && !p.toString().contains("/src/")
          && !p.toString().contains("/target/")).toList()) {
        Matcher m = DIR_REF.matcher(Files.readString(md));
        while (m.find()) {
          String ref = m.group(1);
          if (ref.startsWith("experiments/") || ref.startsWith("runs/") || ref.startsWith("configs/")
              || ref.contains("<")) {
            continue; // paths from the repository root or placeholders, not this experiment's records
          }
          refs++;
          if (!Files.isDirectory(md.getParent().resolve(ref))) {
            missing.add(md + " names " + ref);
          }
        }
      }
    }
    assertTrue(missing.isEmpty(), "tables name run directories that are not committed: " + missing);
    assertTrue(refs >= 20, "the experiments' tables name their run directories (" + refs + " found)");
  }

  @Test
  void everyCommittedRunKeepsItsConfigAndMetrics() throws IOException {
    List<String> incomplete = new ArrayList<>();
    try (Stream<Path> files = Files.walk(experimentsDir())) {
      for (Path s : files.filter(p -> p.getFileName().toString().equals("summary.json")
          && !p.toString().contains("/target/")).toList()) {
        for (String f : new String[] {"config.conf", "metrics.csv"}) {
          if (!Files.exists(s.getParent().resolve(f))) {
            incomplete.add(s.getParent() + " lacks " + f);
          }
        }
      }
    }
    assertTrue(incomplete.isEmpty(), "run directories without their records: " + incomplete);
  }
}
