package dev.mnemo.actors.serialization;

import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Test-only stand-in for {@link MnemoBinarySerializer} on a sending node: same identifier and manifest,
 * but it writes a truncated frame, so the receiving node's real serializer must refuse it.
 */
public final class GarbageSerializer extends SerializerWithStringManifest {
  @Override
  public int identifier() {
    return 42_7301;
  }

  @Override
  public String manifest(Object o) {
    return "I";
  }

  @Override
  public byte[] toBinary(Object o) {
    return new byte[] {MnemoBinarySerializer.VERSION, 'I', 5, 0, 0, 0, 'a', 'b'};
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) {
    throw new UnsupportedOperationException("GarbageSerializer only writes");
  }
}
