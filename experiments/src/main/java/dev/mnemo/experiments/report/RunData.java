package dev.mnemo.experiments.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnemo.experiments.run.Json;
import dev.mnemo.experiments.run.RunFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One run directory as the report sees it: the columns of {@code metrics.csv} (step column first) and
 * {@code summary.json}. Empty cells read as NaN.
 *
 * @param dir the run directory
 * @param label how tables and plot legends name the run
 * @param columns column names, step column first (empty when the run has no metrics.csv)
 * @param values {@code values[c][row]}: column-major, so a plot takes a column without copying
 * @param summary summary.json, or null when absent
 */
public record RunData(Path dir, String label, List<String> columns, double[][] values, JsonNode summary) {

  /**
   * The run's resolved config (config.conf) flattened to key path -> value as HOCON text, or an empty map
   * when the run has none; what the report compares across runs.
   */
  public java.util.Map<String, String> configValues() throws IOException {
    Path f = dir.resolve(RunFiles.CONFIG);
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    if (!Files.isRegularFile(f)) {
      return out;
    }
    try {
      var c = com.typesafe.config.ConfigFactory.parseFile(f.toFile()).resolve();
      for (var e : c.entrySet()) {
        out.put(e.getKey(), e.getValue().render(com.typesafe.config.ConfigRenderOptions.concise()));
      }
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException(f + ": unreadable config: " + e.getMessage(), e);
    }
    return out;
  }


  public RunData {
    columns = List.copyOf(columns);
  }

  public int rows() {
    return values.length == 0 ? 0 : values[0].length;
  }

  public double[] column(String name) {
    int i = columns.indexOf(name);
    return i < 0 ? null : values[i];
  }

  public RunData withLabel(String newLabel) {
    return new RunData(dir, newLabel, columns, values, summary);
  }

  /** Whether {@code dir} holds a run (a metrics.csv or a summary.json). */
  public static boolean isRunDirectory(Path dir) {
    return Files.isRegularFile(dir.resolve(RunFiles.METRICS)) || Files.isRegularFile(dir.resolve(RunFiles.SUMMARY));
  }

  /**
   * @throws IllegalArgumentException when {@code dir} is not a run directory or metrics.csv is malformed
   */
  public static RunData load(Path dir) throws IOException {
    if (!isRunDirectory(dir)) {
      throw new IllegalArgumentException(dir + ": not a run directory (expected " + RunFiles.METRICS + " or "
          + RunFiles.SUMMARY + ")");
    }
    Path label = dir.toAbsolutePath().normalize();
    String name = label.getParent() == null ? label.getFileName().toString()
        : label.getParent().getFileName() + "/" + label.getFileName();
    JsonNode summary = Files.isRegularFile(dir.resolve(RunFiles.SUMMARY)) ? Json.read(dir.resolve(RunFiles.SUMMARY))
        : null;
    Path csv = dir.resolve(RunFiles.METRICS);
    if (!Files.isRegularFile(csv)) {
      return new RunData(dir, name, List.of(), new double[0][], summary);
    }
    String text = Files.readString(csv, StandardCharsets.UTF_8);
    // A run killed while writing can leave a last line without its newline: drop that partial row.
    int end = text.lastIndexOf('\n');
    String[] lines = (end < 0 ? "" : text.substring(0, end)).split("\n", -1);
    if (lines[0].isBlank()) {
      return new RunData(dir, name, List.of(), new double[0][], summary);
    }
    List<String> columns = Arrays.asList(lines[0].split(",", -1));
    List<double[]> rows = new ArrayList<>();
    for (int lineNo = 2; lineNo <= lines.length; lineNo++) {
      String line = lines[lineNo - 1];
      if (line.isEmpty()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (cells.length != columns.size()) {
        throw new IllegalArgumentException(csv + ":" + lineNo + ": expected " + columns.size() + " cells "
            + columns + ", got " + cells.length);
      }
      double[] row = new double[cells.length];
      for (int i = 0; i < cells.length; i++) {
        try {
          row[i] = cells[i].isEmpty() ? Double.NaN : Double.parseDouble(cells[i]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(csv + ":" + lineNo + ": column " + columns.get(i)
              + ": expected a number, got '" + cells[i] + "'");
        }
      }
      rows.add(row);
    }
    double[][] values = new double[columns.size()][rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      double[] row = rows.get(r);
      for (int c = 0; c < columns.size(); c++) {
        values[c][r] = row[c];
      }
    }
    return new RunData(dir, name, columns, values, summary);
  }
}
