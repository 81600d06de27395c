package dev.dockhand.egress;

import java.net.IDN;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * One entry of an egress allowlist: {@code host}, {@code *.domain} (the domain's subdomains, not
 * the domain itself) or either with {@code :port}. Without a port an entry allows 80 and 443. An
 * entry may be an IP address literal ({@code 127.0.0.1:8080}, {@code [::1]:8080}); only such an
 * entry lets the proxy reach a loopback, private or link-local address, and only that address.
 * Immutable.
 *
 * @param host the lower-case ASCII host name, domain (for a wildcard) or address literal, without
 *     brackets
 * @param wildcard whether the entry is {@code *.host}
 * @param port the one port allowed, or empty for 80 and 443
 */
public record EgressEntry(String host, boolean wildcard, OptionalInt port) {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern DIGITS = Pattern.compile("\\d{1,5}");

  public EgressEntry {
    if (host == null || host.isEmpty() || port == null) {
      throw new IllegalArgumentException("an entry needs a host");
    }
  }

  /**
   * Parses one entry; throws {@link IllegalArgumentException} with a message that quotes the entry
   * and says what is wrong.
   */
  public static EgressEntry parse(String text) {
    String entry = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    if (entry.isEmpty()) {
      throw new IllegalArgumentException("an empty entry");
    }
    String hostPart = entry;
    OptionalInt port = OptionalInt.empty();
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0) {
        throw invalid(text, "an IPv6 address needs its closing ']'");
      }
      hostPart = entry.substring(1, close);
      String rest = entry.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw invalid(text, "only ':port' may follow ']'");
        }
        port = OptionalInt.of(port(text, rest.substring(1)));
      }
      if (!hostPart.contains(":") || IpLiteral.parse(hostPart).isEmpty()) {
        throw invalid(text, "'" + hostPart + "' is not an IPv6 address");
      }
      return new EgressEntry(hostPart, false, port);
    }
    int colon = entry.lastIndexOf(':');
    if (colon >= 0) {
      if (entry.indexOf(':') != colon) {
        throw invalid(text, "write an IPv6 address in brackets, as [::1]:8080");
      }
      hostPart = entry.substring(0, colon);
      port = OptionalInt.of(port(text, entry.substring(colon + 1)));
    }
    boolean wildcard = hostPart.startsWith("*.");
    String name = wildcard ? hostPart.substring(2) : hostPart;
    if (IpLiteral.looksLikeIpv4(name)) {
      if (wildcard) {
        throw invalid(text, "a wildcard cannot stand before an address");
      }
      if (IpLiteral.parse(name).isEmpty()) {
        throw invalid(text, "'" + name + "' is not an IPv4 address");
      }
      return new EgressEntry(name, false, port);
    }
    return new EgressEntry(
        hostName(name).orElseThrow(() -> invalid(text, "'" + name + "' is not a host name")),
        wildcard,
        port);
  }

  /**
   * Whether this entry lets a connection to {@code host} (lower case ASCII, no brackets, as the
   * proxy normalised it) on {@code port} go. Address literals compare as addresses, so {@code
   * [::1]} and {@code [0:0:0:0:0:0:0:1]} are the same entry.
   */
  public boolean allows(String host, int port) {
    boolean portAllowed =
        this.port.isPresent() ? this.port.getAsInt() == port : port == 80 || port == 443;
    if (!portAllowed) {
      return false;
    }
    if (wildcard) {
      return host.endsWith("." + this.host);
    }
    if (addressLiteral()) {
      return address().equals(IpLiteral.parse(host));
    }
    return host.equals(this.host);
  }

  /** Whether the entry is an IP address rather than a name. */
  public boolean addressLiteral() {
    return !wildcard && (host.contains(":") || IpLiteral.looksLikeIpv4(host));
  }

  /** The address of an address-literal entry; empty for a name. */
  public Optional<InetAddress> address() {
    return addressLiteral() ? IpLiteral.parse(host) : Optional.empty();
  }

  @Override
  public String toString() {
    String name = host.contains(":") ? "[" + host + "]" : host;
    return (wildcard ? "*." : "") + name + (port.isPresent() ? ":" + port.getAsInt() : "");
  }

  /**
   * The lower-case ASCII form of a DNS host name (international names become punycode), or empty
   * when it is not one. A numeric last label is refused: no top-level domain is numeric, and such a
   * "name" is a legacy address spelling ({@code 127.1}, {@code 2130706433}) that resolvers turn
   * into an address.
   */
  static Optional<String> hostName(String name) {
    String ascii;
    try {
      ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (ascii.isEmpty() || ascii.length() > 253) {
      return Optional.empty();
    }
    String[] labels = ascii.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return Optional.empty();
      }
    }
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    return Optional.of(ascii);
  }

  private static int port(String text, String digits) {
    if (DIGITS.matcher(digits).matches()) {
      int port = Integer.parseInt(digits);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    }
    throw invalid(text, "the port must be a number from 1 to 65535");
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("'" + text + "': " + why);
  }
}
