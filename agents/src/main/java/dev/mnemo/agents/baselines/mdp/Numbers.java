package dev.mnemo.agents.baselines.mdp;

import java.math.BigDecimal;
import java.util.Locale;

/** How constants appear in the table: 4 significant digits without trailing zeros (0.05, 1.585e-3 as 0.001585). */
final class Numbers {
  private Numbers() {}

  static String compact(double x) {
    return new BigDecimal(String.format(Locale.ROOT, "%.4g", x)).stripTrailingZeros().toPlainString();
  }
}
