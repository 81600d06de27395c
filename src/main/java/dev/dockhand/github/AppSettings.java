package dev.dockhand.github;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The GitHub App, when one is configured: all four GITHUB_APP_* keys and GITHUB_WEBHOOK_SECRET
 * together, or none of them.
 *
 * @param appId GITHUB_APP_ID: the App's numeric id (the JWT's issuer)
 * @param privateKey GITHUB_APP_PRIVATE_KEY_FILE: the PEM file GitHub generated for the App (PKCS#1
 *     or PKCS#8), read once at start-up
 * @param slug GITHUB_APP_SLUG: the App's handle, so {@code @slug} in a comment asks for work
 * @param webhookSecret GITHUB_WEBHOOK_SECRET: the secret GitHub signs deliveries with
 * @param ciFixRounds DOCKHAND_CI_FIX_ROUNDS (default 2, 0 to 20): fix rounds failing CI may start
 *     per pull request, where the task's owner turned them on for the repository
 * @param replyToStrangers DOCKHAND_GITHUB_REPLY_TO_STRANGERS (default false): whether a mention by
 *     someone who may not ask gets one polite reply (else nothing is said)
 */
public record AppSettings(
    long appId,
    RSAPrivateKey privateKey,
    String slug,
    Secret webhookSecret,
    int ciFixRounds,
    boolean replyToStrangers) {
  private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,33}[a-z0-9])?");
  private static final List<String> KEYS =
      List.of(
          "GITHUB_APP_ID",
          "GITHUB_APP_PRIVATE_KEY_FILE",
          "GITHUB_APP_SLUG",
          "GITHUB_WEBHOOK_SECRET");

  @Override
  public String toString() {
    return "AppSettings[appId=" + appId + ", slug=" + slug + "]";
  }

  /** Empty when none of the App's keys is set; a half-configured App stops start-up. */
  public static Optional<AppSettings> from(Env env) {
    List<String> set = KEYS.stream().filter(key -> env.optional(key).isPresent()).toList();
    if (set.isEmpty()) {
      return Optional.empty();
    }
    if (set.size() < KEYS.size()) {
      String missing = KEYS.stream().filter(key -> !set.contains(key)).findFirst().orElseThrow();
      throw new ConfigException(
          missing, "is required when " + String.join(", ", set) + " is set (the GitHub App)");
    }
    long appId = env.longValue("GITHUB_APP_ID", 0, 1, Long.MAX_VALUE);
    String slug = env.optional("GITHUB_APP_SLUG").orElseThrow();
    if (!SLUG.matcher(slug).matches()) {
      throw new ConfigException(
          "GITHUB_APP_SLUG",
          "must be the App's handle as in its URL (lower-case letters, digits and '-'), got '"
              + slug
              + "'");
    }
    Secret secret = env.secret("GITHUB_WEBHOOK_SECRET").orElseThrow();
    if (secret.reveal().length() < 16) {
      throw new ConfigException("GITHUB_WEBHOOK_SECRET", "must be at least 16 characters");
    }
    return Optional.of(
        new AppSettings(
            appId,
            key(env.path("GITHUB_APP_PRIVATE_KEY_FILE", "")),
            slug,
            secret,
            env.integer("DOCKHAND_CI_FIX_ROUNDS", 2, 0, 20),
            env.bool("DOCKHAND_GITHUB_REPLY_TO_STRANGERS", false)));
  }

  private static RSAPrivateKey key(Path file) {
    String pem;
    try {
      pem = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(
          "GITHUB_APP_PRIVATE_KEY_FILE",
          "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    return AppPrivateKey.parse(pem)
        .orElseThrow(
            () ->
                new ConfigException(
                    "GITHUB_APP_PRIVATE_KEY_FILE",
                    file + " is not an RSA private key in PEM form (as GitHub generates it)"));
  }
}
