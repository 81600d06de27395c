package dev.dockhand.auth;

import dev.dockhand.DockhandException;

/**
 * A GitHub sign-in by someone the allowlist does not let in. Nothing about them is kept: no user
 * row, no token. {@code login} is GitHub's, for the page that tells them who to ask.
 */
public class NotAllowedException extends DockhandException {
  private final String login;

  NotAllowedException(String login) {
    super("not_allowed", "the GitHub account @" + login + " is not allowed on this server");
    this.login = login;
  }

  public String login() {
    return login;
  }
}
