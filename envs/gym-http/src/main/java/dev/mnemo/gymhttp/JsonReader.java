package dev.mnemo.gymhttp;

import java.nio.charset.StandardCharsets;

/**
 * A pull reader over one JSON document in a byte array, enough for the Gym HTTP protocol: objects are
 * walked member by member ({@link #nextMember()} then {@link #nameIs}), unknown members are skipped
 * ({@link #skipValue()}), and numeric arrays are read straight into a caller's float buffer,
 * flattening nesting ({@link #readFloats}). Matching names and reading numbers allocate nothing.
 *
 * <p>Numbers become floats correctly rounded from their decimal text: a fast exact path (at most 15
 * significant digits and a power of ten up to 1e22, then one check for the rare double-rounding case),
 * else {@link Float#parseFloat}. {@code NaN}, {@code Infinity}, {@code -Infinity} are accepted, as
 * Python's json module writes them. Malformed input throws {@link IllegalArgumentException} with the
 * offset and a snippet.
 */
final class JsonReader {
  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22
  };

  private byte[] buf;
  private int pos;
  private int end;
  private int nameStart;
  private int nameEnd;
  /** Per open object/array: whether a member/element has been read (so a comma is due next). */
  private final boolean[] started = new boolean[64];
  private int depth;

  JsonReader reset(byte[] data, int length) {
    this.buf = data;
    this.pos = 0;
    this.end = length;
    this.depth = 0;
    return this;
  }

  /** The first non-blank character, or -1 at the end; not consumed. */
  int peek() {
    skipBlanks();
    return pos < end ? buf[pos] & 0xFF : -1;
  }

  void beginObject() {
    expect('{');
    push();
  }

  void beginArray() {
    expect('[');
    push();
  }

  /**
   * Moves to the next member of the current object and reads its name (see {@link #nameIs}); false (and
   * the object closed) at its end.
   */
  boolean nextMember() {
    if (!advance('}')) {
      return false;
    }
    if (peek() != '"') {
      throw error("expected a member name");
    }
    pos++;
    nameStart = pos;
    while (pos < end && buf[pos] != '"') {
      if (buf[pos] == '\\') {
        pos++;
      }
      pos++;
    }
    if (pos >= end) {
      throw error("unterminated member name");
    }
    nameEnd = pos++;
    expect(':');
    return true;
  }

  /** Moves to the next element of the current array; false (and the array closed) at its end. */
  boolean nextElement() {
    return advance(']');
  }

  /** Whether the name read by the last {@link #nextMember()} is {@code ascii} (escapes compared raw). */
  boolean nameIs(String ascii) {
    if (nameEnd - nameStart != ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (buf[nameStart + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  String name() {
    return new String(buf, nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
  }

  boolean readBoolean() {
    int c = peek();
    if (c == 't' && matchWord("true")) {
      return true;
    }
    if (c == 'f' && matchWord("false")) {
      return false;
    }
    throw error("expected true or false");
  }

  /** True (and consumed) when the next value is {@code null}. */
  boolean readNullIfPresent() {
    return peek() == 'n' && matchWord("null");
  }

  String readString() {
    if (peek() != '"') {
      throw error("expected a string");
    }
    pos++;
    StringBuilder b = null;
    int start = pos;
    while (pos < end && buf[pos] != '"') {
      if (buf[pos] == '\\') {
        if (b == null) {
          b = new StringBuilder();
        }
        b.append(new String(buf, start, pos - start, StandardCharsets.UTF_8));
        pos++;
        if (pos >= end) {
          break;
        }
        char e = (char) buf[pos++];
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            if (pos + 4 > end) {
              throw error("truncated \\u escape");
            }
            b.append((char) Integer.parseInt(new String(buf, pos, 4, StandardCharsets.US_ASCII), 16));
            pos += 4;
          }
          default -> b.append(e);
        }
        start = pos;
      } else {
        pos++;
      }
    }
    if (pos >= end) {
      throw error("unterminated string");
    }
    String tail = new String(buf, start, pos - start, StandardCharsets.UTF_8);
    pos++;
    return b == null ? tail : b.append(tail).toString();
  }

  /**
   * An integer value, exact over the whole long range (seeds are 64-bit); a number written with a zero
   * fraction or an exponent ({@code 3.0}, {@code 3e2}) is accepted when it is an integer below 2^53.
   */
  long readLong() {
    skipBlanks();
    int start = pos;
    boolean negative = pos < end && buf[pos] == '-';
    int p = negative ? pos + 1 : pos;
    long v = 0;
    int digits = 0;
    boolean overflow = false;
    while (p < end && isDigit(buf[p])) {
      int d = buf[p] - '0';
      // Accumulate negatively: the negative range is one larger, so Long.MIN_VALUE parses too.
      if (v < (Long.MIN_VALUE + d) / 10) {
        overflow = true;
      }
      v = v * 10 - d;
      digits++;
      p++;
    }
    boolean plain = digits > 0 && (p >= end || (buf[p] != '.' && buf[p] != 'e' && buf[p] != 'E'));
    if (plain) {
      pos = p;
      if (overflow || (!negative && v == Long.MIN_VALUE)) {
        throw new IllegalArgumentException("integer out of the long range: "
            + new String(buf, start, p - start, StandardCharsets.US_ASCII));
      }
      return negative ? v : -v;
    }
    double d = readDouble();
    if (d != Math.rint(d) || Math.abs(d) > 9.007199254740992E15) {
      throw new IllegalArgumentException("expected an integer, got " + d);
    }
    return (long) d;
  }

  double readDouble() {
    skipBlanks();
    int start = pos;
    scanNumber();
    return Double.parseDouble(new String(buf, start, pos - start, StandardCharsets.US_ASCII));
  }

  /** The next number, correctly rounded to float. */
  float readFloat() {
    skipBlanks();
    int start = pos;
    boolean negative = false;
    if (pos < end && buf[pos] == '-') {
      negative = true;
      pos++;
    }
    if (pos < end && (buf[pos] == 'N' || buf[pos] == 'I')) {
      if (!negative && matchWord("NaN")) {
        return Float.NaN;
      }
      if (matchWord("Infinity")) {
        return negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
      }
      throw error("expected a number");
    }
    long mantissa = 0;
    int significant = 0;
    int scale = 0; // value = mantissa * 10^-scale * 10^exp
    boolean digits = false;
    while (pos < end && isDigit(buf[pos])) {
      digits = true;
      if (mantissa != 0 || buf[pos] != '0') {
        if (significant < 18) {
          mantissa = mantissa * 10 + (buf[pos] - '0');
        } else {
          scale--; // digit dropped: the fast path below is then refused
        }
        significant++;
      }
      pos++;
    }
    if (pos < end && buf[pos] == '.') {
      pos++;
      while (pos < end && isDigit(buf[pos])) {
        digits = true;
        if (mantissa != 0 || buf[pos] != '0') {
          if (significant < 18) {
            mantissa = mantissa * 10 + (buf[pos] - '0');
            scale++;
          }
          significant++;
        } else {
          scale++;
        }
        pos++;
      }
    }
    if (!digits) {
      pos = start;
      throw error("expected a number");
    }
    int exp = 0;
    if (pos < end && (buf[pos] == 'e' || buf[pos] == 'E')) {
      pos++;
      boolean expNegative = false;
      if (pos < end && (buf[pos] == '+' || buf[pos] == '-')) {
        expNegative = buf[pos] == '-';
        pos++;
      }
      if (pos >= end || !isDigit(buf[pos])) {
        throw error("malformed exponent");
      }
      while (pos < end && isDigit(buf[pos])) {
        exp = Math.min(exp * 10 + (buf[pos] - '0'), 100_000);
        pos++;
      }
      if (expNegative) {
        exp = -exp;
      }
    }
    if (mantissa == 0) {
      return negative ? -0f : 0f;
    }
    int k = scale - exp; // value = mantissa / 10^k
    if (significant <= 15 && k >= -22 && k <= 22) {
      double d = k >= 0 ? mantissa / POW10[k] : mantissa * POW10[-k]; // one correctly rounded operation
      float f = (float) d;
      if (!isFloatMidpoint(d, f)) {
        return negative ? -f : f;
      }
    }
    return Float.parseFloat(new String(buf, start, pos - start, StandardCharsets.US_ASCII));
  }

  /**
   * Whether the double {@code d} lies exactly halfway between two floats: only then can rounding the
   * decimal first to double and then to float differ from rounding it to float directly.
   */
  static boolean isFloatMidpoint(double d, float rounded) {
    if ((double) rounded == d || Float.isInfinite(rounded)) {
      return Float.isInfinite(rounded);
    }
    float other = Math.nextAfter(rounded, d);
    return ((double) rounded + (double) other) * 0.5 == d;
  }

  /**
   * Reads a number or an array of numbers nested to any depth into {@code out} from {@code offset},
   * flattened in row-major order; returns how many were written. Throws if more than fit.
   */
  int readFloats(float[] out, int offset) {
    int c = peek();
    if (c != '[') {
      if (offset >= out.length) {
        throw new IllegalArgumentException("more than " + out.length + " numbers");
      }
      out[offset] = readFloat();
      return 1;
    }
    beginArray();
    int n = 0;
    while (nextElement()) {
      n += readFloats(out, offset + n);
    }
    return n;
  }

  /** Skips one value of any type. */
  void skipValue() {
    int c = peek();
    switch (c) {
      case '{' -> {
        beginObject();
        while (nextMember()) {
          skipValue();
        }
      }
      case '[' -> {
        beginArray();
        while (nextElement()) {
          skipValue();
        }
      }
      case '"' -> readString();
      case 't', 'f' -> readBoolean();
      case 'n' -> {
        if (!readNullIfPresent()) {
          throw error("expected null");
        }
      }
      default -> readFloat();
    }
  }

  /** Fails unless only blanks remain. */
  void expectEnd() {
    if (peek() != -1) {
      throw error("unexpected text after the document");
    }
  }

  /** A short excerpt of the document, for error messages. */
  static String snippet(byte[] data, int length) {
    int n = Math.min(length, 300);
    return new String(data, 0, n, StandardCharsets.UTF_8) + (length > n ? "..." : "");
  }

  private void push() {
    if (depth == started.length) {
      throw error("nesting deeper than " + started.length);
    }
    started[depth++] = false;
  }

  /** Consumes a comma if one is due; false (and the container popped) at {@code close}. */
  private boolean advance(char close) {
    if (depth == 0) {
      throw error("not inside an object or array");
    }
    int c = peek();
    if (c == close) {
      pos++;
      depth--;
      return false;
    }
    if (started[depth - 1]) {
      expect(',');
    }
    started[depth - 1] = true;
    return true;
  }

  private void scanNumber() {
    int start = pos;
    if (pos < end && buf[pos] == '-') {
      pos++;
    }
    while (pos < end && (isDigit(buf[pos]) || buf[pos] == '.' || buf[pos] == 'e' || buf[pos] == 'E'
        || buf[pos] == '+' || buf[pos] == '-')) {
      pos++;
    }
    if (pos == start) {
      throw error("expected a number");
    }
  }

  private boolean matchWord(String word) {
    if (pos + word.length() > end) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (buf[pos + i] != word.charAt(i)) {
        return false;
      }
    }
    pos += word.length();
    return true;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void skipBlanks() {
    while (pos < end && (buf[pos] == ' ' || buf[pos] == '\n' || buf[pos] == '\r' || buf[pos] == '\t')) {
      pos++;
    }
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("malformed JSON: " + what + " at offset " + pos + " in "
        + snippet(buf, end));
  }
}
