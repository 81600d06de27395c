package dev.dockhand.web;

import dev.dockhand.egress.IpLiteral;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The address a request came from, for limits kept per address. It is the peer of the connection,
 * unless that peer is one of DOCKHAND_TRUSTED_PROXIES: then it is the right-most {@code
 * X-Forwarded-For} entry that is not itself a trusted proxy, since entries further left were
 * written by the client and prove nothing. Thread-safe.
 */
final class ClientAddress {
  private static final int MAX_HEADER_CHARS = 4096;

  private final Set<InetAddress> trusted;

  ClientAddress(Set<InetAddress> trusted) {
    this.trusted = Set.copyOf(trusted);
  }

  /** The caller's address as a canonical literal ("unknown" if the peer has none). */
  String of(Context ctx) {
    return resolve(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
  }

  /** The same, from the connection's peer and the request's X-Forwarded-For (may be null). */
  String resolve(String peerAddress, String forwarded) {
    Optional<InetAddress> peer = literal(peerAddress);
    if (peer.isEmpty()) {
      return "unknown";
    }
    InetAddress address = peer.get();
    if (trusted.contains(address) && forwarded != null && forwarded.length() <= MAX_HEADER_CHARS) {
      List<String> hops = List.of(forwarded.split(","));
      for (int i = hops.size() - 1; i >= 0; i--) {
        Optional<InetAddress> hop = literal(hops.get(i).trim());
        if (hop.isEmpty()) {
          break;
        }
        address = hop.get();
        if (!trusted.contains(address)) {
          break;
        }
      }
    }
    return address.getHostAddress();
  }

  private static Optional<InetAddress> literal(String text) {
    return text == null ? Optional.empty() : IpLiteral.parse(strip(text.toLowerCase(Locale.ROOT)));
  }

  private static String strip(String text) {
    return text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
  }
}
