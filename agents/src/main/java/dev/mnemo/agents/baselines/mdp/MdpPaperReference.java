package dev.mnemo.agents.baselines.mdp;

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
 * The RL² paper's Table 2 (Duan et al. 2016), read from the classpath resource {@code rl2-mdps.csv} (a copy of
 * {@code ../shared/reference/rl2-mdps.csv}): total reward over n episodes per algorithm column.
 */
public final class MdpPaperReference {
  static final String RESOURCE = "rl2-mdps.csv";

  private final Map<String, Double> figures;

  private MdpPaperReference(Map<String, Double> figures) {
    this.figures = figures;
  }

  public static MdpPaperReference load() {
    try (InputStream in = MdpPaperReference.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource " + RESOURCE + " next to "
            + MdpPaperReference.class.getName() + " is missing");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static MdpPaperReference parse(BufferedReader reader) throws IOException {
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
        if (header.length < 2 || !header[0].equals("n")) {
          throw new IllegalArgumentException(RESOURCE + " line " + lineNumber
              + ": expected a header starting with n, got " + line);
        }
        continue;
      }
      if (cells.length != header.length) {
        throw new IllegalArgumentException(RESOURCE + " line " + lineNumber + ": expected " + header.length
            + " cells, got " + cells.length);
      }
      int n = Integer.parseInt(cells[0]);
      for (int c = 1; c < cells.length; c++) {
        figures.put(n + "/" + header[c], Double.parseDouble(cells[c]));
      }
    }
    if (header == null) {
      throw new IllegalArgumentException(RESOURCE + " has no header line");
    }
    return new MdpPaperReference(figures);
  }

  /** The paper's figure for n episodes and this algorithm column, if it reports one. */
  public OptionalDouble figure(int n, String algorithm) {
    Double v = figures.get(n + "/" + algorithm);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }
}
