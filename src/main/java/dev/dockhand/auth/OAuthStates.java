package dev.dockhand.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import dev.dockhand.store.Database;

/**
 * Logins in flight: the OAuth {@code state} (stored hashed) and its PKCE verifier, usable once
 * and only for a few minutes. Thread-safe; a state raced by two callbacks is won by one.
 */
final class OAuthStates {
  static final Duration LIFETIME = Duration.ofMinutes(10);

  private final Database database;
  private final Clock clock;

  OAuthStates(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  void save(String state, String codeVerifier) {
    long now = clock.millis();
    database.write(
        handle -> {
          handle
              .createUpdate("DELETE FROM oauth_states WHERE expires_at < :now")
              .bind("now", now)
              .execute();
          return handle
              .createUpdate(
                  "INSERT INTO oauth_states (state_hash, code_verifier, created_at, expires_at)"
                      + " VALUES (:hash, :verifier, :now, :expires)")
              .bind("hash", OpaqueTokens.hash(state))
              .bind("verifier", codeVerifier)
              .bind("now", now)
              .bind("expires", now + LIFETIME.toMillis())
              .execute();
        });
  }

  /** The verifier saved with {@code state}, if it is live; the state is spent either way. */
  Optional<String> consume(String state) {
    if (state == null || state.isEmpty() || state.length() > 200) {
      return Optional.empty();
    }
    String hash = OpaqueTokens.hash(state);
    return database.write(
        handle -> {
          Optional<String> verifier =
              handle
                  .createQuery(
                      "SELECT code_verifier FROM oauth_states WHERE state_hash = :hash AND expires_at > :now")
                  .bind("hash", hash)
                  .bind("now", clock.millis())
                  .mapTo(String.class)
                  .findOne();
          int deleted =
              handle
                  .createUpdate("DELETE FROM oauth_states WHERE state_hash = :hash")
                  .bind("hash", hash)
                  .execute();
          return deleted == 1 ? verifier : Optional.empty();
        });
  }
}
