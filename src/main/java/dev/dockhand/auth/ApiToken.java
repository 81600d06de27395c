package dev.dockhand.auth;

import java.time.Instant;
import java.util.Optional;

/** A personal API token as listed: never the token itself, which is shown once at creation. */
public record ApiToken(
    String id,
    String name,
    Scope scope,
    Instant createdAt,
    Optional<Instant> expiresAt,
    Optional<Instant> lastUsedAt) {

  /** A new token and its secret value, which exists only in this object and the response. */
  public record Created(ApiToken token, String secret) {}

  /** A live token that was presented: whose it is, its scope as stored, and its expiry. */
  public record Verified(long userId, Scope scope, Optional<Instant> expiresAt) {}
}
