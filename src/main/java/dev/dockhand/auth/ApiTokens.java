package dev.dockhand.auth;

import dev.dockhand.InvalidInputException;
import dev.dockhand.NotFoundException;
import dev.dockhand.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Personal API tokens ({@code dh_} + 256 random bits), stored as SHA-256 hashes, each with a {@link
 * Scope} and an optional expiry. Thread-safe.
 */
public final class ApiTokens {
  public static final String PREFIX = "dh_";

  /** The longest a token may live; a token that must outlast this is a new token next year. */
  public static final Duration MAX_LIFETIME = Duration.ofDays(366);

  /**
   * How stale {@code last_used_at} may be. Recording every use would make each API call a write; a
   * minute's precision is plenty, and the write's own guard keeps concurrent calls to one.
   */
  static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);

  private static final int MAX_NAME = 100;

  private final Database database;
  private final Clock clock;

  public ApiTokens(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /** A write-scoped token that never expires. */
  public ApiToken.Created create(long userId, String name) {
    return create(userId, name, Scope.WRITE, Optional.empty());
  }

  /**
   * A new token. Whether the caller may hand out {@code scope} is the caller's to check; the expiry
   * must lie in the future and at most {@link #MAX_LIFETIME} away.
   */
  public ApiToken.Created create(
      long userId, String name, Scope scope, Optional<Instant> expiresAt) {
    String trimmed = name == null ? "" : name.strip();
    if (trimmed.isEmpty()
        || trimmed.length() > MAX_NAME
        || trimmed.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException("name", "must be 1-" + MAX_NAME + " printable characters");
    }
    Instant now = Instant.ofEpochMilli(clock.millis());
    expiresAt.ifPresent(expiry -> checkExpiry(expiry, now));
    String secret = OpaqueTokens.generate(PREFIX);
    ApiToken token =
        new ApiToken(
            OpaqueTokens.shortId("tok_"), trimmed, scope, now, expiresAt, Optional.empty());
    database.write(
        handle ->
            handle
                .createUpdate(
                    "INSERT INTO api_tokens"
                        + " (id, user_id, name, token_hash, scope, created_at, expires_at)"
                        + " VALUES (:id, :userId, :name, :hash, :scope, :createdAt, :expiresAt)")
                .bind("id", token.id())
                .bind("userId", userId)
                .bind("name", token.name())
                .bind("hash", OpaqueTokens.hash(secret))
                .bind("scope", scope.wire())
                .bind("createdAt", now.toEpochMilli())
                .bind("expiresAt", expiresAt.map(Instant::toEpochMilli).orElse(null))
                .execute());
    return new ApiToken.Created(token, secret);
  }

  private static void checkExpiry(Instant expiry, Instant now) {
    if (!expiry.isAfter(now)) {
      throw new InvalidInputException("expiresAt", "expiresAt must be in the future");
    }
    if (expiry.isAfter(now.plus(MAX_LIFETIME))) {
      throw new InvalidInputException(
          "expiresAt", "expiresAt must be at most " + MAX_LIFETIME.toDays() + " days from now");
    }
  }

  /** The user's tokens that are not revoked (expired ones included), newest first. */
  public List<ApiToken> list(long userId) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT id, name, scope, created_at, expires_at, last_used_at"
                            + " FROM api_tokens WHERE user_id = :userId AND revoked_at IS NULL"
                            + " ORDER BY created_at DESC, id DESC")
                    .bind("userId", userId)
                    .map(ApiTokens::token)
                    .list());
  }

  /** Revokes one of the user's tokens; another user's token is "not found". */
  public void revoke(long userId, String tokenId) {
    int changed =
        database.write(
            handle ->
                handle
                    .createUpdate(
                        "UPDATE api_tokens SET revoked_at = :now"
                            + " WHERE id = :id AND user_id = :userId AND revoked_at IS NULL")
                    .bind("now", clock.millis())
                    .bind("id", tokenId)
                    .bind("userId", userId)
                    .execute());
    if (changed == 0) {
      throw new NotFoundException("token", tokenId);
    }
  }

  /** A token that is neither revoked nor expired; records its use at most once a minute. */
  public Optional<ApiToken.Verified> authenticate(String secret) {
    if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 200) {
      return Optional.empty();
    }
    String hash = OpaqueTokens.hash(secret);
    long now = clock.millis();
    Optional<Use> use =
        database
            .jdbi()
            .withHandle(
                handle ->
                    handle
                        .createQuery(
                            "SELECT user_id, scope, expires_at, last_used_at FROM api_tokens"
                                + " WHERE token_hash = :hash AND revoked_at IS NULL"
                                + " AND (expires_at IS NULL OR expires_at > :now)")
                        .bind("hash", hash)
                        .bind("now", now)
                        .map(ApiTokens::use)
                        .findOne());
    long stale = now - LAST_USED_PRECISION.toMillis();
    if (use.isPresent()
        && use.get().lastUsedAt().map(last -> last.toEpochMilli() <= stale).orElse(true)) {
      // Requests that all read the old value race here; the guard lets one of them write.
      database.write(
          handle ->
              handle
                  .createUpdate(
                      "UPDATE api_tokens SET last_used_at = :now WHERE token_hash = :hash"
                          + " AND (last_used_at IS NULL OR last_used_at <= :stale)")
                  .bind("now", now)
                  .bind("hash", hash)
                  .bind("stale", stale)
                  .execute());
    }
    return use.map(Use::verified);
  }

  private record Use(ApiToken.Verified verified, Optional<Instant> lastUsedAt) {}

  private static Use use(ResultSet row, StatementContext context) throws SQLException {
    return new Use(
        new ApiToken.Verified(row.getLong("user_id"), scope(row), instant(row, "expires_at")),
        instant(row, "last_used_at"));
  }

  private static ApiToken token(ResultSet row, StatementContext context) throws SQLException {
    return new ApiToken(
        row.getString("id"),
        row.getString("name"),
        scope(row),
        Instant.ofEpochMilli(row.getLong("created_at")),
        instant(row, "expires_at"),
        instant(row, "last_used_at"));
  }

  /** A value the schema does not know can only be narrower than it meant: read. */
  private static Scope scope(ResultSet row) throws SQLException {
    return Scope.parse(row.getString("scope")).orElse(Scope.READ);
  }

  private static Optional<Instant> instant(ResultSet row, String column) throws SQLException {
    long millis = row.getLong(column);
    return row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }
}
