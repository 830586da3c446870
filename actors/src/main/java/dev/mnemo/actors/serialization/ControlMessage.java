package dev.mnemo.actors.serialization;

/**
 * Marker of small control messages that may cross JVMs: bound to Pekko's Jackson (CBOR) serializer in
 * {@code reference.conf}. Bulk data (sequences, parameters) goes through {@link MnemoBinarySerializer}.
 */
public interface ControlMessage {
}
