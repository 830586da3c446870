package dev.mnemo.gymhttp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The protocol's JSON on Jackson ({@link Json}, {@link StepJson}): exact floats, Python's forms, clear errors. */
class JsonTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(StepJson json, int length) {
    return new String(json.buffer(), 0, length, StandardCharsets.UTF_8);
  }

  @Test
  void everyFloatWrittenParsesBackToTheSameBits() {
    StepJson server = new StepJson();
    StepJson client = new StepJson();
    StepJson.StepReply reply = new StepJson.StepReply();
    SplittableRandom rng = new SplittableRandom(42);
    float[] obs = new float[100];
    float[] back = new float[100];
    float[] special = {0f, -0f, 1f, -1f, 0.1f, 1e-3f, 9.999999e-4f, 1e7f, 0.5f, 3.4028235e38f, -3.4028235e38f,
        Float.MIN_VALUE, Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL), 16777216f, 16777217f, 123456.79f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-45f, 9.99999944e-39f};
    for (int round = 0; round < 1000; round++) {
      for (int i = 0; i < obs.length; i++) {
        // Half uniformly random bit patterns (every exponent), half values of an observation's usual scale.
        float f = round == 0 && i < special.length ? special[i]
            : i % 2 == 0 ? Float.intBitsToFloat(rng.nextInt()) : (float) rng.nextGaussian();
        obs[i] = Float.isNaN(f) ? 0.25f : f;
      }
      int n = server.writeStep(obs, new int[] {10, 10}, false, obs[7], false, false);
      byte[] body = java.util.Arrays.copyOf(server.buffer(), n);
      client.readStepReply(body, back, false, reply);
      for (int i = 0; i < obs.length; i++) {
        if (Float.floatToRawIntBits(obs[i]) != Float.floatToRawIntBits(back[i])) {
          throw new AssertionError("float " + obs[i] + " (bits " + Integer.toHexString(Float.floatToRawIntBits(obs[i]))
              + ") read back as " + back[i] + " from " + Json.snippet(body, body.length));
        }
      }
      assertEquals(Float.floatToRawIntBits(obs[7]), Float.floatToRawIntBits(reply.reward), "reward");
    }
  }

  @Test
  void floatsAreWrittenAsFloatsNotWidenedToDouble() {
    // A float widened to double would be written 0.10000000149011612; Python would then see another number.
    StepJson json = new StepJson();
    int n = json.writeObservation(new float[] {0.1f, 0.005f, -2.5f, 1f, 1e10f}, new int[] {5}, false);
    String s = text(json, n);
    assertTrue(s.startsWith("{\"observation\":[0.1,0.005,-2.5,1.0,") && s.contains("E10"), s);
    for (String number : s.replaceAll(".*\\[(.*)].*", "$1").split(",")) {
      assertTrue(number.length() <= 7, "shortest digits: " + number + " in " + s);
    }
  }

  @Test
  void nanAndInfinitiesUsePythonsBareSpelling() {
    StepJson json = new StepJson();
    int n = json.writeObservation(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY},
        new int[] {3}, false);
    assertEquals("{\"observation\":[NaN,Infinity,-Infinity]}", text(json, n));
    float[] back = new float[3];
    assertTrue(json.readResetReply(utf8("{\"observation\": [NaN, Infinity, -Infinity]}"), back, false));
    assertTrue(Float.isNaN(back[0]) && back[1] == Float.POSITIVE_INFINITY && back[2] == Float.NEGATIVE_INFINITY);
  }

  @Test
  void floatsFromOtherWritersAreCorrectlyRounded() {
    // Python writes doubles with up to 17 digits; they must round to float exactly as Float.parseFloat does
    // (one rounding, not decimal -> double -> float).
    SplittableRandom rng = new SplittableRandom(7);
    StepJson json = new StepJson();
    float[] one = new float[1];
    for (int i = 0; i < 30_000; i++) {
      double d = rng.nextGaussian() * Math.pow(10, rng.nextInt(-30, 30));
      String text = i % 3 == 0 ? Double.toString(d) : i % 3 == 1 ? String.format("%.6e", d)
          : String.valueOf((long) (d * 1000));
      json.readResetReply(utf8("{\"observation\": [" + text + "]}"), one, false);
      float expected = Float.parseFloat(text);
      if (Float.floatToRawIntBits(one[0]) != Float.floatToRawIntBits(expected)) {
        throw new AssertionError("'" + text + "' read as " + one[0] + ", Float.parseFloat gives " + expected);
      }
    }
    // A decimal exactly between two floats once rounded to double: double rounding would go wrong here.
    String tie = "1.00000005960464477550"; // just above the midpoint of 1f and nextUp(1f)
    json.readResetReply(utf8("{\"observation\": [" + tie + "]}"), one, false);
    assertEquals(Float.parseFloat(tie), one[0]);
  }

  @Test
  void stepRepliesInThePythonServersFormAreRead() {
    StepJson json = new StepJson();
    StepJson.StepReply r = new StepJson.StepReply();
    float[] obs = new float[4];
    json.readStepReply(utf8("{\"done\": true, \"info\": {\"TimeLimit.truncated\": true, \"extra\": [1, {\"a\": null}]},"
        + " \"observation\": [[1, 2.5], [-3, 4e0]], \"reward\": 1.0, \"other\": \"x\\\"}\"}"), obs, false, r);
    assertArrayEquals(new float[] {1f, 2.5f, -3f, 4f}, obs, "nested lists flattened row-major");
    assertTrue(r.done && r.timeLimit && r.seen == 7 && r.terminated == -1 && r.truncated == -1);
    assertEquals(1f, r.reward);
    float[] oneHot = new float[16];
    json.readStepReply(utf8("{\"observation\": 4, \"reward\": 0.0, \"done\": false, \"info\": {}}"), oneHot, true, r);
    assertEquals(1f, oneHot[4]);
    assertEquals(1f, sum(oneHot));
    var e = assertThrows(IllegalArgumentException.class,
        () -> json.readResetReply(utf8("{\"observation\": [1, 2, 3, 4, 5]}"), obs, false));
    assertTrue(e.getMessage().contains("larger than the declared 4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> json.readResetReply(utf8("{\"observation\": [1, 2, 3]}"), obs, false));
    assertTrue(e.getMessage().contains("has 3 numbers") && e.getMessage().contains("declared 4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> json.readResetReply(utf8("{\"observation\": 16}"), oneHot, true));
    assertTrue(e.getMessage().contains("16 outside [0, 16)"), e.getMessage());
  }

  private static float sum(float[] v) {
    float s = 0;
    for (float x : v) {
      s += x;
    }
    return s;
  }

  @Test
  void seedsAndActionsAreExactIntegersOrRefused() {
    StepJson json = new StepJson();
    for (long seed : new long[] {0, -1, Long.MAX_VALUE, Long.MIN_VALUE + 1, 1L << 60}) {
      int n = json.writeSeed(seed);
      assertEquals(seed, json.readSeed(java.util.Arrays.copyOf(json.buffer(), n), n, 99), "seed " + seed);
    }
    assertEquals(99, seed(json, "null"), "Python's client posts null");
    assertEquals(99, json.readSeed(new byte[0], 0, 99), "empty body");
    assertEquals(99, seed(json, "{\"seed\": null, \"x\": [1]}"));
    assertEquals(3, seed(json, "{\"seed\": 3.0}"), "an integer written as a float");
    var e = assertThrows(IllegalArgumentException.class, () -> seed(json, "{\"seed\": 2.5}"));
    assertEquals("2.5", e.getMessage());
    assertEquals(2, action(json, "{\"action\": 2, \"render\": false}"));
    assertEquals(Long.MIN_VALUE, action(json, "{\"render\": false}"), "no action");
    for (String bad : new String[] {"1.5", "\"1\"", "[1]", "true", "99999999999"}) {
      byte[] b = utf8("{\"action\": " + bad + "}");
      assertThrows(IllegalArgumentException.class, () -> json.readAction(b, b.length), bad);
    }
    byte[] truncated = utf8("{\"action\": 1");
    e = assertThrows(IllegalArgumentException.class, () -> json.readAction(truncated, truncated.length));
    assertTrue(e.getMessage().startsWith("malformed JSON"), e.getMessage());
  }

  @Test
  void documentsReadAsPlainValuesKeepIntegersAsLongs() {
    byte[] doc = utf8("{\"n\": 16, \"low\": [-1e100, 2.5], \"s\": \"é \\\" ∑\", \"b\": true, \"z\": null}");
    Object v = Json.readValue(doc, doc.length);
    assertEquals(Map.of("n", 16L, "low", List.of(-1e100, 2.5), "s", "é \" ∑", "b", true),
        withoutNull((Map<?, ?>) v));
    assertTrue(((Map<?, ?>) v).containsKey("z"));
    var e = assertThrows(IllegalArgumentException.class, () -> readValue("{\"a\" 1}"));
    assertTrue(e.getMessage().contains("malformed JSON") && e.getMessage().contains("{\"a\" 1}"), e.getMessage());
    String s = "quote \" backslash \\ tab \t newline \n unicode é ∑ \u0001";
    byte[] written = Json.message(s);
    assertEquals(Map.of("message", s), Json.readValue(written, written.length));
    assertFalse(Json.isBlank(utf8(" x "), 3));
  }

  private static long seed(StepJson json, String body) {
    byte[] b = utf8(body);
    return json.readSeed(b, b.length, 99);
  }

  private static long action(StepJson json, String body) {
    byte[] b = utf8(body);
    return json.readAction(b, b.length);
  }

  private static Object readValue(String doc) {
    byte[] b = utf8(doc);
    return Json.readValue(b, b.length);
  }

  private static Map<?, ?> withoutNull(Map<?, ?> m) {
    Map<Object, Object> copy = new java.util.HashMap<>(m);
    copy.values().removeIf(java.util.Objects::isNull);
    return copy;
  }
}
