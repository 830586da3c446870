package dev.mnemo.gymhttp;

/**
 * {@link StepJson} on the module's former hand-written {@link JsonReader}/{@link JsonWriter}: kept only as
 * the baseline that {@link GymHttpBench} measures Jackson against.
 */
final class HandStepJson implements StepJson {

  private final JsonWriter out = new JsonWriter(256);
  private final JsonReader in = new JsonReader();

  @Override
  public byte[] buffer() {
    return out.buffer();
  }

  @Override
  public long readSeed(byte[] body, int length, long fallback) {
    long seed = integerMember(body, length, "seed");
    return seed == Long.MIN_VALUE ? fallback : seed;
  }

  @Override
  public long readAction(byte[] body, int length) {
    long a = integerMember(body, length, "action");
    if (a != Long.MIN_VALUE && Math.abs(a) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(Long.toString(a));
    }
    return a;
  }

  private long integerMember(byte[] body, int length, String name) {
    JsonReader r = in.reset(body, length);
    long value = Long.MIN_VALUE;
    if (r.peek() != '{') {
      return value;
    }
    r.beginObject();
    while (r.nextMember()) {
      if (r.nameIs(name) && !r.readNullIfPresent()) {
        int c = r.peek();
        if (c == '[' || c == '"' || c == '{' || c == 't' || c == 'f') {
          throw new IllegalArgumentException(JsonReader.snippet(body, length));
        }
        double d = r.readDouble();
        if (d != Math.rint(d) || Math.abs(d) > 9.007199254740992E15) {
          throw new IllegalArgumentException(Double.toString(d));
        }
        value = (long) d;
      } else {
        r.skipValue();
      }
    }
    return value;
  }

  @Override
  public int writeObservation(float[] obs, int[] shape, boolean discrete) {
    out.clear().beginObject().name("observation");
    observation(obs, shape, discrete);
    return out.endObject().length();
  }

  @Override
  public int writeStep(float[] obs, int[] shape, boolean discrete, float reward, boolean terminated,
      boolean truncated) {
    out.clear().beginObject().name("observation");
    observation(obs, shape, discrete);
    out.comma().name("reward").value(reward)
        .comma().name("done").value(terminated || truncated)
        .comma().name("info").beginObject().name("TimeLimit.truncated").value(truncated && !terminated)
        .endObject()
        .comma().name("terminated").value(terminated)
        .comma().name("truncated").value(truncated);
    return out.endObject().length();
  }

  private void observation(float[] obs, int[] shape, boolean discrete) {
    if (discrete) {
      out.value((long) StepJson.argMax(obs));
    } else {
      nested(obs, shape, 0, 0);
    }
  }

  private int nested(float[] obs, int[] shape, int dim, int offset) {
    out.beginArray();
    for (int i = 0; i < shape[dim]; i++) {
      if (i > 0) {
        out.comma();
      }
      if (dim == shape.length - 1) {
        out.value(obs[offset++]);
      } else {
        offset = nested(obs, shape, dim + 1, offset);
      }
    }
    out.endArray();
    return offset;
  }

  @Override
  public int writeSeed(long seed) {
    return out.clear().beginObject().name("seed").value(seed).endObject().length();
  }

  @Override
  public int writeAction(int action) {
    return out.clear().beginObject().name("action").value((long) action).endObject().length();
  }

  @Override
  public boolean readResetReply(byte[] reply, float[] obs, boolean oneHot) {
    JsonReader r = in.reset(reply, reply.length);
    boolean saw = false;
    r.beginObject();
    while (r.nextMember()) {
      if (r.nameIs("observation")) {
        readObservation(obs, oneHot);
        saw = true;
      } else {
        r.skipValue();
      }
    }
    return saw;
  }

  @Override
  public void readStepReply(byte[] reply, float[] obs, boolean oneHot, StepReply o) {
    JsonReader r = in.reset(reply, reply.length);
    o.seen = 0;
    o.terminated = -1;
    o.truncated = -1;
    o.timeLimit = false;
    r.beginObject();
    while (r.nextMember()) {
      if (r.nameIs("observation")) {
        readObservation(obs, oneHot);
        o.seen |= 1;
      } else if (r.nameIs("reward")) {
        o.reward = r.readFloat();
        o.seen |= 2;
      } else if (r.nameIs("done")) {
        o.done = r.readBoolean();
        o.seen |= 4;
      } else if (r.nameIs("terminated")) {
        o.terminated = r.readBoolean() ? 1 : 0;
      } else if (r.nameIs("truncated")) {
        o.truncated = r.readBoolean() ? 1 : 0;
      } else if (r.nameIs("info") && r.peek() == '{') {
        r.beginObject();
        while (r.nextMember()) {
          if (r.nameIs("TimeLimit.truncated") && (r.peek() == 't' || r.peek() == 'f')) {
            o.timeLimit = r.readBoolean();
          } else {
            r.skipValue();
          }
        }
      } else {
        r.skipValue();
      }
    }
  }

  private void readObservation(float[] obs, boolean oneHot) {
    if (oneHot) {
      StepJson.oneHot(obs, in.readLong());
      return;
    }
    int n;
    try {
      n = in.readFloats(obs, 0);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("observation larger than the declared " + obs.length + " floats ("
          + e.getMessage() + ")", e);
    }
    if (n != obs.length) {
      throw StepJson.countMismatch(n, obs.length);
    }
  }
}
