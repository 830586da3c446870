package dev.mnemo.gymhttp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The JSON of every env step, both sides of the protocol, on Jackson's streaming API ({@link Json#FACTORY}):
 * the reset and step request bodies and replies. Everything else (create, spaces, monitor, errors) is rare
 * and uses {@link Json} directly. {@link GymHttpBench} reports what it costs per step.
 *
 * <p>One instance per env or per served instance: not thread-safe. Writers return the length of the
 * document in {@link #buffer()}.
 */
final class StepJson {

  /** What a step reply said, beyond its observation. {@code terminated}/{@code truncated}: -1 when absent. */
  static final class StepReply {
    float reward;
    boolean done;
    boolean timeLimit;
    int terminated;
    int truncated;
    /** Bits: 1 observation, 2 reward, 4 done. */
    int seen;
  }

  private final ByteOut out = new ByteOut(256);

  /** The buffer the last write filled. */
  byte[] buffer() {
    return out.buffer();
  }

  private int finish() {
    return out.length();
  }

  private JsonGenerator begin() {
    return Json.generator(out.reset());
  }

  /**
   * The {@code seed} member of a reset body, or {@code fallback} when the body is empty, {@code null}, or
   * has no (or a null) seed.
   *
   * @throws IllegalArgumentException when the seed is not an integer (the message quotes it)
   */
  long readSeed(byte[] body, int length, long fallback) {
    long seed = integerMember(body, length, "seed");
    return seed == Long.MIN_VALUE ? fallback : seed;
  }

  /**
   * The {@code action} member of a step body, or {@link Long#MIN_VALUE} when there is none.
   *
   * @throws IllegalArgumentException when it is not an integer (the message quotes it)
   */
  long readAction(byte[] body, int length) {
    long action = integerMember(body, length, "action");
    if (action != Long.MIN_VALUE && Math.abs(action) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(Long.toString(action));
    }
    return action;
  }

  /**
   * The integer member {@code name} of a body that is an object; {@link Long#MIN_VALUE} when the body is
   * empty, not an object ({@code null}: Python's client posts {@code json.dumps(None)}), or has no (or a
   * null) such member. A float with an integer value below 2^53 counts ({@code 2.0}: numpy scalars).
   */
  private static long integerMember(byte[] body, int length, String name) {
    if (Json.isBlank(body, length)) {
      return Long.MIN_VALUE;
    }
    long value = Long.MIN_VALUE;
    try (JsonParser p = Json.parser(body, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Long.MIN_VALUE;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean match = name.equals(p.currentName());
        JsonToken t = p.nextToken();
        if (!match || t == JsonToken.VALUE_NULL) {
          p.skipChildren();
        } else if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
          value = p.getLongValue();
        } else if (t == JsonToken.VALUE_NUMBER_FLOAT && p.getDoubleValue() == Math.rint(p.getDoubleValue())
            && Math.abs(p.getDoubleValue()) <= 9.007199254740992E15) {
          value = (long) p.getDoubleValue();
        } else {
          throw new IllegalArgumentException(t.isStructStart() ? Json.snippet(body, length) : p.getText());
        }
      }
      return value;
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed JSON: " + Json.originalMessage(e), e);
    }
  }

  /** {@code {"observation": ...}}: nested lists in {@code shape}, or the index of a one-hot when {@code discrete}. */
  int writeObservation(float[] obs, int[] shape, boolean discrete) {
    try (JsonGenerator g = begin()) {
      g.writeStartObject();
      g.writeFieldName("observation");
      observation(g, obs, shape, discrete);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return finish();
  }

  /** {@code {"observation", "reward", "done", "info": {"TimeLimit.truncated"}, "terminated", "truncated"}}. */
  int writeStep(float[] obs, int[] shape, boolean discrete, float reward, boolean terminated,
      boolean truncated) {
    try (JsonGenerator g = begin()) {
      g.writeStartObject();
      g.writeFieldName("observation");
      observation(g, obs, shape, discrete);
      g.writeFieldName("reward");
      g.writeNumber(reward);
      g.writeBooleanField("done", terminated || truncated);
      g.writeFieldName("info");
      g.writeStartObject();
      g.writeBooleanField("TimeLimit.truncated", truncated && !terminated);
      g.writeEndObject();
      g.writeBooleanField("terminated", terminated);
      g.writeBooleanField("truncated", truncated);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return finish();
  }

  private static void observation(JsonGenerator g, float[] obs, int[] shape, boolean discrete) throws IOException {
    if (discrete) {
      g.writeNumber(argMax(obs));
    } else {
      nested(g, obs, shape, 0, 0);
    }
  }

  private static int nested(JsonGenerator g, float[] obs, int[] shape, int dim, int offset) throws IOException {
    g.writeStartArray();
    for (int i = 0; i < shape[dim]; i++) {
      if (dim == shape.length - 1) {
        g.writeNumber(obs[offset++]);
      } else {
        offset = nested(g, obs, shape, dim + 1, offset);
      }
    }
    g.writeEndArray();
    return offset;
  }

  /** {@code {"seed": s}}. */
  int writeSeed(long seed) {
    try (JsonGenerator g = begin()) {
      g.writeStartObject();
      g.writeNumberField("seed", seed);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return finish();
  }

  /** {@code {"action": a}}. */
  int writeAction(int action) {
    try (JsonGenerator g = begin()) {
      g.writeStartObject();
      g.writeNumberField("action", action);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return finish();
  }

  /**
   * Reads the {@code observation} member of a reset reply into {@code obs} (a Discrete observation as a
   * one-hot when {@code oneHot}); false when there is none.
   *
   * @throws IllegalArgumentException for malformed JSON or an observation that does not fit {@code obs}
   */
  boolean readResetReply(byte[] reply, float[] obs, boolean oneHot) {
    boolean saw = false;
    try (JsonParser p = Json.parser(reply, reply.length)) {
      expectObject(p);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean isObs = "observation".equals(p.currentName());
        p.nextToken();
        if (isObs) {
          readObservation(p, obs, oneHot);
          saw = true;
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed JSON: " + Json.originalMessage(e), e);
    }
    return saw;
  }

  /** Reads a step reply: the observation into {@code obs}, the rest into {@code out}. */
  void readStepReply(byte[] reply, float[] obs, boolean oneHot, StepReply out) {
    out.seen = 0;
    out.terminated = -1;
    out.truncated = -1;
    out.timeLimit = false;
    try (JsonParser p = Json.parser(reply, reply.length)) {
      expectObject(p);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "observation" -> {
            readObservation(p, obs, oneHot);
            out.seen |= 1;
          }
          case "reward" -> {
            out.reward = number(p, t);
            out.seen |= 2;
          }
          case "done" -> {
            out.done = bool(p, t);
            out.seen |= 4;
          }
          case "terminated" -> out.terminated = bool(p, t) ? 1 : 0;
          case "truncated" -> out.truncated = bool(p, t) ? 1 : 0;
          case "info" -> {
            if (t == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean limit = "TimeLimit.truncated".equals(p.currentName());
                JsonToken v = p.nextToken();
                if (limit && (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE)) {
                  out.timeLimit = v == JsonToken.VALUE_TRUE;
                } else {
                  p.skipChildren();
                }
              }
            } else {
              p.skipChildren();
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed JSON: " + Json.originalMessage(e), e);
    }
  }

  private static void expectObject(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("expected a JSON object");
    }
  }

  private static float number(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new IllegalArgumentException("expected a number, got " + p.getText());
    }
    return p.getFloatValue();
  }

  private static boolean bool(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
      throw new IllegalArgumentException("expected true or false, got " + p.getText());
    }
    return t == JsonToken.VALUE_TRUE;
  }

  /** The current value (a number or nested arrays of numbers) into {@code obs}, flattened row-major. */
  private static void readObservation(JsonParser p, float[] obs, boolean oneHot) throws IOException {
    if (oneHot) {
      JsonToken t = p.currentToken();
      if (t != JsonToken.VALUE_NUMBER_INT) {
        throw new IllegalArgumentException("a Discrete observation must be an integer, got " + p.getText());
      }
      oneHot(obs, p.getLongValue());
      return;
    }
    int n = 0;
    int depth = 0;
    JsonToken t = p.currentToken();
    do {
      if (t == JsonToken.START_ARRAY) {
        depth++;
      } else if (t == JsonToken.END_ARRAY) {
        depth--;
      } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
        if (n >= obs.length) {
          throw new IllegalArgumentException("observation larger than the declared " + obs.length + " floats");
        }
        obs[n++] = p.getFloatValue();
      } else {
        throw new IllegalArgumentException("an observation holds numbers, got " + t);
      }
      if (depth > 0) {
        t = p.nextToken();
      }
    } while (depth > 0);
    if (n != obs.length) {
      throw countMismatch(n, obs.length);
    }
  }

  /** Sets {@code obs} to the one-hot of {@code k}, checking its range. */
  private static void oneHot(float[] obs, long k) {
    if (k < 0 || k >= obs.length) {
      throw new IllegalArgumentException("Discrete observation " + k + " outside [0, " + obs.length + ")");
    }
    dev.mnemo.envs.BaseEnv.oneHot(obs, 0, obs.length, (int) k);
  }

  /** The index of the 1 in a one-hot observation (the first maximum, so any vector maps somewhere). */
  private static int argMax(float[] obs) {
    int k = 0;
    for (int i = 1; i < obs.length; i++) {
      if (obs[i] > obs[k]) {
        k = i;
      }
    }
    return k;
  }

  private static IllegalArgumentException countMismatch(int got, int declared) {
    return new IllegalArgumentException("observation has " + got + " numbers, the observation space declared "
        + declared);
  }
}
