package io.marketgate.app.stream;

/** A frame that breaks its provider's documented format: counted and skipped, never delivered. */
public final class StreamFrameException extends RuntimeException {
  public StreamFrameException(String message) {
    super(message);
  }
}
