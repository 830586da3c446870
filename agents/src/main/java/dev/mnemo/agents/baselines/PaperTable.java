package dev.mnemo.agents.baselines;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A paper's table kept as a CSV resource: a header of integer key columns (e.g. {@code n,k}) then one column per
 * algorithm, one row per setting; {@code #} lines are comments. Read into figures keyed
 * {@code key1/key2/.../algorithm} (e.g. {@code 10/5/rl2}). Shared by the RL² paper's Table 1 and Table 2 readers.
 */
public final class PaperTable {

  private PaperTable() {}

  /** Reads the resource {@code resource} next to {@code anchor}. */
  public static Map<String, Double> load(Class<?> anchor, String resource, List<String> keyColumns) {
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource " + resource + " next to " + anchor.getName()
            + " is missing");
      }
      return parse(resource, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), keyColumns);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** Parses the table, naming {@code resource} and the line in every error. */
  public static Map<String, Double> parse(String resource, BufferedReader reader, List<String> keyColumns)
      throws IOException {
    Map<String, Double> figures = new HashMap<>();
    int keys = keyColumns.size();
    String[] header = null;
    String line;
    int lineNumber = 0;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split(",");
      if (header == null) {
        header = cells;
        if (header.length < keys + 1 || !List.of(header).subList(0, keys).equals(keyColumns)) {
          throw new IllegalArgumentException(resource + " line " + lineNumber + ": expected a header starting with "
              + String.join(",", keyColumns) + ", got " + line);
        }
        continue;
      }
      if (cells.length != header.length) {
        throw new IllegalArgumentException(resource + " line " + lineNumber + ": expected " + header.length
            + " cells, got " + cells.length);
      }
      StringBuilder key = new StringBuilder();
      for (int c = 0; c < keys; c++) {
        key.append(Integer.parseInt(cells[c])).append('/');
      }
      for (int c = keys; c < cells.length; c++) {
        figures.put(key + header[c], Double.parseDouble(cells[c]));
      }
    }
    if (header == null) {
      throw new IllegalArgumentException(resource + " has no header line");
    }
    return figures;
  }
}
