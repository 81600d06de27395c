package dev.dockhand.cli;

import dev.dockhand.DockhandException;

/** A client-side failure reported to the person as one line. */
public class CliException extends DockhandException {
  public CliException(String message) {
    super("cli", message);
  }
}
