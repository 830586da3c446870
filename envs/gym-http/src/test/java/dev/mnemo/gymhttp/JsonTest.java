package dev.mnemo.gymhttp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static JsonReader reader(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return new JsonReader().reset(b, b.length);
  }

  private static float roundTrip(JsonWriter w, JsonReader r, float f) {
    w.clear().value(f);
    return r.reset(w.buffer(), w.length()).readFloat();
  }

  @Test
  void everyFloatWrittenParsesBackToTheSameBits() {
    JsonWriter w = new JsonWriter(32);
    JsonReader r = new JsonReader();
    float[] special = {0f, -0f, 1f, -1f, 0.1f, 1e-3f, 9.999999e-4f, 1e7f, 0.5f, 3.4028235e38f, -3.4028235e38f,
        Float.MIN_VALUE, Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL), 16777216f, 16777217f, 123456.79f,
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-45f, 9.99999944e-39f};
    for (float f : special) {
      float back = roundTrip(w, r, f);
      assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(back),
          "float " + f + " written as '" + w.asString() + "' parsed back as " + back);
    }
    SplittableRandom rng = new SplittableRandom(42);
    for (int i = 0; i < 100_000; i++) {
      // Half uniformly random bit patterns (every exponent), half values of an observation's usual scale.
      float f = i % 2 == 0 ? Float.intBitsToFloat(rng.nextInt()) : (float) rng.nextGaussian();
      if (Float.isNaN(f)) {
        continue;
      }
      float back = roundTrip(w, r, f);
      if (Float.floatToRawIntBits(f) != Float.floatToRawIntBits(back)) {
        throw new AssertionError("float " + f + " (bits " + Integer.toHexString(Float.floatToRawIntBits(f))
            + ") written as '" + w.asString() + "' parsed back as " + back);
      }
      // And our text is ordinary JSON that the JDK's own parser reads to the same float.
      if (Float.parseFloat(w.asString()) != f) {
        throw new AssertionError("Float.parseFloat('" + w.asString() + "') != " + f);
      }
    }
  }

  @Test
  void floatsAreWrittenWithTheFewestDigitsThatReadBack() {
    JsonWriter w = new JsonWriter(16);
    String[][] cases = {{"0.005", "5.0E-3"}, {"0.1", "1.0E-1"}, {"1", "1.0"}, {"-2.5", "-2.5"},
        {"123456.79", "1.2345679E5"}, {"0.2", "2.0E-1"}, {"1e10", "1.0E10"},
        // Beyond 10^±22 the exact-power check is unavailable: nine digits, still exact.
        {"3.4028235e38", "3.40282347E38"}};
    for (String[] c : cases) {
      w.clear().value(Float.parseFloat(c[0]));
      assertEquals(c[1], w.asString(), "float " + c[0]);
    }
  }

  @Test
  void floatsFromOtherWritersAreCorrectlyRounded() {
    // Python writes doubles with up to 17 digits; the reader must round them to float exactly as
    // Float.parseFloat does, whichever of its paths (fast or fallback) it takes.
    SplittableRandom rng = new SplittableRandom(7);
    JsonReader r = new JsonReader();
    for (int i = 0; i < 30_000; i++) {
      double d = rng.nextGaussian() * Math.pow(10, rng.nextInt(-30, 30));
      String text = i % 3 == 0 ? Double.toString(d) : i % 3 == 1 ? String.format("%.6e", d)
          : String.valueOf((long) (d * 1000));
      byte[] b = text.getBytes(StandardCharsets.US_ASCII);
      float got = r.reset(b, b.length).readFloat();
      float expected = Float.parseFloat(text);
      if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(expected)) {
        throw new AssertionError("'" + text + "' read as " + got + ", Float.parseFloat gives " + expected);
      }
    }
    assertEquals(Float.NEGATIVE_INFINITY, reader("-Infinity").readFloat());
    assertTrue(Float.isNaN(reader("NaN").readFloat()));
    assertEquals(2.5e-3f, reader("2.5E-3").readFloat());
    assertEquals(100f, reader("1e+2").readFloat());
  }

  @Test
  void writingAndReadingAStepReplyAllocatesNothing() {
    // The per-step JSON work on both sides: the server writes observation, reward and flags; the client
    // reads them back into its Step's array. Only what java.net.http / the JDK server do may allocate.
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    JsonWriter w = new JsonWriter(256);
    JsonReader r = new JsonReader();
    float[] obs = new float[8];
    float[] back = new float[8];
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < obs.length; i++) {
      obs[i] = (float) rng.nextGaussian();
    }
    float[] sink = new float[1];
    Runnable step = () -> {
      w.clear().beginObject().name("observation").beginArray();
      for (int i = 0; i < obs.length; i++) {
        if (i > 0) {
          w.comma();
        }
        w.value(obs[i]);
      }
      w.endArray().comma().name("reward").value(0.005f).comma().name("done").value(false).comma().name("info")
          .beginObject().name("TimeLimit.truncated").value(false).endObject().endObject();
      r.reset(w.buffer(), w.length());
      r.beginObject();
      while (r.nextMember()) {
        if (r.nameIs("observation")) {
          r.readFloats(back, 0);
        } else if (r.nameIs("reward")) {
          sink[0] += r.readFloat();
        } else {
          r.skipValue();
        }
      }
    };
    for (int i = 0; i < 50_000; i++) {
      step.run(); // warm-up: JIT compiles (and escape-analyses) the loop
    }
    long before = mx.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 20_000; i++) {
      step.run();
    }
    long allocated = mx.getThreadAllocatedBytes(thread) - before;
    assertArrayEquals(obs, back, "the observation read back");
    assertTrue(allocated < 2_000, "20,000 step replies written and read allocated " + allocated + " bytes");
  }

  @Test
  void nestedArraysAreFlattenedRowMajorAndOverflowIsRefused() {
    float[] out = new float[6];
    assertEquals(6, reader("[[1, 2.5, -3], [4e0, 5, 6]]").readFloats(out, 0));
    assertArrayEquals(new float[] {1f, 2.5f, -3f, 4f, 5f, 6f}, out);
    var e = assertThrows(IllegalArgumentException.class, () -> reader("[1,2,3,4,5,6,7]").readFloats(out, 0));
    assertTrue(e.getMessage().contains("more than 6"), e.getMessage());
  }

  @Test
  void unknownMembersOfAnyTypeAreSkipped() {
    JsonReader r = reader("{\"info\": {\"a\": [1, {\"b\": null}], \"s\": \"x\\\"}\"}, \"t\": true, "
        + "\"reward\": 1.5, \"done\": false}");
    r.beginObject();
    float reward = Float.NaN;
    boolean done = true;
    while (r.nextMember()) {
      if (r.nameIs("reward")) {
        reward = r.readFloat();
      } else if (r.nameIs("done")) {
        done = r.readBoolean();
      } else {
        r.skipValue();
      }
    }
    r.expectEnd();
    assertEquals(1.5f, reward);
    assertFalse(done);
  }

  @Test
  void stringsRoundTripWithEscapesAndUnicode() {
    String s = "quote \" backslash \\ tab \t newline \n unicode é ∑ \u0001";
    JsonWriter w = new JsonWriter(8).value(s);
    assertEquals(s, new JsonReader().reset(w.buffer(), w.length()).readString());
  }

  @Test
  void malformedInputNamesTheProblemAndOffset() {
    var e = assertThrows(IllegalArgumentException.class, () -> {
      JsonReader r = reader("{\"a\" 1}");
      r.beginObject();
      r.nextMember();
    });
    assertTrue(e.getMessage().contains("expected ':'") && e.getMessage().contains("offset 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> reader("[1, x]").readFloats(new float[4], 0));
    assertTrue(e.getMessage().contains("expected a number"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> reader("2.5").readLong());
    assertTrue(e.getMessage().contains("integer") && e.getMessage().contains("2.5"), e.getMessage());
  }
}
