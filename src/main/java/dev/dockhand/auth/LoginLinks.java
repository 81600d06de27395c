package dev.dockhand.auth;

import dev.dockhand.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One-time sign-in links: a secret that, brought back once within {@link #TTL}, signs a browser in
 * as the user it was made for (a phone scans it rather than copying a token). Only the secret's
 * SHA-256 hash is stored; the use that spends it is one guarded UPDATE, so two browsers racing with
 * the same link cannot both get in. Thread-safe.
 */
public final class LoginLinks {
  /** How long a link can be used after it is made. */
  public static final Duration TTL = Duration.ofMinutes(10);

  private static final String PREFIX = "dhl_";
  private static final int MAX_SECRET_LENGTH = 200;

  private final Database database;
  private final Clock clock;

  public LoginLinks(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /** A link's secret (shown once, stored nowhere) and when it stops working. */
  public record Created(String secret, Instant expiresAt) {}

  /** A new link for the user; expired links are cleared out on the way. */
  public Created create(long userId) {
    String secret = OpaqueTokens.generate(PREFIX);
    long now = clock.millis();
    long expires = now + TTL.toMillis();
    database.write(
        handle -> {
          handle
              .createUpdate("DELETE FROM login_links WHERE expires_at < :now")
              .bind("now", now)
              .execute();
          return handle
              .createUpdate(
                  "INSERT INTO login_links (id_hash, user_id, created_at, expires_at)"
                      + " VALUES (:hash, :userId, :now, :expires)")
              .bind("hash", OpaqueTokens.hash(secret))
              .bind("userId", userId)
              .bind("now", now)
              .bind("expires", expires)
              .execute();
        });
    return new Created(secret, Instant.ofEpochMilli(expires));
  }

  /**
   * Spends the link: the user it was made for, once; empty when it is unknown, already used or
   * expired (which of these is not said, so a guess learns nothing).
   */
  public Optional<Long> spend(String secret) {
    if (secret == null || !secret.startsWith(PREFIX) || secret.length() > MAX_SECRET_LENGTH) {
      return Optional.empty();
    }
    String hash = OpaqueTokens.hash(secret);
    long now = clock.millis();
    return database.write(
        handle ->
            handle
                .createQuery(
                    "UPDATE login_links SET used_at = :now"
                        + " WHERE id_hash = :hash AND used_at IS NULL AND expires_at > :now"
                        + " RETURNING user_id")
                .bind("now", now)
                .bind("hash", hash)
                .mapTo(Long.class)
                .findOne());
  }
}
