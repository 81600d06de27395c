package dev.dockhand.auth;

import dev.dockhand.InvalidInputException;
import dev.dockhand.NotFoundException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import dev.dockhand.store.Database;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Personal API tokens ({@code dh_} + 256 random bits), stored as SHA-256 hashes. Thread-safe.
 */
public final class ApiTokens {
  public static final String PREFIX = "dh_";
  private static final int MAX_NAME = 100;
  // Recording every use would make each API call a write; a minute's precision is plenty.
  private static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);

  private final Database database;
  private final Clock clock;

  public ApiTokens(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  public ApiToken.Created create(long userId, String name) {
    String trimmed = name == null ? "" : name.strip();
    if (trimmed.isEmpty() || trimmed.length() > MAX_NAME || trimmed.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException("name", "must be 1-" + MAX_NAME + " printable characters");
    }
    String secret = OpaqueTokens.generate(PREFIX);
    ApiToken token =
        new ApiToken(OpaqueTokens.shortId("tok_"), trimmed, Instant.ofEpochMilli(clock.millis()), Optional.empty());
    database.write(
        handle ->
            handle
                .createUpdate(
                    "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at)"
                        + " VALUES (:id, :userId, :name, :hash, :createdAt)")
                .bind("id", token.id())
                .bind("userId", userId)
                .bind("name", token.name())
                .bind("hash", OpaqueTokens.hash(secret))
                .bind("createdAt", token.createdAt().toEpochMilli())
                .execute());
    return new ApiToken.Created(token, secret);
  }

  /** The user's tokens that are not revoked, newest first. */
  public List<ApiToken> list(long userId) {
    return database
        .jdbi()
        .withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT id, name, created_at, last_used_at FROM api_tokens"
                        + " WHERE user_id = :userId AND revoked_at IS NULL"
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

  /** The user a live token belongs to. */
  public Optional<Long> authenticate(String secret) {
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
                            "SELECT user_id, last_used_at FROM api_tokens"
                                + " WHERE token_hash = :hash AND revoked_at IS NULL")
                        .bind("hash", hash)
                        .map((row, ctx) -> new Use(row.getLong("user_id"), row.getLong("last_used_at")))
                        .findOne());
    if (use.isPresent() && use.get().lastUsedAt() < now - LAST_USED_PRECISION.toMillis()) {
      database.write(
          handle ->
              handle
                  .createUpdate("UPDATE api_tokens SET last_used_at = :now WHERE token_hash = :hash")
                  .bind("now", now)
                  .bind("hash", hash)
                  .execute());
    }
    return use.map(Use::userId);
  }

  private record Use(long userId, long lastUsedAt) {}

  private static ApiToken token(ResultSet row, StatementContext context) throws SQLException {
    long lastUsed = row.getLong("last_used_at");
    return new ApiToken(
        row.getString("id"),
        row.getString("name"),
        Instant.ofEpochMilli(row.getLong("created_at")),
        row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastUsed)));
  }
}
