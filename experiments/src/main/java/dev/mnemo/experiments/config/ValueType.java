package dev.mnemo.experiments.config;

/** The value types a config key can declare; list types check each element. */
public enum ValueType {
  BOOLEAN("a boolean"),
  INT("an integer"),
  LONG("an integer"),
  DOUBLE("a number"),
  STRING("a string"),
  DURATION("a duration such as 500ms, 30s or 10m"),
  INT_LIST("a list of integers"),
  DOUBLE_LIST("a list of numbers"),
  STRING_LIST("a list of strings"),
  /** A free-form object: keys below it are not checked (e.g. parameters passed through to a component). */
  OBJECT("an object");

  private final String phrase;

  ValueType(String phrase) {
    this.phrase = phrase;
  }

  /** How an error message names this type, e.g. "an integer". */
  public String phrase() {
    return phrase;
  }

  /** The element type of a list type, or this type itself. */
  public ValueType element() {
    return switch (this) {
      case INT_LIST -> INT;
      case DOUBLE_LIST -> DOUBLE;
      case STRING_LIST -> STRING;
      default -> this;
    };
  }

  public boolean isList() {
    return this == INT_LIST || this == DOUBLE_LIST || this == STRING_LIST;
  }

  public boolean isNumeric() {
    ValueType e = element();
    return e == INT || e == LONG || e == DOUBLE;
  }
}
