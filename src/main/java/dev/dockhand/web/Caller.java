package dev.dockhand.web;

import dev.dockhand.auth.User;

/**
 * Who is calling, and how they proved it: a session cookie (which a browser attaches on its own,
 * so cross-site checks apply) or a bearer token (which only code that holds it can send).
 */
record Caller(User user, boolean viaCookie) {
  long userId() {
    return user.id();
  }
}
