package dev.dockhand.auth;

import dev.dockhand.DockhandException;

/**
 * A GitHub login that cannot complete: a forged, replayed or expired state, a refused code, or
 * GitHub unreachable ({@code upstream} true). The message never contains a secret.
 */
public class LoginFailedException extends DockhandException {
  private final boolean upstream;

  public LoginFailedException(String message, boolean upstream) {
    super(upstream ? "upstream_unavailable" : "login_failed", message);
    this.upstream = upstream;
  }

  public boolean upstream() {
    return upstream;
  }
}
