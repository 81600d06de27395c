package dev.dockhand;

/** A request that contradicts the current state (HTTP 409). */
public class ConflictException extends DockhandException {
  public ConflictException(String message) {
    super("conflict", message);
  }
}
