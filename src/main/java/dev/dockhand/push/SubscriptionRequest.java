package dev.dockhand.push;

import dev.dockhand.InvalidInputException;
import dev.dockhand.egress.AddressPolicy;
import dev.dockhand.egress.IpLiteral;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * A subscription as a browser sends it ({@code PushSubscription.toJSON()}: endpoint and keys),
 * checked. The endpoint is hostile input: anyone may claim any URL, and the server will send to it.
 * So it must be an absolute {@code https} URL without credentials, at most 2000 characters, whose
 * host is a DNS name or a public address literal ({@code http} and loopback only with
 * DOCKHAND_PUSH_ALLOW_LOOPBACK, for tests). What a name resolves to is checked again at every send
 * ({@link VettedResolver}). The keys must be a point on P-256 and a 16-byte secret.
 */
public record SubscriptionRequest(URI endpoint, String p256dh, String auth) {
  static final int MAX_ENDPOINT_CHARS = 2000;

  // P-256: y^2 = x^3 - 3x + b over the field of p.
  private static final BigInteger P =
      new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
  private static final BigInteger B =
      new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);

  /**
   * Checks the three fields; a failure names the field ({@code endpoint}, {@code keys.p256dh}…).
   */
  public static SubscriptionRequest of(
      String endpoint, String p256dh, String auth, boolean allowLoopback) {
    return new SubscriptionRequest(endpoint(endpoint, allowLoopback), point(p256dh), secret(auth));
  }

  static URI endpoint(String text, boolean allowLoopback) {
    if (text.length() > MAX_ENDPOINT_CHARS) {
      throw refuse("is longer than " + MAX_ENDPOINT_CHARS + " characters");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw refuse("is not a URL");
    }
    String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
    String host = Optional.ofNullable(uri.getHost()).orElse("").toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || host.isEmpty() || uri.getRawUserInfo() != null) {
      throw refuse("must be an absolute URL with a host and no user name");
    }
    if (uri.getRawFragment() != null) {
      throw refuse("must not have a fragment");
    }
    Optional<InetAddress> literal = IpLiteral.parse(host.replaceAll("^\\[|\\]$", ""));
    boolean loopback = allowLoopback && literal.map(InetAddress::isLoopbackAddress).orElse(false);
    if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
      throw refuse("must be an https URL");
    }
    if (literal.isPresent() && !loopback && !AddressPolicy.isPublic(literal.get())) {
      throw refuse("names an address that is not public");
    }
    if (literal.isEmpty()
        && !host.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
      throw refuse("must name a push service by its DNS name");
    }
    if (literal.isEmpty() && host.matches(".*\\.[0-9]+")) {
      throw refuse("must name a push service by its DNS name");
    }
    return uri;
  }

  private static String point(String text) {
    byte[] bytes = decode(text, "keys.p256dh");
    if (bytes.length != 65 || bytes[0] != 4) {
      throw new InvalidInputException(
          "keys.p256dh", "keys.p256dh must be an uncompressed P-256 point (65 bytes), base64url");
    }
    BigInteger x = new BigInteger(1, java.util.Arrays.copyOfRange(bytes, 1, 33));
    BigInteger y = new BigInteger(1, java.util.Arrays.copyOfRange(bytes, 33, 65));
    BigInteger right = x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(B).mod(P);
    if (x.compareTo(P) >= 0 || y.compareTo(P) >= 0 || !y.pow(2).mod(P).equals(right)) {
      throw new InvalidInputException("keys.p256dh", "keys.p256dh is not a point on P-256");
    }
    return text;
  }

  private static String secret(String text) {
    if (decode(text, "keys.auth").length != 16) {
      throw new InvalidInputException(
          "keys.auth", "keys.auth must be the 16-byte authentication secret, base64url");
    }
    return text;
  }

  private static byte[] decode(String text, String field) {
    if (text.length() > 200 || !text.matches("[A-Za-z0-9_-]+=*")) {
      throw new InvalidInputException(field, field + " must be base64url");
    }
    try {
      return Base64.getUrlDecoder().decode(text.replace("=", ""));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(field, field + " must be base64url");
    }
  }

  private static InvalidInputException refuse(String why) {
    return new InvalidInputException("endpoint", "endpoint " + why);
  }
}
