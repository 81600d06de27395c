package dev.dockhand.web;

import dev.dockhand.auth.Scope;
import dev.dockhand.auth.User;
import java.time.Instant;
import java.util.Optional;

/**
 * Who is calling, what their credential lets them do, and how they proved it: a session cookie
 * (which a browser attaches on its own, so cross-site checks apply; it acts as write, or admin for
 * an admin) or a bearer token (which only code that holds it can send; it acts with its scope).
 * {@code expiresAt} is the token's expiry, if it has one.
 */
record Caller(User user, Scope scope, Optional<Instant> expiresAt, boolean viaCookie) {
  long userId() {
    return user.id();
  }

  /** True when the caller may read every user's tasks and use the admin routes. */
  boolean admin() {
    return scope == Scope.ADMIN;
  }
}
