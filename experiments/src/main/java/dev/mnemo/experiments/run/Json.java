package dev.mnemo.experiments.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/** The one JSON mapper of the run directory files (configured once, immutable afterwards). */
public final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper COMPACT = new ObjectMapper();

  private Json() {}

  public static String pretty(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + value, e);
    }
  }

  /** One line, for JSONL. */
  public static String line(Object value) {
    try {
      return COMPACT.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + value, e);
    }
  }

  public static void writeAtomically(Path file, Object value) throws IOException {
    AtomicFiles.writeString(file, pretty(value) + "\n");
  }

  public static JsonNode read(Path file) throws IOException {
    return MAPPER.readTree(file.toFile());
  }

  public static JsonNode parse(String text) throws IOException {
    return MAPPER.readTree(text);
  }

  /** {@code v} rounded to {@code decimals} places, for arrays of figures a reader scans in a summary. */
  public static java.util.List<Double> rounded(double[] v, int decimals) {
    double scale = Math.pow(10, decimals);
    java.util.List<Double> out = new java.util.ArrayList<>(v.length);
    for (double x : v) {
      out.add(Math.round(x * scale) / scale);
    }
    return out;
  }
}
