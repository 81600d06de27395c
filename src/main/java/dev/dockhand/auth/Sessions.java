package dev.dockhand.auth;

import dev.dockhand.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Login sessions: 256-bit random ids handed to the browser, stored as SHA-256 hashes, with a
 * sliding expiry. Thread-safe.
 */
public final class Sessions {
  /**
   * How stale {@code last_seen_at} (and with it the sliding expiry) may be. Sliding on every
   * request would make each page view a write; the write's own guard keeps concurrent requests of
   * one session to one write.
   */
  static final Duration LAST_SEEN_PRECISION = Duration.ofMinutes(1);

  private final Database database;
  private final Clock clock;
  private final Duration ttl;

  public Sessions(Database database, Clock clock, Duration ttl) {
    this.database = database;
    this.clock = clock;
    this.ttl = ttl;
  }

  public Duration ttl() {
    return ttl;
  }

  /** A new session for the user; the returned id is the cookie value and is stored nowhere. */
  public String create(long userId) {
    String id = OpaqueTokens.generate("");
    long now = clock.millis();
    database.write(
        handle -> {
          handle
              .createUpdate("DELETE FROM sessions WHERE expires_at < :now")
              .bind("now", now)
              .execute();
          return handle
              .createUpdate(
                  "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at)"
                      + " VALUES (:hash, :userId, :now, :now, :expires)")
              .bind("hash", OpaqueTokens.hash(id))
              .bind("userId", userId)
              .bind("now", now)
              .bind("expires", now + ttl.toMillis())
              .execute();
        });
    return id;
  }

  /** The user of a live session, sliding its expiry forward at most once a minute. */
  public Optional<Long> userFor(String sessionId) {
    if (sessionId == null || sessionId.isEmpty() || sessionId.length() > 200) {
      return Optional.empty();
    }
    String hash = OpaqueTokens.hash(sessionId);
    long now = clock.millis();
    Optional<Seen> seen =
        database
            .jdbi()
            .withHandle(
                handle ->
                    handle
                        .createQuery(
                            "SELECT user_id, last_seen_at FROM sessions"
                                + " WHERE id_hash = :hash AND expires_at > :now")
                        .bind("hash", hash)
                        .bind("now", now)
                        .map(
                            (row, ctx) ->
                                new Seen(row.getLong("user_id"), row.getLong("last_seen_at")))
                        .findOne());
    long stale = now - LAST_SEEN_PRECISION.toMillis();
    if (seen.isPresent() && seen.get().lastSeenAt() <= stale) {
      database.write(
          handle ->
              handle
                  .createUpdate(
                      "UPDATE sessions SET last_seen_at = :now, expires_at = :expires"
                          + " WHERE id_hash = :hash AND last_seen_at <= :stale")
                  .bind("now", now)
                  .bind("expires", now + ttl.toMillis())
                  .bind("hash", hash)
                  .bind("stale", stale)
                  .execute());
    }
    return seen.map(Seen::userId);
  }

  private record Seen(long userId, long lastSeenAt) {}

  public void delete(String sessionId) {
    if (sessionId == null || sessionId.isEmpty()) {
      return;
    }
    database.write(
        handle ->
            handle
                .createUpdate("DELETE FROM sessions WHERE id_hash = :hash")
                .bind("hash", OpaqueTokens.hash(sessionId))
                .execute());
  }
}
