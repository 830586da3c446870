package dev.mnemo.agents.r2d2;

/**
 * R2D2's invertible value rescaling (Pohlen et al. 2018), which lets one network fit returns of very
 * different scales without reward clipping:
 * {@code h(x) = sign(x) (sqrt(|x| + 1) - 1) + eps x} and its exact closed-form inverse
 * {@code h^-1(y) = sign(y) (((sqrt(1 + 4 eps (|y| + 1 + eps)) - 1) / (2 eps))^2 - 1)}.
 */
public final class ValueRescaling {

  /** The paper's epsilon. */
  public static final double EPSILON = 1e-3;

  private ValueRescaling() {}

  /** h(x). */
  public static double h(double x) {
    return Math.signum(x) * (Math.sqrt(Math.abs(x) + 1) - 1) + EPSILON * x;
  }

  /** h^-1(y), the exact inverse of {@link #h}. */
  public static double hInverse(double y) {
    double root = (Math.sqrt(1 + 4 * EPSILON * (Math.abs(y) + 1 + EPSILON)) - 1) / (2 * EPSILON);
    return Math.signum(y) * (root * root - 1);
  }
}
