package dev.dockhand.config;

import dev.dockhand.DockhandException;

/** A configuration value that is missing or malformed; the message names the key. */
public class ConfigException extends DockhandException {
  private final String key;

  public ConfigException(String key, String problem) {
    super("config", key + ": " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
