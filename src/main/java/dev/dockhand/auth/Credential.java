package dev.dockhand.auth;

import java.time.Instant;
import java.util.Optional;

/**
 * A caller the server recognised: who they are, what this credential lets them do (never more than
 * the user may: {@link Auth#widestScope(User)}), and when it stops working, if it does.
 */
public record Credential(User user, Scope scope, Optional<Instant> expiresAt) {}
