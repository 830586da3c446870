package dev.mnemo.agents.baselines;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The RL² paper's Table 1 (Duan et al. 2016), read from the classpath resource
 * {@code rl2-bandits.csv}: total reward over n pulls of k arms per algorithm column.
 */
public final class PaperReference {
  static final String RESOURCE = "rl2-bandits.csv";

  private final Map<String, Double> figures;

  private PaperReference(Map<String, Double> figures) {
    this.figures = figures;
  }

  /** Loads the bundled table. */
  public static PaperReference load() {
    try (InputStream in = PaperReference.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource " + RESOURCE + " next to "
            + PaperReference.class.getName() + " is missing");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static PaperReference parse(BufferedReader reader) throws IOException {
    Map<String, Double> figures = new HashMap<>();
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
        if (header.length < 3 || !header[0].equals("n") || !header[1].equals("k")) {
          throw new IllegalArgumentException(RESOURCE + " line " + lineNumber
              + ": expected a header starting with n,k, got " + line);
        }
        continue;
      }
      if (cells.length != header.length) {
        throw new IllegalArgumentException(RESOURCE + " line " + lineNumber + ": expected "
            + header.length + " cells, got " + cells.length);
      }
      int n = Integer.parseInt(cells[0]);
      int k = Integer.parseInt(cells[1]);
      for (int c = 2; c < cells.length; c++) {
        figures.put(key(n, k, header[c]), Double.parseDouble(cells[c]));
      }
    }
    if (header == null) {
      throw new IllegalArgumentException(RESOURCE + " has no header line");
    }
    return new PaperReference(figures);
  }

  private static String key(int n, int k, String algorithm) {
    return n + "/" + k + "/" + algorithm;
  }

  /** The paper's figure for this setting and algorithm column, if the paper reports one. */
  public OptionalDouble figure(int n, int k, String algorithm) {
    Double value = figures.get(key(n, k, algorithm));
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }
}
