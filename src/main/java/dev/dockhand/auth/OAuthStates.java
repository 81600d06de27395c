package dev.dockhand.auth;

import dev.dockhand.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Logins in flight: the OAuth {@code state} (stored hashed), its PKCE verifier and the hash of the
 * nonce in the cookie of the browser that began it, usable once and only for a few minutes.
 * Thread-safe; a state raced by two callbacks is won by one.
 */
final class OAuthStates {
  static final Duration LIFETIME = Duration.ofMinutes(10);

  private final Database database;
  private final Clock clock;

  OAuthStates(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /** A login begun: its verifier, and the SHA-256 of its browser's nonce (null for old rows). */
  record Pending(String codeVerifier, String browserHash) {}

  void save(String state, String codeVerifier, String browserHash) {
    long now = clock.millis();
    database.write(
        handle -> {
          handle
              .createUpdate("DELETE FROM oauth_states WHERE expires_at < :now")
              .bind("now", now)
              .execute();
          return handle
              .createUpdate(
                  "INSERT INTO oauth_states"
                      + " (state_hash, code_verifier, browser_hash, created_at, expires_at)"
                      + " VALUES (:hash, :verifier, :browser, :now, :expires)")
              .bind("hash", OpaqueTokens.hash(state))
              .bind("verifier", codeVerifier)
              .bind("browser", browserHash)
              .bind("now", now)
              .bind("expires", now + LIFETIME.toMillis())
              .execute();
        });
  }

  /** What was saved with {@code state}, if it is live; the state is spent either way. */
  Optional<Pending> consume(String state) {
    if (state == null || state.isEmpty() || state.length() > 200) {
      return Optional.empty();
    }
    String hash = OpaqueTokens.hash(state);
    return database.write(
        handle -> {
          Optional<Pending> pending =
              handle
                  .createQuery(
                      "SELECT code_verifier, browser_hash FROM oauth_states"
                          + " WHERE state_hash = :hash AND expires_at > :now")
                  .bind("hash", hash)
                  .bind("now", clock.millis())
                  .map(
                      (row, ctx) ->
                          new Pending(
                              row.getString("code_verifier"), row.getString("browser_hash")))
                  .findOne();
          int deleted =
              handle
                  .createUpdate("DELETE FROM oauth_states WHERE state_hash = :hash")
                  .bind("hash", hash)
                  .execute();
          return deleted == 1 ? pending : Optional.empty();
        });
  }
}
