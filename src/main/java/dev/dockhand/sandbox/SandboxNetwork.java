package dev.dockhand.sandbox;

import dev.dockhand.config.ConfigException;
import java.util.Locale;

/** What network a task container has ({@code DOCKHAND_SANDBOX_NETWORK}). */
public enum SandboxNetwork {
  /**
   * Loopback only; the one way out is the egress proxy, reached through a mounted Unix socket and
   * allowing only the hosts on the allowlist. The default.
   */
  ALLOWLIST,
  /** Loopback only, and no proxy: nothing leaves the container. */
  NONE,
  /**
   * Docker's default bridge: the container reaches other containers, the host's services and the
   * internet. Only an operator's explicit choice, warned about at start.
   */
  OPEN;

  public static SandboxNetwork parse(String value) {
    try {
      return valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "DOCKHAND_SANDBOX_NETWORK", "must be allowlist, none or open, not '" + value + "'");
    }
  }

  /** The engine's network mode for this choice. */
  String dockerMode() {
    return this == OPEN ? "bridge" : "none";
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
