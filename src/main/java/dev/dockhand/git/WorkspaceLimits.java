package dev.dockhand.git;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on one task's git work, so that a huge, slow or deep repository or workspace ends the task
 * with a clear reason, in bounded time and memory, instead of wearing the coordinator down. Disk is
 * bounded elsewhere: the repository and the worktree live on the task's own disk, and a full disk
 * is reported as such. Immutable.
 *
 * @param cloneDeadline how long listing the server's branches and fetching may take in all
 * @param maxDepth how many directories deep the committed worktree may go (a file directly in the
 *     worktree is at depth 0)
 * @param maxPathBytes bytes (UTF-8) in one path relative to the worktree, and in one link target
 * @param maxEntries files, links and directories the commit looks at; a directory that is ignored
 *     and holds nothing tracked is not entered, so its content does not count
 * @param maxFileBytes bytes in one committed file (GitHub refuses files over 100 MB)
 * @param maxTotalBytes bytes of all committed files and links together
 */
public record WorkspaceLimits(
    Duration cloneDeadline,
    int maxDepth,
    int maxPathBytes,
    int maxEntries,
    long maxFileBytes,
    long maxTotalBytes) {

  /** Ten minutes to clone; 256 levels, 4096-byte paths, 500,000 entries, 100 MiB, 4 GiB. */
  public static final WorkspaceLimits DEFAULT =
      new WorkspaceLimits(Duration.ofMinutes(10), 256, 4096, 500_000, 100L << 20, 4L << 30);

  public WorkspaceLimits {
    Objects.requireNonNull(cloneDeadline, "cloneDeadline");
    if (cloneDeadline.isNegative()
        || maxDepth < 1
        || maxPathBytes < 1
        || maxEntries < 1
        || maxFileBytes < 0
        || maxTotalBytes < 0) {
      throw new IllegalArgumentException("workspace limits must be positive");
    }
  }

  /** The task disk's size is a natural bound for the bytes a commit can hold. */
  public WorkspaceLimits withMaxTotalBytes(long bytes) {
    return new WorkspaceLimits(
        cloneDeadline, maxDepth, maxPathBytes, maxEntries, maxFileBytes, bytes);
  }
}
