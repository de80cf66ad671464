package io.marketgate.protocol;

/**
 * Marker for every message that may cross the cluster: bound to Pekko's {@code jackson-cbor}
 * serializer in this module's {@code reference.conf}.
 */
public interface CborSerializable {}
