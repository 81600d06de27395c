package dev.dockhand.egress;

import java.net.IDN;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * One entry of an egress allowlist: {@code host}, {@code *.domain} (the domain's subdomains, not
 * the domain itself) or either with {@code :port}. Without a port an entry allows 80 and 443. An
 * entry may be an IP address literal ({@code 127.0.0.1:8080}, {@code [::1]:8080}); only such an
 * entry lets the proxy reach a loopback, private or link-local address. Immutable.
 *
 * @param host the lower-case host name, domain (for a wildcard) or address literal, without
 *     brackets
 * @param wildcard whether the entry is {@code *.host}
 * @param port the one port allowed, or empty for 80 and 443
 */
public record EgressEntry(String host, boolean wildcard, OptionalInt port) {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+");

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
      if (!IPV6.matcher(hostPart).matches() || !hostPart.contains(":")) {
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
    if (IPV4.matcher(name).matches()) {
      if (wildcard) {
        throw invalid(text, "a wildcard cannot stand before an address");
      }
      for (String octet : name.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          throw invalid(text, "'" + name + "' is not an IPv4 address");
        }
      }
      return new EgressEntry(name, false, port);
    }
    return new EgressEntry(hostName(text, name), wildcard, port);
  }

  /** Whether this entry lets a connection to {@code host} (lower case, no brackets) on port go. */
  public boolean allows(String host, int port) {
    boolean portAllowed =
        this.port.isPresent() ? this.port.getAsInt() == port : port == 80 || port == 443;
    if (!portAllowed) {
      return false;
    }
    return wildcard ? host.endsWith("." + this.host) : host.equals(this.host);
  }

  /** Whether the entry is an IP address rather than a name. */
  public boolean addressLiteral() {
    return !wildcard && (IPV4.matcher(host).matches() || host.contains(":"));
  }

  @Override
  public String toString() {
    String name = host.contains(":") ? "[" + host + "]" : host;
    return (wildcard ? "*." : "") + name + (port.isPresent() ? ":" + port.getAsInt() : "");
  }

  private static String hostName(String text, String name) {
    String ascii;
    try {
      ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw invalid(text, "'" + name + "' is not a host name");
    }
    if (ascii.isEmpty() || ascii.length() > 253) {
      throw invalid(text, "'" + name + "' is not a host name");
    }
    for (String label : ascii.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw invalid(text, "'" + name + "' is not a host name");
      }
    }
    return ascii;
  }

  private static int port(String text, String digits) {
    try {
      int port = Integer.parseInt(digits);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below with the entry quoted.
    }
    throw invalid(text, "the port must be a number from 1 to 65535");
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("'" + text + "': " + why);
  }
}
