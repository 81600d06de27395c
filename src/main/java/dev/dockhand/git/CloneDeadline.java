package dev.dockhand.git;

import java.time.Duration;
import org.eclipse.jgit.lib.ProgressMonitor;

/**
 * The overall deadline of one clone. JGit asks {@link #isCancelled()} between objects while it
 * receives and indexes a pack, and each network call's timeout is cut to the time that is left, so
 * a server that is slow or stalls cannot hold a task past the deadline by more than one network
 * timeout's rounding. Used by one clone on one thread.
 */
final class CloneDeadline implements ProgressMonitor {
  private final Duration limit;
  private final long endNanos;

  private CloneDeadline(Duration limit) {
    this.limit = limit;
    this.endNanos = System.nanoTime() + limit.toNanos();
  }

  static CloneDeadline start(Duration limit) {
    return new CloneDeadline(limit);
  }

  boolean passed() {
    return System.nanoTime() - endNanos >= 0;
  }

  GitException exceeded() {
    return GitException.cloneTimeout(limit);
  }

  /** The network timeout for the next call: what is left, at most the usual timeout. */
  int timeoutSeconds() {
    if (passed()) {
      throw exceeded();
    }
    long left = Math.ceilDiv(endNanos - System.nanoTime(), 1_000_000_000L);
    return (int) Math.max(1, Math.min(GitWorkspace.NETWORK_TIMEOUT_SECONDS, left));
  }

  @Override
  public boolean isCancelled() {
    return passed();
  }

  @Override
  public void start(int totalTasks) {}

  @Override
  public void beginTask(String title, int totalWork) {}

  @Override
  public void update(int completed) {}

  @Override
  public void endTask() {}

  @Override
  public void showDuration(boolean enabled) {}
}
