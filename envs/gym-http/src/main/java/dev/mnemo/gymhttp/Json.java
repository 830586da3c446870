package dev.mnemo.gymhttp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The module's JSON, on Jackson's streaming API. One factory, configured for the Gym HTTP protocol as
 * Python's json module speaks it: {@code NaN}, {@code Infinity} and {@code -Infinity} are read and written
 * as bare numbers (not strict JSON; gym-http-api's server does the same); floats are written with the
 * shortest digits that read back to the same bits (Schubfach, {@code USE_FAST_DOUBLE_WRITER}) and read
 * correctly rounded to float ({@link JsonParser#getFloatValue()} rounds the decimal text to float once).
 */
final class Json {

  static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .build();

  private Json() {}

  static JsonParser parser(byte[] data, int length) {
    try {
      return FACTORY.createParser(data, 0, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A generator writing into {@code out} (reset by the caller). */
  static JsonGenerator generator(java.io.OutputStream out) {
    try {
      return FACTORY.createGenerator(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a document with {@code body} and returns its bytes. */
  static byte[] write(Body body) {
    ByteArrayBuilder out = new ByteArrayBuilder(128);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes one JSON document. */
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** {@code {"message": text}}, gym-http-api's error body. */
  static byte[] message(String text) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("message", text == null ? "(no message)" : text);
      g.writeEndObject();
    });
  }

  /**
   * The whole document as plain Java values: {@link Map} (insertion order), {@link List}, {@link String},
   * {@link Long} or {@link Double}, {@link Boolean}, null. For the protocol's small, rare bodies.
   *
   * @throws IllegalArgumentException for malformed JSON, naming the problem and a snippet
   */
  static Object readValue(byte[] data, int length) {
    if (isBlank(data, length)) {
      return null;
    }
    try (JsonParser p = parser(data, length)) {
      p.nextToken();
      Object v = value(p);
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("malformed JSON: text after the document in " + snippet(data, length));
      }
      return v;
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed JSON: " + originalMessage(e) + " in "
          + snippet(data, length), e);
    }
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IOException("unexpected end of input");
    }
    return switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          m.put(name, value(p));
        }
        yield m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(value(p));
        }
        yield l;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          ? (Object) p.getDoubleValue() : (Object) p.getLongValue(); // boxed apart: no promotion to double
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected " + t);
    };
  }

  static boolean isBlank(byte[] data, int length) {
    for (int i = 0; i < length; i++) {
      byte c = data[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return false;
      }
    }
    return true;
  }

  /** A short excerpt of a document, for error messages. */
  static String snippet(byte[] data, int length) {
    int n = Math.min(length, 300);
    return new String(data, 0, n, StandardCharsets.UTF_8) + (length > n ? "..." : "");
  }

  /** Jackson's message without its source-location suffix (the caller's snippet says where). */
  static String originalMessage(IOException e) {
    return e instanceof com.fasterxml.jackson.core.JacksonException j ? j.getOriginalMessage() : e.getMessage();
  }
}
