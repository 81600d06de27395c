package dev.dockhand.auth;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a credential lets its holder do; each scope includes the ones before it. {@code read} may
 * only look (HTTP GET and HEAD, WebSocket subscriptions), {@code write} may also submit, cancel and
 * follow up, {@code admin} may also use the admin routes and read every user's tasks.
 */
public enum Scope {
  READ,
  WRITE,
  ADMIN;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Scope> parse(String wire) {
    return Arrays.stream(values()).filter(scope -> scope.wire().equals(wire)).findFirst();
  }

  /** True when this scope allows everything {@code other} does. */
  public boolean covers(Scope other) {
    return compareTo(other) >= 0;
  }

  /** The narrower of the two. */
  public Scope narrowest(Scope other) {
    return covers(other) ? other : this;
  }
}
