package dev.mnemo.learners.optim;

/**
 * Global gradient-norm clipping (Pascanu et al. 2013) over one flat gradient array:
 * <pre>
 *   norm = sqrt(sum_i g_i^2)          (summed in double, in index order)
 *   g    = g * (max / norm)           when max > 0 and norm > max; unchanged otherwise
 * </pre>
 * The scale is rounded to float once and every element multiplied by it, so every learner that clips gets the same
 * bits from the same gradient.
 */
public final class GlobalNormClip {
  private GlobalNormClip() {
  }

  /** Scales {@code g} in place so its L2 norm is at most {@code max} (0: no clipping); returns the norm before. */
  public static double clip(float[] g, double max) {
    double sq = 0;
    for (float v : g) {
      sq += (double) v * v;
    }
    double norm = Math.sqrt(sq);
    if (max > 0 && norm > max) {
      float scale = (float) (max / norm);
      for (int i = 0; i < g.length; i++) {
        g[i] *= scale;
      }
    }
    return norm;
  }
}
