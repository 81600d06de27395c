package dev.dockhand.egress;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;

/** How to make an {@link EgressProxy}; every setting but the socket and allowlist has a default. */
public final class EgressProxyBuilder {
  final Path socketPath;
  final Allowlist allowlist;
  Resolver resolver = Resolver.SYSTEM;
  Connector connector = Connector.plain(Duration.ofSeconds(10));
  BlockedListener listener = BlockedListener.NONE;
  Clock clock = Clock.systemUTC();
  Duration headTimeout = Duration.ofSeconds(10);
  Duration reportInterval = Duration.ofSeconds(5);
  int maxConnections = 256;

  EgressProxyBuilder(Path socketPath, Allowlist allowlist) {
    this.socketPath = socketPath;
    this.allowlist = allowlist;
  }

  public EgressProxyBuilder resolver(Resolver resolver) {
    this.resolver = resolver;
    return this;
  }

  public EgressProxyBuilder connector(Connector connector) {
    this.connector = connector;
    return this;
  }

  public EgressProxyBuilder listener(BlockedListener listener) {
    this.listener = listener;
    return this;
  }

  /** The clock that paces repeated refusal reports (default: the system's). */
  public EgressProxyBuilder clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** How long a client has to send its whole request head (default 10 s). */
  public EgressProxyBuilder headTimeout(Duration headTimeout) {
    this.headTimeout = headTimeout;
    return this;
  }

  /** The least time between two reports of the same refused destination (default 5 s). */
  public EgressProxyBuilder reportInterval(Duration reportInterval) {
    this.reportInterval = reportInterval;
    return this;
  }

  /** Connections served at once; more are answered 503 (default 256). */
  public EgressProxyBuilder maxConnections(int maxConnections) {
    this.maxConnections = maxConnections;
    return this;
  }

  /**
   * Binds the socket (replacing a stale socket file left by a crash, never any other file), makes
   * it connectable by every local user (the container runs as a non-root uid) and starts accepting.
   */
  public EgressProxy start() throws IOException {
    removeStaleSocket(socketPath);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(socketPath));
      Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-rw-rw-"));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return EgressProxy.serve(this, server);
  }

  private static void removeStaleSocket(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if ((mode & 0170000) != 0140000) {
      throw new IOException(path + " exists and is not a socket; not replacing it");
    }
    Files.delete(path);
  }
}
