package dev.dockhand.egress;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a container asked to go, read from its request: a host (lower-case ASCII name or address
 * literal, no brackets) and a port. Only {@link #parse} makes one from untrusted text, and it
 * accepts what an allowlist entry could name and nothing else, so nothing odd reaches the resolver.
 * Immutable.
 */
record Target(String host, int port) {
  /**
   * Reads {@code host[:port]} or {@code [v6][:port]}; without a port {@code defaultPort} is used (0
   * means the port is required).
   */
  static Optional<Target> parse(String authority, int defaultPort) {
    String text = authority.toLowerCase(Locale.ROOT);
    String host;
    String portText = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          return Optional.empty();
        }
        portText = rest.substring(1);
      }
      if (!host.contains(":") || IpLiteral.parse(host).isEmpty()) {
        return Optional.empty();
      }
    } else {
      int colon = text.indexOf(':');
      if (colon >= 0) {
        if (text.indexOf(':', colon + 1) >= 0) {
          return Optional.empty();
        }
        portText = text.substring(colon + 1);
        text = text.substring(0, colon);
      }
      // One trailing dot names the same host (fully qualified); the entries are written without.
      host = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
      if (IpLiteral.looksLikeIpv4(host)) {
        if (IpLiteral.parse(host).isEmpty()) {
          return Optional.empty();
        }
      } else {
        Optional<String> name = EgressEntry.hostName(host);
        if (name.isEmpty() || !name.get().equals(host)) {
          return Optional.empty(); // Requests carry ASCII names; punycode is the client's job.
        }
      }
    }
    int port = defaultPort;
    if (portText != null) {
      if (!portText.matches("\\d{1,5}")) {
        return Optional.empty();
      }
      port = Integer.parseInt(portText);
    }
    if (port < 1 || port > 65535) {
      return Optional.empty();
    }
    return Optional.of(new Target(host, port));
  }

  boolean literal() {
    return host.contains(":") || IpLiteral.looksLikeIpv4(host);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
