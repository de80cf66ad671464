package io.marketgate.app.config;

/** A remoting address of a seed node, written {@code host:port}. */
public record HostPort(String host, int port) {

  static HostPort parse(String value) {
    int colon = value.lastIndexOf(':');
    ConfigValues.require(
        colon > 0 && colon < value.length() - 1,
        "seed node must be host:port, not '" + value + "'");
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      ConfigValues.require(
          port > 0 && port < 65536, "seed node port out of range in '" + value + "'");
      return new HostPort(value.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("seed node port is not a number in '" + value + "'", e);
    }
  }
}
