package dev.dockhand.github;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GitHub App's private key, read from the PEM file GitHub hands out: PKCS#1 ({@code BEGIN RSA
 * PRIVATE KEY}, what GitHub downloads) or PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl
 * pkcs8} writes). The JDK reads only PKCS#8, so a PKCS#1 key is wrapped in the PKCS#8 structure
 * first. Stateless.
 */
final class AppPrivateKey {
  private static final Pattern PEM =
      Pattern.compile(
          "-----BEGIN (RSA )?PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1?PRIVATE KEY-----");
  // AlgorithmIdentifier { rsaEncryption, NULL }.
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private AppPrivateKey() {}

  /** The key in {@code pem}, or empty with no word of why (the caller names the file). */
  static Optional<RSAPrivateKey> parse(String pem) {
    Matcher matcher = PEM.matcher(pem);
    if (!matcher.find()) {
      return Optional.empty();
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(matcher.group(2).replaceAll("\\s", ""));
      byte[] pkcs8 = matcher.group(1) == null ? der : wrapPkcs1(der);
      return Optional.of(
          (RSAPrivateKey)
              KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
    } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
      return Optional.empty();
    }
  }

  /** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING { the PKCS#1 key } }. */
  private static byte[] wrapPkcs1(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(RSA_ALGORITHM);
    body.writeBytes(tagged(0x04, pkcs1));
    return tagged(0x30, body.toByteArray());
  }

  private static byte[] tagged(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
        out.write((length >> shift) & 0xff);
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
