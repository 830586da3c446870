package dev.mnemo.learners.r2d2.ablation;

import java.util.List;

/**
 * How the learner unrolls a replayed sequence: its start state and how many burn-in steps it runs
 * (without gradient) before the trained steps.
 *
 * @param start zero or stored initial state
 * @param burnIn burn-in steps before the first trained step, >= 0
 */
public record UnrollStrategy(StartState start, int burnIn) {

  public UnrollStrategy {
    if (start == null) {
      throw new IllegalArgumentException("start must not be null");
    }
    if (burnIn < 0) {
      throw new IllegalArgumentException("burnIn must be >= 0, got " + burnIn);
    }
  }

  /** The paper's four cells: {zero, stored} x {no burn-in, burn-in {@code l}}. */
  public static List<UnrollStrategy> paperGrid(int l) {
    if (l < 1) {
      throw new IllegalArgumentException("the burn-in of the grid must be >= 1, got " + l);
    }
    return List.of(new UnrollStrategy(StartState.ZERO, 0), new UnrollStrategy(StartState.ZERO, l),
        new UnrollStrategy(StartState.STORED, 0), new UnrollStrategy(StartState.STORED, l));
  }

  /** The strategy of a {@link #label()}, e.g. {@code zero-burnin4}. */
  public static UnrollStrategy parse(String label) {
    String[] parts = label.split("-burnin", -1);
    StartState start = parts.length != 2 ? null : "zero".equals(parts[0]) ? StartState.ZERO
        : "stored".equals(parts[0]) ? StartState.STORED : null;
    if (start == null || !parts[1].matches("\\d{1,6}")) {
      throw new IllegalArgumentException("unroll strategy '" + label + "' is not of the form"
          + " (zero|stored)-burnin<steps>");
    }
    return new UnrollStrategy(start, Integer.parseInt(parts[1]));
  }

  /** Short label for tables and CSV, e.g. {@code stored-burnin20}. */
  public String label() {
    return (start == StartState.ZERO ? "zero" : "stored") + "-burnin" + burnIn;
  }
}
