package dev.dockhand.auth;

import java.util.Optional;

/**
 * A person who can sign in: {@code login} is their GitHub login (for the local-mode user, whom
 * {@code local} marks, a name of its own). A {@code disabled} user's sessions and tokens are
 * refused.
 */
public record User(
    long id,
    String login,
    Optional<String> name,
    Optional<String> avatarUrl,
    boolean local,
    boolean disabled) {

  /** The name for commit trailers and greetings: the display name, else the login. */
  public String displayName() {
    return name.filter(value -> !value.isBlank()).orElse(login);
  }
}
