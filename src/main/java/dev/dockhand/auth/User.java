package dev.dockhand.auth;

import java.util.Optional;

/** A person who can sign in; {@code login} is their GitHub login, or {@code local}. */
public record User(long id, String login, Optional<String> name, Optional<String> avatarUrl) {

  /** The name for commit trailers and greetings: the display name, else the login. */
  public String displayName() {
    return name.filter(value -> !value.isBlank()).orElse(login);
  }
}
