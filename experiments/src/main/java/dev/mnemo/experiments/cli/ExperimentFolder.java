package dev.mnemo.experiments.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One committed experiment, {@code experiments/<name>/}: a folder holding a {@code README.md} or {@code NOTES.md}
 * (its record) and, when it can be regenerated, a {@code reproduce.sh}. The repository's {@code experiments/src}
 * (the CLI's own sources) holds neither, so it is not one.
 */
record ExperimentFolder(String name, Path dir, String description, boolean hasScript) {

  static final String SCRIPT = "reproduce.sh";
  private static final List<String> RECORDS = List.of("README.md", "NOTES.md");

  Path script() {
    return dir.resolve(SCRIPT);
  }

  /** Every experiment under {@code experimentsDir}, by name. */
  static List<ExperimentFolder> all(Path experimentsDir) {
    try (Stream<Path> s = Files.list(experimentsDir)) {
      return s.filter(Files::isDirectory).sorted().map(ExperimentFolder::of).flatMap(Optional::stream).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + experimentsDir, e);
    }
  }

  /** The experiment in {@code dir}, if the folder is one. */
  static Optional<ExperimentFolder> of(Path dir) {
    boolean script = Files.isRegularFile(dir.resolve(SCRIPT));
    Optional<Path> record = RECORDS.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst();
    if (record.isEmpty() && !script) {
      return Optional.empty();
    }
    String description = record.map(ExperimentFolder::firstLine).orElse("(no README.md or NOTES.md)");
    return Optional.of(new ExperimentFolder(dir.getFileName().toString(), dir, description, script));
  }

  /** The first non-blank line of a markdown file, without its heading marks. */
  static String firstLine(Path md) {
    try (Stream<String> lines = Files.lines(md)) {
      return lines.map(String::strip).filter(l -> !l.isEmpty()).findFirst()
          .map(l -> l.replaceFirst("^#+\\s*", "")).orElse("(empty " + md.getFileName() + ")");
    } catch (IOException | UncheckedIOException e) {
      return "(unreadable " + md.getFileName() + ": " + e.getMessage() + ")";
    }
  }

  /**
   * The repository root: the first directory at or above {@code start} that holds {@code experiments/src} and
   * {@code configs/}.
   */
  static Optional<Path> findRoot(Path start) {
    for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("experiments").resolve("src")) && Files.isDirectory(p.resolve("configs"))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
