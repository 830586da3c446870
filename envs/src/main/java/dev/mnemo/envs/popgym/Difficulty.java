package dev.mnemo.envs.popgym;

/** POPGym's three difficulty levels; each task maps them to its own parameters. */
public enum Difficulty {
  EASY("Easy"),
  MEDIUM("Medium"),
  HARD("Hard");

  private final String label;

  Difficulty(String label) {
    this.label = label;
  }

  /** The suffix used in ids, e.g. {@code Medium} in {@code popgym/RepeatPrevious-Medium}. */
  public String label() {
    return label;
  }

  /** Parses {@code Easy}, {@code Medium} or {@code Hard} (case-sensitive, as in the ids). */
  public static Difficulty parse(String label) {
    for (Difficulty d : values()) {
      if (d.label.equals(label)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown difficulty '" + label + "'; valid: Easy, Medium, Hard");
  }

  /** Picks the value for this level from the three given. */
  public int pick(int easy, int medium, int hard) {
    return switch (this) {
      case EASY -> easy;
      case MEDIUM -> medium;
      case HARD -> hard;
    };
  }

  /** Picks the value for this level from the three given. */
  public double pick(double easy, double medium, double hard) {
    return switch (this) {
      case EASY -> easy;
      case MEDIUM -> medium;
      case HARD -> hard;
    };
  }
}
