package dev.dockhand.push;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Web Push: the server's VAPID key pair (RFC 8292) and who it says it is.
 *
 * @param publicKey DOCKHAND_VAPID_PUBLIC_KEY: the P-256 public key, uncompressed (65 bytes),
 *     base64url; with the private key, replaces the pair generated into {@code <data
 *     dir>/vapid.keys}. Several nodes must share one pair.
 * @param privateKey DOCKHAND_VAPID_PRIVATE_KEY: the private key's 32 bytes, base64url
 * @param subject DOCKHAND_VAPID_SUBJECT (default DOCKHAND_PUBLIC_URL when it is https, else {@code
 *     mailto:dockhand@localhost}): a {@code mailto:} or {@code https:} contact the push services
 *     may use
 * @param allowLoopback DOCKHAND_PUSH_ALLOW_LOOPBACK (default false; tests only): accept {@code
 *     http://} endpoints on loopback addresses and send to them; never set it on a server
 */
public record PushSettings(
    Optional<String> publicKey,
    Optional<Secret> privateKey,
    String subject,
    boolean allowLoopback) {
  public static final String PUBLIC_KEY = "DOCKHAND_VAPID_PUBLIC_KEY";
  public static final String PRIVATE_KEY = "DOCKHAND_VAPID_PRIVATE_KEY";
  public static final String SUBJECT = "DOCKHAND_VAPID_SUBJECT";

  public static PushSettings from(Env env, Optional<URI> publicUrl) {
    Optional<String> publicKey = env.optional(PUBLIC_KEY);
    Optional<Secret> privateKey = env.secret(PRIVATE_KEY);
    if (publicKey.isPresent() != privateKey.isPresent()) {
      throw new ConfigException(
          publicKey.isPresent() ? PRIVATE_KEY : PUBLIC_KEY,
          "is required when the other VAPID key is set");
    }
    String fallback =
        publicUrl
            .filter(url -> "https".equalsIgnoreCase(url.getScheme()))
            .map(URI::toString)
            .orElse("mailto:dockhand@localhost");
    String subject = env.string(SUBJECT, fallback);
    String lower = subject.toLowerCase(Locale.ROOT);
    if (!(lower.startsWith("mailto:") && subject.length() > 7)
        && !(lower.startsWith("https://") && subject.length() > 8)) {
      throw new ConfigException(SUBJECT, "must be a mailto: or https: URL, got '" + subject + "'");
    }
    return new PushSettings(
        publicKey, privateKey, subject, env.bool("DOCKHAND_PUSH_ALLOW_LOOPBACK", false));
  }
}
