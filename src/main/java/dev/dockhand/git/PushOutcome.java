package dev.dockhand.git;

import org.eclipse.jgit.transport.RemoteRefUpdate;

/** Reads the server's verdict on one pushed ref. Stateless. */
final class PushOutcome {
  private static final int MAX_REASON = 300;

  private PushOutcome() {}

  static void check(RemoteRefUpdate update, String branch, String serverMessages) {
    if (update == null) {
      throw GitException.pushRejected(branch, "the server did not report on the branch");
    }
    switch (update.getStatus()) {
      case OK, UP_TO_DATE -> {}
      case REJECTED_NONFASTFORWARD -> throw GitException.pushRejected(branch, "not a fast-forward");
      case REJECTED_NODELETE,
          NON_EXISTING,
          REJECTED_REMOTE_CHANGED,
          NOT_ATTEMPTED,
          AWAITING_REPORT,
          REJECTED_OTHER_REASON ->
          throw GitException.pushRejected(branch, reason(update, serverMessages));
    }
  }

  /** What the server said: its status text and any {@code remote:} lines from its hooks. */
  private static String reason(RemoteRefUpdate update, String serverMessages) {
    StringBuilder reason = new StringBuilder();
    if (update.getMessage() != null) {
      reason.append(update.getMessage());
    } else {
      reason.append(update.getStatus().name().toLowerCase().replace('_', ' '));
    }
    if (serverMessages != null && !serverMessages.isBlank()) {
      reason.append(" (").append(serverMessages.strip()).append(')');
    }
    String printable = reason.toString().replaceAll("[\\p{Cntrl}&&[^\n]]", "").replace('\n', ' ');
    return printable.length() <= MAX_REASON ? printable : printable.substring(0, MAX_REASON) + "…";
  }
}
