package dev.dockhand.auth;

import java.util.Optional;

/** What GitHub's {@code GET /user} says about the person who just signed in. */
public record GitHubUser(long id, String login, Optional<String> name, Optional<String> avatarUrl) {}
