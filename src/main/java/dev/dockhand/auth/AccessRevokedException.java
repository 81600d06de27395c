package dev.dockhand.auth;

import dev.dockhand.DockhandException;

/**
 * A session or token whose GitHub user no longer passes the allowlist at a recheck (answered 401:
 * they must sign in again), or whose access could not be confirmed because GitHub has not answered
 * for too long ({@code retryable}, answered 503). The message never contains a secret.
 */
public class AccessRevokedException extends DockhandException {
  private AccessRevokedException(String code, String message, boolean retryable) {
    super(code, message, retryable, null);
  }

  static AccessRevokedException signInAgain(String reason) {
    return new AccessRevokedException("access_revoked", reason + "; sign in again", false);
  }

  /** Access that ended for good, said without the advice to sign in again (for a task's owner). */
  static AccessRevokedException ended(String reason) {
    return new AccessRevokedException("access_revoked", reason, false);
  }

  static AccessRevokedException unconfirmed() {
    return new AccessRevokedException(
        "upstream_unavailable",
        "GitHub has not answered whether you may still use this server; try again later",
        true);
  }
}
