package dev.dockhand.sandbox;

import dev.dockhand.DockhandException;

/**
 * The sandbox could not do its job: the Docker engine is unreachable, the worker image is missing,
 * or a container would not start. Retryable unless the cause is this host's configuration, since
 * the engine coming back (or the image being built) lets the same task run. Messages name the image
 * or the engine address, never a secret.
 */
public class SandboxException extends DockhandException {
  public static final String CODE = "sandbox_unavailable";

  public SandboxException(String message, Throwable cause) {
    super(CODE, message, true, cause);
  }

  public SandboxException(String message, boolean retryable, Throwable cause) {
    super(CODE, message, retryable, cause);
  }

  static SandboxException engineUnreachable(String dockerHost, Throwable cause) {
    return new SandboxException(
        "Docker engine unreachable at " + dockerHost + " (" + rootMessage(cause) + ")", cause);
  }

  static SandboxException imageMissing(String image) {
    return new SandboxException(
        "worker image " + image + " is missing; build it with `dockhand worker-image build`", null);
  }

  static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
