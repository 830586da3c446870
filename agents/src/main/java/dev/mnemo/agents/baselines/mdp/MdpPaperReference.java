package dev.mnemo.agents.baselines.mdp;

import dev.mnemo.agents.baselines.PaperTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.List;
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
    return new MdpPaperReference(PaperTable.load(MdpPaperReference.class, RESOURCE, List.of("n")));
  }

  static MdpPaperReference parse(BufferedReader reader) throws IOException {
    return new MdpPaperReference(PaperTable.parse(RESOURCE, reader, List.of("n")));
  }

  /** The paper's figure for n episodes and this algorithm column, if it reports one. */
  public OptionalDouble figure(int n, String algorithm) {
    Double v = figures.get(n + "/" + algorithm);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }
}
