package dev.mnemo.agents.baselines;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.List;
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
    return new PaperReference(PaperTable.load(PaperReference.class, RESOURCE, List.of("n", "k")));
  }

  static PaperReference parse(BufferedReader reader) throws IOException {
    return new PaperReference(PaperTable.parse(RESOURCE, reader, List.of("n", "k")));
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
