package dev.mnemo.experiments.config;

import com.typesafe.config.ConfigOrigin;

/**
 * One validation problem.
 *
 * @param location where the offending value came from: {@code file:line}, {@code --set key=value}, or the
 *     config file when a required key is missing
 * @param path the key path concerned
 * @param message what was expected and what was found
 */
public record ConfigProblem(String location, String path, String message) {

  /** "file:line" for values read from a file; the override's own text for {@code --set} values. */
  public static String where(ConfigOrigin origin) {
    if (origin.filename() != null) {
      return origin.filename() + (origin.lineNumber() >= 0 ? ":" + origin.lineNumber() : "");
    }
    if (origin.url() != null) {
      return origin.url() + (origin.lineNumber() >= 0 ? ":" + origin.lineNumber() : "");
    }
    // parseString origins read "description: line"; an override has one line, so the line adds nothing.
    return origin.description().replaceFirst(": \\d+$", "");
  }

  @Override
  public String toString() {
    return location + ": " + path + ": " + message;
  }
}
