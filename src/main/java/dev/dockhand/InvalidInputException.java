package dev.dockhand;

/** Input that breaks a rule; {@code field} names the offending field (HTTP 400). */
public class InvalidInputException extends DockhandException {
  private final String field;

  public InvalidInputException(String field, String message) {
    super("invalid", message, false, null);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
