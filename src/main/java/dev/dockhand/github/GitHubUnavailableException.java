package dev.dockhand.github;

import dev.dockhand.DockhandException;

/**
 * GitHub gave no answer to read: the network failed, the time limit passed, the thread was
 * interrupted, or the answer was larger than {@link GitHubClient#MAX_BODY_BYTES}. Worth asking
 * again later. The message names what happened, never the token or the request's headers.
 */
public final class GitHubUnavailableException extends DockhandException {
  GitHubUnavailableException(String message, Throwable cause) {
    super("github_unavailable", message, true, cause);
  }
}
