package dev.dockhand.git;

import java.io.IOException;
import java.util.Optional;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.internal.JGitText;

/**
 * Turns JGit's transport failures into {@link GitException}s. JGit reports HTTP 401 and 403 only as
 * message text, so those are recognised by JGit's own message templates. JGit's messages carry the
 * remote URL, which never holds the token, but none of them is passed on verbatim. Stateless.
 */
final class TransportErrors {
  private TransportErrors() {}

  static GitException translate(Throwable failure, RepoUrl repo, Optional<String> branch) {
    if (causeOf(failure, NoRemoteRepositoryException.class)) {
      return GitException.repoNotFound(repo);
    }
    String messages = messages(failure);
    JGitText text = JGitText.get();
    if (containsAny(
        messages,
        text.notAuthorized,
        text.noCredentialsProvider,
        text.authenticationNotSupported,
        template(text.serviceNotPermitted))) {
      return GitException.auth(repo.hostAndPort());
    }
    if (branch.isPresent()
        && containsAny(
            messages, template(text.remoteBranchNotFound), template(text.remoteDoesNotHaveSpec))) {
      return GitException.branchNotFound(repo, branch.get());
    }
    if (failure instanceof TransportException
        || failure instanceof org.eclipse.jgit.errors.TransportException
        || causeOf(failure, IOException.class)) {
      return GitException.network(repo.hostAndPort(), networkDetail(failure));
    }
    return GitException.workspace("git failed (" + failure.getClass().getSimpleName() + ")");
  }

  /**
   * Whether the disk filled up. The task's disk is what bounds a repository's size, and JGit
   * reports ENOSPC only as text, wrapped in whatever operation was writing.
   */
  static boolean noSpace(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && message.contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  private static String networkDetail(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.UnknownHostException) {
        return "unknown host";
      }
      if (cause instanceof java.net.ConnectException) {
        return "connection refused";
      }
      if (cause instanceof java.net.SocketTimeoutException) {
        return "timed out";
      }
      if (cause instanceof javax.net.ssl.SSLException) {
        return "TLS failure";
      }
    }
    return "the connection failed";
  }

  /** The fixed part of a JGit message template, up to its first placeholder or quote. */
  private static String template(String pattern) {
    String fixed = pattern.replaceAll("''?\\{[0-9]\\}''?", "\u0000");
    String longest = "";
    for (String part : fixed.split("\u0000")) {
      if (part.strip().length() > longest.length()) {
        longest = part.strip();
      }
    }
    return longest;
  }

  private static boolean containsAny(String haystack, String... needles) {
    for (String needle : needles) {
      if (!needle.isEmpty() && haystack.contains(needle)) {
        return true;
      }
    }
    return false;
  }

  private static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      all.append(cause.getMessage()).append('\n');
    }
    return all.toString();
  }

  private static boolean causeOf(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }
}
