package dev.dockhand.egress;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every address the proxy asks to connect to. It connects for real only to 127.0.0.1, and
 * sends a vetted public address to {@code stand-in} on 127.0.0.1 instead, so no test ever opens a
 * connection to anything but loopback. Thread-safe.
 */
final class RecordingConnector implements Connector {
  final List<InetSocketAddress> attempts = new CopyOnWriteArrayList<>();
  private final Connector plain = Connector.plain(Duration.ofSeconds(5));
  private final int standInPort;

  RecordingConnector(int standInPort) {
    this.standInPort = standInPort;
  }

  RecordingConnector() {
    this(0);
  }

  @Override
  public SocketChannel connect(InetSocketAddress address) throws IOException {
    attempts.add(address);
    if (address.getAddress().equals(InetAddress.getLoopbackAddress())) {
      return plain.connect(address);
    }
    if (standInPort == 0 || !AddressPolicy.isPublic(address.getAddress())) {
      throw new IOException("the test connector does not connect to " + address);
    }
    return plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), standInPort));
  }

  List<InetSocketAddress> attempts() {
    return List.copyOf(attempts);
  }
}
