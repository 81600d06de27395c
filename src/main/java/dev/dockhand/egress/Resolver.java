package dev.dockhand.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses for the proxy. The proxy asks once per connection, vets what
 * comes back and connects only to a vetted address, so a name cannot be re-resolved to somewhere
 * else between the check and the connection. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Resolver {
  /** The host's system resolver (the JDK's, with its cache), off the virtual threads. */
  Resolver SYSTEM = SystemResolver.INSTANCE;

  List<InetAddress> resolve(String host) throws UnknownHostException;
}
