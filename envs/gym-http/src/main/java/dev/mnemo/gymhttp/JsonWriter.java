package dev.mnemo.gymhttp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the few JSON shapes of the Gym HTTP protocol into a reused byte buffer.
 *
 * <p>Floats are written with the fewest significant digits (at most 9) that parse back to the same bits,
 * by arithmetic on a long, not {@link Float#toString}, so an observation costs no allocation. The caller
 * places commas: {@link #comma()} between members and elements.
 */
final class JsonWriter {
  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22
  };
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private byte[] buf;
  private int len;
  private final byte[] digits = new byte[20];

  JsonWriter(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  JsonWriter clear() {
    len = 0;
    return this;
  }

  byte[] buffer() {
    return buf;
  }

  int length() {
    return len;
  }

  String asString() {
    return new String(buf, 0, len, StandardCharsets.UTF_8);
  }

  JsonWriter raw(char c) {
    ensure(1);
    buf[len++] = (byte) c;
    return this;
  }

  JsonWriter raw(String ascii) {
    ensure(ascii.length());
    for (int i = 0; i < ascii.length(); i++) {
      buf[len++] = (byte) ascii.charAt(i);
    }
    return this;
  }

  JsonWriter beginObject() {
    return raw('{');
  }

  JsonWriter endObject() {
    return raw('}');
  }

  JsonWriter beginArray() {
    return raw('[');
  }

  JsonWriter endArray() {
    return raw(']');
  }

  JsonWriter comma() {
    return raw(',');
  }

  /** {@code "name":} for a member name that needs no escaping (the protocol's own keys). */
  JsonWriter name(String ascii) {
    raw('"');
    raw(ascii);
    return raw('"').raw(':');
  }

  JsonWriter value(boolean b) {
    return raw(b ? "true" : "false");
  }

  JsonWriter value(long v) {
    if (v == Long.MIN_VALUE) {
      return raw(Long.toString(v));
    }
    if (v < 0) {
      raw('-');
      v = -v;
    }
    int n = 0;
    do {
      digits[n++] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    } while (v != 0);
    ensure(n);
    while (n > 0) {
      buf[len++] = digits[--n];
    }
    return this;
  }

  /** A string with JSON escaping (quotes, backslash, control characters); non-ASCII is written as UTF-8. */
  JsonWriter value(String s) {
    raw('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        raw('\\').raw(c);
      } else if (c < 0x20) {
        raw("\\u00").raw((char) HEX[c >> 4]).raw((char) HEX[c & 15]);
      } else if (c < 0x80) {
        raw(c);
      } else {
        int end = i + 1;
        while (end < s.length() && s.charAt(end) >= 0x80) {
          end++;
        }
        byte[] utf8 = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, len, utf8.length);
        len += utf8.length;
        i = end - 1;
      }
    }
    return raw('"');
  }

  /**
   * A float as JSON text that {@link JsonReader#readFloat()} (and any correct parser rounding to float)
   * turns back into the same bits. NaN and the infinities are written as {@code NaN}, {@code Infinity},
   * {@code -Infinity}, as Python's json module does (not strict JSON; the Gym server does the same).
   */
  JsonWriter value(float f) {
    if (Float.isNaN(f)) {
      return raw("NaN");
    }
    if (Float.isInfinite(f)) {
      return raw(f > 0 ? "Infinity" : "-Infinity");
    }
    if (f == 0f) {
      return raw(Float.floatToRawIntBits(f) < 0 ? "-0.0" : "0.0");
    }
    if (f < 0) {
      raw('-');
    }
    double v = Math.abs((double) f);
    int e = (int) Math.floor(Math.log10(v));
    long d = Math.round(scale(v, 8 - e));
    // log10 may land one decade off near powers of ten, and rounding may carry into a tenth digit:
    // renormalise to exactly 9 digits.
    for (int tries = 0; tries < 3 && (d >= 1_000_000_000L || d < 100_000_000L); tries++) {
      e += d >= 1_000_000_000L ? 1 : -1;
      d = Math.round(scale(v, 8 - e));
    }
    // The fewest digits that read back as this float (0.005f is "5.0E-3", not "4.99999989E-3"): try 1..8
    // digits and keep the first whose decimal rounds (double, then float, as JsonReader does; refused at a
    // float midpoint, where that could differ from direct rounding) to exactly this value.
    float magnitude = Math.abs(f);
    for (int p = 1; p < 9; p++) {
      int k = p - 1 - e; // candidate value = m / 10^k
      if (k > 22 || k < -22) {
        break;
      }
      long m = Math.round(scale(v, k));
      double back = k >= 0 ? m / POW10[k] : m * POW10[-k];
      float rounded = (float) back;
      if (rounded == magnitude && !JsonReader.isFloatMidpoint(back, rounded) && m >= (long) POW10[p - 1]
          && m < (long) POW10[p]) {
        d = m * (long) POW10[9 - p];
        break;
      }
    }
    // Nine digits d.dddddddd, trailing zeros dropped (but one kept after the point), then E<e>.
    for (int i = 0; i < 9; i++) {
      digits[8 - i] = (byte) ('0' + (int) (d % 10));
      d /= 10;
    }
    int last = 8;
    while (last > 1 && digits[last] == '0') {
      last--;
    }
    ensure(12);
    buf[len++] = digits[0];
    buf[len++] = '.';
    for (int i = 1; i <= last; i++) {
      buf[len++] = digits[i];
    }
    if (e != 0) {
      raw('E');
      value((long) e);
    }
    return this;
  }

  /** {@code v * 10^j}, in at most three exact-power steps (the error stays a few ulps of a double). */
  private static double scale(double v, int j) {
    while (j > 22) {
      v *= 1e22;
      j -= 22;
    }
    while (j < -22) {
      v /= 1e22;
      j += 22;
    }
    return j >= 0 ? v * POW10[j] : v / POW10[-j];
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }
}
