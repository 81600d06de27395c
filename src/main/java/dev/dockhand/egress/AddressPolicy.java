package dev.dockhand.egress;

import java.net.InetAddress;

/**
 * Which addresses a container may reach: public unicast ones, or exactly the address an operator
 * named as a literal entry. Everything that leads back into the host, the local networks or the
 * cloud's metadata service is refused, including IPv6 spellings that carry an IPv4 address (mapped,
 * compatible, NAT64, 6to4). The push sender applies {@link #isPublic} to the addresses of a push
 * service, which a browser (so anyone) names. Stateless.
 */
public final class AddressPolicy {
  /** Whether {@code address}, found for a host that {@code entry} matched, may be connected to. */
  static boolean permitted(InetAddress address, EgressEntry entry) {
    if (entry.addressLiteral()) {
      return entry.address().map(address::equals).orElse(false);
    }
    return isPublic(address);
  }

  /** Whether the address is public unicast: not loopback, private, link-local, multicast, … */
  public static boolean isPublic(InetAddress address) {
    byte[] bytes = address.getAddress();
    return bytes.length == 4 ? publicV4(bytes, 0) : publicV6(bytes);
  }

  private static boolean publicV4(byte[] b, int at) {
    int first = b[at] & 0xff;
    int second = b[at + 1] & 0xff;
    int third = b[at + 2] & 0xff;
    return !(first == 0 // "this network", including the unspecified 0.0.0.0
        || first == 10 // private
        || first == 127 // loopback
        || (first == 100 && (second & 0xc0) == 64) // 100.64/10, carrier-grade NAT
        || (first == 169 && second == 254) // link-local, the metadata service
        || (first == 172 && (second & 0xf0) == 16) // private
        || (first == 192 && second == 168) // private
        || (first == 192 && second == 0 && third == 0) // IETF protocol assignments
        || (first == 198 && (second & 0xfe) == 18) // benchmarking
        || first >= 224); // multicast, reserved and the broadcast address
  }

  private static boolean publicV6(byte[] b) {
    if (allZero(b, 0, 10)) {
      // ::ffff:a.b.c.d is judged as its IPv4 address; everything else under ::/80 (::, ::1 and
      // the deprecated IPv4-compatible ::a.b.c.d) is refused.
      boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      return mapped && publicV4(b, 12);
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if ((first & 0xfe) == 0xfc // fc00::/7 unique local, including fd00:ec2::254
        || (first == 0xfe && (second & 0xc0) == 0x80) // fe80::/10 link-local
        || (first == 0xfe && (second & 0xc0) == 0xc0) // fec0::/10 old site-local
        || first == 0xff) { // multicast
      return false;
    }
    if (first == 0x00 && second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      return allZero(b, 4, 12) && publicV4(b, 12); // 64:ff9b::/96 NAT64
    }
    if (first == 0x20 && second == 0x02) {
      return publicV4(b, 2); // 2002::/16 6to4
    }
    return true;
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private AddressPolicy() {}
}
