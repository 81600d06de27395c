package dev.dockhand.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict reading of IP address literals: a dotted quad without leading zeros, or an IPv6 address
 * (no zone). Never looks a name up: the legacy forms {@code 127.1}, {@code 0x7f.1} or {@code
 * 2130706433} are not literals here, and as host names they are refused elsewhere because their
 * last label is numeric. Stateless.
 */
public final class IpLiteral {
  private static final Pattern IPV4 = Pattern.compile("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+");

  /** Whether the text has the shape of an IPv4 literal (four dot-separated numbers). */
  static boolean looksLikeIpv4(String text) {
    return text.matches("\\d+(\\.\\d+){3}");
  }

  /** The address the literal (lower case, no brackets) names, or empty if it is not one. */
  public static Optional<InetAddress> parse(String text) {
    if (IPV4.matcher(text).matches()) {
      byte[] bytes = new byte[4];
      String[] octets = text.split("\\.");
      for (int i = 0; i < 4; i++) {
        int value = Integer.parseInt(octets[i]);
        if (value > 255) {
          return Optional.empty();
        }
        bytes[i] = (byte) value;
      }
      return Optional.of(byAddress(bytes));
    }
    if (text.contains(":") && IPV6.matcher(text).matches()) {
      try {
        // Brackets make the JDK treat the text as an IPv6 literal or fail; it never asks DNS.
        return Optional.of(InetAddress.getByName("[" + text + "]"));
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static InetAddress byAddress(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an address", e);
    }
  }

  private IpLiteral() {}
}
