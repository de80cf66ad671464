package io.marketgate.app.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports free on loopback right now, for settings that must be known before binding (seed nodes,
 * remoting and HTTP ports of gateway processes). They come from below the kernel's ephemeral range:
 * a port from {@code ServerSocket(0)} is an ephemeral one, and between the check and a node's bind
 * any outgoing connection of the machine may take it. Each port is handed out once per JVM.
 */
public final class FreePorts {
  private static final int FIRST = 10_000;
  private static final int LAST = ephemeralRangeStart() - 1;
  private static final AtomicInteger NEXT =
      new AtomicInteger(FIRST + ThreadLocalRandom.current().nextInt((LAST - FIRST) / 2));

  private FreePorts() {}

  public static int next() {
    for (int tries = 0; tries < LAST - FIRST; tries++) {
      int port = NEXT.getAndUpdate(p -> p >= LAST ? FIRST : p + 1);
      if (bindable(port)) return port;
    }
    throw new IllegalStateException("no free port between " + FIRST + " and " + LAST);
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return true;
    } catch (IOException inUse) {
      return false;
    }
  }

  /**
   * Where Linux starts handing out ephemeral ports (32768 by default, also where it cannot be
   * read).
   */
  private static int ephemeralRangeStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      int start = Integer.parseInt(range.split("\\s+")[0]);
      return start > FIRST + 1000 ? start : 32_768;
    } catch (IOException | RuntimeException unreadable) {
      return 32_768;
    }
  }
}
