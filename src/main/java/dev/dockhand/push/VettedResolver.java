package dev.dockhand.push;

import dev.dockhand.egress.AddressPolicy;
import dev.dockhand.egress.IpLiteral;
import dev.dockhand.egress.Resolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * The push client's only way from a host name to addresses: the name is resolved once through the
 * egress {@link Resolver} seam, and if any address is loopback, private, link-local (the metadata
 * service) or otherwise not public ({@link AddressPolicy#isPublic}), the send is refused before any
 * connection is made. Jetty then connects only to the addresses returned here, so a second DNS
 * answer cannot redirect it. Loopback passes only with DOCKHAND_PUSH_ALLOW_LOOPBACK (tests).
 * Thread-safe.
 */
final class VettedResolver implements SocketAddressResolver {
  private final Resolver resolver;
  private final boolean allowLoopback;
  private final Executor executor;

  VettedResolver(Resolver resolver, boolean allowLoopback, Executor executor) {
    this.resolver = resolver;
    this.allowLoopback = allowLoopback;
    this.executor = executor;
  }

  /** Raised when a push service's name leads somewhere the server must not connect to. */
  static final class RefusedAddressException extends UnknownHostException {
    RefusedAddressException(String host) {
      super(host + " resolves to an address that is not public; push refused");
    }
  }

  @Override
  public void resolve(
      String host,
      int port,
      Map<String, Object> context,
      Promise<List<InetSocketAddress>> promise) {
    executor.execute(
        () -> {
          try {
            promise.succeeded(
                vet(host).stream().map(address -> new InetSocketAddress(address, port)).toList());
          } catch (UnknownHostException e) {
            promise.failed(e);
          }
        });
  }

  List<InetAddress> vet(String host) throws UnknownHostException {
    String bare = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|\\]$", "");
    List<InetAddress> addresses = IpLiteral.parse(bare).map(List::of).orElseGet(() -> lookUp(bare));
    if (addresses.isEmpty()) {
      throw new UnknownHostException(host);
    }
    for (InetAddress address : addresses) {
      boolean loopback = allowLoopback && address.isLoopbackAddress();
      if (!loopback && !AddressPolicy.isPublic(address)) {
        throw new RefusedAddressException(host);
      }
    }
    return addresses;
  }

  private List<InetAddress> lookUp(String host) {
    try {
      return resolver.resolve(host);
    } catch (UnknownHostException e) {
      return List.of();
    }
  }
}
