package dev.dockhand;

/**
 * The one unchecked base exception. {@code code} is a stable machine-readable name (it reaches API
 * clients and task errors); {@code retryable} tells the queue whether a task that failed with it
 * may run again. Messages must never contain a secret.
 */
public class DockhandException extends RuntimeException {
  private final String code;
  private final boolean retryable;

  public DockhandException(String code, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.retryable = retryable;
  }

  public DockhandException(String code, String message) {
    this(code, message, false, null);
  }

  public String code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }
}
