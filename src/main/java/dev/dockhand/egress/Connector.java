package dev.dockhand.egress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Opens the upstream connection to an address the proxy has already vetted. A seam so tests can
 * prove that a refused name leads to no connection attempt at all. Implementations must be
 * thread-safe and return a connected channel in blocking mode.
 */
@FunctionalInterface
public interface Connector {
  SocketChannel connect(InetSocketAddress address) throws IOException;

  /** A plain TCP connection, given up after {@code timeout}. */
  static Connector plain(Duration timeout) {
    int millis = Math.toIntExact(timeout.toMillis());
    return address -> {
      SocketChannel channel = SocketChannel.open();
      try {
        channel.socket().setTcpNoDelay(true);
        channel.socket().connect(address, millis);
        return channel;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    };
  }
}
