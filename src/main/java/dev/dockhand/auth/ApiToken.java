package dev.dockhand.auth;

import java.time.Instant;
import java.util.Optional;

/** A personal API token as listed: never the token itself, which is shown once at creation. */
public record ApiToken(String id, String name, Instant createdAt, Optional<Instant> lastUsedAt) {

  /** A new token and its secret value, which exists only in this object and the response. */
  public record Created(ApiToken token, String secret) {}
}
